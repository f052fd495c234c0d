/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * The Prometheus text exposition (format 0.0.4) of nfva's counters, served
 * by metrics_http.c: ports, workers and their stages, networks, VTEPs, the
 * FDB. Counters are those of `port show stats`, `stats workers`, `network
 * show stats` and `stats vteps` (a `stats clear` is a counter reset to
 * Prometheus). Control thread.
 */
#include <arpa/inet.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>

#include <rte_cycles.h>

#include "core/workers.h"
#include "l2/fdb.h"
#include "l2/network.h"
#include "observe/observe.h"
#include "ports/port.h"
#include "overlay/vtep_id.h"

/* A label value with \, " and newlines escaped. */
static void label(FILE *f, const char *name, const char *value)
{
	fprintf(f, "%s=\"", name);
	for (const char *c = value; *c != '\0'; c++) {
		if (*c == '\\' || *c == '"')
			fputc('\\', f);
		if (*c == '\n')
			fputs("\\n", f);
		else
			fputc(*c, f);
	}
	fputc('"', f);
}

static void family(FILE *f, const char *name, const char *type, const char *help)
{
	fprintf(f, "# HELP nfva_%s %s\n# TYPE nfva_%s %s\n", name, help, name, type);
}

/* One sample: nfva_NAME{KEY="VALUE"[,reason="R"]} V */
static void sample(FILE *f, const char *name, const char *key, const char *value,
		const char *reason, uint64_t v)
{
	fprintf(f, "nfva_%s{", name);
	label(f, key, value);
	if (reason != NULL) {
		fputc(',', f);
		label(f, "reason", reason);
	}
	fprintf(f, "} %" PRIu64 "\n", v);
}

#define PORT_FIELDS(X)                                                                             \
	X(rx_packets, "frames received that reached the slow path")                                \
	X(rx_bytes, "bytes of those frames")                                                       \
	X(eswitch_packets, "frames carried by emulated e-switch rules")                            \
	X(eswitch_bytes, "bytes of those frames")                                                  \
	X(tx_packets, "frames sent")                                                               \
	X(tx_bytes, "bytes sent")                                                                  \
	X(flooded, "frames received that were flooded")                                            \
	X(learned, "MACs learned on the port")                                                     \
	X(moved, "MACs that moved to the port")

