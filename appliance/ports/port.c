/* SPDX-License-Identifier: BSD-3-Clause */
/* Port lifecycle: probe, configure, start, stop, remove (see port.h). */
#include <stdio.h>
#include <string.h>

#include <rte_bus.h>
#include <rte_dev.h>
#include <rte_ethdev.h>

#include "core/dp_config.h"
#include "core/event.h"
#include "core/log.h"
#include "core/mbufs.h"
#include "core/module.h"
#include "core/workers.h"
#include "ports/port.h"

NFVA_LOG_REGISTER(port)

#define DEFAULT_RXD 1024
#define DEFAULT_TXD 1024

static struct port ports[NFVA_MAX_PORTS];

struct port *port_find(const char *name)
{
	for (unsigned i = 0; i < NFVA_MAX_PORTS; i++)
		if (ports[i].used && strcmp(ports[i].name, name) == 0)
			return &ports[i];
	return NULL;
}

struct port *port_by_index(uint16_t index)
{
	return index < NFVA_MAX_PORTS && ports[index].used ? &ports[index] : NULL;
}

static bool ethdev_in_use(uint16_t ethdev)
{
	for (unsigned i = 0; i < NFVA_MAX_PORTS; i++)
		if (ports[i].used && ports[i].ethdev == ethdev)
			return true;
	return false;
}

/* Probe the device if needed and find its first ethdev not yet in use. */
static int port_probe(struct port *p, char *err, size_t errlen)
{
	struct rte_dev_iterator it;
	uint16_t id;

	int ret = rte_dev_probe(p->devargs);
	if (ret < 0 && ret != -EEXIST) {
		snprintf(err, errlen, "cannot probe '%s': %s", p->devargs, strerror(-ret));
		return ret;
	}
	p->we_probed = ret == 0;
	RTE_ETH_FOREACH_MATCHING_DEV(id, p->devargs, &it)
	{
		if (ethdev_in_use(id))
			continue;
		p->ethdev = id;
		rte_eth_iterator_cleanup(&it);
		return 0;
	}
	char name[RTE_DEV_NAME_MAX_LEN];
	snprintf(name, sizeof(name), "%.*s", (int)strcspn(p->devargs, ","), p->devargs);
	if (rte_eth_dev_get_port_by_name(name, &id) == 0 && !ethdev_in_use(id)) {
		p->ethdev = id;
		return 0;
	}
	snprintf(err, errlen, "'%s' has no free ethdev", p->devargs);
	return -ENODEV;
}

static int port_setup_queues(struct port *p, const struct rte_eth_dev_info *info)
{
	int socket = rte_eth_dev_socket_id(p->ethdev);
	int ret;

	if (socket < 0)
		socket = SOCKET_ID_ANY;
	ret = rte_eth_dev_adjust_nb_rx_tx_desc(p->ethdev, &p->rxd, &p->txd);
	if (ret < 0)
		return ret;
	for (uint16_t q = 0; ret == 0 && q < p->n_rxq; q++)
		ret = rte_eth_rx_queue_setup(p->ethdev, q, p->rxd, socket, &info->default_rxconf,
				nfva_mbuf_pool());
	for (uint16_t q = 0; ret == 0 && q < p->n_txq; q++)
		ret = rte_eth_tx_queue_setup(p->ethdev, q, p->txd, socket, &info->default_txconf);
	return ret;
}

/* Queue counts: asked for, or one per worker; never more than the device
 * has. Several rx queues get RSS over addresses and UDP/TCP ports (for
 * tunnels the outer source port carries the inner flow's entropy) where
 * the device hashes; otherwise the device spreads them its own way. */
static int port_queues(struct port *p, const struct port_params *params,
		const struct rte_eth_dev_info *info, struct rte_eth_conf *conf, char *err,
		size_t errlen)
{
	unsigned workers = workers_count();
	unsigned rxq = params->rxq ? params->rxq : RTE_MIN(workers, (unsigned)NFVA_MAX_RXQ);
	unsigned txq = params->txq ? params->txq : workers;

	if (params->rxq > info->max_rx_queues || params->txq > info->max_tx_queues) {
		snprintf(err, errlen, "%s offers %u rx and %u tx queues", p->name,
				info->max_rx_queues, info->max_tx_queues);
		return -EINVAL;
	}
	p->n_rxq = (uint16_t)RTE_MIN(rxq, (unsigned)info->max_rx_queues);
	p->n_txq = (uint16_t)RTE_MIN(txq, (unsigned)info->max_tx_queues);
	if (p->n_rxq == 0 || p->n_txq == 0) { /* port_output divides by n_txq */
		snprintf(err, errlen, "%s offers no %s queue", p->name, p->n_rxq ? "tx" : "rx");
		return -ENOTSUP;
	}
	uint64_t rss = (RTE_ETH_RSS_IP | RTE_ETH_RSS_UDP | RTE_ETH_RSS_TCP) &
			info->flow_type_rss_offloads;
	if (p->n_rxq > 1 && rss != 0) {
		conf->rxmode.mq_mode = RTE_ETH_MQ_RX_RSS;
		conf->rx_adv_conf.rss_conf.rss_hf = rss;
	}
	return 0;
}

