/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * Unit tests of the FDB's EVPN side (l2/fdb.h): the origin evpn (never aged,
 * kept by flushes, never moved by a tunnel, overridden by a local learn,
 * never over a static entry), the change feed (watched networks only, and a
 * resync event when its ring overflows), and the decoding of the kernel's
 * bridge FDB messages (evpn/evpn_nl.h) from messages built like the kernel's.
 */
#include <string.h>

#include <libmnl/libmnl.h>
#include <linux/neighbour.h>
#include <linux/rtnetlink.h>
#include <rte_malloc.h>
#include <rte_rcu_qsbr.h>
#include <sys/socket.h>

#include "core/bounds.h"
#include "core/event.h"
#include "evpn/evpn_nl.h"
#include "l2/fdb.h"
#include "eal_fixture.h"

#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <cmocka.h>

#include "fdb_test.h"

#define VTEP_X 0x0101a8c0 /* 192.168.1.1, network order */
#define VTEP_Y 0x0201a8c0

struct rte_rcu_qsbr *qsbr;
static unsigned changed_a, changed_b, resyncs_a;

static int count_changed(const struct nfva_event *ev)
{
	changed_a += ev->network == NET_A;
	changed_b += ev->network == NET_B;
	return 0;
}
EVENT_SUBSCRIBE(EVENT_FDB_CHANGED, count_changed)

static int count_resync(const struct nfva_event *ev)
{
	resyncs_a += ev->network == NET_A;
	return 0;
}
EVENT_SUBSCRIBE(EVENT_FDB_RESYNC, count_resync)

static union fdb_dest vtep_dest(uint32_t ip)
{
	union fdb_dest d = { .u64 = 0 };
	d.kind = FDB_DEST_VTEP;
	d.vtep_ip = ip;
	return d;
}

static union fdb_dest dest_of(uint16_t network, uint32_t i)
{
	struct fdb_key k = key_of(network, i);
	union fdb_dest d = { .u64 = 0 };
	fdb_lookup_dest(k.network, &k.mac, &d);
	return d;
}

static void test_origin_evpn(void **state)
{
	(void)state;
	struct fdb_key k = key_of(NET_A, 1);
	struct fdb_filter dyn = { .network = NET_A, .port = NFVA_PORT_NONE, .dynamic_only = true };
	struct fdb_filter all = { .network = NET_A, .port = NFVA_PORT_NONE };
	struct fdb_filter evpn = { .network = NET_A, .port = NFVA_PORT_NONE, .evpn_too = true };

	assert_int_equal(fdb_set_evpn(&k, 0, VTEP_X), 0);
	union fdb_dest d = dest_of(NET_A, 1);
	assert_int_equal(d.kind, FDB_DEST_VTEP);
	assert_int_equal(d.flags, FDB_F_EVPN);
	assert_int_equal(d.vtep_ip, VTEP_X);
	assert_int_equal(fdb_age(1u << 30, 1), 0); /* never aged */
	assert_int_equal(fdb_flush(&dyn), 0);      /* nor flushed */
	assert_int_equal(fdb_flush(&all), 0);      /* even with `all` */
	assert_int_equal(fdb_learn(&k, vtep_dest(VTEP_Y), 5, NULL), FDB_LEARN_STATIC);
	assert_int_equal(dest_of(NET_A, 1).vtep_ip, VTEP_X); /* a tunnel never moves it */
	assert_int_equal(fdb_del_evpn(&k, VTEP_Y), -ENOENT); /* another VTEP's withdraw */
	assert_int_equal(fdb_flush(&evpn), 1);
	assert_int_equal(fdb_count(), 0);
}

static void test_local_learn_overrides(void **state)
{
	(void)state;
	struct fdb_key k = key_of(NET_A, 2);

	assert_int_equal(fdb_set_evpn(&k, 0, VTEP_X), 0);
	assert_int_equal(fdb_learn(&k, port_dest(3, NFVA_VLAN_NONE), 5, NULL), FDB_LEARN_MOVED);
	union fdb_dest d = dest_of(NET_A, 2);
	assert_int_equal(d.kind, FDB_DEST_PORT);
	assert_int_equal(d.flags, 0);
	/* The remote withdraw that follows the move leaves the local entry. */
	assert_int_equal(fdb_del_evpn(&k, VTEP_X), -ENOENT);
	assert_int_equal(dest_of(NET_A, 2).port, 3);
	/* Moved away again: EVPN replaces the learned entry. */
	assert_int_equal(fdb_set_evpn(&k, 0, VTEP_Y), 0);
	assert_int_equal(dest_of(NET_A, 2).vtep_ip, VTEP_Y);
	assert_int_equal(fdb_del_evpn(&k, 0), 0);
	assert_int_equal(fdb_count(), 0);
}

static void test_static_wins(void **state)
{
	(void)state;
	struct fdb_key k = key_of(NET_A, 3);

	assert_int_equal(fdb_add_static(&k, port_dest(4, NFVA_VLAN_NONE)), 0);
	assert_int_equal(fdb_set_evpn(&k, 0, VTEP_X), -EEXIST);
	assert_int_equal(dest_of(NET_A, 3).port, 4);
	assert_int_equal(fdb_del_evpn(&k, 0), -ENOENT);
}

