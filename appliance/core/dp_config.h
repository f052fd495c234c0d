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
 * Modules contribute to the snapshot with the build member of their module
 * record (module.h); dp_config_commit() runs every builder in module order.
 * The parts every stage reads (ports, networks, the underlay, VNIs) are laid
 * out here; a feature keeps its own part in its own type, in memory that its
 * builder takes from dp_config_alloc() and that goes with the snapshot
 * (the mirror sessions: mirror/mirror_dp.h).
 */
#ifndef NFVA_DP_CONFIG_H
#define NFVA_DP_CONFIG_H

#include <limits.h>
#include <stddef.h>
#include <stdbool.h>
#include <stdint.h>
#include <rte_ether.h>
#include <rte_rcu_qsbr.h>

#include "core/bounds.h"

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
	uint32_t mac_limit;                             /* 0 = unlimited */
	uint16_t max_frame;     /* largest frame the port sends (MTU + L2 header) */
	bool offload;           /* slow-path decisions on this port become rules */
	uint32_t mirror_in;     /* sessions copying what enters from this port */
	uint32_t mirror_out;    /* sessions copying what leaves through it */
	struct emu_switch *emu; /* emulated e-switch the port belongs to, or NULL */
};

enum dp_encap {
	DP_ENCAP_NONE = 0, /* a local-only bridge domain */
	DP_ENCAP_VXLAN,
	DP_ENCAP_GRE,
	DP_ENCAP_ERSPAN2, /* mirror copies only: GRE 0x88BE + ERSPAN type II */
	DP_ENCAP_ERSPAN3, /* mirror copies only: GRE 0x22EB + ERSPAN type III */
	DP_ENCAP_LISP,    /* L3 overlay: IPv4/UDP 4341/LISP (RFC 9300), vni = instance ID */
};

/* The network's overlay: how its frames cross the underlay. */
struct dp_overlay {
	uint8_t encap;       /* enum dp_encap */
	bool strict;         /* accept tunnel packets only from vteps[] */
	bool collector;      /* mirror-copy sink: never learn, always flood locally */
	bool evpn;           /* remote MACs come from BGP EVPN: never learned from tunnels */
	bool udp6_zero_csum; /* IPv6 VTEPs may send UDP checksum 0 */
	uint32_t vni;        /* VXLAN VNI or GRE key */
	uint16_t udp_port;   /* VXLAN destination port, network order */
	uint32_t group;      /* multicast group for BUM: its id (overlay/vtep_id.h), 0 = none */
	/* The head-end replication list (configured and EVPN VTEPs, each once),
	 * ids (IPv4 addresses in network order, IPv6 ids), sorted by value (strict checks are a
	 * binary search); part of the snapshot (dp_config_alloc), NULL when n_vteps is 0. */
	uint16_t n_vteps;
	const uint32_t *vteps;
};

struct dp_network {
	bool active;
	uint32_t mac_limit; /* 0 = unlimited */
	uint16_t n_members;
	struct dp_attachment members[NFVA_MAX_MEMBERS];
	struct dp_overlay overlay;
};

/* The uplink that carries the overlays. */
struct dp_underlay {
	bool active;
	uint16_t port;             /* appliance port index of the uplink */
	uint32_t ip;               /* local VTEP address, network order; 0: none */
	bool has_ip6;              /* ip6 is set: ND and ICMPv6 echo answered */
	uint8_t ip6[16];           /* the uplink's IPv6 address */
	struct rte_ether_addr mac; /* uplink MAC */
	uint16_t mtu;              /* uplink IP MTU */
};

/* (encap, vni, udp port) -> network, sorted for binary search on decap.
 * NVGRE networks are keyed by VSID with encap DP_ENCAP_GRE | DP_VNI_NVGRE. */
#define DP_VNI_NVGRE 0x80
struct dp_vni_entry {
	uint8_t encap;
	uint16_t udp_port; /* network order, VXLAN only */
	uint32_t vni;
	uint16_t network;
};

