/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * Periodic tasks of the control thread (FDB ageing, and later neighbour
 * retries, LISP TTLs, offload idle scans). A module registers a task from its
 * own file; the control loop runs each one when its interval has passed.
 */
#ifndef NFVA_PERIODIC_H
#define NFVA_PERIODIC_H

#include <stdint.h>

struct periodic_task {
	const char *name;
	uint32_t interval_ms;
	void (*run)(void);
	uint64_t next_ms; /* private */
	struct periodic_task *next;
};

void periodic_register(struct periodic_task *t);
/* Runs the tasks that are due; returns ms until the next one is due. */
int periodic_run(void);

#endif
