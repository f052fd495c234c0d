/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * The worker side of the emulated e-switch: classify a burst, then run each
 * hit's program (decap, VLAN pop/push/set, encap with the per-packet fixes
 * a NIC makes) and its fate. No allocation, no lock, no log: a hit that
 * cannot be executed (no headroom, headers not where the rule said) is
 * dropped and counted in exec_errors; an encapsulated frame above the
 * output port's MTU (outer IP length, as the slow path's DROP_MTU) is
 * dropped as a NIC's egress does, counted in mtu_drops. Counters of a run of frames hitting
 * the same rule are added once (see enum emu_count for how). Rules with a
 * SAMPLE or a MARK (prog.flags) go to emu_exec_special() instead: one test
 * per hit is all the others pay.
 */
#include <string.h>

#include <rte_cycles.h>
#include <rte_ethdev.h>
#include <rte_ip.h>
#include <rte_lcore.h>
#include <rte_mbuf.h>
#include <rte_memcpy.h>
#include <rte_prefetch.h>
#include <rte_udp.h>
#include <rte_vxlan.h>

#include "core/flow_hash.h"
#include "offload/emu/emu_switch_private.h"

#define VLAN_LEN ((uint32_t)sizeof(struct rte_vlan_hdr))
#define MACS_LEN (2 * RTE_ETHER_ADDR_LEN)

static inline bool tagged(const struct rte_mbuf *m)
{
	const struct rte_ether_hdr *eth = rte_pktmbuf_mtod(m, const struct rte_ether_hdr *);

	return rte_pktmbuf_data_len(m) >= sizeof(*eth) + VLAN_LEN &&
			(eth->ether_type == RTE_BE16(RTE_ETHER_TYPE_VLAN) ||
					eth->ether_type == RTE_BE16(RTE_ETHER_TYPE_QINQ));
}

static inline struct rte_vlan_hdr *outer_tag(struct rte_mbuf *m)
{
	return rte_pktmbuf_mtod_offset(m, struct rte_vlan_hdr *, sizeof(struct rte_ether_hdr));
}

/* Where the IPv4 or IPv6 header after Ethernet [+ one tag] starts, or 0. */
static uint32_t ip_offset(const struct rte_mbuf *m)
{
	uint32_t off = sizeof(struct rte_ether_hdr);
	rte_be16_t type = rte_pktmbuf_mtod(m, const struct rte_ether_hdr *)->ether_type;

	if (rte_pktmbuf_data_len(m) < off)
		return 0;
	if (tagged(m)) {
		type = rte_pktmbuf_mtod_offset(m, const struct rte_vlan_hdr *, off)->eth_proto;
		off += VLAN_LEN;
	}
	if (type == RTE_BE16(RTE_ETHER_TYPE_IPV6) &&
			rte_pktmbuf_data_len(m) >= off + sizeof(struct rte_ipv6_hdr))
		return off;
	if (type != RTE_BE16(RTE_ETHER_TYPE_IPV4) ||
			rte_pktmbuf_data_len(m) < off + sizeof(struct rte_ipv4_hdr))
		return 0;
	return off;
}

/* The IP header at off: its length (IPv4 options included), and where the
 * packet ends by its own length field; 0 when it is neither version. */
static uint32_t ip_lengths(const struct rte_mbuf *m, uint32_t off, uint32_t *end)
{
	const uint8_t *p = rte_pktmbuf_mtod_offset(m, const uint8_t *, off);

	if ((p[0] >> 4) == 6) {
		const struct rte_ipv6_hdr *ip6 = (const struct rte_ipv6_hdr *)p;
		*end = off + sizeof(*ip6) + rte_be_to_cpu_16(ip6->payload_len);
		return sizeof(*ip6);
	}
	const struct rte_ipv4_hdr *ip = (const struct rte_ipv4_hdr *)p;
	if ((ip->version_ihl >> 4) != 4)
		return 0;
	*end = off + rte_be_to_cpu_16(ip->total_length);
	return rte_ipv4_hdr_len(ip);
}

/* Bytes after the IP packet at off (Ethernet padding of the outer frame,
 * a trailer) are not part of it: a decap never carries them into the inner
 * frame, as the slow path does not (underlay_input trims every frame to its
 * outer IPv4 total length or IPv6 payload length). A length that does not
 * fit leaves it alone. */
