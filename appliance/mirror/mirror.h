/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * Mirror sessions, control side. A session copies what its source ports
 * receive ("in": what the VM sent) and/or send ("out": what is delivered to
 * the VM) — direction as Tap-as-a-Service defines it, from the VM's point of
 * view — through an optional filter, 1-in-N sampling and a snap length, to a
 * local port or a remote collector (VXLAN, ERSPAN II/III). Copies are never
 * mirrored again.
 *
 * Tenant isolation: the sources of a session belong to one network; a local
 * destination port must be in that network or in none (a dedicated analyser
 * port); a VXLAN destination must not use the VNI of another local network.
 * Sessions marked `external` (an operator's collector) lift these checks.
 */
#ifndef NFVA_MIRROR_H
#define NFVA_MIRROR_H

#include <stdbool.h>
#include <stdint.h>

#include "core/bounds.h"
#include "core/datapath.h"
#include "mirror/mirror_dp.h"
#include "mirror/mirror_filter.h"
#include "overlay/tunnel.h"

enum mirror_direction {
	MIRROR_IN = 1,
	MIRROR_OUT = 2,
};

struct mirror_session {
	bool used;
	uint8_t index;
	char name[NFVA_NAME_SIZE];
	uint8_t directions; /* MIRROR_IN | MIRROR_OUT */
	uint16_t n_sources;
	uint16_t sources[NFVA_MAX_PORTS];
	char filter_text[512];
	struct mirror_filter filter;
	uint32_t sample_n; /* 1 = every frame */
	uint32_t snaplen;  /* 0 = whole frame */
	bool external;
	uint8_t dest; /* enum dp_mirror_dest */
	uint16_t dest_port;
	uint32_t dest_ip;
	uint8_t erspan_version;
	struct network_overlay overlay; /* tunnel parameters of remote destinations */
	struct mirror_counters baseline;
	uint64_t eswitch_baseline; /* e-switch copies (mirror_hw_state) when added */
};

struct mirror_session *mirror_find(const char *name);
struct mirror_session *mirror_by_index(unsigned i);
/* Checks isolation and limits, then installs; 0 or -errno with err set. */
int mirror_add(const struct mirror_session *s, char *err, size_t errlen);
int mirror_del(struct mirror_session *s);
/* Is the port a source of any session? */
bool mirror_port_is_source(uint16_t port);

/* Mirror copies carry this dynamic mbuf flag so they are never mirrored again. */
extern uint64_t mirror_copy_flag;

/* How the e-switch carries a session: the offload engine, which sits above
 * mirroring, answers through mirror_set_hw (control thread). */
struct mirror_hw_state {
	unsigned rules_eswitch;         /* rules whose SAMPLE makes the session's copies */
	unsigned rules_software_copies; /* rules handing frames to the slow path for copies */
	uint64_t copies;                /* made by the e-switch since start */
};
typedef void (*mirror_hw_state_fn)(unsigned session, struct mirror_hw_state *st);
void mirror_set_hw(mirror_hw_state_fn fn);
/* The state of session (zeros when nothing offloads). */
void mirror_hw(unsigned session, struct mirror_hw_state *st);

/* mirror_collect.c: the ERSPAN collection part of a snapshot. */
void mirror_collect_build(struct dp_mirrors *dm);

#endif
