/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * Internals of the emulated e-switch (emu_switch.h), shared by its files:
 * the compiled key over a fixed field layout, the mask tables of the tuple
 * space, rules with their execution programs and samples, how a burst's
 * frames go back to the caller, and deferred frees.
 * Prototypes are grouped by the file that defines them.
 *
 * Threads: everything marked "control" is touched by the control thread
 * only; workers read the published table set, the hashes, rules' rank and
 * program (immutable once published) and add to rules' counters.
 */
#ifndef NFVA_EMU_SWITCH_PRIVATE_H
#define NFVA_EMU_SWITCH_PRIVATE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <sys/queue.h>

#include <rte_byteorder.h>
#include <rte_ether.h>
#include <rte_hash.h>
#include <rte_hash_crc.h>
#include <rte_rcu_qsbr.h>

#include "offload/emu/emu_switch.h"

#define EMU_MAX_MASKS 32  /* distinct mask shapes, one rte_hash each */
#define EMU_MAX_OPS 8     /* header operations (and SAMPLEs) per rule */
#define EMU_MAX_SAMPLES 2 /* SAMPLE actions per rule */
#define EMU_MAX_ENCAP 128 /* bytes one ENCAP prepends (mbuf headroom) */
#define EMU_MAX_DECAP 128 /* bytes one RAW_DECAP removes */
#define EMU_MAX_PRIORITY ((1u << 24) - 1)
#define EMU_SEQ_BITS 40         /* rank = priority << 40 | install sequence */
#define EMU_BURST 64            /* = RTE_HASH_LOOKUP_BULK_MAX */
#define EMU_VXLAN_PORT 4789     /* IANA; what a VXLAN item implies by default */
#define EMU_TABLE_MIN 256u      /* first size of a mask table's hash */
#define EMU_HASH_ENTRY_BYTES 96 /* approximate rte_hash cost of one slot */
/* RAW after UDP: the UDP payload bytes in the key, [0, 8) and [20, 28) (with
 * LISP: its header, then the inner IPv4 source and destination). */
#define EMU_PAYLOAD_LEN 28 /* a frame with less UDP payload has none in the key */
#define EMU_PAYLOAD_HEAD 8
#define EMU_PAYLOAD_TAIL 20 /* where the second run starts in the payload */

#define EMU_GRE_C RTE_BE16(0x8000)
#define EMU_GRE_K RTE_BE16(0x2000)
#define EMU_GRE_S RTE_BE16(0x1000)
#define EMU_ETHER_TYPE_TEB 0x6558 /* transparent Ethernet bridging (L2 GRE) */

/* Presence bits of emu_key.flags: the header was found in the frame. An item
 * in a pattern sets its bit in both the key and the mask. */
#define EMU_F_VLAN 0x0001    /* one 802.1Q/802.1ad tag after the outer MACs */
#define EMU_F_IPV4 0x0002    /* outer IPv4 (after the tag, if any) */
#define EMU_F_UDP 0x0004     /* UDP in a non-fragment (or first fragment) */
#define EMU_F_GRE 0x0008     /* GRE in the same */
#define EMU_F_VXLAN 0x0010   /* UDP to a port some rule uses for VXLAN */
#define EMU_F_INNER 0x0020   /* inner Ethernet after VXLAN, or GRE 0x6558 */
#define EMU_F_PAYLOAD 0x0040 /* UDP payload bytes, to a port some RAW item uses */
#define EMU_F_IPV6 0x0080    /* outer IPv6 (after the tag, if any); ip_proto: its next header */

/* The fields a rule can match: one cache line, then the outer IPv6
 * addresses (words 8-11, zero in every IPv4 key, so that rules without an
 * IPV6 item never hash them). Multi-byte fields keep the wire's byte order,
 * as rte_flow items do; padding is always zero, so that key & mask can be
 * hashed and compared as 96 bytes. */
