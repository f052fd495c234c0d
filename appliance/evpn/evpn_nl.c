/* SPDX-License-Identifier: BSD-3-Clause */
/* rtnetlink toward the EVPN control namespace with libmnl (see evpn_nl.h). */
#include <arpa/inet.h>
#include <errno.h>
#include <fcntl.h>
#include <sched.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include <libmnl/libmnl.h>
#include <linux/if.h>
#include <linux/if_bridge.h>
#include <linux/if_link.h>
#include <linux/neighbour.h>
#include <linux/rtnetlink.h>
#include <linux/veth.h>
#include <sys/socket.h>

#include "evpn/evpn_nl.h"
#include "overlay/vtep_id.h"

#define NL_BUF 16384
#define MON_RCVBUF (32 << 20) /* notifications of 100 000 MACs in a burst */

/* A socket in the netns at /var/run/netns/NAME (the thread enters it only to
 * create the socket, which stays bound to it). */
static struct mnl_socket *open_in(int target, unsigned groups)
{
	int self = open("/proc/self/ns/net", O_RDONLY | O_CLOEXEC);
	struct mnl_socket *s = NULL;

	if (self < 0)
		return NULL;
	if (setns(target, CLONE_NEWNET) == 0) {
		s = mnl_socket_open2(NETLINK_ROUTE, SOCK_NONBLOCK | SOCK_CLOEXEC);
		if (setns(self, CLONE_NEWNET) < 0) {
			/* Cannot come back: never keep running in the wrong netns. */
			perror("nfva: setns back");
			abort();
		}
	}
	close(self);
	if (s != NULL && mnl_socket_bind(s, groups, MNL_SOCKET_AUTOPID) < 0) {
		mnl_socket_close(s);
		s = NULL;
	}
	return s;
}

int evnl_open(struct evnl *nl, const char *netns)
{
	char path[256];

	memset(nl, 0, sizeof(*nl));
	snprintf(path, sizeof(path), "/var/run/netns/%s", netns);
	int fd = open(path, O_RDONLY | O_CLOEXEC);
	if (fd < 0)
		return -errno;
	for (int i = 0; i < EVNL_N; i++) {
		nl->s[i] = open_in(fd, i == EVNL_MON ? (1u << (RTNLGRP_NEIGH - 1)) : 0);
		if (nl->s[i] == NULL) {
			int err = errno != 0 ? errno : EIO;
			close(fd);
			evnl_close(nl);
			return -err;
		}
	}
	close(fd);
	int sz = MON_RCVBUF;
	setsockopt(mnl_socket_get_fd(nl->s[EVNL_MON]), SOL_SOCKET, SO_RCVBUFFORCE, &sz, sizeof(sz));
	setsockopt(mnl_socket_get_fd(nl->s[EVNL_DUMP]), SOL_SOCKET, SO_RCVBUFFORCE, &sz,
			sizeof(sz));
	nl->seq = 1;
	return 0;
}

void evnl_close(struct evnl *nl)
{
	for (int i = 0; i < EVNL_N; i++)
		if (nl->s[i] != NULL)
			mnl_socket_close(nl->s[i]);
	memset(nl, 0, sizeof(*nl));
}

bool evnl_is_open(const struct evnl *nl)
{
	return nl->s[EVNL_CTL] != NULL;
}

static struct nlmsghdr *msg_start(struct evnl *nl, char *buf, uint16_t type, uint16_t flags)
{
	struct nlmsghdr *nlh = mnl_nlmsg_put_header(buf);
	nlh->nlmsg_type = type;
	nlh->nlmsg_flags = NLM_F_REQUEST | flags;
	nlh->nlmsg_seq = nl->seq++;
	return nlh;
}

/* Answers to a CTL request: the kernel queued them before sendto returned. */
static int ctl_answer(const struct nlmsghdr *nlh, void *data)
{
	int *ifindex = data;
	if (nlh->nlmsg_type == RTM_NEWLINK && ifindex != NULL) {
		const struct ifinfomsg *ifi = mnl_nlmsg_get_payload(nlh);
		*ifindex = ifi->ifi_index;
	}
	return MNL_CB_OK;
}

