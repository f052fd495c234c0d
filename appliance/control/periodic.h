/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * Periodic tasks of the control thread (FDB ageing, neighbour retries, IGMP
 * reports, LISP timers, the offload rules' counters and idle scan). A module
 * registers a task from its own file; the control loop runs each one when its
 * interval has passed.
 */
#ifndef NFVA_PERIODIC_H
#define NFVA_PERIODIC_H

#include <stdbool.h>
#include <stdint.h>

struct periodic_task {
	const char *name;
	uint32_t interval_ms;
	/* Called by the control loop (control thread) once interval_ms has
	 * passed since its last run; must return promptly (it delays commands,
	 * punted frames and the other tasks): bounded work per call. */
	void (*run)(void);
	uint64_t next_ms;           /* private */
	int again_ms;               /* private: -1, or periodic_again's delay */
	struct periodic_task *next; /* private */
};

void periodic_register(struct periodic_task *t);
/* From t's run(): run t again after delay_ms (0: the next turn of the
 * control loop, after commands and punted frames), not after its interval:
 * for work done in steps. */
void periodic_again(struct periodic_task *t, unsigned delay_ms);
/* Runs the tasks that are due; returns ms until the next one is due. */
int periodic_run(void);

#endif