#define EMU_KEY_WORDS 12
struct emu_key {
	union {
		struct {
			uint16_t in_port; /* REPRESENTED_PORT the frame came from */
			uint16_t flags;   /* EMU_F_* */
			struct rte_ether_addr o_dst;
			struct rte_ether_addr o_src;
			rte_be16_t o_type; /* EtherType or TPID after the MACs */
			rte_be16_t vlan_tci;
			rte_be16_t vlan_type; /* EtherType after the tag */
			uint8_t ip_proto;
			uint8_t pad0;
			rte_be32_t ip_src;
			rte_be32_t ip_dst;
			rte_be16_t l4_src;
			rte_be16_t l4_dst;
			rte_be16_t gre_flags; /* C, K, S, reserved0, version */
			rte_be16_t gre_proto;
			/* A frame has a tunnel (VXLAN or GRE) or a UDP payload
			 * in the key, never both: they share the last 24 bytes. */
			union {
				struct {
					rte_be32_t tun_id; /* VXLAN: the vx_vni word; GRE: the key
					                    */
					struct rte_ether_addr i_dst;
					struct rte_ether_addr i_src;
					rte_be16_t i_type;
					uint8_t pad1[6];
				};
				struct {
					/* EMU_F_PAYLOAD: UDP payload [0, 8) then [20, 28) */
					uint8_t payload[2 * EMU_PAYLOAD_HEAD];
					uint8_t pad2[8];
				};
			};
			/* EMU_F_IPV6: source and destination (ip_src, ip_dst stay 0) */
			uint8_t ip6_src[16];
			uint8_t ip6_dst[16];
		};
		uint64_t w[EMU_KEY_WORDS];
	};
};
_Static_assert(sizeof(struct emu_key) == EMU_KEY_WORDS * 8, "emu_key must have no hole");
/* Runs of fields copied from the frame as they are on the wire. */
_Static_assert(offsetof(struct emu_key, o_type) == offsetof(struct emu_key, o_dst) + 12 &&
				offsetof(struct emu_key, vlan_type) ==
						offsetof(struct emu_key, vlan_tci) + 2 &&
				offsetof(struct emu_key, ip_dst) ==
						offsetof(struct emu_key, ip_src) + 4 &&
				offsetof(struct emu_key, ip6_dst) ==
						offsetof(struct emu_key, ip6_src) + 16 &&
				offsetof(struct emu_key, l4_dst) ==
						offsetof(struct emu_key, l4_src) + 2 &&
				offsetof(struct emu_key, gre_proto) ==
						offsetof(struct emu_key, gre_flags) + 2 &&
				offsetof(struct emu_key, i_type) ==
						offsetof(struct emu_key, i_dst) + 12,
		"emu_key runs must follow the wire");
/* The payload is two whole words: a RAW rule hashes two words, not three. */
_Static_assert(offsetof(struct emu_key, payload) % 8 == 0 &&
				offsetof(struct emu_key, payload) ==
						offsetof(struct emu_key, tun_id),
		"emu_key payload must be word aligned and share the tunnel's bytes");

/* A pattern compiled: key (already masked) and mask. */
struct emu_match {
	struct emu_key key;
	struct emu_key mask;
	uint16_t vxlan_port;   /* host order; 0: no VXLAN item */
	uint16_t payload_port; /* host order; 0: no RAW item */
	int32_t in_port;       /* the ingress port when fully matched, else -1 */
};

enum emu_op_code {
	EMU_OP_VXLAN_DECAP, /* outer Ethernet [+ tag] + IPv4 + UDP + VXLAN */
	EMU_OP_RAW_DECAP,   /* len bytes */
	EMU_OP_POP_VLAN,
	EMU_OP_PUSH_VLAN, /* tpid; tci bits in tci_mask, others from the outer tag */
	EMU_OP_SET_VLAN,  /* tci bits in tci_mask of the outer tag, if any */
	EMU_OP_ENCAP,     /* the rule's encap bytes */
	EMU_OP_SAMPLE,    /* arg: index in prog.samples (executed by emu_exec_special) */
};

/* RAW_DECAP that leaves an IP packet (an Ethernet-only encap follows, as in
 * an L3 tunnel's decap): the packet is trimmed to its IPv4 total length. */