static int ctl_request(struct evnl *nl, struct nlmsghdr *nlh, int *ifindex)
{
	struct mnl_socket *s = nl->s[EVNL_CTL];
	char buf[NL_BUF];
	uint32_t seq = nlh->nlmsg_seq;

	if (s == NULL)
		return -ENOTCONN;
	if (mnl_socket_sendto(s, nlh, nlh->nlmsg_len) < 0)
		return -errno;
	for (;;) {
		ssize_t n = recv(mnl_socket_get_fd(s), buf, sizeof(buf), MSG_DONTWAIT);
		if (n < 0)
			return errno == EAGAIN ? -ETIMEDOUT : -errno;
		int ret = mnl_cb_run(buf, (size_t)n, seq, mnl_socket_get_portid(s), ctl_answer,
				ifindex);
		if (ret == MNL_CB_STOP)
			return 0;
		if (ret < 0)
			return -errno;
		if (ifindex != NULL && *ifindex > 0)
			return 0; /* a GETLINK reply carries no ACK */
	}
}

int evnl_ifindex(struct evnl *nl, const char *name)
{
	char buf[NL_BUF];
	int ifindex = 0;
	struct nlmsghdr *nlh = msg_start(nl, buf, RTM_GETLINK, 0);
	struct ifinfomsg *ifi = mnl_nlmsg_put_extra_header(nlh, sizeof(*ifi));

	ifi->ifi_family = AF_UNSPEC;
	mnl_attr_put_strz(nlh, IFLA_IFNAME, name);
	return ctl_request(nl, nlh, &ifindex) < 0 ? 0 : ifindex;
}

int evnl_link_del(struct evnl *nl, const char *name)
{
	char buf[NL_BUF];
	struct nlmsghdr *nlh = msg_start(nl, buf, RTM_DELLINK, NLM_F_ACK);
	struct ifinfomsg *ifi = mnl_nlmsg_put_extra_header(nlh, sizeof(*ifi));

	ifi->ifi_family = AF_UNSPEC;
	mnl_attr_put_strz(nlh, IFLA_IFNAME, name);
	return ctl_request(nl, nlh, NULL);
}

/* RTM_NEWLINK NAME type KIND up [master MASTER]; the caller fills IFLA_INFO_DATA
 * between *data and the return of link_end. */
static struct nlmsghdr *link_start(struct evnl *nl, char *buf, const char *name, const char *kind,
		int master, struct nlattr **linkinfo)
{
	struct nlmsghdr *nlh =
			msg_start(nl, buf, RTM_NEWLINK, NLM_F_CREATE | NLM_F_EXCL | NLM_F_ACK);
	struct ifinfomsg *ifi = mnl_nlmsg_put_extra_header(nlh, sizeof(*ifi));

	ifi->ifi_family = AF_UNSPEC;
	ifi->ifi_flags = IFF_UP;
	ifi->ifi_change = IFF_UP;
	mnl_attr_put_strz(nlh, IFLA_IFNAME, name);
	if (master > 0)
		mnl_attr_put_u32(nlh, IFLA_MASTER, (uint32_t)master);
	*linkinfo = mnl_attr_nest_start(nlh, IFLA_LINKINFO);
	mnl_attr_put_strz(nlh, IFLA_INFO_KIND, kind);
	return nlh;
}

int evnl_bridge_add(struct evnl *nl, const char *name)
{
	char buf[NL_BUF];
	struct nlattr *li;
	struct nlmsghdr *nlh = link_start(nl, buf, name, "bridge", 0, &li);
	struct nlattr *data = mnl_attr_nest_start(nlh, IFLA_INFO_DATA);

	mnl_attr_put_u32(nlh, IFLA_BR_STP_STATE, 0);
	mnl_attr_nest_end(nlh, data);
	mnl_attr_nest_end(nlh, li);
	return ctl_request(nl, nlh, NULL);
}

int evnl_vxlan_add(struct evnl *nl, const char *name, uint32_t vni, uint32_t local_be,
		uint16_t port, int master)
{
	char buf[NL_BUF];
	struct nlattr *li;
	struct nlmsghdr *nlh = link_start(nl, buf, name, "vxlan", master, &li);
	struct nlattr *data = mnl_attr_nest_start(nlh, IFLA_INFO_DATA);

	mnl_attr_put_u32(nlh, IFLA_VXLAN_ID, vni);
	mnl_attr_put(nlh, IFLA_VXLAN_LOCAL, sizeof(local_be), &local_be);
	mnl_attr_put_u16(nlh, IFLA_VXLAN_PORT, htons(port));
	mnl_attr_put_u8(nlh, IFLA_VXLAN_LEARNING, 0);
	mnl_attr_nest_end(nlh, data);
	mnl_attr_nest_end(nlh, li);
	return ctl_request(nl, nlh, NULL);
}

