/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * A rule as dpdk-testpmd commands a lab engineer pastes into testpmd on the
 * real NIC: the "set ..." lines its actions need, then one "flow create".
 * What testpmd cannot express is said in "# ..." lines before the command it
 * concerns, never silently dropped. Items in testpmd_items.c, actions in
 * testpmd_actions.c.
 */
#include <arpa/inet.h>
#include <stdarg.h>
#include <stdio.h>

#include "offload/testpmd/testpmd.h"
#include "offload/testpmd/testpmd_dump.h"

void tp_printf(struct tp_out *o, const char *fmt, ...)
{
	size_t room = o->pos < o->len ? o->len - o->pos : 0;
	va_list ap;
	int n;

	va_start(ap, fmt);
	n = vsnprintf(room != 0 ? o->buf + o->pos : NULL, room, fmt, ap);
	va_end(ap);
	if (n > 0)
		o->pos += (size_t)n;
}

void tp_mac_print(struct tp_out *o, const struct rte_ether_addr *m)
{
	const uint8_t *b = m->addr_bytes;

	tp_printf(o, "%02x:%02x:%02x:%02x:%02x:%02x", b[0], b[1], b[2], b[3], b[4], b[5]);
}

void tp_ipv4_print(struct tp_out *o, rte_be32_t addr)
{
	uint32_t a = rte_be_to_cpu_32(addr);

	tp_printf(o, "%u.%u.%u.%u", a >> 24, (a >> 16) & 0xff, (a >> 8) & 0xff, a & 0xff);
}

void tp_ipv6_print(struct tp_out *o, const uint8_t addr[16])
{
	char buf[INET6_ADDRSTRLEN];

	tp_printf(o, "%s", inet_ntop(AF_INET6, addr, buf, sizeof(buf)) != NULL ? buf : "::");
}

static void flow_line(struct tp_out *o, struct tp_rule *r, const struct flow_spec *s, uint16_t port)
{
	const struct rte_flow_attr *a = &s->attr;

	tp_printf(o, "flow create %u", port);
	if (a->group != 0)
		tp_printf(o, " group %u", a->group);
	if (a->priority != 0)
		tp_printf(o, " priority %u", a->priority);
	tp_printf(o, "%s%s%s pattern ", a->ingress ? " ingress" : "", a->egress ? " egress" : "",
			a->transfer ? " transfer" : "");
	for (unsigned i = 0; i < s->n_items && s->pattern[i].type != RTE_FLOW_ITEM_TYPE_END; i++)
		if (tp_item_supported(s->pattern[i].type))
			tp_item_print(o, &s->pattern[i]);
	tp_printf(o, "end actions ");
	tp_actions_print(o, r, s->actions);
	tp_printf(o, "end\n");
}

int flow_spec_to_testpmd(const struct flow_spec *s, uint16_t port, unsigned index, char *buf,
		size_t len)
{
	struct tp_out o = { .buf = buf, .len = len };
	struct tp_rule r = { .o = &o, .base = index };
	struct tp_out count = { .buf = NULL, .len = 0 };

	if (len != 0)
		buf[0] = '\0';
	tp_actions_prepare(&r, s->actions);
	for (unsigned i = 0; i < s->n_items && s->pattern[i].type != RTE_FLOW_ITEM_TYPE_END; i++)
		tp_item_notes(&o, i, &s->pattern[i]);
	flow_line(&count, &r, s, port);
	if (count.pos - 1 > TP_LINE_MAX)
		tp_printf(&o, "# the next line has %zu characters; testpmd reads at most %u\n",
				count.pos - 1, TP_LINE_MAX);
	flow_line(&o, &r, s, port);
	return (int)o.pos;
}
