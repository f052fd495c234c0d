/* SPDX-License-Identifier: BSD-3-Clause */
/* The registry of decapsulation stages (see decap.h). */
#include <rte_debug.h>

#include "core/dp_config.h"
#include "slowpath/decap.h"

static struct decap_stage *stages;

void decap_register(struct decap_stage *s)
{
	RTE_VERIFY(s->key != 0 || s->ip_proto == IPPROTO_UDP);
	/* Fixed keys first: a per-network port never shadows a registered one. */
	struct decap_stage **at = &stages;
	while (*at != NULL && (s->key == 0 || (*at)->key != 0))
		at = &(*at)->next;
	s->next = *at;
	*at = s;
}

/* Is port (host order) the UDP port of a network of encap? */
static bool network_port(const struct dp_config *cfg, uint8_t encap, uint16_t port)
{
	rte_be16_t be = rte_cpu_to_be_16(port);
	for (uint16_t i = 0; i < cfg->n_vnis; i++)
		if (cfg->vnis[i].encap == encap && cfg->vnis[i].udp_port == be)
			return true;
	return false;
}

const struct decap_stage *decap_find(const struct dp_config *cfg, uint8_t proto, uint16_t key,
		bool to_group, bool ipv6)
{
	for (const struct decap_stage *s = stages; s != NULL; s = s->next) {
		if (s->ip_proto != proto || (to_group && !s->to_group) || (ipv6 && !s->ipv6))
			continue;
		if (s->key != 0 ? s->key != key : !network_port(cfg, s->encap, key))
			continue;
		if (s->active == NULL || s->active(cfg))
			return s;
	}
	return NULL;
}
