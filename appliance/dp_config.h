/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * The datapath's view of the configuration: one immutable snapshot that the
 * workers read without locks.
 *
 * Scheme (versioned swap + RCU QSBR): the control thread builds a fresh
 * snapshot from the control-side models (ports, networks, ...), publishes the
 * pointer with a release store, waits until every worker has reported a
 * quiescent state (rte_rcu_qsbr_synchronize), then frees the old snapshot.
 * Workers load the pointer once per poll iteration and report quiescence at
 * the end of it, so a burst is always processed against one consistent view.
 * Configuration changes are rare; rebuilding the whole snapshot keeps the
 * invariants in one place. The FDB is the exception (fdb.h): it changes at
 * line rate and has its own lock-free scheme.
 *
 * Modules contribute to the snapshot with dp_config_register_builder() from
 * their own file; dp_config_commit() runs every builder in registration order.
 */
#ifndef NFVA_DP_CONFIG_H
#define NFVA_DP_CONFIG_H

#include <limits.h>
#include <stdbool.h>
#include <stdint.h>
#include <rte_ether.h>
#include <rte_rcu_qsbr.h>

#include "bounds.h"

/* A local member of a network: frames for it leave this port, tagged with vlan
 * unless vlan is NFVA_VLAN_NONE. */
struct dp_attachment {
	uint16_t port;
	uint16_t vlan;
};

struct dp_port_vlan {
	uint16_t vlan;
	uint16_t network;
};

struct dp_port {
	bool active;               /* started: workers may receive and transmit */
	uint16_t ethdev;           /* rte_ethdev port id */
	uint16_t n_txq;            /* tx queues; worker w uses w % n_txq */
	bool txq_shared;           /* fewer queues than workers: take txq lock */
	uint16_t untagged_network; /* network of untagged frames, or NONE */
	uint16_t n_vlans;
	struct dp_port_vlan vlans[NFVA_MAX_PORT_VLANS]; /* tagged attachments */
	uint32_t mac_limit;        /* 0 = unlimited */
	uint16_t max_frame;        /* largest frame the port sends (MTU + L2 header) */
};

struct dp_network {
	bool active;
	uint32_t mac_limit; /* 0 = unlimited */
	uint16_t n_members;
	struct dp_attachment members[NFVA_MAX_MEMBERS];
};

/* Ports each worker polls (rx queue 0 of each). */
struct dp_worker_plan {
	uint16_t n_ports;
	uint16_t ports[NFVA_MAX_PORTS];
};

struct dp_config {
	uint64_t version;
	uint16_t n_workers;
	struct dp_port ports[NFVA_MAX_PORTS];
	struct dp_network networks[NFVA_MAX_NETWORKS];
	struct dp_worker_plan workers[NFVA_MAX_WORKERS];
};

/* Fills the parts of the snapshot a module owns. Called on the control thread
 * with a zeroed-then-defaulted snapshot, in registration order. */
struct dp_config_builder {
	const char *name;
	void (*build)(struct dp_config *cfg);
	struct dp_config_builder *next;
};
void dp_config_register_builder(struct dp_config_builder *b);

/* Control thread. */
int dp_config_init(unsigned n_workers);
void dp_config_fini(void);
int dp_config_commit(void);
struct rte_rcu_qsbr *dp_qsbr(void);

/* Workers: the current snapshot (valid until the worker's next quiescent state). */
extern const struct dp_config *dp_config_current;
static inline const struct dp_config *dp_config_load(void)
{
	return __atomic_load_n(&dp_config_current, __ATOMIC_ACQUIRE);
}

/* Network of a frame received on port with the given vlan (NFVA_VLAN_NONE for
 * untagged), or NFVA_NETWORK_NONE. */
static inline uint16_t dp_port_network(const struct dp_port *p, uint16_t vlan)
{
	if (vlan == NFVA_VLAN_NONE)
		return p->untagged_network;
	for (uint16_t i = 0; i < p->n_vlans; i++)
		if (p->vlans[i].vlan == vlan)
			return p->vlans[i].network;
	return NFVA_NETWORK_NONE;
}

#endif
