/* SPDX-License-Identifier: BSD-3-Clause */
/* mirror show: sessions with their destination, counters and offload state. */
#include <arpa/inet.h>
#include <string.h>

#include "control/cmd.h"
#include "ports/port.h"
#include "core/workers.h"
#include "mirror/mirror.h"
#include "overlay/vtep_id.h"

static const char *port_name(uint16_t i)
{
	const struct port *p = port_by_index(i);
	return p != NULL ? p->name : "?";
}

static json_t *dest_json(const struct mirror_session *s)
{
	char ip[NFVA_IP_STRLEN];
	if (s->dest == DP_MIRROR_PORT)
		return json_pack("{s:s, s:s}", "kind", "port", "port", port_name(s->dest_port));
	vtep_id_format(s->dest_ip, ip, sizeof(ip));
	if (s->dest == DP_MIRROR_VXLAN)
		return json_pack("{s:s, s:s, s:i}", "kind", "vxlan", "ip", ip, "vni",
				(int)s->overlay.vni);
	return json_pack("{s:s, s:s, s:i, s:i, s:i}", "kind", "erspan", "ip", ip, "session",
			(int)s->overlay.vni, "version", s->erspan_version, "hw_id",
			s->overlay.erspan_hw_id);
}

/* mirrored: copies made by the slow path plus those the e-switch made. */
static json_t *counters_json(const struct mirror_session *s, const struct mirror_hw_state *o)
{
	struct mirror_counters c;
	workers_mirror_counters(s->index, &c);
	uint64_t eswitch = o->copies - s->eswitch_baseline;
	return json_pack("{s:I, s:I, s:I, s:I, s:I}", "mirrored",
			(json_int_t)(c.mirrored - s->baseline.mirrored + eswitch),
			"mirrored_eswitch", (json_int_t)eswitch, "filtered_out",
			(json_int_t)(c.filtered - s->baseline.filtered), "sampled_out",
			(json_int_t)(c.sampled_out - s->baseline.sampled_out), "dropped",
			(json_int_t)(c.dropped - s->baseline.dropped));
}

/* How the session's copies are made for flows the e-switch carries. */
static json_t *offload_json(const struct mirror_hw_state *o)
{
	return json_pack("{s:i, s:i}", "rules_sample", (int)o->rules_eswitch,
			"rules_copies_in_software", (int)o->rules_software_copies);
}

static json_t *session_json(const struct mirror_session *s)
{
	static const char *const dirs[] = { "", "in", "out", "both" };
	json_t *sources = json_array();
	struct mirror_hw_state o;

	mirror_hw(s->index, &o);
	for (unsigned k = 0; k < s->n_sources; k++)
		json_array_append_new(sources, json_string(port_name(s->sources[k])));
	return json_pack("{s:s, s:o, s:s, s:o, s:i, s:i, s:b, s:o, s:o, s:o}", "name", s->name,
			"sources", sources, "direction", dirs[s->directions], "filter",
			s->filter_text[0] ? json_string(s->filter_text) : json_null(), "sample",
			(int)s->sample_n, "snaplen", (int)s->snaplen, "external", s->external, "to",
			dest_json(s), "counters", counters_json(s, &o), "offload",
			offload_json(&o));
}

static int mirror_show_cmd(const struct cmd_args *a, struct cmd_reply *r)
{
	const char *name = cmd_arg(a, "NAME");
	if (name != NULL && mirror_find(name) == NULL)
		return cmd_error(r, ENOENT, "no mirror named %s", name);
	json_t *list = json_array();
	for (unsigned i = 0; i < NFVA_MAX_MIRRORS; i++) {
		const struct mirror_session *s = mirror_by_index(i);
		if (s != NULL && (name == NULL || strcmp(name, s->name) == 0))
			json_array_append_new(list, session_json(s));
	}
	r->result = list;
	return 0;
}
NFVA_CMD_RO(mirror_show_cmd, "mirror show [NAME]", "sessions, destinations and their counters")
