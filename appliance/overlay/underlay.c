/* SPDX-License-Identifier: BSD-3-Clause */
/* Underlay configuration and its part of the snapshot (see underlay.h). */
#include <arpa/inet.h>
#include <string.h>

#include <rte_ethdev.h>

#include "core/dp_config.h"
#include "core/event.h"
#include "core/ip_addr.h"
#include "core/log.h"
#include "core/module.h"
#include "overlay/underlay.h"
#include "ports/port.h"

NFVA_LOG_REGISTER(underlay)

static struct underlay underlay;

const struct underlay *underlay_get(void)
{
	return &underlay;
}

uint32_t underlay_prefix_mask(uint8_t len)
{
	return len == 0 ? 0 : htonl(~0u << (32 - len));
}

uint32_t underlay_nexthop(uint32_t ip)
{
	uint32_t mask = underlay_prefix_mask(underlay.prefix_len);
	if (!underlay.active || underlay.ip == 0)
		return 0;
	if ((ip & mask) == (underlay.ip & mask))
		return ip;
	return underlay.gateway;
}

bool underlay_nexthop6(const uint8_t dst[16], uint8_t nh[16])
{
	if (!underlay.active || !underlay.has_ip6)
		return false;
	if (ipv6_same_prefix(dst, underlay.ip6, underlay.prefix6_len)) {
		memcpy(nh, dst, 16);
		return true;
	}
	if (ipv6_is_unspecified(underlay.gateway6))
		return false;
	memcpy(nh, underlay.gateway6, 16);
	return true;
}

bool underlay_nexthop_ip(const struct nfva_ip *dst, struct nfva_ip *nh)
{
	if (nfva_ip_is_v6(dst)) {
		*nh = nfva_ip_v6(dst->addr);
		return underlay_nexthop6(dst->addr, nh->addr);
	}
	uint32_t ip = underlay_nexthop(nfva_ip_get_v4(dst));
	*nh = nfva_ip_v4(ip);
	return ip != 0;
}

bool underlay_mac(struct rte_ether_addr *mac)
{
	const struct port *p = underlay.active ? port_by_index(underlay.port) : NULL;
	return p != NULL && rte_eth_macaddr_get(p->ethdev, mac) == 0;
}

unsigned underlay_mtu(void)
{
	const struct port *p = underlay.active ? port_by_index(underlay.port) : NULL;
	return p != NULL ? p->mtu : 0;
}

int underlay_set(const struct underlay *u, char *err, size_t errlen)
{
	struct nfva_event check = { .type = EVENT_UNDERLAY_CHECK,
		.port = u->port,
		.err = err,
		.errlen = errlen };
	int ret = event_check(&check);
	if (ret < 0)
		return ret;
	underlay = *u;
	underlay.active = true;
	ret = dp_config_commit();
	event_publish_simple(EVENT_UNDERLAY_CHANGED);
	return ret;
}

static void underlay_build(struct dp_config *cfg)
{
	const struct port *p = underlay.active ? port_by_index(underlay.port) : NULL;
	if (p == NULL)
		return;
	cfg->underlay.active = true;
	cfg->underlay.port = underlay.port;
	cfg->underlay.ip = underlay.ip;
	cfg->underlay.has_ip6 = underlay.has_ip6;
	memcpy(cfg->underlay.ip6, underlay.ip6, 16);
	cfg->underlay.mtu = p->mtu;
	underlay_mac(&cfg->underlay.mac);
}

static int underlay_port_removing(const struct nfva_event *ev)
{
	if (underlay.active && underlay.port == ev->port) {
		underlay.active = false;
		NFVA_LOG(WARNING, "uplink removed: overlays are down");
	}
	return 0;
}
EVENT_SUBSCRIBE(EVENT_PORT_REMOVING, underlay_port_removing)

static struct nfva_module underlay_module = {
	.name = "underlay",
	.depends_on = "snapshot ports",
	.build = underlay_build,
};
NFVA_MODULE(underlay_module)
