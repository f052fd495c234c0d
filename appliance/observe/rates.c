/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * `stats rates [SECONDS]`: rates per port and per worker over the last
 * SECONDS (1 by default, at most RATE_HISTORY), what `nfvactl monitor`
 * shows live. Control samples the workers' counters once a second into a
 * ring; a request compares the counters now with the newest sample at
 * least SECONDS old (or the oldest there is).
 */
#include <string.h>
#include <time.h>

#include "control/cmd.h"
#include "control/periodic.h"
#include "core/workers.h"
#include "observe/observe.h"
#include "ports/port.h"

#define RATE_HISTORY 60 /* seconds kept */

enum { P_RX, P_RX_BYTES, P_TX, P_TX_BYTES, P_DROPS, P_MAX };
enum { W_BUSY, W_IDLE, W_SLEEP, W_PACKETS, W_MAX };

struct rate_sample {
	uint64_t ms; /* CLOCK_MONOTONIC; 0: empty */
	uint64_t port[NFVA_MAX_PORTS][P_MAX];
	uint64_t worker[NFVA_MAX_WORKERS][W_MAX];
};

static struct rate_sample ring[RATE_HISTORY + 1];
static unsigned ring_next;

static uint64_t now_ms(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (uint64_t)ts.tv_sec * 1000 + (uint64_t)ts.tv_nsec / 1000000;
}

static void sample_take(struct rate_sample *s)
{
	memset(s, 0, sizeof(*s));
	s->ms = now_ms();
	for (uint16_t i = 0; i < NFVA_MAX_PORTS; i++) {
		struct port_counters c;
		if (port_by_index(i) == NULL)
			continue;
		workers_port_counters(i, &c);
		s->port[i][P_RX] = c.rx_packets + c.eswitch_packets;
		s->port[i][P_RX_BYTES] = c.rx_bytes + c.eswitch_bytes;
		s->port[i][P_TX] = c.tx_packets;
		s->port[i][P_TX_BYTES] = c.tx_bytes;
		for (unsigned r = 0; r < DROP_MAX; r++)
			s->port[i][P_DROPS] += c.drops[r];
	}
	for (unsigned i = 0; i < workers_count(); i++) {
		const struct worker *w = worker_get(i);
		if (w == NULL)
			continue;
		s->worker[i][W_BUSY] = w->loop.busy_cycles;
		s->worker[i][W_IDLE] = w->loop.idle_cycles;
		s->worker[i][W_SLEEP] = w->loop.sleep_cycles;
		s->worker[i][W_PACKETS] = w->loop.packets;
	}
}

static void rates_sample(void)
{
	sample_take(&ring[ring_next]);
	ring_next = (ring_next + 1) % RTE_DIM(ring);
}

static struct periodic_task rates_task = {
	.name = "rates",
	.interval_ms = 1000,
	.run = rates_sample,
};

/* The newest sample at least ms old before now, else the oldest; NULL if none. */
static const struct rate_sample *sample_before(uint64_t now, uint64_t ms)
{
	const struct rate_sample *oldest = NULL;

	for (unsigned k = 1; k <= RTE_DIM(ring); k++) {
		const struct rate_sample *s =
				&ring[(ring_next + RTE_DIM(ring) - k) % RTE_DIM(ring)];
		if (s->ms == 0)
			break;
		if (now - s->ms >= ms)
			return s;
		oldest = s;
	}
	return oldest;
}

/* A counter cleared in between (stats clear) counts from zero. */
static uint64_t delta(uint64_t now, uint64_t then)
{
	return now >= then ? now - then : now;
}

static json_t *ports_json(const struct rate_sample *a, const struct rate_sample *b, double sec)
{
	json_t *list = json_array();

	for (uint16_t i = 0; i < NFVA_MAX_PORTS; i++) {
		const struct port *p = port_by_index(i);
		if (p == NULL)
			continue;
		const uint64_t *x = a->port[i], *y = b->port[i];
		json_array_append_new(list,
				json_pack("{s:s, s:I, s:I, s:f, s:f, s:I}", "port", p->name,
						"rx_pps",
						(json_int_t)(delta(y[P_RX], x[P_RX]) / sec),
						"tx_pps",
						(json_int_t)(delta(y[P_TX], x[P_TX]) / sec),
						"rx_mbps",
						delta(y[P_RX_BYTES], x[P_RX_BYTES]) * 8e-6 / sec,
						"tx_mbps",
						delta(y[P_TX_BYTES], x[P_TX_BYTES]) * 8e-6 / sec,
						"drop_pps",
						(json_int_t)(delta(y[P_DROPS], x[P_DROPS]) / sec)));
	}
	return list;
}

static json_t *workers_json(const struct rate_sample *a, const struct rate_sample *b, double sec)
{
	json_t *list = json_array();

	for (unsigned i = 0; i < workers_count(); i++) {
		const uint64_t *x = a->worker[i], *y = b->worker[i];
		uint64_t busy = delta(y[W_BUSY], x[W_BUSY]),
			 pkts = delta(y[W_PACKETS], x[W_PACKETS]);
		uint64_t total = busy + delta(y[W_IDLE], x[W_IDLE]) + delta(y[W_SLEEP], x[W_SLEEP]);
		const struct worker *w = worker_get(i);
		json_array_append_new(list,
				json_pack("{s:i, s:i, s:o, s:I, s:o}", "worker", (int)i, "lcore",
						w != NULL ? (int)w->lcore : -1, "busy_pct",
						total ? json_real(100.0 * busy / total)
						      : json_null(),
						"pps", (json_int_t)(pkts / sec),
						"cycles_per_packet",
						pkts ? json_real((double)busy / pkts)
						     : json_null()));
	}
	return list;
}

json_t *observe_rates_json(unsigned seconds)
{
	static struct rate_sample now; /* large: not on the stack */

	sample_take(&now);
	const struct rate_sample *then = sample_before(now.ms, seconds * 1000ull);
	if (then == NULL || now.ms <= then->ms)
		return json_pack("{s:o, s:[], s:[]}", "seconds", json_null(), "ports", "workers");
	double sec = (double)(now.ms - then->ms) / 1000.0;
	return json_pack("{s:f, s:o, s:o}", "seconds", sec, "ports", ports_json(then, &now, sec),
			"workers", workers_json(then, &now, sec));
}

static int stats_rates_cmd(const struct cmd_args *a, struct cmd_reply *r)
{
	uint32_t seconds = cmd_arg_u32(a, "SECONDS", 1);

	if (seconds == 0 || seconds > RATE_HISTORY)
		return cmd_error(r, EINVAL, "rates are kept for 1 to %d seconds", RATE_HISTORY);
	r->result = observe_rates_json(seconds);
	return 0;
}
NFVA_CMD(stats_rates_cmd, "stats rates [SECONDS]",
		"per port and per worker rates over the last SECONDS (default 1): nfvactl monitor")

RTE_INIT(rates_register)
{
	periodic_register(&rates_task);
}
