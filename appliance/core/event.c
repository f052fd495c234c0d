/* SPDX-License-Identifier: BSD-3-Clause */
/* The event bus: subscription lists per event type (see event.h). */
#include <errno.h>

#include "core/event.h"
#include "core/log.h"

NFVA_LOG_REGISTER(event)

static struct event_subscription *subscribers[EVENT_MAX];

void event_subscribe(struct event_subscription *s)
{
	RTE_VERIFY(s->type < EVENT_MAX);
	struct event_subscription **tail = &subscribers[s->type];
	while (*tail != NULL)
		tail = &(*tail)->next;
	s->next = NULL;
	*tail = s;
}

void event_publish(const struct nfva_event *ev)
{
	for (struct event_subscription *s = subscribers[ev->type]; s != NULL; s = s->next)
		s->handler(ev);
}

void event_publish_simple(enum nfva_event_type type)
{
	struct nfva_event ev = { .type = type };
	event_publish(&ev);
}

void event_publish_port(enum nfva_event_type type, uint16_t port)
{
	struct nfva_event ev = { .type = type, .port = port };
	event_publish(&ev);
}

int event_check(struct nfva_event *ev)
{
	for (struct event_subscription *s = subscribers[ev->type]; s != NULL; s = s->next) {
		int ret = s->handler(ev);
		if (ret < 0) {
			NFVA_LOG(DEBUG, "%s refused: %s", s->name, ev->err != NULL ? ev->err : "");
			return ret;
		}
	}
	return 0;
}