#define EMU_OP_F_L3_OUT 0x01

struct emu_op {
	uint8_t code;  /* enum emu_op_code */
	uint8_t flags; /* EMU_OP_F_* */
	uint16_t arg;  /* RAW_DECAP: bytes; PUSH_VLAN: TPID (host order) */
	uint16_t tci;  /* host order */
	uint16_t tci_mask;
};

/* Outer headers to prepend and what to fix per packet, as a NIC does. */
struct emu_encap {
	uint8_t len;
	uint8_t ip_off;  /* outer IPv4: total length, checksum; IPv6: payload length; 0: none */
	uint8_t udp_off; /* UDP: length (and source port); 0: none */
	bool entropy;    /* UDP source port 0: entropy of the inner flow */
	bool l3;         /* the frame encapsulated is an IP packet (ip_flow_hash) */
	bool ipv6;       /* the outer header at ip_off is IPv6 */
	bool label;      /* IPv6 flow label 0: entropy of the inner flow, as the UDP port */
	/* ip_off: rte_raw_cksum() of the outer IPv4 header with total length and
	 * checksum 0; a frame's checksum adds its length (no sum per frame) */
	uint16_t ip_sum;
	uint8_t hdr[EMU_MAX_ENCAP] __rte_aligned(8); /* headers written in place */
};

enum emu_fate {
	EMU_FATE_PORT,        /* REPRESENTED_PORT: out(ctx, port, m) */
	EMU_FATE_REPRESENTOR, /* PORT_REPRESENTOR: back to the caller, as a miss */
	EMU_FATE_DROP,
};

/* COUNT: every rule's counters take atomic adds, once per run of frames
 * that hit it in a burst. A rule that pins its ingress port is not one
 * writer's: a port's rx queues sit on several workers (plain load + store
 * lost 29% of two workers' hits in test_count_two_workers). */
enum emu_count {
	EMU_COUNT_NONE,
	EMU_COUNT_SHARED,
};

/* A SAMPLE action compiled: which frames it copies, what it does to a copy
 * (encap, mark) and where the copy goes (PORT or REPRESENTOR). Workers add
 * to seen, hits and bytes. */
struct emu_sample {
	uint32_t ratio; /* copy 1 frame in ratio */
	uint8_t fate;   /* EMU_FATE_PORT or EMU_FATE_REPRESENTOR */
	bool count;
	bool mark_set;
	uint16_t port;
	uint32_t mark;
	uint64_t seen;      /* frames that reached the SAMPLE (ratio > 1) */
	uint64_t hits;      /* COUNT of the copies made, relaxed atomics */
	uint64_t bytes;     /* ... of the frames as copied, before the sample's encap */
	uint64_t hits_base; /* control: at the last query with reset */
	uint64_t bytes_base;
	struct emu_encap encap; /* len 0: none */
};

/* prog.flags: what the fast path leaves to emu_exec_special() */
#define EMU_P_MARK 0x01   /* mark the frame delivered */
#define EMU_P_SAMPLE 0x02 /* at least one SAMPLE op */

struct emu_prog {
	uint8_t n_ops;
	uint8_t fate; /* enum emu_fate */
	uint16_t port;
	uint8_t count; /* enum emu_count */
	uint8_t flags; /* EMU_P_*: 0 on the fast path */
	uint8_t n_samples;
	const struct emu_encap *encap; /* the ENCAP op's bytes */
	uint32_t mark;                 /* EMU_P_MARK */
	/* An encap with an outer IPv4 to a PORT: the output port's MTU, read
	 * once at rule install (nfva sets a port's MTU only when it adds the
	 * port, and removing a port removes its rules); 0: no check. */
	uint16_t mtu;
	struct emu_op ops[EMU_MAX_OPS];
	struct emu_sample *samples; /* [n_samples], in the rule's allocation */
};

struct emu_table;