static int port_configure(struct port *p, const struct port_params *params, char *err,
		size_t errlen)
{
	struct rte_eth_conf conf = { 0 };
	struct rte_eth_dev_info info;
	uint16_t mtu = params->mtu;
	int ret = rte_eth_dev_info_get(p->ethdev, &info);

	if (ret == 0 && (ret = port_queues(p, params, &info, &conf, err, errlen)) < 0)
		return ret;
	if (ret == 0)
		ret = rte_eth_dev_configure(p->ethdev, p->n_rxq, p->n_txq, &conf);
	if (ret == 0 && mtu != 0 && (ret = rte_eth_dev_set_mtu(p->ethdev, mtu)) < 0) {
		snprintf(err, errlen, "%s: cannot set mtu %u: %s", p->name, mtu, strerror(-ret));
		return ret;
	}
	if (ret == 0)
		ret = port_setup_queues(p, &info);
	if (ret == 0)
		ret = rte_eth_dev_get_mtu(p->ethdev, &p->mtu);
	if (ret == 0) {
		rte_eth_promiscuous_enable(p->ethdev); /* some vdevs have no such mode */
		ret = rte_eth_dev_start(p->ethdev);
	}
	if (ret < 0)
		snprintf(err, errlen, "%s: cannot configure: %s", p->name, strerror(-ret));
	return ret;
}

static void port_release_device(struct port *p)
{
	struct rte_eth_dev_info info;
	rte_eth_dev_stop(p->ethdev);
	bool have_info = rte_eth_dev_info_get(p->ethdev, &info) == 0;
	rte_eth_dev_close(p->ethdev);
	if (p->we_probed && have_info && info.device != NULL)
		rte_dev_remove(info.device);
}

static struct port *port_alloc(void)
{
	for (unsigned i = 0; i < NFVA_MAX_PORTS; i++) {
		if (ports[i].used)
			continue;
		memset(&ports[i], 0, sizeof(ports[i]));
		ports[i].index = i;
		return &ports[i];
	}
	return NULL;
}

int port_add(const struct port_params *params, char *err, size_t errlen)
{
	if (port_find(params->name) != NULL) {
		snprintf(err, errlen, "port %s exists", params->name);
		return -EEXIST;
	}
	struct port *p = port_alloc();
	if (p == NULL) {
		snprintf(err, errlen, "no room for another port (max %d)", NFVA_MAX_PORTS);
		return -ENOSPC;
	}
	snprintf(p->name, sizeof(p->name), "%s", params->name);
	snprintf(p->devargs, sizeof(p->devargs), "%s", params->devargs);
	p->mac_limit = params->mac_limit;
	p->eswitch = params->eswitch;
	p->vf_of = params->vf_of;
	for (unsigned q = 0; q < NFVA_MAX_RXQ; q++)
		p->rxq_worker[q] = NFVA_WORKER_ANY;
	p->rxd = params->rxd ? params->rxd : DEFAULT_RXD;
	p->txd = params->txd ? params->txd : DEFAULT_TXD;
	int ret = port_probe(p, err, errlen);
	if (ret == 0 && (ret = port_configure(p, params, err, errlen)) < 0)
		port_release_device(p);
	if (ret < 0)
		return ret;
	p->used = true;
	port_counters_clear(p);
	NFVA_LOG(INFO, "port %s: ethdev %u, %u rx and %u tx queues, mtu %u", p->name, p->ethdev,
			p->n_rxq, p->n_txq, p->mtu);
	ret = dp_config_commit();
	event_publish_port(EVENT_PORT_ADDED, p->index);
	return ret;
}

int port_del(struct port *p)
{
	event_publish_port(EVENT_PORT_REMOVING, p->index);
	p->used = false;
	/* After this, no worker polls or transmits on the port. */
	int ret = dp_config_commit();
	event_publish_port(EVENT_PORT_REMOVED, p->index);
	port_release_device(p);
	NFVA_LOG(INFO, "port %s removed", p->name);
	return ret;
}

