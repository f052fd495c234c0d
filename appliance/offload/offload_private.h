/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * Private to appliance/offload/: rules, e-switches, backends, the compiler.
 * Everything here runs on the control thread.
 */
#ifndef NFVA_OFFLOAD_PRIVATE_H
#define NFVA_OFFLOAD_PRIVATE_H

#include <stdbool.h>
#include <stdint.h>
#include <rte_flow.h>

#include "core/bounds.h"
#include "overlay/encap.h"
#include "offload/flow/flow_spec.h"
#include "offload/offload.h"

enum rule_state {
	RULE_OFFLOADED, /* the backend carries it */
	RULE_SOFTWARE,  /* the backend refused: the slow path keeps the flow */
};

/* A backend: what executes rules. Called on the control thread only. */
struct offload_eswitch;
struct offload_backend {
	const char *name;
	int (*validate)(struct offload_eswitch *sw, const struct flow_spec *s,
			struct rte_flow_error *err);
	/* Returns a handle, or NULL with err set. */
	void *(*create)(struct offload_eswitch *sw, const struct flow_spec *s,
			struct rte_flow_error *err);
	int (*destroy)(struct offload_eswitch *sw, void *handle, struct rte_flow_error *err);
	int (*query)(struct offload_eswitch *sw, void *handle, struct rte_flow_query_count *c,
			struct rte_flow_error *err);
	/* The COUNT inside the rule's index-th SAMPLE action (its copies). */
	int (*query_sample)(struct offload_eswitch *sw, void *handle, const struct flow_spec *s,
			unsigned index, struct rte_flow_query_count *c, struct rte_flow_error *err);
	int (*flush)(struct offload_eswitch *sw, struct rte_flow_error *err);
	void (*fini)(struct offload_eswitch *sw);
};

extern const struct offload_backend offload_backend_emu;
extern const struct offload_backend offload_backend_nic;

enum rule_shape {
	SHAPE_L2,
	SHAPE_L2_VLAN,
	SHAPE_VXLAN_ENCAP,
	SHAPE_VXLAN_DECAP,
	SHAPE_GRE_ENCAP,
	SHAPE_GRE_DECAP,
	SHAPE_LISP_ENCAP,
	SHAPE_LISP_DECAP,
	SHAPE_MIRROR_PORT,     /* l2 with SAMPLE ratio 1 -> REPRESENTED_PORT */
	SHAPE_MIRROR_SOFTWARE, /* l2 with SAMPLE ratio 1 -> MARK + PORT_REPRESENTOR */
	SHAPE_MAX
};

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
	uint8_t mode;        /* enum mirror_hw */
	uint8_t session;     /* PORT, VXLAN: the one session */
	uint16_t ethdev;     /* PORT: destination; VXLAN: uplink; SOFTWARE: the representor */
	uint32_t ratio;      /* SAMPLE ratio (1 in N) */
	uint32_t mark;       /* SOFTWARE */
	uint32_t tmpl_crc;   /* VXLAN: of the template's bytes */
	char why[48];        /* SOFTWARE: what the e-switch cannot do itself */
};

struct mirror_plan {
	struct mirror_side in, out;
};

struct shape_cap {
	bool probed;
	bool supported;     /* a rule of this shape was created, not only validated */
	char reason[128];   /* the PMD's message when not supported */
};

/* An e-switch: the uplink (PF) and its VFs, with the backend that runs rules. */
struct offload_eswitch {
	bool used;
	uint16_t uplink;        /* appliance port of the PF / uplink */
	uint16_t proxy_ethdev;  /* where rules are created (transfer proxy) */
	const struct offload_backend *backend;
	void *backend_ctx;      /* the emu_switch, or NULL */
	struct shape_cap caps[SHAPE_MAX];
};

