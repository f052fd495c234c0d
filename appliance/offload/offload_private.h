/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * Private to appliance/offload/: rules, e-switches, backends, the compiler.
 * Everything here runs on the control thread.
 */
#ifndef NFVA_OFFLOAD_PRIVATE_H
#define NFVA_OFFLOAD_PRIVATE_H

#include <stdbool.h>
#include <stdint.h>
#include <sys/queue.h>
#include <jansson.h>
#include <rte_flow.h>

#include "core/bounds.h"
#include "overlay/encap.h"
#include "offload/flow/flow_spec.h"
#include "offload/testpmd/testpmd.h"
#include "offload/offload.h"

enum rule_state {
	RULE_OFFLOADED, /* the backend carries it */
	RULE_SOFTWARE,  /* the backend refused: the slow path keeps the flow */
};

/*
 * A backend: what executes the rules of one e-switch (backend_nic.c: rte_flow
 * on the NIC's transfer proxy; backend_emu.c: the emulated e-switch). Every
 * member is called by the offload engine on the control thread only, never
 * concurrently, with sw->backend_ctx as the backend left it. Return values
 * follow rte_flow: 0 or a negative errno with err filled (err->message may
 * stay NULL); a NULL handle with err filled for create.
 */
struct offload_eswitch;
struct offload_backend {
	const char *name; /* in `offload show` */
	/* Would the backend take s? Advisory only: some PMDs validate rules
	 * they refuse to create (net_tap), so the engine always creates too. */
	int (*validate)(struct offload_eswitch *sw, const struct flow_spec *s,
			struct rte_flow_error *err);
	/* Install s; the rule runs from return on. s stays the caller's and
	 * lives as long as the rule (query_sample reads it). Returns the
	 * backend's handle, or NULL with err set (nothing installed). */
	void *(*create)(struct offload_eswitch *sw, const struct flow_spec *s,
			struct rte_flow_error *err);
	/* Remove a rule create returned. On failure the engine logs it and
	 * forgets the handle anyway (a NIC that refuses to destroy has lost the
	 * rule; flush at the next start removes what remains). */
	int (*destroy)(struct offload_eswitch *sw, void *handle, struct rte_flow_error *err);
	/* The rule's COUNT since create (hits, bytes; not reset). */
	int (*query)(struct offload_eswitch *sw, void *handle, struct rte_flow_query_count *c,
			struct rte_flow_error *err);
	/* The COUNT inside the rule's index-th SAMPLE action (its copies);
	 * NULL when the backend cannot tell. */
	int (*query_sample)(struct offload_eswitch *sw, void *handle, const struct flow_spec *s,
			unsigned index, struct rte_flow_query_count *c, struct rte_flow_error *err);
	/* TSC of the first frame the rule carried, 0 if none yet; NULL where the
	 * device cannot tell (a NIC: its counters are read, not its first hit). */
	uint64_t (*first_hit)(struct offload_eswitch *sw, void *handle);
	/* Remove every rule of the e-switch, ours or a previous run's: at start
	 * (stale rules) and by `offload flush`. Handles the engine held are
	 * invalid afterwards. */
	int (*flush)(struct offload_eswitch *sw, struct rte_flow_error *err);
	/* The e-switch goes (its uplink was removed, or shutdown): release
	 * everything; no worker reads sw->backend_ctx any more. */
	void (*fini)(struct offload_eswitch *sw);
};

extern const struct offload_backend offload_backend_emu;
extern const struct offload_backend offload_backend_nic;

/* How the mirror sessions of one side of a flow are carried. */
enum mirror_hw {
	MIRROR_HW_NONE,     /* no session takes this side's frames */
	MIRROR_HW_PORT,     /* SAMPLE -> REPRESENTED_PORT(destination VF) */
	MIRROR_HW_VXLAN,    /* SAMPLE -> RAW_ENCAP(session template) -> REPRESENTED_PORT(uplink) */
	MIRROR_HW_SOFTWARE, /* SAMPLE -> MARK -> PORT_REPRESENTOR: the slow path makes the copies */
};

/* One side: "in" = the ingress port's sessions with direction in (SAMPLE
 * first in the action list), "out" = the egress port's sessions with
 * direction out (SAMPLE last, before the fate). Compared as bytes: zero it. */
struct mirror_side {
	uint8_t mode;      /* enum mirror_hw */
	uint8_t session;   /* PORT, VXLAN: the one session */
	uint16_t ethdev;   /* PORT: destination; VXLAN: uplink; SOFTWARE: the representor */
	uint32_t ratio;    /* SAMPLE ratio (1 in N) */
	uint32_t mark;     /* SOFTWARE */
	uint32_t tmpl_crc; /* VXLAN: of the template's bytes */
	char why[48];      /* SOFTWARE: what the e-switch cannot do itself */
};

