/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * Membership of the multicast groups of overlay networks: for each group in
 * use, an IGMPv2 report (IPv4) or an MLDv2 report (IPv6, RFC 3810) is sent
 * on the uplink when the group appears and then every REPORT_INTERVAL_S,
 * so snooping switches and multicast routers keep delivering the group's
 * BUM traffic to this VTEP. Unsolicited only: queries are not answered
 * (the interval is below the default membership timeouts, 260 s).
 */
#include <stdlib.h>
#include <string.h>

#include "control/periodic.h"
#include "core/bounds.h"
#include "core/dp_config.h"
#include "overlay/underlay.h"
#include "overlay/underlay_tx.h"
#include "overlay/vtep_id.h"

#define REPORT_INTERVAL_S 60

/* Groups reported and when; rebuilt from the published snapshot's groups
 * (the control thread reads the snapshot it published). */
struct member_group {
	uint32_t group; /* its id (overlay/vtep_id.h) */
	uint32_t last_report_s;
};
static struct member_group *reported; /* n_reported, malloc'd */
static unsigned n_reported;
static uint32_t seconds;

static const struct member_group *member_find(uint32_t group)
{
	for (unsigned i = 0; i < n_reported; i++)
		if (reported[i].group == group)
			return &reported[i];
	return NULL;
}

static int send_report(uint32_t group)
{
	struct nfva_ip ip;

	if (!vtep_id_is_v6(group))
		return underlay_send_igmp_report(group);
	if (!vtep_id_to_ip(group, &ip))
		return -ENOENT;
	return underlay_send_mld_report(ip.addr);
}

static void member_tick(void)
{
	const struct dp_config *cfg = dp_config_current;
	struct member_group *next;
	unsigned n = 0;

	seconds++;
	if (cfg == NULL || !underlay_get()->active)
		return;
	next = malloc((cfg->n_groups + 1) * sizeof(*next));
	if (next == NULL)
		return; /* reported again at the next tick */
	for (uint16_t i = 0; i < cfg->n_groups; i++) {
		const struct member_group *old = member_find(cfg->groups[i]);
		next[n] = old != NULL ? *old : (struct member_group){ .group = cfg->groups[i] };
		bool due = old == NULL || seconds - old->last_report_s >= REPORT_INTERVAL_S;
		if (!due || send_report(next[n].group) == 0) {
			if (due)
				next[n].last_report_s = seconds;
			n++;
		}
	}
	free(reported);
	reported = next;
	n_reported = n;
}

static struct periodic_task member_task = { .name = "membership",
	.interval_ms = 1000,
	.run = member_tick };
RTE_INIT(member_register)
{
	periodic_register(&member_task);
}