static void ports_metrics(FILE *f)
{
	struct port_counters c[NFVA_MAX_PORTS];
	struct rte_eth_stats eth;

	for (uint16_t i = 0; i < NFVA_MAX_PORTS; i++)
		if (port_by_index(i) != NULL)
			port_counters(port_by_index(i), &c[i], &eth);
#define PORT_FAMILY(field, help)                                                                   \
	family(f, "port_" #field "_total", "counter", help);                                       \
	for (uint16_t i = 0; i < NFVA_MAX_PORTS; i++)                                              \
		if (port_by_index(i) != NULL)                                                      \
			sample(f, "port_" #field "_total", "port", port_by_index(i)->name, NULL,   \
					c[i].field);
	PORT_FIELDS(PORT_FAMILY)
#undef PORT_FAMILY
	family(f, "port_dropped_total", "counter", "frames dropped, by reason");
	for (uint16_t i = 0; i < NFVA_MAX_PORTS; i++)
		for (unsigned r = 0; port_by_index(i) != NULL && r < DROP_MAX; r++)
			if (c[i].drops[r] != 0)
				sample(f, "port_dropped_total", "port", port_by_index(i)->name,
						drop_reason_name(r), c[i].drops[r]);
}

static void worker_sample(FILE *f, const char *name, unsigned id, const char *stage, uint64_t v)
{
	char w[16];
	snprintf(w, sizeof(w), "%u", id);
	fprintf(f, "nfva_%s{", name);
	label(f, "worker", w);
	if (stage != NULL) {
		fputc(',', f);
		label(f, "stage", stage);
	}
	fprintf(f, "} %" PRIu64 "\n", v);
}

#define LOOP_FIELDS(X)                                                                             \
	X(iterations, "poll iterations")                                                           \
	X(busy_cycles, "TSC cycles of iterations that received frames")                            \
	X(idle_cycles, "TSC cycles of iterations that found nothing")                              \
	X(sleep_cycles, "TSC cycles asleep when idle")                                             \
	X(packets, "frames received")
#define STAGE_FIELDS(X)                                                                            \
	X(calls, "stage_bursts", "bursts a stage took")                                            \
	X(packets, "stage_packets", "frames that entered a stage")                                 \
	X(cycles, "stage_cycles", "TSC cycles spent in a stage")

static void workers_metrics(FILE *f)
{
	family(f, "tsc_hz", "gauge", "TSC cycles per second");
	fprintf(f, "nfva_tsc_hz %" PRIu64 "\n", rte_get_tsc_hz());
#define LOOP_FAMILY(field, help)                                                                   \
	family(f, "worker_" #field "_total", "counter", help);                                     \
	for (unsigned i = 0; i < workers_count(); i++)                                             \
		if (worker_get(i) != NULL)                                                         \
			worker_sample(f, "worker_" #field "_total", i, NULL,                       \
					worker_get(i)->loop.field);
	LOOP_FIELDS(LOOP_FAMILY)
#undef LOOP_FAMILY
#define STAGE_FAMILY(field, name, help)                                                            \
	family(f, "worker_" name "_total", "counter", help);                                       \
	for (unsigned i = 0; i < workers_count(); i++)                                             \
		for (unsigned s = 0; worker_get(i) != NULL && s < STAGE_MAX; s++)                  \
			worker_sample(f, "worker_" name "_total", i, stage_name(s),                \
					worker_get(i)->stages[s].field);
	STAGE_FIELDS(STAGE_FAMILY)
#undef STAGE_FAMILY
}

#define NET_FIELDS(X)                                                                              \
	X(rx_packets, "frames that entered the network")                                           \
	X(rx_bytes, "bytes of those frames")                                                       \
	X(tx_packets, "copies forwarded to a member or toward a VTEP")                             \
	X(tx_bytes, "bytes of those copies")                                                       \
	X(flooded, "frames flooded")

static void networks_metrics(FILE *f)
{
	uint32_t cap = network_capacity();
	struct net_counters *c = calloc(cap, sizeof(*c));

	if (c == NULL)
		return;
	for (uint16_t i = 0; i < cap; i++)
		if (network_by_index(i) != NULL)
			network_counters(network_by_index(i), &c[i]);
#define NET_FAMILY(field, help)                                                                    \
	family(f, "network_" #field "_total", "counter", help);                                    \
	for (uint16_t i = 0; i < cap; i++)                                                         \
		if (network_by_index(i) != NULL)                                                   \
			sample(f, "network_" #field "_total", "network",                           \
					network_by_index(i)->name, NULL, c[i].field);
	NET_FIELDS(NET_FAMILY)
#undef NET_FAMILY
	family(f, "network_dropped_total", "counter", "frames dropped, by reason");
	for (uint16_t i = 0; i < cap; i++)
		for (unsigned r = 0; network_by_index(i) != NULL && r < DROP_MAX; r++)
			if (c[i].drops[r] != 0)
				sample(f, "network_dropped_total", "network",
						network_by_index(i)->name, drop_reason_name(r),
						c[i].drops[r]);
	family(f, "network_macs", "gauge", "FDB entries of the network");
	for (uint16_t i = 0; i < cap; i++)
		if (network_by_index(i) != NULL)
			sample(f, "network_macs", "network", network_by_index(i)->name, NULL,
					fdb_count_network(i));
	free(c);
}

#define VTEP_FIELDS(X)                                                                             \
	X(rx_packets, "tunnel frames received from the address")                                   \
	X(rx_bytes, "their outer bytes")                                                           \
	X(tx_packets, "frames encapsulated toward the address")                                    \
	X(tx_bytes, "their outer bytes")

static void vteps_metrics(FILE *f)
{
	struct vtep_stats *rows, other;
	uint64_t overflow;
	unsigned n;
	char ip[NFVA_IP_STRLEN];

	if (workers_vtep_stats(&rows, &n, &other, &overflow) < 0)
		return;
#define VTEP_FAMILY(field, help)                                                                   \
	family(f, "vtep_" #field "_total", "counter", help);                                       \
	for (unsigned i = 0; i < n; i++)                                                           \
		sample(f, "vtep_" #field "_total", "vtep",                                         \
				vtep_id_format(rows[i].ip, ip, sizeof(ip)), NULL, rows[i].field);
	VTEP_FIELDS(VTEP_FAMILY)
#undef VTEP_FAMILY
	family(f, "vtep_dropped_total", "counter", "tunnel frames dropped, by reason");
	for (unsigned i = 0; i < n; i++)
		for (unsigned r = 0; r < DROP_MAX; r++)
			if (rows[i].drops[r] != 0)
				sample(f, "vtep_dropped_total", "vtep",
						vtep_id_format(rows[i].ip, ip, sizeof(ip)),
						drop_reason_name(r), rows[i].drops[r]);
	family(f, "vtep_overflow_total", "counter",
			"frames of addresses the bounded per-worker VTEP tables had no room for");
	fprintf(f, "nfva_vtep_overflow_total %" PRIu64 "\n", overflow);
	free(rows);
}

char *observe_metrics_text(size_t *len)
{
	char *text = NULL;
	FILE *f = open_memstream(&text, len);

	if (f == NULL)
		return NULL;
	ports_metrics(f);
	workers_metrics(f);
	networks_metrics(f);
	vteps_metrics(f);
	family(f, "fdb_entries", "gauge", "FDB entries");
	fprintf(f, "nfva_fdb_entries %u\n", fdb_count());
	if (fclose(f) != 0) {
		free(text);
		return NULL;
	}
	return text;
}
