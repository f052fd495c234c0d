/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * Internals of the emulated e-switch (emu_switch.h), shared by its files:
 * the compiled key over a fixed field layout, the mask tables of the tuple
 * space, rules with their execution programs, and deferred frees.
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

#include "emu_switch.h"

#define EMU_MAX_MASKS 32        /* distinct mask shapes, one rte_hash each */
#define EMU_MAX_OPS 8           /* header operations per rule */
#define EMU_MAX_ENCAP 128       /* bytes one ENCAP prepends (mbuf headroom) */
#define EMU_MAX_DECAP 128       /* bytes one RAW_DECAP removes */
#define EMU_MAX_PRIORITY ((1u << 24) - 1)
#define EMU_SEQ_BITS 40         /* rank = priority << 40 | install sequence */
#define EMU_BURST 64            /* = RTE_HASH_LOOKUP_BULK_MAX */
#define EMU_VXLAN_PORT 4789     /* IANA; what a VXLAN item implies by default */
#define EMU_TABLE_MIN 256u      /* first size of a mask table's hash */
#define EMU_HASH_ENTRY_BYTES 96 /* approximate rte_hash cost of one slot */

#define EMU_GRE_C RTE_BE16(0x8000)
#define EMU_GRE_K RTE_BE16(0x2000)
#define EMU_GRE_S RTE_BE16(0x1000)
#define EMU_ETHER_TYPE_TEB 0x6558 /* transparent Ethernet bridging (L2 GRE) */

/* Presence bits of emu_key.flags: the header was found in the frame. An item
 * in a pattern sets its bit in both the key and the mask. */
#define EMU_F_VLAN 0x0001  /* one 802.1Q/802.1ad tag after the outer MACs */
#define EMU_F_IPV4 0x0002  /* outer IPv4 (after the tag, if any) */
#define EMU_F_UDP 0x0004   /* UDP in a non-fragment (or first fragment) */
#define EMU_F_GRE 0x0008   /* GRE in the same */
#define EMU_F_VXLAN 0x0010 /* UDP to a port some rule uses for VXLAN */
#define EMU_F_INNER 0x0020 /* inner Ethernet after VXLAN, or GRE 0x6558 */

/* The fields a rule can match, in one cache line. Multi-byte fields keep the
 * wire's byte order, as rte_flow items do; padding is always zero, so that
 * key & mask can be hashed and compared as 64 bytes. */
#define EMU_KEY_WORDS 8
struct emu_key {
	union {
		struct {
			uint16_t in_port;       /* REPRESENTED_PORT the frame came from */
			uint16_t flags;         /* EMU_F_* */
			struct rte_ether_addr o_dst;
			struct rte_ether_addr o_src;
			rte_be16_t o_type;      /* EtherType or TPID after the MACs */
			rte_be16_t vlan_tci;
			rte_be16_t vlan_type;   /* EtherType after the tag */
			uint8_t ip_proto;
			uint8_t pad0;
			rte_be32_t ip_src;
			rte_be32_t ip_dst;
			rte_be16_t l4_src;
			rte_be16_t l4_dst;
			rte_be16_t gre_flags;   /* C, K, S, reserved0, version */
			rte_be16_t gre_proto;
			rte_be32_t tun_id;      /* VXLAN: the vx_vni word; GRE: the key */
			struct rte_ether_addr i_dst;
			struct rte_ether_addr i_src;
			rte_be16_t i_type;
			uint8_t pad1[6];
		};
		uint64_t w[EMU_KEY_WORDS];
	};
};
_Static_assert(sizeof(struct emu_key) == EMU_KEY_WORDS * 8, "emu_key must have no hole");
/* Runs of fields copied from the frame as they are on the wire. */
_Static_assert(offsetof(struct emu_key, o_type) == offsetof(struct emu_key, o_dst) + 12 &&
		offsetof(struct emu_key, vlan_type) == offsetof(struct emu_key, vlan_tci) + 2 &&
		offsetof(struct emu_key, ip_dst) == offsetof(struct emu_key, ip_src) + 4 &&
		offsetof(struct emu_key, l4_dst) == offsetof(struct emu_key, l4_src) + 2 &&
		offsetof(struct emu_key, gre_proto) == offsetof(struct emu_key, gre_flags) + 2 &&
		offsetof(struct emu_key, i_type) == offsetof(struct emu_key, i_dst) + 12,
		"emu_key runs must follow the wire");

