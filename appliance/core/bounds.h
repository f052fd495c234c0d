/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * Compile-time bounds of the appliance. Every table is bounded; these are the
 * sizes of the fixed arrays in the datapath snapshot (dp_config.h) and the
 * per-worker counters. Run-time limits (FDB size, MAC limits) are options.
 */
#ifndef NFVA_BOUNDS_H
#define NFVA_BOUNDS_H

#define NFVA_MAX_PORTS 64              /* appliance ports (ethdevs in use) */
#define NFVA_MAX_NETWORKS 256          /* bridge domains */
#define NFVA_MAX_MEMBERS 64            /* local attachments per network */
#define NFVA_MAX_PORT_VLANS 32         /* tagged attachments per port */
#define NFVA_MAX_WORKERS 16            /* worker lcores */
#define NFVA_MAX_RXQ 16                /* rx queues per port (RSS) */
#define NFVA_WORKER_ANY 0xffff         /* an rx queue not pinned to a worker */
#define NFVA_MAX_VTEPS 64              /* flood-list VTEPs per network */
#define NFVA_MAX_TEMPLATES 4096        /* encapsulation templates (network, VTEP) */
#define NFVA_MAX_NEIGHS 1024           /* underlay neighbours */
#define NFVA_MAX_MIRRORS 32            /* mirror sessions */
#define NFVA_MIRROR_OWNER_BASE 0x10000 /* encap template owners of mirror sessions */
#define NFVA_NAME_SIZE 32              /* port and network names, NUL included */
#define NFVA_BURST 32                  /* rx/tx burst size */

/* Rates of what the appliance sends on its own, per second (and burst). */
#define ICMP_REPLY_RATE 1000 /* echo replies, per worker */
#define ICMP_REPLY_BURST 100
#define ARP_REPLY_RATE 1000 /* ARP replies for the VTEP address */
#define ARP_REPLY_BURST 100

#define NFVA_PORT_NONE 0xffff
#define NFVA_NETWORK_NONE 0xffff
#define NFVA_VLAN_NONE 0xffff /* untagged attachment */

#define NFVA_DEFAULT_AGEING_S 300
#define NFVA_DEFAULT_FDB_ENTRIES (1u << 20)

#endif
