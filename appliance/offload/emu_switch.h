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
 * items ETH, VLAN, IPV4, UDP, VXLAN, GRE, GRE_KEY, REPRESENTED_PORT, VOID,
 * END; masks honoured exactly as rte_flow defines them (a NULL mask means the
 * item's default mask, a NULL spec matches any such header); `last` ranges
 * are refused; items after a tunnel item (VXLAN, GRE/GRE_KEY) describe the
 * inner frame. Actions: REPRESENTED_PORT, PORT_REPRESENTOR (deliver to the
 * slow path), VXLAN_ENCAP, VXLAN_DECAP, RAW_ENCAP, RAW_DECAP, OF_POP_VLAN,
 * OF_PUSH_VLAN, OF_SET_VLAN_VID, OF_SET_VLAN_PCP, COUNT, DROP, VOID, END.
 * Anything else gets -ENOTSUP with an rte_flow_error naming the item or
 * action. Priorities: the matching rule with the lowest attr.priority wins;
 * among equal priorities the earliest installed.
 *
 * Classifier: rules are compiled into (key, mask) over a fixed field layout
 * and grouped by mask (tuple space search): one rte_hash per distinct mask,
 * so a packet costs one field extraction plus one hash lookup per mask —
 * no walking of item lists per packet.
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
/* Same semantics as rte_flow_query() of a COUNT action. */
int emu_switch_rule_query(struct emu_switch *sw, struct emu_rule *rule,
		struct rte_flow_query_count *count, struct rte_flow_error *error);
int emu_switch_flush(struct emu_switch *sw, struct rte_flow_error *error);
unsigned emu_switch_rule_count(const struct emu_switch *sw);
size_t emu_switch_memory(const struct emu_switch *sw);

/* Where executed rules send frames: out_ethdev is the REPRESENTED_PORT id;
 * the callee owns m. */
typedef void (*emu_output_fn)(void *ctx, uint16_t out_ethdev, struct rte_mbuf *m);

/* Workers: run the burst received on member in_ethdev through the rules.
 * Hits are executed (sent through out, or freed for DROP); misses (and hits
 * of PORT_REPRESENTOR) are compacted to the front of pkts; returns their
 * count. */
uint16_t emu_switch_process(struct emu_switch *sw, uint16_t in_ethdev, struct rte_mbuf **pkts,
		uint16_t n, emu_output_fn out, void *ctx);

#endif