static void test_feed(void **state)
{
	(void)state;
	struct fdb_feed_stats s;

	changed_a = changed_b = resyncs_a = 0;
	fdb_feed_watch(NET_A, true);
	for (uint32_t i = 0; i < 3; i++) {
		struct fdb_key k = key_of(NET_A, 10 + i);
		assert_int_equal(fdb_learn(&k, port_dest(1, NFVA_VLAN_NONE), 1, NULL),
				FDB_LEARN_NEW);
	}
	struct fdb_key kb = key_of(NET_B, 10);
	assert_int_equal(fdb_learn(&kb, port_dest(1, NFVA_VLAN_NONE), 1, NULL), FDB_LEARN_NEW);
	struct fdb_key k0 = key_of(NET_A, 10);
	/* Seen again, unchanged: not news. */
	assert_int_equal(fdb_learn(&k0, port_dest(1, NFVA_VLAN_NONE), 2, NULL),
			FDB_LEARN_UNCHANGED);
	assert_int_equal(fdb_learn(&k0, port_dest(2, NFVA_VLAN_NONE), 2, NULL), FDB_LEARN_MOVED);
	assert_int_equal(fdb_feed_drain(1000), 4);
	assert_int_equal(changed_a, 4);
	assert_int_equal(changed_b, 0); /* not watched */
	assert_int_equal(resyncs_a, 0);

	/* Overflow: more changes than the ring holds -> one resync of NET_A. */
	fdb_feed_stats(&s);
	uint32_t n = s.capacity + 100;
	for (uint32_t i = 0; i < n; i++) {
		struct fdb_key k = key_of(NET_A, 1000 + i);
		assert_int_equal(fdb_learn(&k, port_dest(1, NFVA_VLAN_NONE), 1, NULL),
				FDB_LEARN_NEW);
	}
	while (fdb_feed_drain(100000) != 0)
		;
	fdb_feed_stats(&s);
	assert_int_equal(s.lost, 100);
	assert_int_equal(resyncs_a, 1);
	fdb_feed_watch(NET_A, false);
}

/* A kernel-like RTM_NEWNEIGH: `MAC dst IP self` on ifindex 7. */
static struct nlmsghdr *neigh_msg(char *buf, uint16_t type, uint8_t flags, const uint8_t *mac,
		const uint32_t *dst)
{
	struct nlmsghdr *nlh = mnl_nlmsg_put_header(buf);
	nlh->nlmsg_type = type;
	struct ndmsg *nd = mnl_nlmsg_put_extra_header(nlh, sizeof(*nd));
	nd->ndm_family = AF_BRIDGE;
	nd->ndm_ifindex = 7;
	nd->ndm_flags = flags;
	nd->ndm_state = NUD_NOARP;
	mnl_attr_put(nlh, NDA_LLADDR, 6, mac);
	if (dst != NULL)
		mnl_attr_put(nlh, NDA_DST, 4, dst);
	return nlh;
}

static void test_parse_neigh(void **state)
{
	(void)state;
	char buf[512];
	const uint8_t mac[6] = { 0x02, 0, 0, 0, 0x02, 0x01 };
	uint32_t dst = VTEP_X;
	struct evnl_neigh ne;
	struct nlmsghdr *nlh;

	assert_int_equal(evnl_parse_neigh(neigh_msg(buf, RTM_NEWNEIGH, NTF_SELF | NTF_EXT_LEARNED,
							  mac, &dst),
					 &ne),
			0);
	assert_false(ne.del);
	assert_int_equal(ne.ifindex, 7);
	assert_true(ne.has_mac && ne.has_dst);
	assert_memory_equal(ne.mac.addr_bytes, mac, 6);
	assert_int_equal(ne.dst, VTEP_X);
	assert_int_equal(ne.flags & NTF_SELF, NTF_SELF);
	assert_false(ne.master);
	/* The bridge's entry: NDA_MASTER, no dst. */
	nlh = neigh_msg(buf, RTM_DELNEIGH, 0, mac, NULL);
	mnl_attr_put_u32(nlh, NDA_MASTER, 3);
	assert_int_equal(evnl_parse_neigh(nlh, &ne), 0);
	assert_true(ne.del && !ne.has_dst && ne.master);
	/* Not a bridge FDB message: refused. */
	nlh = neigh_msg(buf, RTM_NEWNEIGH, NTF_SELF, mac, &dst);
	((struct ndmsg *)mnl_nlmsg_get_payload(nlh))->ndm_family = AF_INET;
	assert_int_equal(evnl_parse_neigh(nlh, &ne), -EINVAL);
	nlh->nlmsg_type = RTM_NEWLINK;
	assert_int_equal(evnl_parse_neigh(nlh, &ne), -EINVAL);
}

static int fdb_setup(void **state)
{
	(void)state;
	return fdb_init(1u << 17, qsbr);
}

static int fdb_teardown(void **state)
{
	(void)state;
	fdb_fini();
	return 0;
}

static int group_setup(void **state)
{
	(void)state;
	if (unit_eal_init("fdb_evpn") < 0)
		return -1;
	qsbr = rte_zmalloc("test_qsbr", rte_rcu_qsbr_get_memsize(4), RTE_CACHE_LINE_SIZE);
	return qsbr == NULL || rte_rcu_qsbr_init(qsbr, 4) != 0 ? -1 : 0;
}

static int group_teardown(void **state)
{
	(void)state;
	rte_free(qsbr);
	unit_eal_cleanup();
	return 0;
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(test_origin_evpn, fdb_setup, fdb_teardown),
		cmocka_unit_test_setup_teardown(test_local_learn_overrides, fdb_setup,
				fdb_teardown),
		cmocka_unit_test_setup_teardown(test_static_wins, fdb_setup, fdb_teardown),
		cmocka_unit_test_setup_teardown(test_feed, fdb_setup, fdb_teardown),
		cmocka_unit_test(test_parse_neigh),
	};
	return cmocka_run_group_tests(tests, group_setup, group_teardown);
}
