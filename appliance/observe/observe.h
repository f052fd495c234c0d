/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * Observability, control side: what the operator sees of the datapath's
 * counters and trace (core/stages.h, core/vtep_stats.h, slowpath/trace.h)
 * — `stats workers`, `stats vteps`, `stats rates`, `trace ...` — and the
 * ways out of the process: DPDK telemetry commands (/nfva/...), a
 * Prometheus text endpoint (--metrics ADDR:PORT) and pdump for
 * dpdk-dumpcap. Everything here runs on the control thread, but the
 * telemetry callbacks, which hand their request to it (telemetry.c).
 */
#ifndef NFVA_OBSERVE_H
#define NFVA_OBSERVE_H

#include <stddef.h>
#include <stdint.h>
#include <jansson.h>

/* JSON views shared by the commands, telemetry and metrics (new references). */
json_t *observe_worker_json(unsigned id);
json_t *observe_workers_json(void);
json_t *observe_vteps_json(void);
json_t *observe_rates_json(unsigned seconds);

/* A one-line summary of a frame of len bytes of which kept are at p:
 * "src > dst vlan 10 ipv4 a > b udp 1 > 2 vxlan vni 5 [inner...]". */
const char *observe_frame_summary(const uint8_t *p, uint32_t kept, uint32_t len, char *buf,
		size_t size);

/* Register the /nfva/... telemetry commands (telemetry.c): 0 or -errno. */
int observe_telemetry_init(void);

/* The Prometheus text exposition of nfva's counters (metrics.c); malloc'd,
 * the caller frees; NULL when out of memory. */
char *observe_metrics_text(size_t *len);

#endif
