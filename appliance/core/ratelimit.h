/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * Token buckets for what the appliance sends on its own (ICMP echo replies,
 * ARP replies, LISP Map-Replies, gleaning probes): at most rate per second
 * on average, burst at once, so that no sender can make nfva a reflector or
 * an amplifier. One bucket per sender thread (no atomics): a worker keeps
 * its own, the control thread its own. The caller counts what is refused.
 */
#ifndef NFVA_RATELIMIT_H
#define NFVA_RATELIMIT_H

#include <stdbool.h>
#include <stdint.h>
#include <rte_cycles.h>

struct token_bucket {
	uint32_t rate;   /* tokens per second */
	uint32_t burst;  /* most tokens held */
	uint64_t tokens; /* scaled by the TSC frequency */
	uint64_t last_tsc;
};

static inline void token_bucket_init(struct token_bucket *b, uint32_t rate, uint32_t burst)
{
	b->rate = rate;
	b->burst = burst;
	b->tokens = (uint64_t)burst * rte_get_tsc_hz();
	b->last_tsc = rte_get_tsc_cycles();
}

/* Take a token; false when the bucket is empty (the reply is not sent). */
static inline bool token_bucket_take(struct token_bucket *b)
{
	uint64_t hz = rte_get_tsc_hz(), now = rte_get_tsc_cycles();
	uint64_t cap = (uint64_t)b->burst * hz;

	if (b->rate == 0)
		return true; /* not limited */
	b->tokens += (now - b->last_tsc) * b->rate;
	b->last_tsc = now;
	if (b->tokens > cap)
		b->tokens = cap;
	if (b->tokens < hz)
		return false;
	b->tokens -= hz;
	return true;
}

#endif
