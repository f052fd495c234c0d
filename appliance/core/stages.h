/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * Per-worker load accounting, in the spirit of OVS pmd-perf-show and VPP
 * show runtime: each worker counts its poll iterations and the TSC cycles
 * spent in iterations that found packets (busy) or none (idle), and for each
 * stage of the burst path the calls, packets and cycles. A stage is timed
 * with one rte_rdtsc() per burst, never per packet: it runs from the end of
 * the stage before (worker->tsc) to its own end, so a busy iteration costs
 * one rte_rdtsc per stage it went through and nothing more. Counters are
 * the worker's own plain integers; control sums and shows them (workers.h,
 * observe/).
 */
#ifndef NFVA_STAGES_H
#define NFVA_STAGES_H

#include <stdbool.h>
#include <stdint.h>
#include <rte_cycles.h>

/* The stages of a burst, in the order a frame meets them. Cycles of a stage
 * include what it calls: l2_forward holds flooding, encapsulation and the
 * enqueueing into tx buffers; output is the tx bursts themselves. */
/* clang-format off */
#define NFVA_STAGES(X)                                                            \
	X(RX, "rx")                         /* rx burst that got frames (+ empty polls before) */ \
	X(ESWITCH, "eswitch")               /* emulated e-switch rules (hits end here) */ \
	X(MIRROR_IN, "mirror_in")           /* copies of frames as received */      \
	X(UNDERLAY_INPUT, "underlay_input") /* the uplink: ARP, ICMP, decapsulation */ \
	X(ETH_INPUT, "eth_input")           /* local ports: tag, network */          \
	X(LISP, "lisp")                     /* L3 overlay stages of LISP networks */ \
	X(L2_LEARN, "l2_learn")             /* source MACs */                        \
	X(L2_FORWARD, "l2_forward")         /* destination, flood, encapsulation */  \
	X(CTRL_INPUT, "ctrl_input")         /* worker 0: frames from control */      \
	X(OUTPUT, "output")                 /* tx bursts at the end of an iteration (+ retried learns) */
/* clang-format on */

enum stage {
#define NFVA_STAGE_ENUM(id, name) STAGE_##id,
	NFVA_STAGES(NFVA_STAGE_ENUM)
#undef NFVA_STAGE_ENUM
			STAGE_MAX
};

/* Stable name of a stage, as shown in JSON replies and metrics. */
const char *stage_name(enum stage s);

struct stage_counters {
	uint64_t calls;   /* bursts the stage took */
	uint64_t packets; /* frames that entered it */
	uint64_t cycles;  /* TSC cycles spent in it */
};

/* The poll loop of one worker. busy + idle + sleep = TSC time it ran. */
struct loop_counters {
	uint64_t iterations;
	uint64_t busy_iterations; /* iterations that received frames */
	uint64_t busy_cycles;     /* TSC cycles of those iterations */
	uint64_t idle_cycles;     /* TSC cycles of iterations that found nothing */
	uint64_t sleep_cycles;    /* TSC cycles asleep after a run of empty polls */
	uint64_t packets;         /* frames received (e-switch hits included) */
};

/* Stage timing (the cycles of each stage) is on unless the operator turned
 * it off (`stats workers timing off`): then stages count bursts and packets
 * only, and a busy iteration reads the TSC once. Workers read it once per
 * iteration (worker->timing). */
extern bool stage_timing;

#endif