/* A pattern compiled: key (already masked) and mask. */
struct emu_match {
	struct emu_key key;
	struct emu_key mask;
	uint16_t vxlan_port;    /* host order; 0: no VXLAN item */
	int32_t in_port;        /* the ingress port when fully matched, else -1 */
};

enum emu_op_code {
	EMU_OP_VXLAN_DECAP,     /* outer Ethernet [+ tag] + IPv4 + UDP + VXLAN */
	EMU_OP_RAW_DECAP,       /* len bytes */
	EMU_OP_POP_VLAN,
	EMU_OP_PUSH_VLAN,       /* tpid; tci bits in tci_mask, others from the outer tag */
	EMU_OP_SET_VLAN,        /* tci bits in tci_mask of the outer tag, if any */
	EMU_OP_ENCAP,           /* the rule's encap bytes */
};

struct emu_op {
	uint8_t code;           /* enum emu_op_code */
	uint8_t pad;
	uint16_t arg;           /* RAW_DECAP: bytes; PUSH_VLAN: TPID (host order) */
	uint16_t tci;           /* host order */
	uint16_t tci_mask;
};

/* Outer headers to prepend and what to fix per packet, as a NIC does. */
struct emu_encap {
	uint8_t len;
	uint8_t ip_off;         /* outer IPv4: total length, checksum; 0: none */
	uint8_t udp_off;        /* UDP: length (and source port); 0: none */
	bool entropy;           /* UDP source port 0: entropy of the inner flow */
	uint8_t hdr[EMU_MAX_ENCAP];
};

enum emu_fate {
	EMU_FATE_PORT,          /* REPRESENTED_PORT: out(ctx, port, m) */
	EMU_FATE_REPRESENTOR,   /* PORT_REPRESENTOR: back to the caller, as a miss */
	EMU_FATE_DROP,
};

/* COUNT: a rule whose pattern pins the ingress port has one writer (nfva
 * polls a port's only rx queue from one worker at a time), so its counters
 * take plain relaxed load + store; any other rule's take atomic adds. */
enum emu_count {
	EMU_COUNT_NONE,
	EMU_COUNT_ONE_WRITER,
	EMU_COUNT_SHARED,
};

struct emu_prog {
	uint8_t n_ops;
	uint8_t fate;           /* enum emu_fate */
	uint16_t port;
	uint8_t count;          /* enum emu_count */
	const struct emu_encap *encap; /* the ENCAP op's bytes */
	struct emu_op ops[EMU_MAX_OPS];
};

struct emu_table;

/* What workers touch is in the first cache line but the ops. */
struct emu_rule {
	/* read by workers */
	uint64_t rank;          /* lower wins: priority, then installation order */
	uint64_t hits;          /* COUNT, relaxed atomics, only workers write */
	uint64_t bytes;
	struct emu_prog prog;
	/* control */
	uint64_t hits_base;     /* at the last query with reset */
	uint64_t bytes_base;
	struct emu_rule *next;  /* same table and masked key, by rank */
	TAILQ_ENTRY(emu_rule) link;
	struct emu_table *table;
	size_t size;            /* of this allocation */
	uint16_t vxlan_port;
	struct emu_key key;     /* masked */
	struct emu_encap encap[]; /* present when prog.encap != NULL */
};

/* One shape of the tuple space: every rule with this mask. The hash maps a
 * masked key to the best-ranked rule with that key (rule->next: the others). */
