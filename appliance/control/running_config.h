/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * The running configuration: the command lines that rebuild the live state
 * (`config show`, `config save`, --autosave). Each module renders its own
 * lines from its own file, as a section registered at load time:
 *
 *   static void neigh_config(struct config_out *o)
 *   {
 *           config_add(o, "neigh add %s lladdr %s", ip, mac);
 *           config_end(o);
 *   }
 *   CONFIG_SECTION(CONFIG_ORDER_NEIGH, neigh_config)
 *
 * Sections run in ascending order, so the text replays: whatever a line
 * names (a port, a network, an attachment) was made by an earlier line.
 * Within a section a module writes its objects in an order that does not
 * depend on table slots or hash positions (sorted, or creation order), so
 * that a daemon started from the saved file shows the same bytes again.
 * Only configured state is written: nothing learned (dynamic FDB entries,
 * ARP, Map-Replies), nothing counted. Control thread only.
 */
#ifndef NFVA_RUNNING_CONFIG_H
#define NFVA_RUNNING_CONFIG_H

#include <stddef.h>

/* The replay order: a section may name what the sections before it made. */
enum config_order {
	CONFIG_ORDER_PORTS = 100,    /* port add: e-switch uplinks before their VFs */
	CONFIG_ORDER_UNDERLAY = 200, /* underlay set uplink */
	CONFIG_ORDER_NEIGH = 300,    /* static neighbours */
	CONFIG_ORDER_EVPN = 350,     /* evpn set netns: before networks with evpn */
	CONFIG_ORDER_NETWORKS = 400, /* network add (with their overlay options) */
	CONFIG_ORDER_ATTACH = 410,   /* network NETWORK attach */
	CONFIG_ORDER_VTEPS = 420,    /* network NETWORK vtep add */
	CONFIG_ORDER_GUESTS = 500,   /* guest ports: later lines may name them */
	CONFIG_ORDER_FDB = 600,      /* static FDB entries, ageing */
	CONFIG_ORDER_LISP = 700,     /* settings, resolvers, servers, sites, EIDs, map-cache */
	CONFIG_ORDER_MIRRORS = 800,  /* mirror sessions */
	CONFIG_ORDER_COLLECT = 810,  /* ERSPAN collection */
	CONFIG_ORDER_OFFLOAD = 900,  /* offload on/off, limits */
	CONFIG_ORDER_LOG = 1000,     /* log levels that were changed */
};

/* Where a section writes its lines (opaque). */
struct config_out;

/* Append words as they are (keywords, numbers, addresses): printf format.
 * A space separates them from what the line holds already. */
void config_add(struct config_out *o, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
/* Append one word (a name, devargs, a filter, a key), in double quotes with
 * backslash escapes when it holds a space, a quote, a backslash or a '#',
 * or is empty: the tokenizer (cmd_tokenize) gives back exactly word. */
void config_word(struct config_out *o, const char *word);
/* End the line. */
void config_end(struct config_out *o);
/* The text cannot be complete (out of memory): config_render fails, so that
 * nothing partial is shown or saved. */
void config_fail(struct config_out *o);

struct config_section {
	unsigned order;                       /* enum config_order */
	const char *name;                     /* for logs */
	void (*render)(struct config_out *o); /* control thread */
	struct config_section *next;          /* private */
};

void config_register_section(struct config_section *s);

#define CONFIG_SECTION(order_, render_)                                                            \
	static struct config_section config_section_##render_ = { .order = (order_),               \
		.name = RTE_STR(render_),                                                          \
		.render = (render_) };                                                             \
	RTE_INIT(config_register_##render_)                                                        \
	{                                                                                          \
		config_register_section(&config_section_##render_);                                \
	}

/* The whole running configuration as text (caller frees), or NULL when out
 * of memory; *len its length. */
char *config_render(size_t *len);

#endif