struct mirror_plan {
	struct mirror_side in, out;
};

/*
 * Rule shapes: the forms a rule takes ("l2", "vxlan-encap", ...). Each is
 * probed on every e-switch (probe.c builds a sample rule from the fields
 * below) and registered from the file that compiles it (RULE_SHAPE).
 */
#define SHAPE_MAX 16
struct rule_shape {
	const char *name;
	uint8_t kind;            /* enum offload_kind of the sample rule */
	uint8_t encap;           /* enum dp_encap of the sample rule (tunnel kinds) */
	bool vlan;               /* the sample rule pops and pushes a tag */
	bool ipv6;               /* the sample rule's underlay is IPv6 */
	uint8_t mirror;          /* enum mirror_hw: a SAMPLE the sample rule carries */
	uint8_t id;              /* assigned at registration: index of the e-switch's caps */
	struct rule_shape *next; /* private */
};
void rule_shape_register(struct rule_shape *s);
#define RULE_SHAPE(var)                                                                            \
	RTE_INIT(rule_shape_register_##var)                                                        \
	{                                                                                          \
		rule_shape_register(&var);                                                         \
	}
/* Registered shapes, by name; NULL after the last. */
const struct rule_shape *rule_shape_first(void);
/* Shapes a mirrored rule needs besides its own (compile_mirror.c). */
extern struct rule_shape shape_mirror_port, shape_mirror_software;

struct shape_cap {
	bool probed;
	bool supported;   /* a rule of this shape was created, not only validated */
	char reason[128]; /* the PMD's message when not supported */
};

/* An e-switch: the uplink (PF) and its VFs, with the backend that runs rules. */
struct offload_eswitch {
	bool used;
	uint16_t uplink;       /* appliance port of the PF / uplink */
	uint16_t proxy_ethdev; /* where rules are created (transfer proxy) */
	const struct offload_backend *backend;
	void *backend_ctx;                /* the emu_switch, or NULL */
	struct shape_cap caps[SHAPE_MAX]; /* by rule_shape.id */
};

struct offload_rule {
	struct offload_decision decision;
	uint8_t state; /* enum rule_state */
	const struct rule_shape *shape;
	uint16_t eswitch;
	struct flow_spec *spec;
	void *handle;               /* backend handle when offloaded */
	char reason[160];           /* why it stays in software */
	struct encap_template tmpl; /* ENCAP: the template the rule was built from */
	struct mirror_plan mirror;  /* the SAMPLE actions the rule was built with */
	uint64_t copies[2];         /* MIRROR_HW_PORT/VXLAN copies: in, out (last reading) */
	uint64_t hits, bytes;       /* last counter reading */
	uint64_t created_ms, active_ms;
	uint64_t asked_tsc; /* when a worker asked for it (0: not asked by a worker) */
	uint32_t install_us;
	bool limited;  /* kept in software by the port's rule limit */
	bool compiled; /* spec is a whole rule (else the compile refused: nothing to dump) */
	bool listed;   /* in the table and on its list (rules.c) */
	TAILQ_ENTRY(offload_rule) link;
};

struct offload_stats {
	uint64_t requests;
	uint64_t requests_dropped; /* ring full */
	uint64_t installs;
	uint64_t removals;
	uint64_t failures; /* refused by the backend (by reason: failure_reasons) */
	uint64_t stale;    /* request no longer true when handled */
	uint64_t limit;    /* per-port or total rule limit reached */
	uint64_t idle_removed;
	uint64_t invalidations;
	uint64_t rebuilds; /* rules replaced in place (template, mirror sessions) */
	uint64_t install_us_total;
	uint32_t install_us_max;
};

#define OFFLOAD_IDLE_TIMEOUT_MS 10000 /* default idle timeout of a rule */
#define OFFLOAD_MAX_RULES (1u << 20)  /* default limits: rules, and rules per port */

struct offload_config {
	bool enabled; /* global switch */
	bool port_enabled[NFVA_MAX_PORTS];
	uint32_t idle_timeout_ms;
	uint32_t max_rules;
	uint32_t max_rules_per_port;
};

extern struct offload_config offload_cfg;
extern struct offload_stats offload_stats;

/* Backend refusals by message (the first FAILURE_REASONS distinct ones). */
#define FAILURE_REASONS 16
struct failure_reason {
	char message[96];
	uint64_t count;
};
extern struct failure_reason failure_reasons[FAILURE_REASONS];
void offload_count_failure(const char *message);
unsigned offload_pending(void);

/* eswitch.c */
struct offload_eswitch *eswitch_get(uint16_t id);
int eswitch_of_port(uint16_t port); /* e-switch id of a port, -1 if none */
/* Offload on, for the port too, and the port a member of e-switch sw. */
bool port_offloadable(uint16_t port, int sw);
uint16_t port_ethdev(uint16_t port);
void eswitch_probe(struct offload_eswitch *sw);
/* lifecycle.c: the e-switch part of a snapshot (ports' emu and offload). */
struct dp_config;
void eswitch_build(struct dp_config *cfg);

/* compile.c: decision -> rte_flow spec. */
struct compile_ctx {
	uint16_t in_ethdev, out_ethdev;
	const struct encap_template *tmpl; /* ENCAP */
	uint32_t local_ip;                 /* DECAP: our VTEP address */
	uint8_t local_ip6[16];             /* DECAP over IPv6: ours (underlay has_ip6) */
	struct nfva_ip remote;             /* DECAP: the remote VTEP's address */
	struct rte_ether_addr uplink_mac;  /* DECAP: outer destination */
	uint8_t encap;                     /* enum dp_encap */
	uint32_t vni;                      /* VNI or GRE key on the wire */
	uint16_t udp_port;                 /* VXLAN port, host order */
	struct rte_ether_addr gw_mac;      /* LISP: the gateway MAC */
	struct mirror_plan mirror;
	const struct encap_template *mirror_tmpl[2]; /* MIRROR_HW_VXLAN: in, out */
};
int offload_compile(const struct offload_decision *d, const struct compile_ctx *ctx,
		struct flow_spec *s, const struct rule_shape **shape);

/*
 * Decision kinds (enum offload_kind): one ops row each, registered from
 * kind_l2.c, kind_tunnel.c, kind_lisp.c. Control thread.
 */
struct network;
struct offload_kind_ops {
	uint8_t kind;     /* enum offload_kind */
	const char *name; /* in `offload show` */
	bool from_vf;     /* in_port is a VF: the rule sees what a VM sent */
	bool to_vf;       /* out_port is a VF: the rule delivers to a VM */
	/* Is d still what the slow path would decide (FDB, templates, EIDs,
	 * map-cache)? Fills ctx's kind-specific part; *why may be set. */
	bool (*current)(const struct offload_decision *d, const struct network *n,
			struct compile_ctx *ctx, const char **why);
	/* The rule's pattern and actions into s (initialised, finished by the
	 * caller); *shape: the form it took. 0 or -errno. */
	int (*compile)(const struct offload_decision *d, const struct compile_ctx *ctx,
			struct flow_spec *s, const struct rule_shape **shape);
	/* Traffic the e-switch carried keeps alive what the slow path no
	 * longer sees (FDB entries, EIDs). */
	void (*touch)(const struct offload_decision *d, uint32_t now_s);
	/* Extra fields of the rule in `offload show` (NULL: none). */
	void (*to_json)(const struct offload_decision *d, json_t *j);
	struct offload_kind_ops *next; /* private */
};
void offload_kind_register(struct offload_kind_ops *k);
#define OFFLOAD_KIND(var)                                                                          \
	RTE_INIT(offload_kind_register_##var)                                                      \
	{                                                                                          \
		offload_kind_register(&var);                                                       \
	}
const struct offload_kind_ops *offload_kind_get(uint8_t kind);

/*
 * Tunnel types in rules: what ENCAP and DECAP decisions compile to for one
 * enum dp_encap, registered from its own file (vxlan_rule.c, gre_rule.c).
 */
struct offload_tunnel {
	uint8_t encap; /* enum dp_encap */
	const struct rule_shape *encap_shape, *decap_shape;
	/* The same over an IPv6 underlay; NULL: such decisions stay in software. */
	const struct rule_shape *encap6_shape, *decap6_shape;
	/* After the VF's items and the tag pop: the encapsulation actions
	 * (ctx->tmpl->ipv6 says the family). */
	int (*encap_actions)(struct flow_spec *s, const struct compile_ctx *ctx);
	/* After the uplink's port item: the outer items down to the tunnel
	 * header, from ctx->remote (either family). */
	int (*decap_items)(struct flow_spec *s, const struct compile_ctx *ctx);
	/* The decapsulation actions. */
	int (*decap_actions)(struct flow_spec *s, const struct compile_ctx *ctx);
	struct offload_tunnel *next; /* private */
};
void offload_tunnel_register(struct offload_tunnel *t);
#define OFFLOAD_TUNNEL(var)                                                                        \
	RTE_INIT(offload_tunnel_register_##var)                                                    \
	{                                                                                          \
		offload_tunnel_register(&var);                                                     \
	}
const struct offload_tunnel *offload_tunnel_get(uint8_t encap);

/* compile.c: what rules share. */
/* A compile function refuses with a reason `offload show` gives: returns err. */
int compile_refuse(const char *why, int err);
/* The reason of the last refusal of offload_compile(), NULL: strerror's. */
const char *compile_refusal(void);
int compile_port_item(struct flow_spec *s, uint16_t ethdev);
/* ETH by both MACs (untagged only when vlan is NFVA_VLAN_NONE). */
int compile_eth_macs(struct flow_spec *s, const struct offload_decision *d, uint16_t vlan);
/* A VF's frame: its port, MACs and tag. */
int compile_vf_items(const struct offload_decision *d, const struct compile_ctx *ctx,
		struct flow_spec *s);
/* After a VF's items: the copy of what the VM sent ("in" SAMPLE), the tag popped. */
int compile_vf_actions(const struct offload_decision *d, const struct compile_ctx *ctx,
		struct flow_spec *s, int ret);
/* A mirror side's SAMPLE ("in" first, "out" just before the fate). */
int compile_sample(struct flow_spec *s, const struct compile_ctx *ctx, bool out);
void compile_push_vlan(struct flow_spec *s, uint16_t vlan);
/* What every rule ends with: the copy of what leaves, the port, the count. */
int compile_finish(const struct compile_ctx *ctx, struct flow_spec *s, int ret);
/* decision.c: what kinds check. */
bool fdb_is_port(uint16_t net, const struct rte_ether_addr *mac, uint16_t port, uint16_t vlan);
bool fdb_is_vtep(uint16_t net, const struct rte_ether_addr *mac, uint32_t vtep);
/* Both MACs' FDB entries stay while the e-switch carries their frames. */
void touch_macs(const struct offload_decision *d, uint32_t now_s);
/* The network's overlay and the underlay into ctx; false without either. */
bool overlay_ctx(const struct network *n, struct compile_ctx *ctx);
/* RAW_ENCAP of len bytes (copied into the spec), RAW_DECAP of len bytes. */
int flow_raw_encap(struct flow_spec *s, const void *bytes, size_t len);
int flow_raw_decap(struct flow_spec *s, size_t len);
/* Outer ETH (to the uplink MAC) and IPV4 or IPV6 (src -> ours, proto)
 * items, by src's family. */
int flow_outer_items(struct flow_spec *s, const struct compile_ctx *ctx, const struct nfva_ip *src,
		uint8_t proto);
/* lisp_rule.c: IPv4 EIDs over LISP (RFC 9300), no LISP item in rte_flow 22.11.
 * Decap is from the RLOC ctx->remote (IPv4 or IPv6) to ours of its family. */
int flow_lisp_encap_items(struct flow_spec *s, const struct offload_decision *d);
int flow_lisp_encap_actions(struct flow_spec *s, const struct compile_ctx *ctx);
int flow_lisp_decap_items(struct flow_spec *s, const struct offload_decision *d,
		const struct compile_ctx *ctx);
int flow_lisp_decap_actions(struct flow_spec *s, const struct offload_decision *d,
		const struct compile_ctx *ctx);

/* lifecycle.c: read every offloaded rule's counters now, as the lifecycle
 * task does four times a second (hits keep the rule's MACs alive). */
void offload_counters_read(void);
/* mirror_counters.c: add the rule's SAMPLE copies since the last reading. */
void rule_read_copies(struct offload_rule *r);
/* mirror_plan.c: which sessions take a flow's frames, and how (control). */
void mirror_plan_make(const struct offload_decision *d, int sw, struct compile_ctx *ctx);
bool mirror_plan_active(const struct mirror_plan *p);
/* "in: port tap (1/1); out: software (ERSPAN)" or "" */
void mirror_plan_describe(const struct mirror_plan *p, char *buf, size_t len);
/* compile_mirror.c: the SAMPLE action of one side (nothing for NONE). */
int flow_mirror_sample(struct flow_spec *s, const struct mirror_side *side,
		const struct encap_template *t);

/* rules.c */
int rules_init(void);
void rules_fini(void);
/* asked_tsc: when the worker asked (rte_rdtsc), for the live latency. */
void rules_install(const struct offload_decision *d, uint64_t asked_tsc);
void rules_remove(struct offload_rule *r);
void rules_invalidate_mac(uint16_t network, const struct rte_ether_addr *mac);
/* Recheck every rule: remove what no longer holds, rebuild what changed. */
unsigned rules_refresh(void);
void rules_remove_if(bool (*doomed)(const struct offload_rule *r, const void *arg),
		const void *arg);
typedef void (*rules_walk_cb)(struct offload_rule *r, void *arg);
void rules_walk(rules_walk_cb cb, void *arg);
unsigned rules_count(void);           /* every decision in the table */
unsigned rules_count_offloaded(void); /* those the e-switch carries */
unsigned rules_count_port(uint16_t port);
/* Is the decision still what the slow path would do? Fills ctx. */
bool decision_current(const struct offload_decision *d, struct compile_ctx *ctx, const char **why);

uint64_t offload_now_ms(void);

#endif
