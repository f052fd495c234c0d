/* SPDX-License-Identifier: BSD-3-Clause */
/* Running the control thread's periodic tasks (see periodic.h). */
#include <inttypes.h>
#include <time.h>

#include "control/periodic.h"
#include "core/log.h"

NFVA_LOG_REGISTER(periodic)

/* A task that runs longer than this delays every command: say so. */
#define SLOW_TASK_MS 50

static struct periodic_task *tasks;

void periodic_register(struct periodic_task *t)
{
	t->next = tasks;
	tasks = t;
}

void periodic_again(struct periodic_task *t, unsigned delay_ms)
{
	t->again_ms = (int)delay_ms;
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
			t->again_ms = -1;
			t->run();
			uint64_t took = now_ms() - now;
			if (took > SLOW_TASK_MS)
				NFVA_LOG(WARNING, "periodic task %s ran %" PRIu64 " ms", t->name,
						took);
			t->next_ms = now +
					(t->again_ms >= 0 ? (uint64_t)t->again_ms : t->interval_ms);
		}
		if (t->next_ms < soonest)
			soonest = t->next_ms;
	}
	return (int)(soonest - now);
}
