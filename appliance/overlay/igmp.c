/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * IGMP membership for the multicast groups of overlay networks: an IGMPv2
 * report for each group in use is sent on the uplink when the group appears
 * and then every IGMP_REPORT_INTERVAL, so snooping switches and multicast
 * routers keep delivering the group's BUM traffic to this VTEP.
 */
#include "core/bounds.h"
#include "control/periodic.h"
#include "l2/network.h"
#include "overlay/underlay.h"
#include "overlay/underlay_tx.h"

#define IGMP_REPORT_INTERVAL_S 60

static uint32_t last_report_s[NFVA_MAX_NETWORKS];
static uint32_t last_group[NFVA_MAX_NETWORKS];
static uint32_t seconds;

static void igmp_tick(void)
{
	seconds++;
	if (!underlay_get()->active)
		return;
	for (uint16_t i = 0; i < NFVA_MAX_NETWORKS; i++) {
		const struct network *n = network_by_index(i);
		uint32_t group = n != NULL ? n->overlay.group : 0;
		if (group == 0)
			continue;
		if (group == last_group[i] && seconds - last_report_s[i] < IGMP_REPORT_INTERVAL_S)
			continue;
		if (underlay_send_igmp_report(group) == 0) {
			last_group[i] = group;
			last_report_s[i] = seconds;
		}
	}
}

static struct periodic_task igmp_task = { .name = "igmp", .interval_ms = 1000, .run = igmp_tick };

RTE_INIT(igmp_register)
{
	periodic_register(&igmp_task);
}
