/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * libFuzzer harness, differential: for the same frame and the same
 * decision, the emulated e-switch executing the compiled rule and the slow
 * path must emit the same bytes on the same ports.
 *
 * Ports are net_ring devices (what a port transmits comes back on its own
 * rx: the harness reads it there): up owns an emulated e-switch, vf1..vf4
 * are its VFs. Networks: lan (vf1, vf2, vf4 tagged 100), ov (vf3, VXLAN
 * 5000 to .252), og (vf2 tagged 200, GRE key 6000 to .253); static MACs
 * behind each port and behind the remote VTEPs, so unicast decisions exist
 * from the first frame.
 * Input: byte 0 = the ingress port (bits 0-2, modulo 5: up vf1 vf2 vf3 vf4),
 * bit 3 = the destination MAC replaced by that port's own; then the frame.
 *
 * One input: (1) the frame through the slow path alone, what every port
 * sent is recorded; the control thread then installs the rule the slow path
 * asked for (if any). (2) When a rule exists, the same frame through the
 * ingress port's e-switch: if the rule carries it, what every port sent
 * must equal (1), frame for frame. (3) Rules and learned entries are
 * flushed, so inputs do not depend on one another.
 */
#include "fuzz_env.h"
#include "mirror/mirror.h"
#include "offload/offload_private.h"

#define MAX_OUT 64
#define N_PORTS 5

static struct worker *w;
static const char *const names[N_PORTS] = { "up", "vf1", "vf2", "vf3", "vf4" };
static uint16_t index_of[N_PORTS];
static uint8_t mac_of[N_PORTS][6];

static const char *const config[] = {
	"port add up dev net_ring0 eswitch emulated",
	"port add vf1 dev net_ring1 vf-of up",
	"port add vf2 dev net_ring2 vf-of up",
	"port add vf3 dev net_ring3 vf-of up",
	"port add vf4 dev net_ring4 vf-of up",
	"underlay set uplink up ip 192.168.1.249/24",
	"neigh add 192.168.1.252 lladdr 02:00:00:00:02:52",
	"neigh add 192.168.1.253 lladdr 02:00:00:00:02:53",
	"network add lan",
	"network lan attach vf1",
	"network lan attach vf2",
	"network lan attach vf4 vlan 100",
	"fdb add 02:00:00:00:00:0a network lan port vf1",
	"fdb add 02:00:00:00:00:0b network lan port vf2",
	"fdb add 02:00:00:00:00:0d network lan port vf4 vlan 100",
	"network add ov vni 5000 encap vxlan",
	"network ov attach vf3",
	"network ov vtep add 192.168.1.252",
	"fdb add 02:00:00:00:00:0c network ov port vf3",
	"fdb add 02:00:00:00:01:01 network ov vtep 192.168.1.252",
	"network add og vni 6000 encap gre",
	"network og attach vf2 vlan 200",
	"network og vtep add 192.168.1.253",
	"fdb add 02:00:00:00:00:0e network og port vf2 vlan 200",
	"fdb add 02:00:00:00:01:02 network og vtep 192.168.1.253",
};

struct sent {
	unsigned n;
	uint16_t port[MAX_OUT];
	uint16_t len[MAX_OUT];
	uint8_t *bytes[MAX_OUT];
};

/* What every port transmitted since the last call (net_ring: its own rx). */
static void collect(struct sent *s)
{
	struct rte_mbuf *pkts[32];
	for (unsigned p = 0; p < N_PORTS; p++) {
		uint16_t ethdev = port_by_index(index_of[p])->ethdev, n;
		while ((n = rte_eth_rx_burst(ethdev, 0, pkts, RTE_DIM(pkts))) != 0) {
			for (uint16_t i = 0; i < n; i++) {
				uint32_t len = rte_pktmbuf_pkt_len(pkts[i]);
				if (s != NULL && s->n < MAX_OUT &&
						(s->bytes[s->n] = malloc(len)) != NULL) {
					const void *d = rte_pktmbuf_read(pkts[i], 0, len,
							s->bytes[s->n]);
					if (d != s->bytes[s->n])
						memcpy(s->bytes[s->n], d, len);
					s->port[s->n] = (uint16_t)p;
					s->len[s->n++] = (uint16_t)len;
				}
				rte_pktmbuf_free(pkts[i]);
			}
		}
	}
}

static void sent_free(struct sent *s)
{
	for (unsigned i = 0; i < s->n; i++)
		free(s->bytes[i]);
	s->n = 0;
}

