/* SPDX-License-Identifier: BSD-3-Clause */
/* LISP module core: state, tables' lifetime, snapshot part, periodic work,
 * punted frames, address helpers (see lisp.h). */
#include <arpa/inet.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "control/periodic.h"
#include "core/dp_config.h"
#include "core/event.h"
#include "core/log.h"
#include "core/module.h"
#include "l2/network.h"
#include "ports/port.h"
#include "core/punt.h"
#include "lisp/lisp.h"
#include "lisp/lisp_private.h"

NFVA_LOG_REGISTER(lisp)

struct lisp_state lisp = {
	.gw_mac = { .addr_bytes = { 0x02, 0x00, 0x00, 0x00, 0x00, 0x01 } },
	.record_ttl_min = LISP_DEFAULT_TTL_MIN,
	.eid_ageing_s = LISP_EID_AGEING_S,
};

static bool tables_ready;

uint64_t lisp_now_ms(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (uint64_t)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

bool lisp_tables_ready(void)
{
	return tables_ready;
}

int lisp_tables_init(void)
{
	if (tables_ready)
		return 0;
	int ret = lisp_eid_init();
	if (ret == 0)
		ret = lisp_mc_init();
	if (ret == 0)
		tables_ready = true;
	return ret;
}

bool lisp_network_is_lisp(uint16_t network)
{
	const struct network *n = network_by_index(network);
	return n != NULL && n->overlay.encap == DP_ENCAP_LISP;
}

uint32_t lisp_network_iid(uint16_t network)
{
	const struct network *n = network_by_index(network);
	return n != NULL ? n->overlay.vni : 0;
}

uint16_t lisp_network_of_iid(uint32_t iid)
{
	for (uint16_t i = 0; i < network_capacity(); i++) {
		const struct network *n = network_by_index(i);
		if (n != NULL && n->overlay.encap == DP_ENCAP_LISP && n->overlay.vni == iid)
			return i;
	}
	return NFVA_NETWORK_NONE;
}

int lisp_addr_parse(const char *s, struct lisp_addr *a)
{
	memset(a, 0, sizeof(*a));
	if (inet_pton(AF_INET, s, a->bytes) == 1)
		a->family = AF_INET;
	else if (inet_pton(AF_INET6, s, a->bytes) == 1)
		a->family = AF_INET6;
	else
		return -EINVAL;
	return 0;
}

int lisp_prefix_parse(const char *s, struct lisp_addr *a, uint8_t *plen)
{
	char buf[64];
	const char *slash = strchr(s, '/');
	char *end;

	if (slash == NULL || (size_t)(slash - s) >= sizeof(buf))
		return -EINVAL;
	memcpy(buf, s, slash - s);
	buf[slash - s] = '\0';
	if (lisp_addr_parse(buf, a) < 0 || slash[1] == '\0')
		return -EINVAL;
	unsigned long len = strtoul(slash + 1, &end, 10);
	unsigned max = a->family == AF_INET ? 32 : 128;
	if (*end != '\0' || len > max)
		return -EINVAL;
	*plen = (uint8_t)len;
	struct lisp_addr masked = *a;
	for (unsigned bit = len; bit < max; bit++)
		masked.bytes[bit / 8] &= (uint8_t) ~(0x80 >> (bit % 8));
	return memcmp(&masked, a, sizeof(masked)) == 0 ? 0 : -EINVAL;
}

bool lisp_prefix_covers(const struct lisp_addr *p, uint8_t plen, const struct lisp_addr *a,
		uint8_t alen)
{
	if (p->family != a->family || alen < plen)
		return false;
	for (unsigned bit = 0; bit < plen; bit++) {
		uint8_t m = 0x80 >> (bit % 8);
		if ((p->bytes[bit / 8] & m) != (a->bytes[bit / 8] & m))
			return false;
	}
	return true;
}

json_t *lisp_addr_json(const struct lisp_addr *a)
{
	char buf[INET6_ADDRSTRLEN];
	if (a->family == 0)
		return json_null();
	inet_ntop(a->family, a->bytes, buf, sizeof(buf));
	return json_string(buf);
}

json_t *lisp_prefix_json(const struct lisp_addr *a, uint8_t plen)
{
	char buf[INET6_ADDRSTRLEN];
	inet_ntop(a->family, a->bytes, buf, sizeof(buf));
	return json_sprintf("%s/%u", buf, plen);
}

json_t *lisp_ip_json(const struct nfva_ip *ip)
{
	char buf[NFVA_IP_STRLEN];
	return json_string(nfva_ip_format(ip, buf, sizeof(buf)));
}

/* What LISP stages punt, each to its handler on the control thread. */
struct punt_handler lisp_ctrl_punt = { .name = "lisp_control",
	.input = lisp_ctrl_input,
	.quota = 512 };
struct punt_handler lisp_miss_punt = { .name = "lisp_miss", .input = lisp_ctrl_miss };
struct punt_handler lisp_hold_punt = { .name = "lisp_hold", .input = lisp_hold_input };
struct punt_handler lisp_glean_punt = { .name = "lisp_glean", .input = lisp_glean_input };
PUNT_HANDLER(lisp_ctrl_punt)
PUNT_HANDLER(lisp_miss_punt)
PUNT_HANDLER(lisp_hold_punt)
PUNT_HANDLER(lisp_glean_punt)

/* Snapshot: active as soon as a LISP network exists (tables made first). */
static void lisp_build(struct dp_config *cfg)
{
	bool any = false;
	for (uint16_t i = 0; i < network_capacity() && !any; i++)
		any = lisp_network_is_lisp(i);
	if (!any || lisp_tables_init() != 0)
		return;
	cfg->lisp.active = true;
	cfg->lisp.gw_mac = lisp.gw_mac;
}

static void lisp_fast_task(void)
{
	if (tables_ready)
		lisp_eid_drain_reports();
}

static void lisp_second_task(void)
{
	if (!tables_ready)
		return;
	lisp_mc_expire();
	lisp_eid_age();
	lisp_requests_expire();
	lisp_ms_expire();
	lisp_register_tick();
	lisp_hold_retry();
}

static int lisp_port_removing(const struct nfva_event *ev)
{
	if (tables_ready)
		lisp_eid_flush(NFVA_NETWORK_NONE, ev->port);
	return 0;
}
EVENT_SUBSCRIBE(EVENT_PORT_REMOVING, lisp_port_removing)

/* An attachment left a network: the EIDs learned or configured behind it
 * go, or the network's traffic would still be sent there. */
static int lisp_network_detached(const struct nfva_event *ev)
{
	if (tables_ready)
		lisp_eid_flush_attachment(ev->network, ev->port, ev->vlan);
	return 0;
}
EVENT_SUBSCRIBE(EVENT_NETWORK_DETACHED, lisp_network_detached)

/* A network went: nothing of it may pass to the next one given its index. */
static int lisp_network_removed(const struct nfva_event *ev)
{
	if (!tables_ready)
		return 0;
	lisp_eid_flush(ev->network, NFVA_PORT_NONE);
	lisp_mc_purge(ev->network);
	lisp_requests_forget(ev->network);
	return 0;
}
EVENT_SUBSCRIBE(EVENT_NETWORK_REMOVED, lisp_network_removed)

static struct periodic_task lisp_fast = { .name = "lisp-learn",
	.interval_ms = 2,
	.run = lisp_fast_task };
static struct periodic_task lisp_second = { .name = "lisp",
	.interval_ms = 1000,
	.run = lisp_second_task };

RTE_INIT(lisp_register_tasks)
{
	periodic_register(&lisp_fast);
	periodic_register(&lisp_second);
}

/* Tables are made when the first LISP network appears (lisp_build). */
static struct nfva_module lisp_module = {
	.name = "lisp",
	.depends_on = "snapshot networks",
	.build = lisp_build,
};
NFVA_MODULE(lisp_module)

void lisp_gateway_mac(struct rte_ether_addr *mac)
{
	*mac = lisp.gw_mac;
}
