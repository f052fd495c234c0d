/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * rtnetlink toward the EVPN control namespace (libmnl), for the evpn module
 * only: sockets opened inside a named netns, the shadow objects (bridge,
 * vxlan, veth) and bridge FDB entries. Every socket is non-blocking; the
 * synchronous requests (links, done when a network is added) read the
 * kernel's answer that rtnetlink queues before sendmsg returns, never wait.
 */
#ifndef NFVA_EVPN_NL_H
#define NFVA_EVPN_NL_H

#include <stdbool.h>
#include <stdint.h>

#include <rte_ether.h>

struct mnl_socket;
struct nlmsghdr;

enum evnl_sock {
	EVNL_CTL,  /* links: request, answer read at once */
	EVNL_FDB,  /* shadow FDB writes: no answer awaited, errors drained later */
	EVNL_MON,  /* RTNLGRP_NEIGH notifications */
	EVNL_DUMP, /* RTM_GETNEIGH dumps (resync) */
	EVNL_N
};

struct evnl {
	struct mnl_socket *s[EVNL_N];
	uint32_t seq;
};

/* A bridge FDB notification or dump entry (AF_BRIDGE neighbour). */
struct evnl_neigh {
	bool del; /* RTM_DELNEIGH */
	int ifindex;
	uint8_t flags; /* NTF_* */
	uint16_t state;
	bool has_mac, has_dst;
	bool master; /* the bridge's entry (NDA_MASTER; its flags carry no NTF_MASTER) */
	struct rte_ether_addr mac;
	uint32_t dst; /* IPv4, network order */
};

int evnl_open(struct evnl *nl, const char *netns);
void evnl_close(struct evnl *nl);
bool evnl_is_open(const struct evnl *nl);

/* Link of that name, or 0 when none (or an error). */
int evnl_ifindex(struct evnl *nl, const char *name);
int evnl_link_del(struct evnl *nl, const char *name);
int evnl_bridge_add(struct evnl *nl, const char *name);
int evnl_vxlan_add(struct evnl *nl, const char *name, uint32_t vni, uint32_t local_be,
		uint16_t port, int master);
int evnl_veth_add(struct evnl *nl, const char *name, const char *peer, int master);
int evnl_port_learning_off(struct evnl *nl, int ifindex);

/* Shadow FDB (EVNL_FDB, no wait): `bridge fdb replace MAC dev IFINDEX master
 * static` and `bridge fdb del MAC dev IFINDEX master`. */
int evnl_fdb_static(struct evnl *nl, int ifindex, const struct rte_ether_addr *mac, bool add);
/* Errors the kernel answered to EVNL_FDB writes since the last call. */
unsigned evnl_fdb_errors(struct evnl *nl, int *last_errno);

/* Receive on sock (MON or DUMP), up to max datagrams: cb for each AF_BRIDGE
 * neighbour message. Returns datagrams read, or -ENOBUFS when notifications
 * were lost (MON); *done is set when a dump ended. */
typedef void (*evnl_neigh_cb)(const struct evnl_neigh *n, void *arg);
int evnl_recv(struct evnl *nl, enum evnl_sock sock, unsigned max, evnl_neigh_cb cb, void *arg,
		bool *done);
int evnl_dump_start(struct evnl *nl);

/* Decode one netlink message (unit tests feed canned ones): 0 and *out, or
 * -EINVAL for anything but a well-formed AF_BRIDGE neighbour. */
int evnl_parse_neigh(const struct nlmsghdr *nlh, struct evnl_neigh *out);

#endif