static void same_or_die(const struct sent *a, const struct sent *b)
{
	bool same = a->n == b->n;
	for (unsigned i = 0; same && i < a->n; i++)
		same = a->port[i] == b->port[i] && a->len[i] == b->len[i] &&
				memcmp(a->bytes[i], b->bytes[i], a->len[i]) == 0;
	if (same)
		return;
	fprintf(stderr, "fuzz_differential: slow path sent %u frames, the e-switch %u\n", a->n,
			b->n);
	for (unsigned i = 0; i < RTE_MAX(a->n, b->n); i++)
		fprintf(stderr, "  #%u: slow path %s/%u bytes, e-switch %s/%u bytes\n", i,
				i < a->n ? names[a->port[i]] : "-", i < a->n ? a->len[i] : 0,
				i < b->n ? names[b->port[i]] : "-", i < b->n ? b->len[i] : 0);
	abort();
}

static void eswitch_output(void *ctx, uint16_t out_ethdev, struct rte_mbuf *m)
{
	struct worker *wk = ctx;
	uint16_t port = wk->cfg->ethdev_port[out_ethdev];
	if (port == NFVA_PORT_NONE) {
		rte_pktmbuf_free(m);
		return;
	}
	m->ol_flags |= mirror_copy_flag;
	port_output(wk, port, NFVA_VLAN_NONE, m);
}

int LLVMFuzzerInitialize(int *argc, char ***argv)
{
	(void)argc;
	(void)argv;
	w = fuzz_env_init("differential");
	fuzz_configure(config, RTE_DIM(config));
	for (unsigned i = 0; i < N_PORTS; i++) {
		index_of[i] = port_find(names[i])->index;
		fuzz_port_mac(names[i], mac_of[i]);
	}
	collect(NULL);
	return 0;
}

static struct rte_mbuf *mbuf_of(const uint8_t *frame, size_t len)
{
	struct rte_mbuf *m = rte_pktmbuf_alloc(nfva_mbuf_pool());
	char *p = m == NULL ? NULL : rte_pktmbuf_append(m, (uint16_t)len);
	if (p == NULL) {
		rte_pktmbuf_free(m);
		return NULL;
	}
	memcpy(p, frame, len);
	return m;
}

/* Through the ingress port's e-switch; true when a rule carried it. */
static bool eswitch_pass(unsigned in, const uint8_t *frame, size_t len)
{
	const struct dp_port *p;
	struct rte_mbuf *pkts[2 * NFVA_BURST];

	pkts[0] = mbuf_of(frame, len);
	if (pkts[0] == NULL)
		return false;
	w->cfg = dp_config_load();
	p = &w->cfg->ports[index_of[in]];
	uint16_t left = p->emu == NULL ? 1
				       : offload_eswitch_rx(p->emu, p->ethdev, pkts, 1,
							 RTE_DIM(pkts), eswitch_output, w);
	for (uint16_t i = 0; i < left; i++)
		rte_pktmbuf_free(pkts[i]);
	port_output_flush(w);
	w->cfg = NULL;
	return left == 0;
}

static void reset(void)
{
	static const char *const flush[] = { "offload flush", "fdb flush" };
	fuzz_configure(flush, RTE_DIM(flush));
	offload_service();
	collect(NULL);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	uint8_t frame[2048];
	struct sent soft = { 0 }, hard = { 0 };

	if (size < 15 || size - 1 > sizeof(frame))
		return 0;
	unsigned in = (data[0] & 7) % N_PORTS;
	size_t len = size - 1;
	memcpy(frame, data + 1, len);
	if (data[0] & 8)
		memcpy(frame, mac_of[in], 6);
	struct rte_mbuf *m = mbuf_of(frame, len);
	if (m == NULL)
		return 0;
	/* Each input its own second: the offload request filter (a decision is
	 * asked once a second) would drop the request of an input repeating an
	 * earlier one's decision, and without a rule nothing is compared. */
	static uint32_t input_seq;
	w->cfg = dp_config_load();
	w->now = nfva_now_s() + ++input_seq;
	w->rx_port = index_of[in];
	slowpath_input(w, index_of[in], &m, 1);
	port_output_flush(w);
	w->cfg = NULL;
	collect(&soft);
	punt_service();
	offload_service();
	collect(NULL); /* whatever the control thread sent (ARP...) */
	if (rules_count_offloaded() != 0 && eswitch_pass(in, frame, len)) {
		collect(&hard);
		same_or_die(&soft, &hard);
	}
	sent_free(&soft);
	sent_free(&hard);
	reset();
	return 0;
}