static int trim_to_ip(struct rte_mbuf *m, uint32_t off)
{
	uint32_t len = rte_pktmbuf_pkt_len(m), end = 0;
	uint32_t hlen = ip_lengths(m, off, &end);

	if (hlen == 0 || end < off + hlen || end >= len)
		return 0;
	return rte_pktmbuf_trim(m, (uint16_t)(len - end)) == 0 ? 0 : -1;
}

/* Outer Ethernet [+ tag] + IPv4 or IPv6 + UDP + VXLAN, measured on this frame. */
static int op_vxlan_decap(struct rte_mbuf *m)
{
	uint32_t off = ip_offset(m), end;

	if (off == 0 || trim_to_ip(m, off) < 0)
		return -1;
	uint32_t hlen = ip_lengths(m, off, &end);
	if (hlen == 0)
		return -1;
	off += hlen + sizeof(struct rte_udp_hdr) + sizeof(struct rte_vxlan_hdr);
	return rte_pktmbuf_adj(m, (uint16_t)off) == NULL ? -1 : 0;
}

/* The rule's byte count; an outer IP packet is trimmed first, and an IPv4
 * packet the decap leaves (EMU_OP_F_L3_OUT) after. */
static int op_raw_decap(struct rte_mbuf *m, const struct emu_op *op)
{
	uint32_t off = ip_offset(m);

	if (off != 0 && trim_to_ip(m, off) < 0)
		return -1;
	if (rte_pktmbuf_adj(m, op->arg) == NULL)
		return -1;
	if (!(op->flags & EMU_OP_F_L3_OUT) || rte_pktmbuf_data_len(m) < sizeof(struct rte_ipv4_hdr))
		return 0;
	return trim_to_ip(m, 0);
}

static int op_pop_vlan(struct rte_mbuf *m)
{
	if (!tagged(m))
		return 0;
	uint8_t *p = rte_pktmbuf_mtod(m, uint8_t *);
	memmove(p + VLAN_LEN, p, MACS_LEN);
	rte_pktmbuf_adj(m, VLAN_LEN);
	return 0;
}

/* A real 802.1Q/802.1ad tag in the frame; the TCI bits the rule did not set
 * come from the tag that was outermost (OpenFlow push_vlan), else 0. */
static int op_push_vlan(struct rte_mbuf *m, const struct emu_op *op)
{
	uint16_t tci = tagged(m) ? rte_be_to_cpu_16(outer_tag(m)->vlan_tci) : 0;

	if (rte_pktmbuf_data_len(m) < sizeof(struct rte_ether_hdr))
		return -1;
	tci = (uint16_t)((tci & ~op->tci_mask) | (op->tci & op->tci_mask));
	uint8_t *p = (uint8_t *)rte_pktmbuf_prepend(m, VLAN_LEN);
	if (p == NULL)
		return -1;
	memmove(p, p + VLAN_LEN, MACS_LEN);
	struct rte_ether_hdr *eth = (struct rte_ether_hdr *)p;
	eth->ether_type = rte_cpu_to_be_16(op->arg);
	outer_tag(m)->vlan_tci = rte_cpu_to_be_16(tci); /* eth_proto: the old type */
	return 0;
}

static int op_set_vlan(struct rte_mbuf *m, const struct emu_op *op)
{
	if (!tagged(m))
		return 0;
	struct rte_vlan_hdr *vh = outer_tag(m);
	uint16_t tci = rte_be_to_cpu_16(vh->vlan_tci);
	vh->vlan_tci = rte_cpu_to_be_16((uint16_t)((tci & ~op->tci_mask) | op->tci));
	return 0;
}

/* As tunnel_output() (lisp_encap() for an IP packet) in the slow path:
 * hash the inner frame, prepend, fix. */