int evnl_veth_add(struct evnl *nl, const char *name, const char *peer, int master)
{
	char buf[NL_BUF];
	struct nlattr *li;
	struct nlmsghdr *nlh = link_start(nl, buf, name, "veth", master, &li);
	struct nlattr *data = mnl_attr_nest_start(nlh, IFLA_INFO_DATA);
	struct nlattr *p = mnl_attr_nest_start(nlh, VETH_INFO_PEER);
	struct ifinfomsg *pi = mnl_nlmsg_put_extra_header(nlh, sizeof(*pi));

	/* Not up here: the kernel opens the peer before the pair is linked
	 * (veth_open: ENOTCONN); it goes up afterwards. */
	pi->ifi_family = AF_UNSPEC;
	mnl_attr_put_strz(nlh, IFLA_IFNAME, peer);
	mnl_attr_nest_end(nlh, p);
	mnl_attr_nest_end(nlh, data);
	mnl_attr_nest_end(nlh, li);
	int ret = ctl_request(nl, nlh, NULL);
	if (ret < 0)
		return ret;
	/* The peer up: the shadow port has carrier. */
	nlh = msg_start(nl, buf, RTM_NEWLINK, NLM_F_ACK);
	struct ifinfomsg *ifi = mnl_nlmsg_put_extra_header(nlh, sizeof(*ifi));
	ifi->ifi_family = AF_UNSPEC;
	ifi->ifi_flags = IFF_UP;
	ifi->ifi_change = IFF_UP;
	mnl_attr_put_strz(nlh, IFLA_IFNAME, peer);
	return ctl_request(nl, nlh, NULL);
}

/* `bridge link set dev IFINDEX learning off` */
int evnl_port_learning_off(struct evnl *nl, int ifindex)
{
	char buf[NL_BUF];
	struct nlmsghdr *nlh = msg_start(nl, buf, RTM_SETLINK, NLM_F_ACK);
	struct ifinfomsg *ifi = mnl_nlmsg_put_extra_header(nlh, sizeof(*ifi));

	ifi->ifi_family = AF_BRIDGE;
	ifi->ifi_index = ifindex;
	struct nlattr *pi = mnl_attr_nest_start(nlh, IFLA_PROTINFO);
	mnl_attr_put_u8(nlh, IFLA_BRPORT_LEARNING, 0);
	mnl_attr_nest_end(nlh, pi);
	return ctl_request(nl, nlh, NULL);
}

int evnl_fdb_static(struct evnl *nl, int ifindex, const struct rte_ether_addr *mac, bool add)
{
	char buf[256];
	struct mnl_socket *s = nl->s[EVNL_FDB];
	struct nlmsghdr *nlh = msg_start(nl, buf, add ? RTM_NEWNEIGH : RTM_DELNEIGH,
			add ? NLM_F_CREATE | NLM_F_REPLACE : 0);
	struct ndmsg *nd = mnl_nlmsg_put_extra_header(nlh, sizeof(*nd));

	if (s == NULL)
		return -ENOTCONN;
	nd->ndm_family = AF_BRIDGE;
	nd->ndm_ifindex = ifindex;
	nd->ndm_state = NUD_NOARP; /* static: zebra advertises it (never permanent) */
	nd->ndm_flags = NTF_MASTER;
	mnl_attr_put(nlh, NDA_LLADDR, RTE_ETHER_ADDR_LEN, mac->addr_bytes);
	return mnl_socket_sendto(s, nlh, nlh->nlmsg_len) < 0 ? -errno : 0;
}

