/* SPDX-License-Identifier: BSD-3-Clause */
/* Running the control thread's periodic tasks (see periodic.h). */
#include <time.h>

#include "control/periodic.h"

static struct periodic_task *tasks;

void periodic_register(struct periodic_task *t)
{
	t->next = tasks;
	tasks = t;
}

static uint64_t now_ms(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (uint64_t)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

int periodic_run(void)
{
	uint64_t now = now_ms();
	uint64_t soonest = now + 1000;

	for (struct periodic_task *t = tasks; t != NULL; t = t->next) {
		if (now >= t->next_ms) {
			t->run();
			t->next_ms = now + t->interval_ms;
		}
		if (t->next_ms < soonest)
			soonest = t->next_ms;
	}
	return (int)(soonest - now);
}
