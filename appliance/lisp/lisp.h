/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * LISP (RFC 9300 data plane, RFC 9301 control plane), control side.
 *
 * A LISP network (`network add NAME iid N encap lisp`) is an L3 overlay:
 * local VMs attach as usual; their addresses are the local EIDs (learned
 * from ARP and IP, or `lisp eid add`). Toward the VMs the appliance answers
 * ARP and ND for every other address with one gateway MAC and rebuilds the
 * Ethernet header of decapsulated packets from the EID table. Toward the
 * underlay, packets go to the RLOC of the longest matching map-cache entry
 * (static, or resolved with Map-Request/Map-Reply through a map-resolver),
 * in IPv4/UDP 4341/LISP. Local EIDs are registered with map-servers; the
 * appliance can itself be map-server and map-resolver for other xTRs.
 *
 * Everything here runs on the control thread; the workers' side is in
 * lisp_dp.h. Commands: `lisp ...` (lisp_cmd.c); counters: `stats` section
 * "lisp" and `lisp show`.
 */
#ifndef NFVA_LISP_H
#define NFVA_LISP_H

#include <rte_ether.h>
#include <rte_mbuf.h>

/* The gateway MAC of every LISP network (proxy ARP/ND, decapsulated frames). */
void lisp_gateway_mac(struct rte_ether_addr *mac);

#endif
