/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * Why the slow path drops a packet: one reason per counter, so statistics say
 * why packets die. Counted per ingress port (or egress port for output
 * reasons). Add a reason here and it shows in `stats` and `port show`.
 */
#ifndef NFVA_DROP_H
#define NFVA_DROP_H

/* clang-format off */
#define NFVA_DROP_REASONS(X)                                                        \
	X(RUNT, "runt")                   /* shorter than an Ethernet header */       \
	X(TRUNCATED, "truncated")         /* a header runs past the frame's end */    \
	X(VLAN_STACK, "vlan_stack")       /* QinQ / stacked tags: not supported */    \
	X(VLAN_UNKNOWN, "vlan_unknown")   /* tag of no attachment on this port */     \
	X(NO_NETWORK, "no_network")       /* untagged, port not attached untagged */  \
	X(SRC_INVALID, "src_mac_invalid") /* multicast or zero source MAC */          \
	X(LOCAL_DEST, "local_dest")       /* destination is the ingress attachment */ \
	X(NO_MEMBER, "no_member")         /* flood found no other member */           \
	X(PORT_DOWN, "port_down")         /* egress port removed or stopped */        \
	X(MTU, "mtu_exceeded")            /* larger than the egress port's MTU */     \
	X(NO_MBUF, "no_mbuf")             /* mbuf pool empty (copy, header push) */   \
	X(TX_FULL, "tx_full")             /* the egress queue refused the frame */     \
	X(NOT_FOR_US, "not_for_us")       /* uplink: not our MAC / not our address */  \
	X(NOT_TUNNEL, "not_tunnel")       /* uplink: no overlay traffic (no leaking) */ \
	X(IP_INVALID, "ip_invalid")       /* bad IPv4 version, length or checksum */   \
	X(IP_FRAGMENT, "ip_fragment")     /* outer IPv4 fragment */                    \
	X(TUNNEL_TRUNCATED, "tunnel_truncated") /* tunnel header cut short */          \
	X(TUNNEL_FLAGS, "tunnel_bad_flags")  /* VXLAN I bit clear, GRE K missing... */ \
	X(UNKNOWN_VNI, "unknown_vni")     /* VNI / key of no network */                \
	X(VTEP_NOT_ALLOWED, "vtep_not_allowed") /* strict network, unknown VTEP */     \
	X(INNER_SHORT, "inner_short")     /* inner frame shorter than Ethernet */      \
	X(INNER_TAGGED, "inner_tagged")   /* decapsulated frame with a VLAN tag */     \
	X(UDP_LENGTH, "udp_bad_length")   /* UDP length disagrees with the IPv4 packet */ \
	X(ERSPAN_SENDER, "erspan_sender") /* ERSPAN from a sender the session does not accept */ \
	X(ESWITCH_PORT, "eswitch_port_unknown") /* e-switch output to a port nfva does not have */ \
	X(SPLIT_HORIZON, "split_horizon") /* tunnel to tunnel: never re-flooded */     \
	X(NO_UNDERLAY, "no_underlay")     /* overlay network without an uplink */      \
	X(PUNT_FULL, "punt_full")         /* control ring full (ARP, held frames) */   \
	X(ICMP_INVALID, "icmp_invalid")   /* malformed ICMP to the VTEP address */    \
	X(ICMP_RATE, "icmp_rate_limited") /* echo requests beyond the reply rate */ \
	X(IP6_INVALID, "ip6_invalid")     /* bad IPv6 version or payload length */   \
	X(ND_INVALID, "nd_invalid")       /* NS/NA RFC 4861 7.1 discards (hop limit...) */ \
	X(ICMP6_RATE, "icmp6_rate_limited") /* ICMPv6 echo beyond the reply rate */ \
	X(UDP_CHECKSUM, "udp_bad_checksum") /* outer UDP checksum set and wrong, or 0 over IPv6 */ \
	X(VTEP6_FULL, "vtep6_full")       /* a new IPv6 VTEP, and its table is full */  \
	X(VTEP_SOURCE, "vtep_source_invalid") /* outer source 0.0.0.0/8, multicast... */ \
	X(ERSPAN_UNKNOWN, "erspan_unknown") /* ERSPAN session nobody collects */   \
	X(LISP_NOT_IP, "lisp_not_ip")     /* LISP network: neither IPv4, IPv6 nor ARP */ \
	X(LISP_ARP_INVALID, "lisp_arp_invalid") /* malformed ARP / ND from a VM */     \
	X(LISP_MULTICAST, "lisp_multicast") /* broadcast/multicast IP: no L3 path */   \
	X(LISP_MAP_REQUEST, "lisp_map_request") /* map-cache miss: resolving */        \
	X(LISP_NEGATIVE, "lisp_negative") /* negative map-cache entry (drop/native) */ \
	X(LISP_NO_RLOC, "lisp_no_rloc")   /* entry without a usable RLOC */            \
	X(LISP_TRUNCATED, "lisp_truncated") /* LISP header or inner IP cut short */    \
	X(LISP_BAD_FLAGS, "lisp_bad_flags") /* N and V both set */                     \
	X(LISP_UNKNOWN_IID, "lisp_unknown_iid") /* instance ID of no network */        \
	X(LISP_INNER_INVALID, "lisp_inner_invalid") /* inner not IPv4/IPv6 or bad */   \
	X(LISP_NOT_LOCAL_EID, "lisp_not_local_eid") /* inner destination not here */
/* clang-format on */

enum drop_reason {
#define NFVA_DROP_ENUM(id, name) DROP_##id,
	NFVA_DROP_REASONS(NFVA_DROP_ENUM)
#undef NFVA_DROP_ENUM
			DROP_MAX
};

/* What a check returns when the packet lives on: no reason, nothing counted. */
#define DROP_NONE DROP_MAX

/* Stable name of a reason, as shown in JSON replies. */
const char *drop_reason_name(enum drop_reason r);

#endif
