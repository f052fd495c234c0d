/* SPDX-License-Identifier: BSD-3-Clause */
/* JSON views of ports: identity and link (port show, one row per port: a
 * table), and counters (ethdev + appliance: port show stats, stats). */
#include <stdio.h>

#include <rte_ethdev.h>

#include "core/event.h"
#include "ports/port_json.h"

/* [{queue, worker, pinned, packets}]: where each rx queue is polled and what
 * it received (the device's per-queue counter; null beyond the
 * RTE_ETHDEV_QUEUE_STAT_CNTRS queues ethdev counts). */
static json_t *rxq_counters_json(const struct port *p)
{
	struct rte_eth_stats eth;
	json_t *list = json_array();
	bool have_stats = rte_eth_stats_get(p->ethdev, &eth) == 0;

	for (uint16_t q = 0; q < p->n_rxq; q++) {
		uint16_t w = port_rxq_worker(p, q);
		bool counted = have_stats && q < RTE_ETHDEV_QUEUE_STAT_CNTRS;
		json_t *packets =
				counted ? json_integer((json_int_t)eth.q_ipackets[q]) : json_null();
		json_array_append_new(list,
				json_pack("{s:i, s:o, s:b, s:o}", "queue", q, "worker",
						w == NFVA_WORKER_ANY ? json_null()
								     : json_integer(w),
						"pinned", p->rxq_worker[q] != NFVA_WORKER_ANY,
						"packets", packets));
	}
	return list;
}

json_t *port_counters_to_json(const struct port *p)
{
	struct port_counters c;
	struct rte_eth_stats eth;
	json_t *drops = json_object();

	port_counters(p, &c, &eth);
	for (unsigned r = 0; r < DROP_MAX; r++)
		if (c.drops[r] != 0)
			json_object_set_new(drops, drop_reason_name(r), json_integer(c.drops[r]));
	json_t *j = json_pack("{s:I, s:I, s:I, s:I, s:I, s:I, s:I, s:I, s:I, s:I, s:I, s:I, s:I, "
			      "s:I, s:I, s:I, s:o}",
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
	json_object_set_new(j, "rx_queues", rxq_counters_json(p));
	return j;
}

/* Where each rx queue is polled, one table cell: "0:w0,1:w1*" (queue:worker,
 * * when pinned, w? while no worker polls it). */
static json_t *rxq_json(const struct port *p)
{
	char buf[NFVA_MAX_RXQ * 12 + 1] = "";
	size_t len = 0;

	for (uint16_t q = 0; q < p->n_rxq && len < sizeof(buf); q++) {
		uint16_t w = port_rxq_worker(p, q);
		char wbuf[8] = "?";
		if (w != NFVA_WORKER_ANY)
			snprintf(wbuf, sizeof(wbuf), "%u", (unsigned)w);
		len += (size_t)snprintf(buf + len, sizeof(buf) - len, "%s%u:w%s%s", q ? "," : "",
				(unsigned)q, wbuf, p->rxq_worker[q] != NFVA_WORKER_ANY ? "*" : "");
	}
	return json_string(buf);
}

json_t *port_to_json(const struct port *p)
{
	struct rte_eth_link link = { 0 };
	struct rte_ether_addr mac = { 0 };
	char mac_str[RTE_ETHER_ADDR_FMT_SIZE];
	char device[RTE_ETH_NAME_MAX_LEN] = "";

	rte_eth_link_get_nowait(p->ethdev, &link);
	rte_eth_macaddr_get(p->ethdev, &mac);
	rte_ether_format_addr(mac_str, sizeof(mac_str), &mac);
	rte_eth_dev_get_name_by_port(p->ethdev, device);
	static const char *const eswitch[] = { "none", "emulated", "nic" };
	const struct port *up = port_by_index(p->vf_of);
	/* Short fields first, devargs (often long) last: the columns of a table. */
	json_t *j = json_pack(
			"{s:s, s:i, s:s, s:i, s:i, s:s, s:o, s:I, s:i, s:i, s:s, s:o, s:i, s:s, "
			"s:s}",
			"name", p->name, "index", p->index, "link",
			link.link_status ? "up" : "down", "speed", (int)link.link_speed, "mtu",
			p->mtu, "mac", mac_str, "macs", json_null(), "mac_limit",
			(json_int_t)p->mac_limit, "txq", p->n_txq, "rxq", p->n_rxq, "eswitch",
			eswitch[p->eswitch], "vf_of",
			up != NULL ? json_string(up->name) : json_null(), "ethdev", p->ethdev,
			"device", device, "devargs", p->devargs);
	json_object_set_new(j, "rx_queues", rxq_json(p));
	/* Upper layers fill what they know of the port ("macs": the FDB). */
	struct nfva_event ev = { .type = EVENT_PORT_SHOW, .port = p->index, .json = j };
	event_publish(&ev);
	return j;
}
