/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * The event bus: how a lower layer tells the layers above it that something
 * changed, without knowing who cares. A module subscribes from its own file
 * (EVENT_SUBSCRIBE); the owner of the state publishes. Everything runs on
 * the control thread, synchronously: event_publish() returns once every
 * subscriber has run. Subscribers run in subscription order, which is link
 * order: the layers lowest first (appliance/meson.build), so a lower layer
 * has reacted before an upper one hears of the change.
 *
 * Two kinds of events:
 * - news (event_publish): the change happened; subscribers follow it and
 *   return 0 (their return value is ignored);
 * - checks (event_check): a change is proposed; each subscriber may refuse
 *   it with -errno and a message in ev->err, and the first refusal wins
 *   (the publisher then changes nothing).
 *
 * The table of events, publishers and subscribers is in docs/architecture.md.
 */
#ifndef NFVA_EVENT_H
#define NFVA_EVENT_H

#include <stddef.h>
#include <stdint.h>
#include <jansson.h>
#include <rte_common.h>
#include <rte_ether.h>

#include "core/ip_addr.h"

enum nfva_event_type {
	/* News. */
	EVENT_PORT_ADDED,       /* .port started and in the published snapshot */
	EVENT_PORT_REMOVING,    /* .port goes: before the snapshot without it is published */
	EVENT_PORT_REMOVED,     /* .port gone: no worker can touch it any more */
	EVENT_PORT_SHOW,        /* .port: add fields to its `port show` object .json */
	EVENT_UNDERLAY_CHANGED, /* the uplink, the VTEP address or the gateway changed */
	EVENT_NEIGH_CHANGED,    /* the MAC of neighbour .addr appeared, changed or went */
	EVENT_ENCAP_CHANGED,    /* encapsulation templates were rebuilt or removed */
	EVENT_LISP_CHANGED,     /* local EIDs or the map-cache changed */
	EVENT_FDB_REMOVED,      /* the entry of .mac in .network went (aged, flushed, deleted) */
	EVENT_NETWORK_DETACHED, /* (.port, .vlan) left .network (published snapshot without it) */
	EVENT_NETWORK_REMOVED,  /* .network went; its index may be reused by the next one */
	EVENT_FDB_MOVING,       /* control is about to point .mac in .network elsewhere */
	EVENT_FDB_CHANGED,      /* .mac in .network was learned, moved or set (change feed) */
	EVENT_FDB_RESYNC,       /* the change feed overflowed: changes of .network were lost */
	EVENT_NETWORK_ADDED,    /* .network published */
	EVENT_NETWORK_REMOVING, /* .network goes: before its snapshot and FDB entries go */
	EVENT_STATS_CLEAR,      /* `stats clear`: counters restart from zero */
	/* Checks. */
	EVENT_UNDERLAY_CHECK, /* may .port become the uplink? */
	EVENT_NETWORK_CHECK,  /* a network or attachment was added: may it be published? */
	/* config show: does a module above write .port's line itself (.network NONE:
	 * its port add; else its attachment .network/.vlan)? It refuses (-EEXIST). */
	EVENT_CONFIG_OWNED,
	EVENT_MAX
};

struct nfva_event {
	enum nfva_event_type type;
	uint16_t port;       /* PORT_*, UNDERLAY_CHECK: appliance port index */
	struct nfva_ip addr; /* NEIGH_CHANGED: the neighbour, either family */
	uint16_t network;    /* FDB_*, NETWORK_*, CONFIG_OWNED (FDB_RESYNC: NONE = all) */
	uint16_t vlan;       /* NETWORK_DETACHED (the attachment's), CONFIG_OWNED */
	const struct rte_ether_addr *mac; /* FDB_REMOVED, FDB_MOVING, FDB_CHANGED */
	json_t *json;                     /* PORT_SHOW: the object to add to (borrowed) */
	char *err;                        /* checks: where a refusal explains itself */
	size_t errlen;
};

/* Returns 0, or for a check a -errno refusal with ev->err filled. */
typedef int (*event_handler_fn)(const struct nfva_event *ev);

struct event_subscription {
	enum nfva_event_type type;
	const char *name; /* the subscriber, for logs and docs */
	event_handler_fn handler;
	struct event_subscription *next; /* private */
};

void event_subscribe(struct event_subscription *s);

/* Subscribe handler (a function of this file) to an event type at load time. */
#define EVENT_SUBSCRIBE(type_, handler_)                                                           \
	static struct event_subscription event_sub_##handler_ = { .type = (type_),                 \
		.name = RTE_STR(handler_),                                                         \
		.handler = (handler_) };                                                           \
	RTE_INIT(event_subscribe_##handler_)                                                       \
	{                                                                                          \
		event_subscribe(&event_sub_##handler_);                                            \
	}

/* Control thread: tell every subscriber of ev->type. */
void event_publish(const struct nfva_event *ev);
/* Shorthands for the news without a payload and those about a port. */
void event_publish_simple(enum nfva_event_type type);
void event_publish_port(enum nfva_event_type type, uint16_t port);
/* Control thread: ask every subscriber of a check; 0, or the first refusal. */
int event_check(struct nfva_event *ev);

#endif