/* What workers touch is in the first cache line but the ops. */
struct emu_rule {
	/* read by workers */
	uint64_t rank; /* lower wins: priority, then installation order */
	uint64_t hits; /* COUNT, relaxed atomics, only workers write */
	uint64_t bytes;
	uint64_t first_hit_tsc; /* TSC of the first frame it carried; 0: none yet */
	struct emu_prog prog;
	/* control */
	uint64_t hits_base; /* at the last query with reset */
	uint64_t bytes_base;
	struct emu_rule *next; /* same table and masked key, by rank */
	TAILQ_ENTRY(emu_rule) link;
	struct emu_table *table;
	size_t size; /* of this allocation */
	uint16_t vxlan_port;
	uint16_t payload_port;
	struct emu_key key; /* masked */
	/* then, in the same allocation: the encap (when prog.encap != NULL) and
	 * the samples (prog.samples) */
	uint64_t tail[];
};

/* One shape of the tuple space: every rule with this mask. The hash maps a
 * masked key to the best-ranked rule with that key (rule->next: the others). */
struct emu_table {
	struct emu_key mask;
	struct rte_hash *h;           /* workers load-acquire: replaced when it grows */
	uint32_t n_keys;              /* workers skip a table while 0 */
	uint32_t n_rules;             /* control */
	uint32_t capacity;            /* control */
	uint8_t n_words;              /* words of mask that are not zero ... */
	uint8_t words[EMU_KEY_WORDS]; /* ... which alone are hashed */
};

/* The hash of a masked key: only the words its mask keeps (an L2 rule's
 * key is two words of eight). Every rte_hash call passes it (_with_hash). */
static inline hash_sig_t emu_table_hash(const struct emu_table *t, const struct emu_key *k)
{
	uint32_t h = 0;

	for (unsigned i = 0; i < t->n_words; i++)
		h = rte_hash_crc_8byte(k->w[t->words[i]], h);
	return h;
}

/* Immutable once published; replaced as a whole when a mask comes or goes.
 * umask: the union of the tables' masks. Two keys equal under it are equal
 * under every table's mask, so they classify alike: the exact-match cache
 * and the burst's dedup work on keys masked by it (a LISP frame's nonce and
 * UDP source port, which no rule matches, do not split its flow). */
struct emu_tableset {
	uint32_t n;
	uint8_t u_n_words;              /* words of umask that are not zero ... */
	uint8_t u_words[EMU_KEY_WORDS]; /* ... which alone the cache hashes */
	struct emu_key umask;
	struct emu_table *t[EMU_MAX_MASKS];
};

/* The exact-match cache (as Open vSwitch's EMC): one per worker lcore and
 * switch, written by its lcore only. An entry maps a umask-ed key to the
 * rule that won the tuple space for it (NULL: a miss, cached too) and is
 * valid only while its gen is the switch's: every change that could alter a
 * classification (a rule created or removed, a flush) bumps sw->gen after
 * it is published, so a removed or outranked rule is never reached through
 * the cache once its change returned, and a stale entry's rule pointer
 * (perhaps freed) is never read. Two places per key (two slices of its
 * hash); an entry goes where the gen is stale, else to the one the hash
 * picks. */
#define EMU_EMC_ENTRIES 4096u
#define EMU_EMC_SHIFT 12 /* log2(EMU_EMC_ENTRIES): the second place's bits */
struct emu_emc_meta {
	uint64_t gen; /* 0: empty (sw->gen starts at 1) */
	struct emu_rule *rule;
};
struct emu_emc {
	struct emu_key keys[EMU_EMC_ENTRIES];
	struct emu_emc_meta meta[EMU_EMC_ENTRIES];
	uint64_t hits; /* frames classified by the cache; its lcore writes */
	uint64_t misses;
};

TAILQ_HEAD(emu_rule_list, emu_rule);

