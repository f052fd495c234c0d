/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * libFuzzer harness: the slow path (slowpath_input) on a built datapath
 * snapshot, then the control-side handlers of whatever it punted (ARP,
 * ICMP, LISP control, map-cache misses, gleaning, held frames).
 *
 * Configuration (command lines, as a startup file would give them), net_null
 * ports:
 *   up   the uplink 192.168.1.249/24, VTEP .252 a static neighbour; networks
 *        nx (VXLAN 5000), ng (GRE 5001), nn (NVGRE 7), nl (LISP iid 1000, a
 *        static EID, a map-cache prefix, a map-server site, a map-server)
 *   vm1  nx untagged, ng vlan 10; mirrored (filter "proto udp") to VXLAN .252
 *   vm2  nn vlan 20, nl untagged
 *   an   ERSPAN session 8 is delivered here
 * Input: byte 0 = the port (bits 0-1: up vm1 vm2 an), bit 2 = the frame in
 * two mbuf segments, split where byte 1 says, bit 3 = the destination MAC
 * replaced by the port's own (net_null picks it at random); then the frame.
 * It looks for crashes and sanitizer reports (reads past a segment, use
 * after free of a frame, overflow of the per-burst arrays...).
 */
#include "fuzz_env.h"

static struct worker *w;
static const char *const port_names[4] = { "up", "vm1", "vm2", "an" };
static uint16_t port_index[4];
static uint8_t port_mac[4][6];

static const char *const config[] = {
	"port add up dev net_null0,no-rx=1",
	"port add vm1 dev net_null1,no-rx=1",
	"port add vm2 dev net_null2,no-rx=1",
	"port add an dev net_null3,no-rx=1",
	"underlay set uplink up ip 192.168.1.249/24",
	"underlay set uplink up ip 2001:db8:1::249/64",
	"neigh add 192.168.1.252 lladdr 02:00:00:00:02:52",
	"neigh add 2001:db8:1::252 lladdr 02:00:00:00:02:52",
	"network add nx vni 5000 encap vxlan",
	"network nx attach vm1",
	"network nx vtep add 192.168.1.252",
	"network nx vtep add 2001:db8:1::252",
	"network add ng vni 5001 encap gre",
	"network ng attach vm1 vlan 10",
	"network ng vtep add 192.168.1.252",
	"network ng vtep add 2001:db8:1::252",
	"network add n6 vni 5006 encap vxlan group ff05::100",
	"network n6 attach vm2 vlan 30",
	"network add nn vni 7 encap nvgre",
	"network nn attach vm2 vlan 20",
	"network nn vtep add 192.168.1.252",
	"network add nl iid 1000 encap lisp",
	"network nl attach vm2",
	"lisp eid add 1000 10.1.1.21 mac 02:00:00:00:00:0b port vm2",
	"lisp map-cache add 1000 10.1.2.0/24 rloc 192.168.1.252",
	"lisp site add s1 key fuzz-key eid-prefix 1000 10.9.0.0/16 accept-more-specifics",
	"lisp map-server add 192.168.1.252 key fuzz-key",
	"lisp map-cache add 1000 10.1.3.0/24 rloc 2001:db8:1::252",
	"lisp map-server add 2001:db8:1::252 key fuzz-key",
	"mirror collect erspan session 8 to port an",
	("mirror add m1 source vm1 direction both filter \"proto udp\" external to vxlan "
	 "192.168.1.252 vni 99"),
	("mirror add m2 source vm2 direction in external to erspan 2001:db8:1::252 session 9 "
	 "version 3"),
};

int LLVMFuzzerInitialize(int *argc, char ***argv)
{
	(void)argc;
	(void)argv;
	w = fuzz_env_init("slowpath");
	fuzz_configure(config, RTE_DIM(config));
	for (unsigned i = 0; i < 4; i++) {
		port_index[i] = port_find(port_names[i])->index;
		fuzz_port_mac(port_names[i], port_mac[i]);
	}
	return 0;
}

/* The frame in one or two segments; NULL when the pool is dry. */
static struct rte_mbuf *frame_mbuf(const uint8_t *data, size_t len, bool split, uint8_t at)
{
	size_t first = split && len > 1 ? 1 + at % (len - 1) : len;
	struct rte_mbuf *m = rte_pktmbuf_alloc(nfva_mbuf_pool());
	char *p = m == NULL ? NULL : rte_pktmbuf_append(m, (uint16_t)first);
	if (p == NULL) {
		rte_pktmbuf_free(m);
		return NULL;
	}
	memcpy(p, data, first);
	if (first == len)
		return m;
	struct rte_mbuf *m2 = rte_pktmbuf_alloc(nfva_mbuf_pool());
	char *p2 = m2 == NULL ? NULL : rte_pktmbuf_append(m2, (uint16_t)(len - first));
	if (p2 == NULL || rte_pktmbuf_chain(m, m2) != 0) {
		rte_pktmbuf_free(m2);
		rte_pktmbuf_free(m);
		return NULL;
	}
	memcpy(p2, data + first, len - first);
	return m;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	uint8_t frame[4000];

	if (size < 2 || size - 2 > sizeof(frame))
		return 0;
	unsigned port = data[0] & 3;
	size_t len = size - 2;
	memcpy(frame, data + 2, len);
	if ((data[0] & 8) && len >= 6)
		memcpy(frame, port_mac[port], 6);
	if (len > 2048 && !(data[0] & 4))
		return 0; /* one segment holds 2048 bytes */
	struct rte_mbuf *m = frame_mbuf(frame, len, data[0] & 4, data[1]);
	if (m != NULL)
		fuzz_step(w, port_index[port], &m, 1);
	return 0;
}