unsigned evnl_fdb_errors(struct evnl *nl, int *last_errno)
{
	struct mnl_socket *s = nl->s[EVNL_FDB];
	char buf[NL_BUF];
	unsigned errors = 0;
	ssize_t n;

	while (s != NULL && (n = recv(mnl_socket_get_fd(s), buf, sizeof(buf), MSG_DONTWAIT)) > 0) {
		const struct nlmsghdr *nlh = (const struct nlmsghdr *)buf;
		int len = (int)n;
		for (; mnl_nlmsg_ok(nlh, len); nlh = mnl_nlmsg_next(nlh, &len)) {
			if (nlh->nlmsg_type != NLMSG_ERROR)
				continue;
			const struct nlmsgerr *e = mnl_nlmsg_get_payload(nlh);
			if (e->error != 0) {
				errors++;
				*last_errno = -e->error;
			}
		}
	}
	return errors;
}

static int neigh_attr(const struct nlattr *a, void *data)
{
	const struct nlattr **tb = data;
	int type = mnl_attr_get_type(a);
	if (type <= NDA_MAX)
		tb[type] = a;
	return MNL_CB_OK;
}

int evnl_parse_neigh(const struct nlmsghdr *nlh, struct evnl_neigh *out)
{
	const struct nlattr *tb[NDA_MAX + 1] = { NULL };

	if ((nlh->nlmsg_type != RTM_NEWNEIGH && nlh->nlmsg_type != RTM_DELNEIGH) ||
			nlh->nlmsg_len < mnl_nlmsg_size(sizeof(struct ndmsg)))
		return -EINVAL;
	const struct ndmsg *nd = mnl_nlmsg_get_payload(nlh);
	if (nd->ndm_family != AF_BRIDGE)
		return -EINVAL;
	if (mnl_attr_parse(nlh, sizeof(*nd), neigh_attr, tb) < 0)
		return -EINVAL;
	memset(out, 0, sizeof(*out));
	out->del = nlh->nlmsg_type == RTM_DELNEIGH;
	out->ifindex = nd->ndm_ifindex;
	out->flags = nd->ndm_flags;
	out->state = nd->ndm_state;
	out->master = tb[NDA_MASTER] != NULL;
	if (tb[NDA_LLADDR] != NULL &&
			mnl_attr_get_payload_len(tb[NDA_LLADDR]) == RTE_ETHER_ADDR_LEN) {
		memcpy(out->mac.addr_bytes, mnl_attr_get_payload(tb[NDA_LLADDR]),
				RTE_ETHER_ADDR_LEN);
		out->has_mac = true;
	}
	if (tb[NDA_DST] != NULL && mnl_attr_get_payload_len(tb[NDA_DST]) == 4) {
		memcpy(&out->dst, mnl_attr_get_payload(tb[NDA_DST]), 4);
		/* 0.0.0.0/8 is never a VTEP: inside nfva it names IPv6 VTEPs. */
		out->has_dst = !vtep_ipv4_reserved(out->dst);
	}
	return 0;
}

int evnl_dump_start(struct evnl *nl)
{
	char buf[256];
	struct mnl_socket *s = nl->s[EVNL_DUMP];
	struct nlmsghdr *nlh = msg_start(nl, buf, RTM_GETNEIGH, NLM_F_DUMP);
	struct ndmsg *nd = mnl_nlmsg_put_extra_header(nlh, sizeof(*nd));

	if (s == NULL)
		return -ENOTCONN;
	nd->ndm_family = AF_BRIDGE;
	return mnl_socket_sendto(s, nlh, nlh->nlmsg_len) < 0 ? -errno : 0;
}

int evnl_recv(struct evnl *nl, enum evnl_sock sock, unsigned max, evnl_neigh_cb cb, void *arg,
		bool *done)
{
	struct mnl_socket *s = nl->s[sock];
	char buf[NL_BUF];
	unsigned got = 0;

	*done = false;
	while (s != NULL && got < max && !*done) {
		ssize_t n = recv(mnl_socket_get_fd(s), buf, sizeof(buf), MSG_DONTWAIT);
		if (n < 0)
			return errno == ENOBUFS ? -ENOBUFS : (int)got;
		got++;
		const struct nlmsghdr *nlh = (const struct nlmsghdr *)buf;
		int len = (int)n;
		for (; mnl_nlmsg_ok(nlh, len); nlh = mnl_nlmsg_next(nlh, &len)) {
			struct evnl_neigh ne;
			if (nlh->nlmsg_type == NLMSG_DONE || nlh->nlmsg_type == NLMSG_ERROR)
				*done = true;
			else if (evnl_parse_neigh(nlh, &ne) == 0)
				cb(&ne, arg);
		}
	}
	return (int)got;
}
