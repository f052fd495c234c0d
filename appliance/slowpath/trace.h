/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * Packet trace, datapath side: `trace add PORT COUNT` arms a budget of
 * frames for a port; the worker polling it passes each such frame through
 * the stages alone (worker.c, in order with the rest of its burst) and fills
 * one record: the frame as received, each stage it went through with the
 * frames left alive and the network it was given, whether the e-switch hit,
 * and what became of it — dropped (reason, port), sent (each output: port
 * and the first bytes as they leave, so tag and outer headers show; mirror
 * sessions' copies are among them and counted), or
 * consumed (taken by control: ARP, held for a template, answered in place).
 *
 * The drop and the outputs are read from the worker's own counters and tx
 * buffers before and after the frame, so no stage carries trace code: with
 * tracing off the only cost is one test of trace_armed per received burst
 * (and one of w->trace per stage per burst, beside the stage's timing).
 *
 * Bound: TRACE_MAX_PACKETS records; `trace add` beyond it is refused, and
 * frames that find the buffer full are counted in lost. Records are written
 * by workers once (done is set last) and read by control; trace_clear()
 * waits for a grace period before reusing them.
 */
#ifndef NFVA_TRACE_H
#define NFVA_TRACE_H

#include <stdbool.h>
#include <stdint.h>
#include <rte_mbuf.h>

#include "core/bounds.h"
#include "core/drop.h"
#include "core/stages.h"

#define TRACE_MAX_PACKETS 1024
#define TRACE_HEAD 128    /* bytes of the received frame kept */
#define TRACE_OUT_HEAD 96 /* bytes kept of each output */
#define TRACE_MAX_OUT 8   /* outputs kept per frame (a flood may have more) */
#define TRACE_MAX_STEPS 12

enum trace_verdict {
	TRACE_SENT,     /* left through one or more ports */
	TRACE_DROPPED,  /* dropped: drop_reason, counted on drop_port */
	TRACE_CONSUMED, /* taken by the control thread or answered in place */
};

struct trace_step {
	uint8_t stage;    /* enum stage */
	uint8_t alive;    /* the frame went on after it */
	uint16_t network; /* network it belonged to after the stage, or NONE */
	uint32_t vtep;    /* decapsulated: outer source (network order), else 0 */
};

struct trace_out {
	uint16_t port;
	uint8_t head_len;
	uint32_t len;
	uint8_t head[TRACE_OUT_HEAD];
};

struct trace_ctx {
	uint32_t done; /* 1 once complete: control reads only done records */
	uint16_t worker, port;
	uint64_t tsc; /* rte_rdtsc() at the start */
	uint32_t len;
	uint8_t head_len;
	uint8_t verdict;              /* enum trace_verdict */
	bool dropped;                 /* a drop was counted (a flood copy, or the frame) */
	uint8_t drop_reason;          /* the first one */
	uint16_t drop_port;           /* the port it was counted on */
	bool flooded, learned, moved; /* flooding, source MAC learned or moved */
	bool learn_deferred;          /* learning put off (FDB busy), retried later */
	bool learn_refused;           /* not learned: a MAC limit or the FDB full */
	uint8_t n_steps;
	uint16_t n_out;         /* outputs, kept or not, mirror copies included */
	uint16_t mirror_copies; /* of those, copies made by mirror sessions */
	uint64_t mirrored;      /* private: the worker's copies made before */
	uint64_t cycles;
	struct trace_step steps[TRACE_MAX_STEPS];
	struct trace_out out[TRACE_MAX_OUT];
	uint8_t head[TRACE_HEAD];
};

struct worker;
struct l2_meta;

/* Workers. trace_armed: some port has frames left to trace. */
extern bool trace_armed;
/* Take one frame of port for tracing (the port's budget goes down). */
bool trace_want(uint16_t port);
/* Start a record for m (sets w->trace; no record when the buffer is full). */
void trace_begin(struct worker *w, uint16_t port, const struct rte_mbuf *m);
/* Stage s left n frames alive (0 or 1); meta: the frame's, or NULL. */
void trace_stage(struct worker *w, enum stage s, uint16_t n, const struct l2_meta *meta);
/* Finish the record: verdict, drop, outputs (w->trace back to NULL). */
void trace_end(struct worker *w);

/* Control thread. */
/* Add count frames of port to trace: 0, or -ENOSPC when the records left
 * cannot hold them (nothing changes), -ENOMEM. */
int trace_add(uint16_t port, uint32_t count);
/* Forget every record and budget (waits for the workers). */
void trace_clear(void);
/* The done records, in the order they were taken, and how many. */
const struct trace_ctx *trace_record(unsigned i);
unsigned trace_count(void);
struct trace_status {
	uint32_t pending[NFVA_MAX_PORTS]; /* frames still to trace, per port index */
	uint32_t recorded, lost;
};
void trace_status(struct trace_status *s);

#endif