/* The rx queues a worker polls: (port, queue), spread round robin over the
 * workers unless the operator pinned one (`port set PORT rxq Q worker W`). */
struct dp_rxq {
	uint16_t port;
	uint16_t queue;
};
struct dp_worker_plan {
	uint16_t n_queues;
	struct dp_rxq queues[NFVA_MAX_PORTS * NFVA_MAX_RXQ];
};

/* LISP (lisp/lisp.h): what workers need beyond the networks' overlays. The
 * EID table and the map-cache are lock-free tables of their own (lisp_dp.h). */
struct dp_lisp {
	bool active;                  /* some network has encap lisp */
	struct rte_ether_addr gw_mac; /* proxy ARP/ND answers, source of decapsulated frames */
};

struct emu_switch;
struct dp_mirrors;
struct dp_config_block;

/* Sized at start or per snapshot (the networks' builder, l2/network.c): the
 * arrays below point into the snapshot's own memory (dp_config_alloc). Every
 * network index a worker meets (port map, VNI table, FDB of a live network)
 * is below n_networks. */
struct dp_config {
	uint64_t version;
	uint16_t ethdev_port[RTE_MAX_ETHPORTS]; /* ethdev id -> appliance port */
	uint16_t n_workers;
	struct dp_port ports[NFVA_MAX_PORTS];
	struct dp_worker_plan workers[NFVA_MAX_WORKERS];
	struct dp_underlay underlay;
	uint16_t n_networks;         /* highest network index in use + 1 */
	struct dp_network *networks; /* n_networks entries */
	uint16_t n_vnis;
	struct dp_vni_entry *vnis; /* sorted for dp_vni_lookup */
	uint16_t n_groups;
	uint32_t *groups; /* multicast groups of overlay networks, sorted */
	struct dp_lisp lisp;
	struct dp_mirrors *mirror;      /* mirror sessions, ERSPAN collection (never NULL) */
	struct dp_config_block *blocks; /* private: what dp_config_alloc gave out */
	bool alloc_failed;              /* private: the commit then fails */
};

/* Control thread, in a builder: zeroed memory that lives as long as cfg (its
 * part of the snapshot); NULL when out of memory (the commit then fails with
 * -ENOMEM and the current snapshot stays). */
void *dp_config_alloc(struct dp_config *cfg, size_t size);

/* Control thread. init creates the RCU variable; the first commit publishes. */
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

/* Is v in the sorted array a[0..n)? */
static inline bool dp_sorted_has(const uint32_t *a, uint16_t n, uint32_t v)
{
	int lo = 0, hi = (int)n - 1;
	while (lo <= hi) {
		int mid = (lo + hi) / 2;
		if (a[mid] == v)
			return true;
		if (a[mid] < v)
			lo = mid + 1;
		else
			hi = mid - 1;
	}
	return false;
}

/* Is ip (an id, overlay/vtep_id.h) the multicast group of some overlay network? */
static inline bool dp_is_group(const struct dp_config *cfg, uint32_t ip)
{
	return dp_sorted_has(cfg->groups, cfg->n_groups, ip);
}

/* Network of a decapsulated packet, or NFVA_NETWORK_NONE. */
static inline uint16_t dp_vni_lookup(const struct dp_config *cfg, uint8_t encap, uint16_t udp_port,
		uint32_t vni)
{
	int lo = 0, hi = (int)cfg->n_vnis - 1;
	while (lo <= hi) {
		int mid = (lo + hi) / 2;
		const struct dp_vni_entry *e = &cfg->vnis[mid];
		int64_t c = (int64_t)e->encap - encap;
		if (c == 0)
			c = (int64_t)e->vni - vni;
		if (c == 0)
			c = (int64_t)e->udp_port - udp_port;
		if (c == 0)
			return e->network;
		if (c < 0)
			lo = mid + 1;
		else
			hi = mid - 1;
	}
	return NFVA_NETWORK_NONE;
}

#endif