struct emu_switch {
	/* read by workers */
	struct emu_tableset *tables; /* load-acquire; never NULL */
	/* UDP ports (host order) parsed further: [EMU_UDP_VXLAN] as VXLAN,
	 * [EMU_UDP_PAYLOAD] for a RAW item; a port is in one set at most */
	uint64_t udp_ports[2][65536 / 64];
	uint64_t exec_errors;  /* hits dropped: no headroom, bad headers */
	uint64_t mtu_drops;    /* encapsulated hits above the output port's MTU */
	uint64_t sample_drops; /* copies not made or not returned */
	uint64_t gen;          /* load-acquire; control bumps it (release) */
	/* exact-match caches by rte_lcore_id(); NULL: none */
	struct emu_emc *emc[RTE_MAX_LCORE];
	/* control */
	char name[64];
	uint32_t id; /* process-wide, names the hashes */
	uint32_t table_gen;
	uint32_t max_rules;
	uint32_t n_rules;
	uint64_t seq;
	size_t mem; /* bytes allocated, hashes excepted */
	struct emu_rule_list rules;
	uint32_t *udp_refs; /* rules per port of udp_ports, [65536] */
	struct rte_rcu_qsbr *qsbr;
	struct rte_rcu_qsbr_dq *dq;
};

enum emu_udp_kind {
	EMU_UDP_VXLAN,
	EMU_UDP_PAYLOAD,
};

static inline bool emu_udp_port(const struct emu_switch *sw, enum emu_udp_kind kind, uint16_t port)
{
	return (__atomic_load_n(&sw->udp_ports[kind][port >> 6], __ATOMIC_RELAXED) >> (port & 63)) &
			1;
}

/* Where a burst's frames go back to the caller (emu_switch_process()):
 * misses and representor hits at pkts[0, n_miss), in order, then the
 * representor copies, at pkts[n_miss, n_miss + n_front) in slots of frames
 * already consumed, and at pkts[n, n + n_tail) up to cap. Copies of frame i
 * are placed after the frame itself, so n_miss + n_front <= i + 1 holds and
 * no unread frame is overwritten. */
struct emu_ret {
	struct rte_mbuf **pkts;
	uint16_t n;
	uint16_t cap;
	uint16_t n_miss;
	uint16_t n_front;
	uint16_t n_tail;
};

static inline void emu_ret_frame(struct emu_ret *r, struct rte_mbuf *m)
{
	/* the first copy moves to the end of the copies, making room */
	if (unlikely(r->n_front != 0))
		r->pkts[r->n_miss + r->n_front] = r->pkts[r->n_miss];
	r->pkts[r->n_miss++] = m;
}

/* consumed: frames read so far, the copied one included. False: no room. */
static inline bool emu_ret_copy(struct emu_ret *r, unsigned consumed, struct rte_mbuf *m)
{
	if ((unsigned)r->n_miss + r->n_front < consumed)
		r->pkts[r->n_miss + r->n_front++] = m;
	else if (r->n + r->n_tail < r->cap)
		r->pkts[r->n + r->n_tail++] = m;
	else
		return false;
	return true;
}

/* What a NIC reports of a MARK on rx. */
static inline void emu_mark(struct rte_mbuf *m, uint32_t id)
{
	m->hash.fdir.hi = id;
	m->ol_flags |= RTE_MBUF_F_RX_FDIR | RTE_MBUF_F_RX_FDIR_ID;
}

/* emu_switch_defer.c: frees after a grace period (at once without QSBR). */
enum emu_defer_kind {
	EMU_DEFER_RULE, /* free(): a rule */
	EMU_DEFER_KEY,  /* rte_hash_free_key_with_position(ptr, pos) */
	EMU_DEFER_HASH, /* rte_hash_free(ptr) */
	EMU_DEFER_MEM,  /* rte_free(ptr): tables, table sets */
};
int emu_defer_init(struct emu_switch *sw);
void emu_defer(struct emu_switch *sw, enum emu_defer_kind kind, void *ptr, uint32_t pos);
void emu_defer_reclaim(struct emu_switch *sw);
void emu_defer_drain(struct emu_switch *sw);
void emu_defer_fini(struct emu_switch *sw);

/* emu_switch_items.c */
int emu_items_compile(const struct rte_flow_item pattern[], struct emu_match *m,
		struct rte_flow_error *error);

/* emu_switch_actions.c: samples[EMU_MAX_SAMPLES] */
int emu_actions_compile(const struct rte_flow_action actions[], const struct emu_match *m,
		struct emu_prog *prog, struct emu_encap *encap, struct emu_sample *samples,
		struct rte_flow_error *error);

