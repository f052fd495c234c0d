/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * trace add PORT N | trace show | trace clear: the packet trace's commands
 * (the records are made by the workers, slowpath/trace.h). `trace show`
 * tells, for each frame, what it was, the path it took through the stages
 * with each stage's decision, and what became of it: dropped (reason,
 * port), sent (each output decoded: tag, encapsulation, destination), or
 * consumed by the control thread.
 */
#include <arpa/inet.h>
#include <stdio.h>
#include <string.h>

#include "control/cmd.h"
#include "l2/network.h"
#include "observe/observe.h"
#include "ports/port.h"
#include "slowpath/trace.h"
#include "overlay/vtep_id.h"

static const char *port_name(uint16_t index)
{
	const struct port *p = port_by_index(index);
	return p != NULL ? p->name : "(deleted)";
}

static void step_text(char *buf, size_t size, const struct trace_ctx *t,
		const struct trace_step *st)
{
	const struct network *n = network_by_index(st->network);
	const char *net = n != NULL ? n->name : "?";
	char ip[NFVA_IP_STRLEN];
	const char *name = stage_name(st->stage);

	switch (st->stage) {
	case STAGE_ESWITCH:
		snprintf(buf, size, "%s %s", name, st->alive ? "miss" : "hit");
		return;
	case STAGE_UNDERLAY_INPUT:
		vtep_id_format(st->vtep, ip, sizeof(ip));
		if (st->alive)
			snprintf(buf, size, "%s decap from %s into %s", name, ip, net);
		else
			snprintf(buf, size, "%s", name);
		return;
	case STAGE_ETH_INPUT:
		if (st->alive)
			snprintf(buf, size, "%s network %s", name, net);
		else
			snprintf(buf, size, "%s", name);
		return;
	case STAGE_L2_LEARN:
		snprintf(buf, size, "%s %s", name,
				t->learned                          ? "learned"
						: t->moved          ? "moved"
						: t->learn_deferred ? "deferred (fdb busy)"
						: t->learn_refused  ? "refused (limit)"
								    : "known");
		return;
	case STAGE_L2_FORWARD:
		snprintf(buf, size, "%s %s", name, t->flooded ? "flood" : "unicast");
		return;
	case STAGE_LISP:
		snprintf(buf, size, "%s %s", name, st->alive ? "not lisp" : "routed");
		return;
	default:
		snprintf(buf, size, "%s", name);
	}
}

static json_t *path_json(const struct trace_ctx *t)
{
	char path[1024] = "rx", step[160];
	size_t len = strlen(path);

	for (unsigned i = 0; i < t->n_steps && len < sizeof(path); i++) {
		step_text(step, sizeof(step), t, &t->steps[i]);
		len += snprintf(path + len, sizeof(path) - len, " > %s", step);
	}
	return json_string(path);
}

static json_t *outputs_json(const struct trace_ctx *t)
{
	json_t *list = json_array();
	char summary[512];

	for (unsigned i = 0; i < t->n_out && i < TRACE_MAX_OUT; i++) {
		const struct trace_out *o = &t->out[i];
		observe_frame_summary(o->head, o->head_len, o->len, summary, sizeof(summary));
		json_array_append_new(list,
				json_pack("{s:s, s:i, s:s}", "port", port_name(o->port), "length",
						(int)o->len, "frame", summary));
	}
	return list;
}

static json_t *record_json(const struct trace_ctx *t)
{
	static const char *const verdicts[] = { "sent", "dropped", "consumed" };
	char summary[512];

	observe_frame_summary(t->head, t->head_len, t->len, summary, sizeof(summary));
	json_t *j = json_pack("{s:i, s:s, s:i, s:I, s:s, s:o, s:s}", "worker", t->worker, "port",
			port_name(t->port), "length", (int)t->len, "cycles", (json_int_t)t->cycles,
			"frame", summary, "path", path_json(t), "verdict", verdicts[t->verdict]);
	if (t->dropped) { /* the frame, or one of its flood copies */
		json_object_set_new(j, "drop_reason",
				json_string(drop_reason_name(t->drop_reason)));
		json_object_set_new(j, "drop_port", json_string(port_name(t->drop_port)));
	}
	json_object_set_new(j, "outputs", outputs_json(t));
	if (t->mirror_copies != 0) /* among the outputs */
		json_object_set_new(j, "mirror_copies", json_integer(t->mirror_copies));
	if (t->n_out > TRACE_MAX_OUT)
		json_object_set_new(j, "outputs_not_kept", json_integer(t->n_out - TRACE_MAX_OUT));
	return j;
}

static int trace_add_cmd(const struct cmd_args *a, struct cmd_reply *r)
{
	const struct port *p = port_find(cmd_arg(a, "PORT"));
	uint32_t n = cmd_arg_u32(a, "N", 0);

	if (p == NULL)
		return cmd_error(r, ENOENT, "no port named %s", cmd_arg(a, "PORT"));
	if (n == 0 || n > TRACE_MAX_PACKETS)
		return cmd_error(r, EINVAL, "trace 1 to %d frames", TRACE_MAX_PACKETS);
	int ret = trace_add(p->index, n);
	if (ret == -ENOSPC)
		return cmd_error(r, ENOSPC,
				"the trace buffer holds %d frames: trace clear first, or fewer",
				TRACE_MAX_PACKETS);
	if (ret < 0)
		return cmd_error(r, -ret, "trace add: %s", strerror(-ret));
	return 0;
}
NFVA_CMD(trace_add_cmd, "trace add PORT N",
		"record the next N frames received on PORT through every stage (trace show)")

static int trace_show_cmd(const struct cmd_args *a, struct cmd_reply *r)
{
	struct trace_status s;
	json_t *pending = json_object();

	(void)a;
	trace_status(&s);
	for (uint16_t i = 0; i < NFVA_MAX_PORTS; i++)
		if (s.pending[i] != 0)
			json_object_set_new(pending, port_name(i), json_integer(s.pending[i]));
	r->result = json_pack("{s:i, s:i, s:o}", "recorded", (int)s.recorded, "lost", (int)s.lost,
			"pending", pending);
	for (unsigned i = 0, shown = 0; i < trace_count(); i++) {
		const struct trace_ctx *t = trace_record(i);
		char key[32];
		if (t == NULL)
			continue;
		snprintf(key, sizeof(key), "packet %u", ++shown);
		json_object_set_new(r->result, key, record_json(t));
	}
	return 0;
}
NFVA_CMD_RO(trace_show_cmd, "trace show", "the frames traced so far, stage by stage")

static int trace_clear_cmd(const struct cmd_args *a, struct cmd_reply *r)
{
	(void)a;
	(void)r;
	trace_clear();
	return 0;
}
NFVA_CMD(trace_clear_cmd, "trace clear", "forget the traced frames and stop tracing")
