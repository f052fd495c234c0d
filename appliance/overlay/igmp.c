/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * IGMP membership for the multicast groups of overlay networks: an IGMPv2
 * report for each group in use is sent on the uplink when the group appears
 * and then every IGMP_REPORT_INTERVAL, so snooping switches and multicast
 * routers keep delivering the group's BUM traffic to this VTEP.
 */
#include <stdlib.h>
#include <string.h>

#include "control/periodic.h"
#include "core/bounds.h"
#include "core/dp_config.h"
#include "overlay/underlay.h"
#include "overlay/underlay_tx.h"

#define IGMP_REPORT_INTERVAL_S 60

/* Groups reported and when; rebuilt from the published snapshot's groups
 * (the control thread reads the snapshot it published). */
struct igmp_group {
	uint32_t group;
	uint32_t last_report_s;
};
static struct igmp_group *reported; /* n_reported, malloc'd */
static unsigned n_reported;
static uint32_t seconds;

static const struct igmp_group *igmp_find(uint32_t group)
{
	for (unsigned i = 0; i < n_reported; i++)
		if (reported[i].group == group)
			return &reported[i];
	return NULL;
}

static void igmp_tick(void)
{
	const struct dp_config *cfg = dp_config_current;
	struct igmp_group *next;
	unsigned n = 0;

	seconds++;
	if (cfg == NULL || !underlay_get()->active)
		return;
	next = malloc((cfg->n_groups + 1) * sizeof(*next));
	if (next == NULL)
		return; /* reported again at the next tick */
	for (uint16_t i = 0; i < cfg->n_groups; i++) {
		const struct igmp_group *old = igmp_find(cfg->groups[i]);
		next[n] = old != NULL ? *old : (struct igmp_group){ .group = cfg->groups[i] };
		bool due = old == NULL || seconds - old->last_report_s >= IGMP_REPORT_INTERVAL_S;
		if (!due || underlay_send_igmp_report(next[n].group) == 0) {
			if (due)
				next[n].last_report_s = seconds;
			n++;
		}
	}
	free(reported);
	reported = next;
	n_reported = n;
}

static struct periodic_task igmp_task = { .name = "igmp", .interval_ms = 1000, .run = igmp_tick };
RTE_INIT(igmp_register)
{
	periodic_register(&igmp_task);
}
