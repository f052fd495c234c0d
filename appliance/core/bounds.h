/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * Bounds of the appliance. Every table is bounded. The compile-time ones size
 * the fixed arrays of the datapath snapshot (dp_config.h) and the per-worker
 * counters; the tables a fabric makes large (networks, flood lists,
 * templates, neighbours, FDB, map-cache) are sized at start by the daemon's
 * options (core/args.h), whose defaults and limits are here.
 */
#ifndef NFVA_BOUNDS_H
#define NFVA_BOUNDS_H

#define NFVA_MAX_PORTS 64              /* appliance ports (ethdevs in use) */
#define NFVA_MAX_MEMBERS 64            /* local attachments per network */
#define NFVA_MAX_PORT_VLANS 32         /* tagged attachments per port */
#define NFVA_MAX_WORKERS 16            /* worker lcores */
#define NFVA_MAX_RXQ 16                /* rx queues per port (RSS) */
#define NFVA_WORKER_ANY 0xffff         /* an rx queue not pinned to a worker */
#define NFVA_MAX_MIRRORS 32            /* mirror sessions */
#define NFVA_MIRROR_OWNER_BASE 0x10000 /* encap template owners of mirror sessions */
#define NFVA_NAME_SIZE 32              /* port and network names, NUL included */
#define NFVA_BURST 32                  /* rx/tx burst size */

/* Rates of what the appliance sends on its own, per second (and burst). */
#define ICMP_REPLY_RATE 1000 /* echo replies, per worker */
#define ICMP_REPLY_BURST 100
#define ARP_REPLY_RATE 1000 /* ARP replies for the VTEP address */
#define ARP_REPLY_BURST 100
#define ND_REPLY_RATE 1000 /* Neighbor Advertisements for the uplink's IPv6 address */
#define ND_REPLY_BURST 100
/* LISP, control thread (defaults of `lisp limits`): Map-Replies to the
 * ITR-RLOC a request names, gleaning probes (each a broadcast on every
 * member), map-cache misses taken on (pending entry, Map-Request). */
#define LISP_REPLY_RATE 200
#define LISP_GLEAN_RATE 50
#define LISP_MISS_RATE 1000
#define LISP_EIDS_PER_NETWORK 4096 /* learned EIDs one network may hold */

#define NFVA_PORT_NONE 0xffff
#define NFVA_NETWORK_NONE 0xffff
#define NFVA_VLAN_NONE 0xffff /* untagged attachment */

#define NFVA_DEFAULT_AGEING_S 300
#define NFVA_DEFAULT_FDB_ENTRIES (1u << 20)

/* Options: default, and the largest value accepted. */
#define NFVA_DEFAULT_NETWORKS 4096 /* --max-networks: bridge domains */
#define NFVA_NETWORKS_LIMIT 65534  /* indexes stay below NFVA_NETWORK_NONE */
#define NFVA_DEFAULT_VTEPS 1024    /* --max-vteps: flood-list VTEPs per network */
#define NFVA_VTEPS_LIMIT 65535
#define NFVA_DEFAULT_TEMPLATES 65536 /* --max-templates: encapsulation templates */
#define NFVA_TEMPLATES_LIMIT (1u << 22)
#define NFVA_DEFAULT_NEIGHS 16384 /* --max-neighbours: underlay neighbours */
#define NFVA_NEIGHS_LIMIT (1u << 20)
#define NFVA_DEFAULT_MAP_CACHE 65536 /* --map-cache: LISP prefixes per network and family */
#define NFVA_MAP_CACHE_LIMIT (1u << 24)

#endif
