/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * `stats vteps`: per remote underlay address (VTEP, RLOC, group, ERSPAN
 * sender), the tunnel frames and bytes it sent us and we sent it, and the
 * drops by reason, summed over the workers' bounded tables
 * (core/vtep_stats.h). Also the `vteps` section of `stats`.
 */
#include <arpa/inet.h>
#include <stdlib.h>

#include "control/cmd.h"
#include "control/stats.h"
#include "core/workers.h"
#include "observe/observe.h"
#include "overlay/vtep_id.h"

static json_t *vtep_row(const char *name, const struct vtep_stats *s)
{
	json_t *drops = json_object();

	for (unsigned r = 0; r < DROP_MAX; r++)
		if (s->drops[r] != 0)
			json_object_set_new(drops, drop_reason_name(r), json_integer(s->drops[r]));
	return json_pack("{s:s, s:I, s:I, s:I, s:I, s:o}", "vtep", name, "rx_packets",
			(json_int_t)s->rx_packets, "rx_bytes", (json_int_t)s->rx_bytes,
			"tx_packets", (json_int_t)s->tx_packets, "tx_bytes",
			(json_int_t)s->tx_bytes, "dropped", drops);
}

json_t *observe_vteps_json(void)
{
	struct vtep_stats *rows, other;
	uint64_t overflow;
	unsigned n;

	if (workers_vtep_stats(&rows, &n, &other, &overflow) < 0)
		return json_null();
	json_t *list = json_array();
	for (unsigned i = 0; i < n; i++) {
		char ip[NFVA_IP_STRLEN];
		vtep_id_format(rows[i].ip, ip, sizeof(ip));
		json_array_append_new(list, vtep_row(ip, &rows[i]));
	}
	free(rows);
	/* The table's bound was met: what did not fit, summed. */
	if (overflow != 0)
		json_array_append_new(list, vtep_row("other", &other));
	return json_pack("{s:I, s:i, s:o}", "overflow", (json_int_t)overflow, "slots_per_worker",
			VTEP_STATS_SLOTS, "vteps", list);
}
STATS_SECTION("vteps", observe_vteps_json)

static int stats_vteps_cmd(const struct cmd_args *a, struct cmd_reply *r)
{
	(void)a;
	r->result = observe_vteps_json();
	return 0;
}
NFVA_CMD_RO(stats_vteps_cmd, "stats vteps",
		"per remote VTEP/RLOC: tunnel frames and bytes each way, drops by reason")