struct emu_table {
	struct emu_key mask;
	struct rte_hash *h;     /* workers load-acquire: replaced when it grows */
	uint32_t n_keys;        /* workers skip a table while 0 */
	uint32_t n_rules;       /* control */
	uint32_t capacity;      /* control */
	uint8_t n_words;        /* words of mask that are not zero ... */
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

/* Immutable once published; replaced as a whole when a mask comes or goes. */
struct emu_tableset {
	uint32_t n;
	struct emu_table *t[EMU_MAX_MASKS];
};

TAILQ_HEAD(emu_rule_list, emu_rule);

struct emu_switch {
	/* read by workers */
	struct emu_tableset *tables;    /* load-acquire; never NULL */
	uint64_t vxlan_ports[65536 / 64]; /* UDP ports (host order) taken as VXLAN */
	uint64_t exec_errors;           /* hits dropped: no headroom, bad headers */
	/* control */
	char name[64];
	uint32_t id;                    /* process-wide, names the hashes */
	uint32_t table_gen;
	uint32_t max_rules;
	uint32_t n_rules;
	uint64_t seq;
	size_t mem;                     /* bytes allocated, hashes excepted */
	struct emu_rule_list rules;
	uint32_t *vxlan_refs;           /* rules per VXLAN port, [65536] */
	struct rte_rcu_qsbr *qsbr;
	struct rte_rcu_qsbr_dq *dq;
};

static inline bool emu_vxlan_port(const struct emu_switch *sw, uint16_t port)
{
	return (__atomic_load_n(&sw->vxlan_ports[port >> 6], __ATOMIC_RELAXED) >> (port & 63)) & 1;
}

/* emu_switch_defer.c: frees after a grace period (at once without QSBR). */
enum emu_defer_kind {
	EMU_DEFER_RULE,         /* free(): a rule */
	EMU_DEFER_KEY,          /* rte_hash_free_key_with_position(ptr, pos) */
	EMU_DEFER_HASH,         /* rte_hash_free(ptr) */
	EMU_DEFER_MEM,          /* rte_free(ptr): tables, table sets */
};
int emu_defer_init(struct emu_switch *sw);
void emu_defer(struct emu_switch *sw, enum emu_defer_kind kind, void *ptr, uint32_t pos);
void emu_defer_reclaim(struct emu_switch *sw);
void emu_defer_drain(struct emu_switch *sw);
void emu_defer_fini(struct emu_switch *sw);

/* emu_switch_items.c */
int emu_items_compile(const struct rte_flow_item pattern[], struct emu_match *m,
		struct rte_flow_error *error);

/* emu_switch_actions.c */
int emu_actions_compile(const struct rte_flow_action actions[], const struct emu_match *m,
		struct emu_prog *prog, struct emu_encap *encap, struct rte_flow_error *error);

/* emu_switch_encap.c */
int emu_encap_vxlan(const struct rte_flow_action *a, struct emu_encap *e,
		struct rte_flow_error *error);
int emu_encap_raw(const struct rte_flow_action *a, struct emu_encap *e,
		struct rte_flow_error *error);

/* emu_switch_tables.c */
int emu_tables_init(struct emu_switch *sw);
int emu_table_attach(struct emu_switch *sw, struct emu_rule *r, const struct emu_key *mask,
		struct rte_flow_error *error);
void emu_table_detach(struct emu_switch *sw, struct emu_rule *r);
void emu_tables_reset(struct emu_switch *sw);
size_t emu_tables_memory(const struct emu_switch *sw);
void emu_vxlan_port_ref(struct emu_switch *sw, uint16_t port);
void emu_vxlan_port_unref(struct emu_switch *sw, uint16_t port);

/* emu_switch_classify.c: best[i] = the winning rule for pkts[i], or NULL. */
void emu_classify(const struct emu_switch *sw, const struct emu_tableset *set,
		uint16_t in_port, struct rte_mbuf **pkts, unsigned n, struct emu_rule **best);

#endif
