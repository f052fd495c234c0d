/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * The emulated e-switch: a software stand-in for a switchdev NIC's VF switch
 * so that CI on vdevs runs the very rte_flow rules the NIC would get.
 *
 * Semantics modelled (switchdev): each member port is identified by its
 * ethdev id, which plays the representor's id in REPRESENTED_PORT items and
 * actions. A frame received from a member's backing device is first matched
 * against the installed transfer rules; a hit executes the rule's actions
 * (the frame never reaches the slow path); a miss is returned to the caller,
 * which hands it to the slow path as if it had arrived on the representor.
 *
 * Rules: validated as a PMD would — attr.transfer must be set, group 0 only;
 * items ETH, VLAN, IPV4, UDP, VXLAN, GRE, GRE_KEY, RAW, REPRESENTED_PORT,
 * VOID, END; masks honoured exactly as rte_flow defines them (a NULL mask
 * means the item's default mask, a NULL spec matches any such header);
 * `last` ranges are refused; items after a tunnel item (VXLAN, GRE/GRE_KEY)
 * describe the inner frame. Actions: REPRESENTED_PORT, PORT_REPRESENTOR
 * (deliver to the slow path), VXLAN_ENCAP, VXLAN_DECAP, RAW_ENCAP, RAW_DECAP,
 * OF_POP_VLAN, OF_PUSH_VLAN, OF_SET_VLAN_VID, OF_SET_VLAN_PCP, COUNT, MARK,
 * SAMPLE, DROP, VOID, END. Anything else gets -ENOTSUP with an
 * rte_flow_error naming the item or action. Priorities: the matching rule
 * with the lowest attr.priority wins; among equal priorities the earliest
 * installed.
 *
 * RAW (for LISP, which has no item in DPDK 22.11): only directly after a
 * UDP item with an exact destination port (mask 0xffff); spec relative 1,
 * search 0, limit 0, offset >= 0, length >= 1, offset + length <= 28, a
 * pattern, and a mask pattern (NULL: every byte given) with bits only on UDP
 * payload bytes 0-7 and 20-27 (the LISP header; the inner IPv4 source and
 * destination) — else -ENOTSUP. Frames to such a port with less than 28
 * bytes of UDP payload do not match. A UDP port is VXLAN (VXLAN item) or
 * RAW for all rules at a time: a rule that would make it both is refused.
 *
 * MARK (main list and sample lists, at most one per list): the frame
 * delivered gets m->hash.fdir.hi = id and RTE_MBUF_F_RX_FDIR |
 * RTE_MBUF_F_RX_FDIR_ID in ol_flags, as a NIC reports a mark on rx; the main
 * list's mark goes on the original frame only.
 *
 * SAMPLE (at most 2 per rule, a third gets -ENOTSUP): ratio >= 1 (0:
 * -EINVAL); ratio N copies the 1st, (N+1)th, ... frame to reach it,
 * counted per rule and shared by workers. The copy is the frame as it is at
 * the SAMPLE's place in the list: header actions listed before it apply,
 * those after it do not. Its list takes VOID, COUNT (counts the copies,
 * apart from the rule's COUNT: see emu_switch_rule_query_sample()), MARK,
 * at most one RAW_ENCAP or VXLAN_ENCAP (fixed per packet as the main encap)
 * and exactly one fate: REPRESENTED_PORT (the copy goes to out()) or
 * PORT_REPRESENTOR (the copy comes back from emu_switch_process() with the
 * misses — what a NIC would deliver on the representor; the slow path knows
 * it by its mark); anything else -ENOTSUP. A copy that cannot be made
 * (no mbuf), encapsulated or returned (no room in pkts) is freed and
 * counted in emu_switch_sample_drops(); the original goes on untouched.
 *
 * Encap entropy: an encap whose definition has UDP source port 0 gets the
 * slow path's entropy: inner_flow_hash() of the Ethernet frame, or, when a
 * RAW_DECAP of 14 bytes (18 in a rule whose pattern requires a VLAN tag)
 * precedes it — e.g. LISP: RAW_DECAP 14 + RAW_ENCAP of Ethernet/IPv4/UDP/LISP
 * — ip_flow_hash() of the IP packet (flow_hash.h).
 *
 * Classifier: rules are compiled into (key, mask) over a fixed field layout
 * and grouped by mask (tuple space search): one rte_hash per distinct mask,
 * so a packet costs one field extraction plus one hash lookup per mask —
 * no walking of item lists per packet. In front of it, per worker lcore, an
 * exact-match cache of the key under the union of the masks: a flow seen
 * since the last rule change costs one extraction, one hash and one compare.
 *
 * Threads: create/destroy/query/flush run on the control thread only; the
 * process function runs on workers concurrently, lock-free (RCU QSBR given at
 * creation defers frees until workers have moved on).
 */
#ifndef NFVA_EMU_SWITCH_H
#define NFVA_EMU_SWITCH_H

#include <stdint.h>
#include <rte_flow.h>
#include <rte_mbuf.h>
#include <rte_rcu_qsbr.h>

struct emu_switch;
struct emu_rule;

struct emu_switch *emu_switch_create(const char *name, uint32_t max_rules,
		struct rte_rcu_qsbr *qsbr);
void emu_switch_free(struct emu_switch *sw);

int emu_switch_validate(struct emu_switch *sw, const struct rte_flow_attr *attr,
		const struct rte_flow_item pattern[], const struct rte_flow_action actions[],
		struct rte_flow_error *error);
/* NULL with error filled (and rte_errno set) on failure. */
struct emu_rule *emu_switch_rule_create(struct emu_switch *sw, const struct rte_flow_attr *attr,
		const struct rte_flow_item pattern[], const struct rte_flow_action actions[],
		struct rte_flow_error *error);
int emu_switch_rule_destroy(struct emu_switch *sw, struct emu_rule *rule,
		struct rte_flow_error *error);
/* The TSC (rte_rdtsc) when the rule carried its first frame, 0 if it has
 * not yet: the end of the decision-to-live-rule latency. */
uint64_t emu_switch_rule_first_hit(const struct emu_rule *rule);

/* Same semantics as rte_flow_query() of a COUNT action. */
int emu_switch_rule_query(struct emu_switch *sw, struct emu_rule *rule,
		struct rte_flow_query_count *count, struct rte_flow_error *error);
/* The same for the COUNT in the list of the rule's SAMPLE number index (0:
 * the first SAMPLE of the action list, 1: the second): the copies made,
 * bytes as copied (before the sample's encap). -EINVAL when the rule has no
 * such SAMPLE, -ENOTSUP when its list has no COUNT. */
int emu_switch_rule_query_sample(struct emu_switch *sw, struct emu_rule *rule, unsigned index,
		struct rte_flow_query_count *count, struct rte_flow_error *error);
int emu_switch_flush(struct emu_switch *sw, struct rte_flow_error *error);
unsigned emu_switch_rule_count(const struct emu_switch *sw);
size_t emu_switch_memory(const struct emu_switch *sw);
/* SAMPLE copies freed: no mbuf, encap failed, or no room in pkts (any thread). */
uint64_t emu_switch_sample_drops(const struct emu_switch *sw);

/* Frames the exact-match caches of all lcores classified (hits) and sent to
 * the tuple space (misses), since creation. */
void emu_switch_cache_stats(const struct emu_switch *sw, uint64_t *hits, uint64_t *misses);

/* Where executed rules send frames: out_ethdev is the REPRESENTED_PORT id;
 * the callee owns m. */
typedef void (*emu_output_fn)(void *ctx, uint16_t out_ethdev, struct rte_mbuf *m);

/* Workers: run the burst pkts[0, n) received on member in_ethdev through
 * the rules; cap (>= n) is the capacity of pkts. Hits are executed (sent
 * through out, or freed for DROP); misses, hits of PORT_REPRESENTOR and
 * PORT_REPRESENTOR sample copies are compacted to the front of pkts, the
 * misses and hits in their order, copies among or after them; returns their
 * count (<= cap). */
uint16_t emu_switch_process(struct emu_switch *sw, uint16_t in_ethdev, struct rte_mbuf **pkts,
		uint16_t n, uint16_t cap, emu_output_fn out, void *ctx);

#endif
