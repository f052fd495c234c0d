/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * Per-packet classification of the emulated e-switch: one field extraction
 * per frame into struct emu_key (outer Ethernet, one tag, IPv4 or IPv6, UDP or GRE,
 * and for VXLAN on a port some rule uses or GRE carrying 0x6558, the tunnel
 * id and the inner Ethernet header; for UDP to a port some RAW item uses,
 * payload bytes 0-7 and 20-27). On an lcore with an exact-match cache, the
 * keys are masked by the union of the tables' masks and looked up there
 * first (prefetched across the burst); what misses, and every key on a
 * thread without a cache, goes to the tuple space, consecutive equal keys
 * once: per mask table one masked copy of the keys, their hashes (over the
 * words the mask keeps) and one rte_hash_lookup_with_hash_bulk_data; the
 * best rank wins.
 * Only the first segment is parsed: a header beyond it is absent.
 */
#include <netinet/in.h>
#include <string.h>

#include <rte_ether.h>
#include <rte_hash.h>
#include <rte_ip.h>
#include <rte_mbuf.h>
#include <rte_prefetch.h>
#include <rte_udp.h>
#include <rte_vect.h>
#include <rte_vxlan.h>

#include "offload/emu/emu_switch_private.h"

#define PREFETCH_AHEAD 4

/* The key was laid out so that each header's matched fields are one run of
 * bytes, as on the wire: each is one copy. Functions return presence bits. */
#define COPY(k, field, src, n) memcpy((uint8_t *)(k) + offsetof(struct emu_key, field), (src), (n))

static inline uint16_t extract_inner(const uint8_t *p, uint32_t len, struct emu_key *k)
{
	if (len < sizeof(struct rte_ether_hdr))
		return 0;
	COPY(k, i_dst, p, sizeof(struct rte_ether_hdr));
	return EMU_F_INNER;
}

/* RAW items: the two runs of UDP payload that a rule can match. */
static inline uint16_t extract_payload(const uint8_t *p, uint32_t len, struct emu_key *k)
{
	if (len < EMU_PAYLOAD_LEN)
		return 0;
	memcpy(&k->payload[0], p, EMU_PAYLOAD_HEAD);
	memcpy(&k->payload[EMU_PAYLOAD_HEAD], p + EMU_PAYLOAD_TAIL, EMU_PAYLOAD_HEAD);
	return EMU_F_PAYLOAD;
}

static inline uint16_t extract_udp(const struct emu_switch *sw, const uint8_t *p, uint32_t len,
		struct emu_key *k)
{
	const struct rte_udp_hdr *udp = (const struct rte_udp_hdr *)p;

	if (len < sizeof(*udp))
		return 0;
	COPY(k, l4_src, p, 2 * sizeof(rte_be16_t)); /* source and destination ports */
	uint16_t dport = rte_be_to_cpu_16(udp->dst_port);
	if (!emu_udp_port(sw, EMU_UDP_VXLAN, dport)) {
		if (emu_udp_port(sw, EMU_UDP_PAYLOAD, dport))
			return EMU_F_UDP | extract_payload(p + sizeof(*udp), len - sizeof(*udp), k);
		return EMU_F_UDP;
	}
	if (len < sizeof(*udp) + sizeof(struct rte_vxlan_hdr))
		return EMU_F_UDP;
	const struct rte_vxlan_hdr *vx = (const struct rte_vxlan_hdr *)(udp + 1);
	k->tun_id = vx->vx_vni;
	return EMU_F_UDP | EMU_F_VXLAN |
			extract_inner((const uint8_t *)(vx + 1), len - sizeof(*udp) - sizeof(*vx),
					k);
}

/* GRE (RFC 2784/2890): checksum, key and sequence words as the flags say. */
static inline uint16_t extract_gre(const uint8_t *p, uint32_t len, struct emu_key *k)
{
	const rte_be16_t *w = (const rte_be16_t *)p;
	uint32_t off = 4;

	if (len < off)
		return 0;
	COPY(k, gre_flags, p, 2 * sizeof(rte_be16_t)); /* flags and protocol */
	if (w[0] & EMU_GRE_C)
		off += 4;
	if (w[0] & EMU_GRE_K) {
		if (len < off + 4)
			return EMU_F_GRE;
		COPY(k, tun_id, p + off, sizeof(k->tun_id));
		off += 4;
	}
	if (w[0] & EMU_GRE_S)
		off += 4;
	if (w[1] != RTE_BE16(EMU_ETHER_TYPE_TEB) || len < off)
		return EMU_F_GRE;
	return EMU_F_GRE | extract_inner(p + off, len - off, k);
}

