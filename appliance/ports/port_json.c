/* SPDX-License-Identifier: BSD-3-Clause */
/* JSON views of ports: identity, link, and counters (ethdev + appliance). */
#include <rte_ethdev.h>

#include "core/event.h"
#include "ports/port_json.h"

json_t *port_counters_to_json(const struct port *p)
{
	struct port_counters c;
	struct rte_eth_stats eth;
	json_t *drops = json_object();

	port_counters(p, &c, &eth);
	for (unsigned r = 0; r < DROP_MAX; r++)
		if (c.drops[r] != 0)
			json_object_set_new(drops, drop_reason_name(r), json_integer(c.drops[r]));
	return json_pack("{s:I, s:I, s:I, s:I, s:I, s:I, s:I, s:I, s:I, s:I, s:I, s:I, s:I, s:I, "
			 "s:I, s:I, s:o}",
			"rx_packets", (json_int_t)c.rx_packets, "eswitch_packets",
			(json_int_t)c.eswitch_packets, "eswitch_bytes", (json_int_t)c.eswitch_bytes,
			"rx_bytes", (json_int_t)c.rx_bytes, "tx_packets", (json_int_t)c.tx_packets,
			"tx_bytes", (json_int_t)c.tx_bytes, "rx_missed", (json_int_t)eth.imissed,
			"rx_errors", (json_int_t)eth.ierrors, "rx_nombuf",
			(json_int_t)eth.rx_nombuf, "tx_errors", (json_int_t)eth.oerrors, "flooded",
			(json_int_t)c.flooded, "learned", (json_int_t)c.learned, "moved",
			(json_int_t)c.moved, "learn_limit",
			(json_int_t)(c.learn_limit + c.learn_full), "learn_busy",
			(json_int_t)c.learn_busy, "learn_lost", (json_int_t)c.learn_lost, "dropped",
			drops);
}

/* [{queue, worker, pinned}]: where each rx queue is polled. */
static json_t *rxq_json(const struct port *p)
{
	json_t *list = json_array();
	for (uint16_t q = 0; q < p->n_rxq; q++) {
		uint16_t w = port_rxq_worker(p, q);
		json_array_append_new(list,
				json_pack("{s:i, s:o, s:b}", "queue", q, "worker",
						w == NFVA_WORKER_ANY ? json_null()
								     : json_integer(w),
						"pinned", p->rxq_worker[q] != NFVA_WORKER_ANY));
	}
	return list;
}

json_t *port_to_json(const struct port *p)
{
	struct rte_eth_link link = { 0 };
	struct rte_ether_addr mac = { 0 };
	char mac_str[RTE_ETHER_ADDR_FMT_SIZE];

	rte_eth_link_get_nowait(p->ethdev, &link);
	rte_eth_macaddr_get(p->ethdev, &mac);
	rte_ether_format_addr(mac_str, sizeof(mac_str), &mac);
	static const char *const eswitch[] = { "none", "emulated", "nic" };
	const struct port *up = port_by_index(p->vf_of);
	json_t *j = json_pack("{s:s, s:i, s:i, s:s, s:s, s:s, s:i, s:i, s:i, s:I, s:o, s:o}",
			"name", p->name, "index", p->index, "ethdev", p->ethdev, "devargs",
			p->devargs, "mac", mac_str, "link", link.link_status ? "up" : "down",
			"speed", (int)link.link_speed, "mtu", p->mtu, "txq", p->n_txq, "mac_limit",
			(json_int_t)p->mac_limit, "macs", json_null(), "counters",
			port_counters_to_json(p));
	json_object_set_new(j, "eswitch", json_string(eswitch[p->eswitch]));
	json_object_set_new(j, "rxq", json_integer(p->n_rxq));
	json_object_set_new(j, "rx_queues", rxq_json(p));
	json_object_set_new(j, "vf_of", up != NULL ? json_string(up->name) : json_null());
	/* Upper layers fill what they know of the port ("macs": the FDB). */
	struct nfva_event ev = { .type = EVENT_PORT_SHOW, .port = p->index, .json = j };
	event_publish(&ev);
	return j;
}