/* emu_switch_sample.c: a SAMPLE's configuration; l3: what reaches it is an IP
 * packet (for its encap's entropy). */
int emu_sample_compile(const struct rte_flow_action *a, const struct emu_match *m, bool l3,
		struct emu_sample *s, struct rte_flow_error *error);
/* The COUNTs of a rule's SAMPLEs for a run of frames on the rule, added to
 * the samples' counters at once when the run ends (emu_switch_exec.c). */
struct emu_copy_count {
	uint64_t hits[EMU_MAX_SAMPLES];
	uint64_t bytes[EMU_MAX_SAMPLES];
};
/* A hit of a rule with prog.flags: its ops with the copies (counted into
 * cc), mark, fate. */
void emu_exec_special(struct emu_switch *sw, const struct emu_rule *r, struct rte_mbuf *m,
		struct emu_ret *ret, unsigned consumed, emu_output_fn out, void *ctx,
		struct emu_copy_count *cc);

/* emu_switch_encap.c */
int emu_encap_vxlan(const struct rte_flow_action *a, struct emu_encap *e,
		struct rte_flow_error *error);
int emu_encap_raw(const struct rte_flow_action *a, struct emu_encap *e,
		struct rte_flow_error *error);
/* Either of the two above, by the action's type. */
int emu_encap_parse(const struct rte_flow_action *a, struct emu_encap *e,
		struct rte_flow_error *error);

/* emu_switch_tables.c */
int emu_tables_init(struct emu_switch *sw);
int emu_table_attach(struct emu_switch *sw, struct emu_rule *r, const struct emu_key *mask,
		struct rte_flow_error *error);
void emu_table_detach(struct emu_switch *sw, struct emu_rule *r);
void emu_tables_reset(struct emu_switch *sw);
size_t emu_tables_memory(const struct emu_switch *sw);
/* A port is VXLAN or payload, not both: -EBUSY if taken by the other kind. */
int emu_udp_port_check(const struct emu_switch *sw, enum emu_udp_kind kind, uint16_t port);
void emu_udp_port_ref(struct emu_switch *sw, enum emu_udp_kind kind, uint16_t port);
void emu_udp_port_unref(struct emu_switch *sw, enum emu_udp_kind kind, uint16_t port);

/* emu_switch_exec.c: one header op (not SAMPLE), one encap; -1 on failure */
int emu_exec_op(const struct emu_prog *p, const struct emu_op *op, struct rte_mbuf *m);
int emu_exec_encap(struct rte_mbuf *m, const struct emu_encap *e);
/* The output port's MTU for prog.mtu, read on the control thread; 0: none. */
uint16_t emu_egress_mtu(const struct emu_prog *p);
/* An encapsulated frame above the MTU of its output port (prog.mtu)? */
static inline bool emu_egress_too_big(const struct emu_prog *p, const struct rte_mbuf *m)
{
	return p->mtu != 0 && rte_pktmbuf_pkt_len(m) - p->encap->ip_off > p->mtu;
}

/* emu_switch_classify.c: best[i] = the winning rule for pkts[i], or NULL;
 * gen: sw->gen loaded before set; emc: the calling lcore's cache, or NULL. */
void emu_classify(const struct emu_switch *sw, const struct emu_tableset *set, uint64_t gen,
		struct emu_emc *emc, uint16_t in_port, struct rte_mbuf **pkts, unsigned n,
		struct emu_rule **best);

/* emu_switch_cache.c: the exact-match caches (control) */
int emu_emc_init(struct emu_switch *sw);
void emu_emc_fini(struct emu_switch *sw);
/* After a change is published: every cached entry is stale. */
static inline void emu_emc_invalidate(struct emu_switch *sw)
{
	__atomic_store_n(&sw->gen, sw->gen + 1, __ATOMIC_RELEASE);
}
/* The union mask of a table set being built. */
void emu_tableset_umask(struct emu_tableset *set);

#endif