static int op_encap(struct rte_mbuf *m, const struct emu_encap *e)
{
	if (!rte_pktmbuf_is_contiguous(m) && rte_pktmbuf_linearize(m) != 0)
		return -1;
	uint32_t hash = !e->entropy && !e->label ? 0 : e->l3 ? ip_flow_hash(m) : inner_flow_hash(m);
	uint8_t *hdr = (uint8_t *)rte_pktmbuf_prepend(m, e->len);
	if (hdr == NULL)
		return -1;
	rte_memcpy(hdr, e->hdr, e->len);
	uint32_t len = rte_pktmbuf_pkt_len(m);
	if (e->ip_off != 0 && e->ipv6) {
		struct rte_ipv6_hdr *ip6 = (struct rte_ipv6_hdr *)(hdr + e->ip_off);
		ip6->payload_len = rte_cpu_to_be_16((uint16_t)(len - e->ip_off - sizeof(*ip6)));
		if (e->label)
			ip6->vtc_flow |= rte_cpu_to_be_32(entropy_flow_label(hash));
	} else if (e->ip_off != 0) {
		struct rte_ipv4_hdr *ip = (struct rte_ipv4_hdr *)(hdr + e->ip_off);
		rte_be16_t ip_len = rte_cpu_to_be_16((uint16_t)(len - e->ip_off));
		/* = rte_ipv4_cksum(): the header's sum (non-zero) plus the length,
		 * folded; the same 16 bits, as one's complement sums are */
		uint32_t sum = (uint32_t)e->ip_sum + ip_len;
		sum = (sum & 0xffff) + (sum >> 16);
		ip->total_length = ip_len;
		ip->hdr_checksum = (uint16_t) ~((sum & 0xffff) + (sum >> 16));
	}
	if (e->udp_off != 0) {
		struct rte_udp_hdr *udp = (struct rte_udp_hdr *)(hdr + e->udp_off);
		udp->dgram_len = rte_cpu_to_be_16((uint16_t)(len - e->udp_off));
		if (e->entropy)
			udp->src_port = rte_cpu_to_be_16(entropy_udp_port(hash));
	}
	return 0;
}

static inline int exec_op(const struct emu_prog *p, const struct emu_op *op, struct rte_mbuf *m)
{
	switch (op->code) {
	case EMU_OP_VXLAN_DECAP:
		return op_vxlan_decap(m);
	case EMU_OP_RAW_DECAP:
		return op_raw_decap(m, op);
	case EMU_OP_POP_VLAN:
		return op_pop_vlan(m);
	case EMU_OP_PUSH_VLAN:
		return op_push_vlan(m, op);
	case EMU_OP_SET_VLAN:
		return op_set_vlan(m, op);
	case EMU_OP_ENCAP:
		return op_encap(m, p->encap);
	default:
		return 0; /* SAMPLE: only in emu_exec_special() */
	}
}

static int exec_ops(const struct emu_prog *p, struct rte_mbuf *m)
{
	int ret = 0;

	for (unsigned i = 0; i < p->n_ops && ret == 0; i++)
		ret = exec_op(p, &p->ops[i], m);
	return ret;
}

uint16_t emu_egress_mtu(const struct emu_prog *p)
{
	uint16_t mtu;

	if (p->encap == NULL || p->encap->ip_off == 0 || p->fate != EMU_FATE_PORT)
		return 0;
	return rte_eth_dev_get_mtu(p->port, &mtu) == 0 ? mtu : 0;
}

int emu_exec_op(const struct emu_prog *p, const struct emu_op *op, struct rte_mbuf *m)
{
	return exec_op(p, op, m);
}

int emu_exec_encap(struct rte_mbuf *m, const struct emu_encap *e)
{
	return op_encap(m, e);
}

/* Hits and bytes of consecutive frames on one rule, and the copies its
 * SAMPLEs counted, added at once. */
struct count_run {
	struct emu_rule *r;
	uint64_t hits;
	uint64_t bytes;
	struct emu_copy_count copies;
};

/* Shared by workers (a SAMPLE's COUNT), as the COUNT of EMU_COUNT_SHARED. */
static void copies_flush(struct emu_rule *r, const struct emu_copy_count *cc)
{
	for (unsigned i = 0; i < r->prog.n_samples; i++) {
		if (cc->hits[i] == 0)
			continue;
		__atomic_fetch_add(&r->prog.samples[i].hits, cc->hits[i], __ATOMIC_RELAXED);
		__atomic_fetch_add(&r->prog.samples[i].bytes, cc->bytes[i], __ATOMIC_RELAXED);
	}
}