static inline uint16_t extract_ipv4(const struct emu_switch *sw, const uint8_t *p, uint32_t len,
		struct emu_key *k)
{
	const struct rte_ipv4_hdr *ip = (const struct rte_ipv4_hdr *)p;

	if (len < sizeof(*ip) || (ip->version_ihl >> 4) != 4)
		return 0;
	uint32_t ihl = rte_ipv4_hdr_len(ip);
	if (ihl < sizeof(*ip) || len < ihl)
		return 0;
	COPY(k, ip_src, &ip->src_addr, 2 * sizeof(rte_be32_t)); /* source and destination */
	k->ip_proto = ip->next_proto_id;
	if ((ip->fragment_offset & RTE_BE16(RTE_IPV4_HDR_OFFSET_MASK)) != 0)
		return EMU_F_IPV4; /* no L4 header in a non-first fragment */
	if (ip->next_proto_id == IPPROTO_UDP)
		return EMU_F_IPV4 | extract_udp(sw, p + ihl, len - ihl, k);
	if (ip->next_proto_id == IPPROTO_GRE)
		return EMU_F_IPV4 | extract_gre(p + ihl, len - ihl, k);
	return EMU_F_IPV4;
}

/* The fixed header only: the next header after it is ip_proto, and UDP or
 * GRE only when it comes right after (an extension header hides them, as
 * it does from a NIC parser that stops at the first one). */
static inline uint16_t extract_ipv6(const struct emu_switch *sw, const uint8_t *p, uint32_t len,
		struct emu_key *k)
{
	const struct rte_ipv6_hdr *ip = (const struct rte_ipv6_hdr *)p;

	if (len < sizeof(*ip) || (p[0] >> 4) != 6)
		return 0;
	COPY(k, ip6_src, ip->src_addr, 2 * sizeof(ip->src_addr)); /* source and destination */
	k->ip_proto = ip->proto;
	if (ip->proto == IPPROTO_UDP)
		return EMU_F_IPV6 | extract_udp(sw, p + sizeof(*ip), len - sizeof(*ip), k);
	if (ip->proto == IPPROTO_GRE)
		return EMU_F_IPV6 | extract_gre(p + sizeof(*ip), len - sizeof(*ip), k);
	return EMU_F_IPV6;
}

static inline void extract(const struct emu_switch *sw, const struct rte_mbuf *m, uint16_t in_port,
		struct emu_key *k)
{
	const uint8_t *p = rte_pktmbuf_mtod(m, const uint8_t *);
	uint32_t len = rte_pktmbuf_data_len(m);
	const struct rte_ether_hdr *eth = (const struct rte_ether_hdr *)p;
	uint32_t off = sizeof(*eth);
	uint16_t flags = 0;

	memset(k, 0, sizeof(*k));
	k->in_port = in_port;
	if (len < off)
		return;
	COPY(k, o_dst, p, sizeof(*eth)); /* MACs and EtherType or TPID */
	rte_be16_t type = eth->ether_type;
	if (type == RTE_BE16(RTE_ETHER_TYPE_VLAN) || type == RTE_BE16(RTE_ETHER_TYPE_QINQ)) {
		const struct rte_vlan_hdr *vh = (const struct rte_vlan_hdr *)(eth + 1);
		off += sizeof(*vh);
		if (len < off)
			return;
		COPY(k, vlan_tci, vh, sizeof(*vh)); /* TCI and EtherType */
		type = vh->eth_proto;
		flags = EMU_F_VLAN;
	}
	if (type == RTE_BE16(RTE_ETHER_TYPE_IPV4))
		flags |= extract_ipv4(sw, p + off, len - off, k);
	else if (type == RTE_BE16(RTE_ETHER_TYPE_IPV6))
		flags |= extract_ipv6(sw, p + off, len - off, k);
	k->flags = flags;
}

