/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * Network counters: the workers' per-network counters (core/datapath.h)
 * less the baseline taken when the network was added or at the last
 * `stats clear`; `network show stats [NETWORK]` shows them, the `networks`
 * section of `stats` carries them too.
 */
#include "control/cmd.h"
#include "core/event.h"
#include "core/workers.h"
#include "l2/network.h"

void network_counters(const struct network *n, struct net_counters *c)
{
	workers_network_counters(n->index, c);
	uint64_t *dst = (uint64_t *)c;
	const uint64_t *base = (const uint64_t *)&n->baseline;
	for (size_t k = 0; k < sizeof(*c) / sizeof(uint64_t); k++)
		dst[k] -= base[k];
}

json_t *network_counters_to_json(const struct network *n)
{
	struct net_counters c;
	json_t *drops = json_object();

	network_counters(n, &c);
	for (unsigned r = 0; r < DROP_MAX; r++)
		if (c.drops[r] != 0)
			json_object_set_new(drops, drop_reason_name(r), json_integer(c.drops[r]));
	return json_pack("{s:I, s:I, s:I, s:I, s:I, s:o}", "rx_packets", (json_int_t)c.rx_packets,
			"rx_bytes", (json_int_t)c.rx_bytes, "tx_packets", (json_int_t)c.tx_packets,
			"tx_bytes", (json_int_t)c.tx_bytes, "flooded", (json_int_t)c.flooded,
			"dropped", drops);
}

static int network_show_stats_cmd(const struct cmd_args *a, struct cmd_reply *r)
{
	const char *name = cmd_arg(a, "NETWORK");
	const struct network *only = name != NULL ? network_find(name) : NULL;

	if (name != NULL && only == NULL)
		return cmd_error(r, ENOENT, "no network named %s", name);
	r->result = json_object();
	for (uint16_t i = 0; i < network_capacity(); i++) {
		const struct network *n = network_by_index(i);
		if (n != NULL && (only == NULL || n == only))
			json_object_set_new(r->result, n->name, network_counters_to_json(n));
	}
	return 0;
}
NFVA_CMD_RO(network_show_stats_cmd, "network show stats [NETWORK]",
		"traffic of every network (or NETWORK): rx, tx, flooded, drops by reason")

static int network_stats_clear(const struct nfva_event *ev)
{
	(void)ev;
	for (uint16_t i = 0; i < network_capacity(); i++) {
		struct network *n = network_by_index(i);
		if (n != NULL)
			workers_network_counters(i, &n->baseline);
	}
	return 0;
}
EVENT_SUBSCRIBE(EVENT_STATS_CLEAR, network_stats_clear)