static inline void count_flush(struct count_run *c)
{
	struct emu_rule *r = c->r;

	if (r == NULL)
		return;
	if (r->prog.n_samples != 0)
		copies_flush(r, &c->copies);
	if (r->prog.count == EMU_COUNT_NONE)
		return;
	if (unlikely(__atomic_load_n(&r->first_hit_tsc, __ATOMIC_RELAXED) == 0))
		__atomic_store_n(&r->first_hit_tsc, rte_rdtsc(), __ATOMIC_RELAXED);
	__atomic_fetch_add(&r->hits, c->hits, __ATOMIC_RELAXED);
	__atomic_fetch_add(&r->bytes, c->bytes, __ATOMIC_RELAXED);
}

static inline void count(struct count_run *c, struct emu_rule *r, uint32_t len)
{
	if (r != c->r) {
		count_flush(c);
		*c = (struct count_run){ .r = r };
	}
	c->hits++;
	c->bytes += len;
}

/* Runs the hits of ret->pkts[base, base + n); misses (and PORT_REPRESENTOR
 * hits, and their copies) go back through ret. */
static void exec_burst(struct emu_switch *sw, unsigned base, unsigned n, struct emu_rule **best,
		struct emu_ret *ret, emu_output_fn out, void *ctx)
{
	struct count_run run = { .r = NULL };

	for (unsigned i = 0; i < n; i++) {
		struct rte_mbuf *m = ret->pkts[base + i];
		const struct emu_rule *r = best[i];
		if (r == NULL) {
			emu_ret_frame(ret, m);
			continue;
		}
		const struct emu_prog *p = &r->prog;
		if (p->count != EMU_COUNT_NONE || p->n_samples != 0)
			count(&run, best[i], rte_pktmbuf_pkt_len(m));
		if (unlikely(p->flags != 0)) {
			emu_exec_special(sw, r, m, ret, base + i + 1, out, ctx, &run.copies);
			continue;
		}
		if (p->fate == EMU_FATE_DROP) {
			rte_pktmbuf_free(m);
			continue;
		}
		if (p->n_ops != 0 && exec_ops(p, m) < 0) {
			__atomic_fetch_add(&sw->exec_errors, 1, __ATOMIC_RELAXED);
			rte_pktmbuf_free(m);
			continue;
		}
		if (unlikely(emu_egress_too_big(p, m))) {
			__atomic_fetch_add(&sw->mtu_drops, 1, __ATOMIC_RELAXED);
			rte_pktmbuf_free(m);
			continue;
		}
		if (p->fate == EMU_FATE_PORT)
			out(ctx, p->port, m);
		else
			emu_ret_frame(ret, m);
	}
	count_flush(&run);
}

uint16_t emu_switch_process(struct emu_switch *sw, uint16_t in_ethdev, struct rte_mbuf **pkts,
		uint16_t n, uint16_t cap, emu_output_fn out, void *ctx)
{
	/* gen first: what the caches learn below is no older than it */
	uint64_t gen = __atomic_load_n(&sw->gen, __ATOMIC_ACQUIRE);
	const struct emu_tableset *set = __atomic_load_n(&sw->tables, __ATOMIC_ACQUIRE);
	unsigned lcore = rte_lcore_id();
	struct emu_emc *emc = lcore < RTE_MAX_LCORE ? sw->emc[lcore] : NULL;
	struct emu_ret ret = { .pkts = pkts, .n = n, .cap = RTE_MAX(cap, n) };
	struct emu_rule *best[EMU_BURST];

	if (set->n == 0)
		return n;
	/* Returned frames go into pkts[] itself: a frame is written at or
	 * before the slot being read, never over an unread one (emu_ret). */
	for (uint16_t base = 0; base < n; base += EMU_BURST) {
		unsigned chunk = RTE_MIN((unsigned)(n - base), (unsigned)EMU_BURST);
		emu_classify(sw, set, gen, emc, in_ethdev, pkts + base, chunk, best);
		exec_burst(sw, base, chunk, best, &ret, out, ctx);
	}
	uint16_t front = (uint16_t)(ret.n_miss + ret.n_front);
	if (ret.n_tail != 0 && front != n)
		memmove(&pkts[front], &pkts[n], ret.n_tail * sizeof(pkts[0]));
	return (uint16_t)(front + ret.n_tail);
}
