/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * mirror_output: makes the copies of mirror sessions. For each session of
 * the port and direction: filter, 1-in-N sampling (deterministic per worker),
 * copy (truncated to the snap length), flag the copy so it is never mirrored
 * again, and send it to a local port, inside VXLAN to a collector, or inside
 * ERSPAN II/III (sequence number, index or timestamp and direction filled per
 * copy). A copy that cannot be made or sent is counted as dropped; the
 * original frame is untouched.
 */
#include <rte_cycles.h>
#include <rte_ip.h>

#include "overlay/encap.h"
#include "mirror/erspan.h"
#include "mirror/mirror.h"
#include "offload/offload.h"
#include "core/datapath.h"
#include "slowpath/slowpath.h"

static uint32_t erspan_seq[NFVA_MAX_MIRRORS];

/* 100 ns ticks for ERSPAN III timestamps. */
static uint32_t erspan_timestamp(void)
{
	return (uint32_t)(rte_get_tsc_cycles() / (rte_get_tsc_hz() / 10000000 + 1));
}

/* gre: the GRE header after the outer IPv4 or IPv6 header. */
static void erspan_fill(const struct dp_mirror *s, unsigned session, uint8_t *gre, uint16_t port,
		bool out, bool truncated)
{
	uint8_t *e = gre + ERSPAN_GRE_LEN;
	uint32_t seq = __atomic_fetch_add(&erspan_seq[session], 1, __ATOMIC_RELAXED);
	rte_be32_t seq_be = rte_cpu_to_be_32(seq);

	memcpy(gre + 4, &seq_be, sizeof(seq_be));
	if (truncated)
		e[2] |= 0x04; /* T */
	if (s->erspan_version == 2) {
		uint32_t index = port & 0xfffff; /* the source port */
		e[5] = (index >> 16) & 0x0f;
		e[6] = (index >> 8) & 0xff;
		e[7] = index & 0xff;
		return;
	}
	rte_be32_t ts = rte_cpu_to_be_32(erspan_timestamp());
	memcpy(e + 4, &ts, sizeof(ts));
	if (out)
		e[11] |= 0x08; /* D: egress */
}

static void send_remote(struct worker *w, const struct dp_mirror *s, unsigned session,
		struct rte_mbuf *copy, uint16_t port, bool out, bool truncated)
{
	const struct encap_template *t = encap_lookup(s->owner, s->dest_ip);
	struct mirror_counters *c = &w->mirrors[session];

	if (!w->cfg->underlay.active || t == NULL || !t->resolved) {
		c->dropped++; /* resolution was started when the session was added */
		rte_pktmbuf_free(copy);
		return;
	}
	(void)port;
	uint8_t *ip = tunnel_encap(w, copy, NFVA_PORT_NONE, t);
	if (ip == NULL) {
		c->dropped++;
		return;
	}
	if (s->dest == DP_MIRROR_ERSPAN)
		erspan_fill(s, session,
				ip +
						(t->ipv6 ? sizeof(struct rte_ipv6_hdr)
							 : rte_ipv4_hdr_len((struct rte_ipv4_hdr *)
											   ip)),
				port, out, truncated);
	c->mirrored++;
	port_output(w, w->cfg->underlay.port, NFVA_VLAN_NONE, copy);
}

static void mirror_one(struct worker *w, unsigned session, uint16_t port, struct rte_mbuf *m,
		bool out)
{
	const struct dp_mirror *s = &w->cfg->mirror->sessions[session];
	struct mirror_counters *c = &w->mirrors[session];

	if (!mirror_filter_match(&s->filter, m)) {
		c->filtered++;
		return;
	}
	if (s->sample_n > 1 && c->tick++ % s->sample_n != 0) {
		c->sampled_out++;
		return;
	}
	uint32_t len = rte_pktmbuf_pkt_len(m);
	bool truncated = s->snaplen != 0 && len > s->snaplen;
	struct rte_mbuf *copy = rte_pktmbuf_copy(m, w->pool, 0, truncated ? s->snaplen : len);
	if (copy == NULL) {
		c->dropped++;
		return;
	}
	copy->ol_flags |= mirror_copy_flag;
	if (s->dest != DP_MIRROR_PORT) {
		send_remote(w, s, session, copy, port, out, truncated);
	} else if (!w->cfg->ports[s->dest_port].active) {
		c->dropped++;
		rte_pktmbuf_free(copy);
	} else {
		c->mirrored++;
		port_output(w, s->dest_port, NFVA_VLAN_NONE, copy);
	}
}

static void mirror_frame(struct worker *w, uint32_t sessions, uint16_t port, struct rte_mbuf *m,
		bool out)
{
	while (sessions != 0) {
		unsigned i = __builtin_ctz(sessions);
		sessions &= sessions - 1;
		mirror_one(w, i, port, m, out);
	}
}

void mirror_in(struct worker *w, uint16_t port, struct rte_mbuf **pkts, uint16_t n)
{
	uint32_t sessions = w->cfg->ports[port].mirror_in;
	for (uint16_t i = 0; i < n; i++)
		mirror_frame(w, sessions, port, pkts[i], false);
}

void mirror_out(struct worker *w, uint16_t port, struct rte_mbuf *m)
{
	mirror_frame(w, w->cfg->ports[port].mirror_out, port, m, true);
}

static bool marked_copy(const struct rte_mbuf *m)
{
	return (m->ol_flags & RTE_MBUF_F_RX_FDIR_ID) &&
			(m->hash.fdir.hi & OFFLOAD_MIRROR_MARK_MASK) == OFFLOAD_MIRROR_MARK;
}

static void mirror_from_mark(struct worker *w, struct rte_mbuf *m)
{
	uint32_t mark = m->hash.fdir.hi;
	uint16_t port = mark & 0xffff;
	bool out = mark & OFFLOAD_MIRROR_MARK_OUT;

	m->ol_flags &= ~(RTE_MBUF_F_RX_FDIR | RTE_MBUF_F_RX_FDIR_ID);
	if (port < NFVA_MAX_PORTS) {
		const struct dp_port *p = &w->cfg->ports[port];
		mirror_frame(w, out ? p->mirror_out : p->mirror_in, port, m, out);
	}
	rte_pktmbuf_free(m);
}

uint16_t mirror_marked(struct worker *w, struct rte_mbuf **pkts, uint16_t n)
{
	uint16_t kept = 0;

	for (uint16_t i = 0; i < n; i++) {
		if (unlikely(marked_copy(pkts[i])))
			mirror_from_mark(w, pkts[i]);
		else
			pkts[kept++] = pkts[i];
	}
	return kept;
}