static inline void key_and(struct emu_key *restrict dst, const struct emu_key *restrict a,
		const struct emu_key *restrict mask)
{
	for (unsigned i = 0; i < EMU_KEY_WORDS; i++)
		dst->w[i] = a->w[i] & mask->w[i];
}

/* One mask table over keys[0..n): keep, per key, the better-ranked rule. */
static inline void lookup_table(const struct emu_table *t, const struct emu_key *const *keys,
		unsigned n, struct emu_rule **best)
{
	const struct rte_hash *h = __atomic_load_n(&t->h, __ATOMIC_ACQUIRE);
	struct emu_key masked[EMU_BURST] __rte_cache_aligned;
	const void *kp[EMU_BURST];
	hash_sig_t sig[EMU_BURST];
	void *data[EMU_BURST];
	uint64_t hits = 0;

	for (unsigned j = 0; j < n; j++) {
		key_and(&masked[j], keys[j], &t->mask);
		sig[j] = emu_table_hash(t, &masked[j]);
		kp[j] = &masked[j];
	}
	if (rte_hash_lookup_with_hash_bulk_data(h, kp, sig, n, &hits, data) <= 0)
		return;
	while (hits != 0) {
		unsigned j = (unsigned)__builtin_ctzll(hits);
		struct emu_rule *r = data[j];
		hits &= hits - 1;
		rte_prefetch0(r);
		if (best[j] == NULL || r->rank < best[j]->rank)
			best[j] = r;
	}
}

static inline void tuple_space(const struct emu_tableset *set, const struct emu_key *const *keys,
		unsigned n, struct emu_rule **best)
{
	for (unsigned j = 0; j < n; j++)
		best[j] = NULL;
	for (uint32_t t = 0; t < set->n && n != 0; t++)
		if (__atomic_load_n(&set->t[t]->n_keys, __ATOMIC_RELAXED) != 0)
			lookup_table(set->t[t], keys, n, best);
}

static inline bool key_equal(const struct emu_key *a, const struct emu_key *b)
{
	if (a->w[1] != b->w[1]) /* MACs: where distinct flows usually differ */
		return false;
#ifdef __SSE4_1__
	const __m128i *x = (const __m128i *)a->w, *y = (const __m128i *)b->w;
	__m128i d = _mm_or_si128(_mm_xor_si128(_mm_loadu_si128(&x[0]), _mm_loadu_si128(&y[0])),
			_mm_xor_si128(_mm_loadu_si128(&x[1]), _mm_loadu_si128(&y[1])));
	d = _mm_or_si128(d, _mm_xor_si128(_mm_loadu_si128(&x[2]), _mm_loadu_si128(&y[2])));
	d = _mm_or_si128(d, _mm_xor_si128(_mm_loadu_si128(&x[3]), _mm_loadu_si128(&y[3])));
	return _mm_testz_si128(d, d);
#else
	uint64_t diff = 0;

	for (unsigned i = 0; i < EMU_KEY_WORDS; i++)
		diff |= a->w[i] ^ b->w[i];
	return diff == 0;
#endif
}

static inline hash_sig_t umask_hash(const struct emu_tableset *set, const struct emu_key *k)
{
	uint32_t h = 0;

	for (unsigned i = 0; i < set->u_n_words; i++)
		h = rte_hash_crc_8byte(k->w[set->u_words[i]], h);
	return h;
}

static inline uint32_t emc_place(hash_sig_t sig, unsigned way)
{
	return (way == 0 ? sig : sig >> EMU_EMC_SHIFT) & (EMU_EMC_ENTRIES - 1);
}

/* The cached rule for key k (umask-ed), or false. */
static inline bool emc_find(const struct emu_emc *c, uint64_t gen, const struct emu_key *k,
		hash_sig_t sig, struct emu_rule **rule)
{
	for (unsigned way = 0; way < 2; way++) {
		uint32_t i = emc_place(sig, way);
		if (c->meta[i].gen == gen && key_equal(&c->keys[i], k)) {
			*rule = c->meta[i].rule;
			return true;
		}
	}
	return false;
}