void port_del_all(void)
{
	for (unsigned i = 0; i < NFVA_MAX_PORTS; i++)
		if (ports[i].used)
			port_del(&ports[i]);
}

void port_counters(const struct port *p, struct port_counters *c, struct rte_eth_stats *eth)
{
	workers_port_counters(p->index, c);
	uint64_t *dst = (uint64_t *)c;
	const uint64_t *base = (const uint64_t *)&p->baseline;
	for (size_t k = 0; k < sizeof(*c) / sizeof(uint64_t); k++)
		dst[k] -= base[k];
	memset(eth, 0, sizeof(*eth));
	if (rte_eth_stats_get(p->ethdev, eth) == 0) {
		eth->ipackets -= p->eth_baseline.ipackets;
		eth->opackets -= p->eth_baseline.opackets;
		eth->ibytes -= p->eth_baseline.ibytes;
		eth->obytes -= p->eth_baseline.obytes;
		eth->imissed -= p->eth_baseline.imissed;
		eth->ierrors -= p->eth_baseline.ierrors;
		eth->oerrors -= p->eth_baseline.oerrors;
		eth->rx_nombuf -= p->eth_baseline.rx_nombuf;
	}
}

void port_counters_clear(struct port *p)
{
	workers_port_counters(p->index, &p->baseline);
	if (rte_eth_stats_get(p->ethdev, &p->eth_baseline) != 0)
		memset(&p->eth_baseline, 0, sizeof(p->eth_baseline));
}

/* Rx queues to workers: pinned ones where told, the others round robin. */
static void port_plan(struct dp_config *cfg, const struct port *p, unsigned *next_worker)
{
	for (uint16_t q = 0; q < p->n_rxq; q++) {
		unsigned w = p->rxq_worker[q];
		if (w >= cfg->n_workers) {
			w = *next_worker;
			*next_worker = (*next_worker + 1) % cfg->n_workers;
		}
		struct dp_worker_plan *plan = &cfg->workers[w];
		plan->queues[plan->n_queues++] = (struct dp_rxq){ .port = p->index, .queue = q };
	}
}

static void port_build(struct dp_config *cfg)
{
	unsigned next_worker = 0;

	for (unsigned i = 0; i < NFVA_MAX_PORTS; i++) {
		const struct port *p = &ports[i];
		if (!p->used)
			continue;
		struct dp_port *dp = &cfg->ports[i];
		dp->active = true;
		dp->ethdev = p->ethdev;
		dp->n_txq = p->n_txq;
		dp->txq_shared = p->n_txq < cfg->n_workers;
		dp->mac_limit = p->mac_limit;
		dp->max_frame = p->mtu + RTE_ETHER_HDR_LEN + RTE_VLAN_HLEN;
		cfg->ethdev_port[p->ethdev] = i;
		port_plan(cfg, p, &next_worker);
	}
}

int port_pin_rxq(struct port *p, uint16_t q, uint16_t worker, char *err, size_t errlen)
{
	if (q >= p->n_rxq) {
		snprintf(err, errlen, "port %s has %u rx queues (0-%u)", p->name, p->n_rxq,
				p->n_rxq - 1);
		return -EINVAL;
	}
	if (worker != NFVA_WORKER_ANY && worker >= workers_count()) {
		snprintf(err, errlen, "there are %u workers (0-%u)", workers_count(),
				workers_count() - 1);
		return -EINVAL;
	}
	p->rxq_worker[q] = worker;
	return dp_config_commit();
}

uint16_t port_rxq_worker(const struct port *p, uint16_t q)
{
	const struct dp_config *cfg = dp_config_current;
	for (unsigned w = 0; cfg != NULL && w < cfg->n_workers; w++)
		for (unsigned i = 0; i < cfg->workers[w].n_queues; i++)
			if (cfg->workers[w].queues[i].port == p->index &&
					cfg->workers[w].queues[i].queue == q)
				return (uint16_t)w;
	return NFVA_WORKER_ANY;
}

static int port_stats_clear(const struct nfva_event *ev)
{
	(void)ev;
	for (uint16_t i = 0; i < NFVA_MAX_PORTS; i++)
		if (ports[i].used)
			port_counters_clear(&ports[i]);
	return 0;
}
EVENT_SUBSCRIBE(EVENT_STATS_CLEAR, port_stats_clear)

static struct nfva_module ports_module = {
	.name = "ports",
	.depends_on = "snapshot mbufs",
	.build = port_build,
};
NFVA_MODULE(ports_module)