struct offload_rule {
	struct offload_decision decision;
	uint8_t state;              /* enum rule_state */
	enum rule_shape shape;
	uint16_t eswitch;
	struct flow_spec *spec;
	void *handle;               /* backend handle when offloaded */
	char reason[160];           /* why it stays in software */
	struct encap_template tmpl; /* ENCAP: the template the rule was built from */
	struct mirror_plan mirror;  /* the SAMPLE actions the rule was built with */
	uint64_t copies[2];         /* MIRROR_HW_PORT/VXLAN copies: in, out (last reading) */
	uint64_t hits, bytes;       /* last counter reading */
	uint64_t created_ms, active_ms;
	uint32_t install_us;
	bool limited;               /* kept in software by the port's rule limit */
};

struct offload_stats {
	uint64_t requests;
	uint64_t requests_dropped;  /* ring full */
	uint64_t installs;
	uint64_t removals;
	uint64_t failures;          /* refused by the backend (by reason: failure_reasons) */
	uint64_t stale;             /* request no longer true when handled */
	uint64_t limit;             /* per-port or total rule limit reached */
	uint64_t idle_removed;
	uint64_t invalidations;
	uint64_t rebuilds;          /* rules replaced in place (template, mirror sessions) */
	uint64_t install_us_total;
	uint32_t install_us_max;
};

struct offload_config {
	bool enabled;               /* global switch */
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
const char *shape_name(enum rule_shape s);

/* compile.c: decision -> rte_flow spec. */
struct compile_ctx {
	uint16_t in_ethdev, out_ethdev;
	const struct encap_template *tmpl; /* ENCAP */
	uint32_t local_ip;                 /* DECAP: our VTEP address */
	struct rte_ether_addr uplink_mac;  /* DECAP: outer destination */
	uint8_t encap;                     /* enum dp_encap */
	uint32_t vni;                      /* VNI or GRE key on the wire */
	uint16_t udp_port;                 /* VXLAN port, host order */
	struct rte_ether_addr gw_mac;      /* LISP: the gateway MAC */
	struct mirror_plan mirror;
	const struct encap_template *mirror_tmpl[2]; /* MIRROR_HW_VXLAN: in, out */
};
int offload_compile(const struct offload_decision *d, const struct compile_ctx *ctx,
		struct flow_spec *s, enum rule_shape *shape);
/* RAW_ENCAP of len bytes (copied into the spec), RAW_DECAP of len bytes. */
int flow_raw_encap(struct flow_spec *s, const void *bytes, size_t len);
int flow_raw_decap(struct flow_spec *s, size_t len);
/* Per tunnel (tun_vxlan.c, tun_gre.c). */
int flow_vxlan_encap(struct flow_spec *s, const struct compile_ctx *ctx);
int flow_vxlan_decap_items(struct flow_spec *s, const struct compile_ctx *ctx, uint32_t src_vtep);
int flow_gre_encap(struct flow_spec *s, const struct compile_ctx *ctx);
int flow_gre_decap_items(struct flow_spec *s, const struct compile_ctx *ctx, uint32_t src_vtep);
int flow_gre_decap_action(struct flow_spec *s);
/* Outer ETH (to the uplink MAC) and IPV4 (src_vtep -> local, proto) items. */
int flow_outer_items(struct flow_spec *s, const struct compile_ctx *ctx, uint32_t src_vtep,
		uint8_t proto);
/* lisp_flow.c: IPv4 EIDs over LISP (RFC 9300), no LISP item in rte_flow 22.11. */
int flow_lisp_encap_items(struct flow_spec *s, const struct offload_decision *d);
int flow_lisp_encap_actions(struct flow_spec *s, const struct compile_ctx *ctx);
int flow_lisp_decap_items(struct flow_spec *s, const struct offload_decision *d,
		const struct compile_ctx *ctx);
int flow_lisp_decap_actions(struct flow_spec *s, const struct offload_decision *d);

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
void rules_install(const struct offload_decision *d);
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
bool decision_current(const struct offload_decision *d, struct compile_ctx *ctx,
		const char **why);

/* testpmd_dump.c: one testpmd command per line (set ... lines first when the
 * rule needs them); returns the bytes written, like snprintf. */
int flow_spec_to_testpmd(const struct flow_spec *s, uint16_t port, unsigned index, char *buf,
		size_t len);

uint64_t offload_now_ms(void);

#endif
