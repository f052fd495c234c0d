/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * Ports, control side: any ethdev (PCI devargs or a vdev) added and removed at
 * run time. A port is probed (rte_dev_probe), given one rx queue and one tx
 * queue per worker (fewer if the device has fewer; then workers share them),
 * put in promiscuous mode and started; only then does the next dp_config
 * snapshot let a worker poll it. Removal goes the other way: detach from
 * networks, publish a snapshot without it, wait for the workers, then stop,
 * close and remove the device.
 */
#ifndef NFVA_PORT_H
#define NFVA_PORT_H

#include <stdbool.h>
#include <stdint.h>
#include <rte_ethdev.h>
#include <rte_mempool.h>

#include "core/bounds.h"
#include "core/datapath.h"

struct port {
	bool used;
	uint16_t index;  /* appliance port index (FDB, snapshot) */
	uint16_t ethdev; /* rte_ethdev port id */
	char name[NFVA_NAME_SIZE];
	char devargs[256];
	uint16_t mtu;
	uint16_t n_rxq; /* rx queues, RSS over them when more than one */
	uint16_t n_txq;
	uint16_t rxq_worker[NFVA_MAX_RXQ]; /* pinned worker of each rx queue, or WORKER_ANY */
	uint16_t rxd, txd;                 /* descriptors per queue */
	uint32_t mac_limit;                /* 0 = unlimited */
	bool we_probed;                    /* we created the device: remove it on del */
	uint8_t eswitch;                   /* enum port_eswitch: this port is a PF/uplink */
	uint16_t vf_of;                    /* a VF of this uplink's e-switch, or NONE */
	struct port_counters baseline;     /* worker counters at add / last clear */
	struct rte_eth_stats eth_baseline;
};

enum port_eswitch {
	PORT_ESWITCH_NONE = 0,
	PORT_ESWITCH_EMULATED, /* rules run in the emulated e-switch (vdevs, CI) */
	PORT_ESWITCH_NIC,      /* rules go to the NIC through rte_flow */
};

struct port_params {
	const char *name;
	const char *devargs;
	uint16_t mtu; /* 0 = leave the device's */
	uint32_t mac_limit;
	uint16_t rxd, txd; /* 0 = defaults */
	uint16_t rxq, txq; /* 0 = one per worker, as many as the device offers */
	uint8_t eswitch;   /* enum port_eswitch */
	uint16_t vf_of;    /* uplink port index, or NFVA_PORT_NONE */
};

int port_add(const struct port_params *params, char *err, size_t errlen);
int port_del(struct port *p);
void port_del_all(void);
struct port *port_find(const char *name);
struct port *port_by_index(uint16_t index);

/* Adding a port publishes EVENT_PORT_ADDED once it is started and in the
 * snapshot; deleting one publishes EVENT_PORT_REMOVING before the snapshot
 * without it (networks detach it) and EVENT_PORT_REMOVED once no worker can
 * touch it (the FDB forgets it), then the device goes (core/event.h). */

/* Pin rx queue q of p to worker (or NFVA_WORKER_ANY): -errno with err. */
int port_pin_rxq(struct port *p, uint16_t q, uint16_t worker, char *err, size_t errlen);
/* The worker that polls rx queue q of p in the published snapshot, or
 * NFVA_WORKER_ANY when none does (the port is not started yet). */
uint16_t port_rxq_worker(const struct port *p, uint16_t q);

/* Counters since add or the last `stats clear`. */
void port_counters(const struct port *p, struct port_counters *c, struct rte_eth_stats *eth);
void port_counters_clear(struct port *p);

#endif