static inline void emc_insert(struct emu_emc *c, uint64_t gen, const struct emu_key *k,
		hash_sig_t sig, struct emu_rule *rule)
{
	uint32_t i = emc_place(sig, 0);

	if (c->meta[i].gen == gen) {
		uint32_t j = emc_place(sig, 1);
		if (c->meta[j].gen != gen || (sig >> 31) != 0)
			i = j;
	}
	c->keys[i] = *k;
	c->meta[i] = (struct emu_emc_meta){ .gen = gen, .rule = rule };
}

/* Keys masked by the union mask (in place), through the cache: hits go to
 * best[] at once; the distinct misses (consecutive equal keys once) go
 * through the tuple space, then into the cache. */
static void classify_cached(const struct emu_tableset *set, uint64_t gen, struct emu_emc *c,
		struct emu_key *keys, unsigned n, struct emu_rule **best)
{
	const struct emu_key *distinct[EMU_BURST];
	struct emu_rule *unique_best[EMU_BURST];
	hash_sig_t sig[EMU_BURST], dsig[EMU_BURST];
	uint8_t miss[EMU_BURST], slot[EMU_BURST];
	unsigned i, nm = 0, nu = 0;

	for (i = 0; i < n; i++) {
		for (unsigned w = 0; w < EMU_KEY_WORDS; w++)
			keys[i].w[w] &= set->umask.w[w];
		sig[i] = umask_hash(set, &keys[i]);
		rte_prefetch0(&c->meta[emc_place(sig[i], 0)]);
		rte_prefetch0(&c->keys[emc_place(sig[i], 0)]);
	}
	for (i = 0; i < n; i++) {
		if (emc_find(c, gen, &keys[i], sig[i], &best[i]))
			continue;
		miss[nm++] = (uint8_t)i;
		if (nu > 0 && key_equal(&keys[i], distinct[nu - 1])) {
			slot[i] = (uint8_t)(nu - 1);
			continue;
		}
		dsig[nu] = sig[i];
		distinct[nu] = &keys[i];
		slot[i] = (uint8_t)nu++;
	}
	/* one writer; relaxed for emu_switch_cache_stats() on the control thread */
	__atomic_store_n(&c->hits, c->hits + n - nm, __ATOMIC_RELAXED);
	__atomic_store_n(&c->misses, c->misses + nm, __ATOMIC_RELAXED);
	if (nm == 0)
		return;
	tuple_space(set, distinct, nu, unique_best);
	for (i = 0; i < nu; i++)
		emc_insert(c, gen, distinct[i], dsig[i], unique_best[i]);
	for (i = 0; i < nm; i++)
		best[miss[i]] = unique_best[slot[miss[i]]];
}

/* Frames of one flow often come in a row: a frame whose key equals the
 * previous one's shares its classification (slot[i] names its distinct
 * key). The comparison waits for all extractions: reading a key right
 * after its narrow stores would stall on store forwarding. */
void emu_classify(const struct emu_switch *sw, const struct emu_tableset *set, uint64_t gen,
		struct emu_emc *emc, uint16_t in_port, struct rte_mbuf **pkts, unsigned n,
		struct emu_rule **best)
{
	struct emu_key keys[EMU_BURST] __rte_cache_aligned;
	const struct emu_key *distinct[EMU_BURST];
	struct emu_rule *unique_best[EMU_BURST];
	uint8_t slot[EMU_BURST];
	unsigned i, nu = 0;

	for (i = 0; i < n && i < PREFETCH_AHEAD; i++)
		rte_prefetch0(rte_pktmbuf_mtod(pkts[i], void *));
	for (i = 0; i < n; i++) {
		if (i + PREFETCH_AHEAD < n)
			rte_prefetch0(rte_pktmbuf_mtod(pkts[i + PREFETCH_AHEAD], void *));
		extract(sw, pkts[i], in_port, &keys[i]);
	}
	if (emc != NULL) {
		classify_cached(set, gen, emc, keys, n, best);
		return;
	}
	for (i = 0; i < n; i++) {
		if (nu > 0 && key_equal(&keys[i], distinct[nu - 1])) {
			slot[i] = (uint8_t)(nu - 1);
			continue;
		}
		distinct[nu] = &keys[i];
		slot[i] = (uint8_t)nu++;
	}
	tuple_space(set, distinct, nu, unique_best);
	for (i = 0; i < n; i++)
		best[i] = unique_best[slot[i]];
}
