/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * LISP's bounds and rate limits against hostile tenants and underlay hosts:
 * how many EIDs one network may learn (the EID table is shared by every
 * network), which RLOCs a Map-Reply or Map-Register may name, and token
 * buckets for what the control thread does on its own because of a frame
 * anyone may send:
 * - Map-Replies go to the ITR-RLOC an unauthenticated Map-Request names
 *   (without a limit nfva is a reflector toward any address);
 * - one LISP data packet to an unknown local address makes an ARP probe on
 *   every member of the network (gleaning: an amplifier);
 * - each map-cache miss installs a pending entry and may send a Map-Request.
 * Each refusal is counted (eids_limit, rlocs_rejected, replies_rate_limited,
 * glean_rate_limited, misses_rate_limited). Command `lisp limits`; the
 * values are in `lisp show` (limits). Control thread only.
 */
#include <arpa/inet.h>

#include "control/cmd.h"
#include "control/running_config.h"
#include "core/bounds.h"
#include "core/ratelimit.h"
#include "overlay/underlay.h"
#include "overlay/vtep_id.h"
#include "lisp/lisp_private.h"

static struct {
	uint32_t eids_per_network;
	uint32_t replies_per_s, glean_per_s, misses_per_s; /* 0 = unlimited */
	struct token_bucket replies, glean, misses;
	bool ready;
} lim = {
	.eids_per_network = LISP_EIDS_PER_NETWORK,
	.replies_per_s = LISP_REPLY_RATE,
	.glean_per_s = LISP_GLEAN_RATE,
	.misses_per_s = LISP_MISS_RATE,
};

/* Buckets hold one second's worth: a burst of at most the rate. */
static void buckets_init(void)
{
	token_bucket_init(&lim.replies, lim.replies_per_s, lim.replies_per_s);
	token_bucket_init(&lim.glean, lim.glean_per_s, lim.glean_per_s);
	token_bucket_init(&lim.misses, lim.misses_per_s, lim.misses_per_s);
	lim.ready = true;
}

static bool take(struct token_bucket *b, uint64_t *refused)
{
	if (!lim.ready)
		buckets_init();
	if (token_bucket_take(b))
		return true;
	(*refused)++;
	return false;
}

bool lisp_allow_reply(void)
{
	return take(&lim.replies, &lisp.c.replies_rate_limited);
}

bool lisp_allow_glean(void)
{
	return take(&lim.glean, &lisp.c.glean_rate_limited);
}

bool lisp_allow_miss(void)
{
	return take(&lim.misses, &lisp.c.misses_rate_limited);
}

bool lisp_eid_quota_ok(uint16_t network)
{
	if (lim.eids_per_network == 0 || lisp_eid_count_network(network) < lim.eids_per_network)
		return true;
	lisp.c.eids_limit++;
	return false;
}

/* An RLOC others may name: a unicast address that is not ours. */
bool lisp_rloc_ok(const struct nfva_ip *ip)
{
	const struct underlay *u = underlay_get();

	if (ip->family == AF_INET) {
		uint32_t h = ntohl(nfva_ip_get_v4(ip));
		if ((h >> 24) == 0 || (h >> 24) == 127 || IN_MULTICAST(h) || h >= 0xf0000000u)
			return false;
		return !(u->active && nfva_ip_get_v4(ip) == u->ip);
	}
	if (!vtep_addr_usable(ip))
		return false;
	return !(u->active && u->has_ip6 && memcmp(ip->addr, u->ip6, 16) == 0);
}

json_t *lisp_limits_json(void)
{
	return json_pack("{s:I, s:I, s:I, s:I}", "eids_per_network",
			(json_int_t)lim.eids_per_network, "replies_per_s",
			(json_int_t)lim.replies_per_s, "glean_per_s", (json_int_t)lim.glean_per_s,
			"misses_per_s", (json_int_t)lim.misses_per_s);
}

void lisp_limits_config(struct config_out *o)
{
	if (lim.eids_per_network == LISP_EIDS_PER_NETWORK && lim.replies_per_s == LISP_REPLY_RATE &&
			lim.glean_per_s == LISP_GLEAN_RATE && lim.misses_per_s == LISP_MISS_RATE)
		return;
	config_add(o, "lisp limits");
	if (lim.eids_per_network != LISP_EIDS_PER_NETWORK)
		config_add(o, "eids-per-network %u", lim.eids_per_network);
	if (lim.replies_per_s != LISP_REPLY_RATE)
		config_add(o, "replies-per-s %u", lim.replies_per_s);
	if (lim.glean_per_s != LISP_GLEAN_RATE)
		config_add(o, "glean-per-s %u", lim.glean_per_s);
	if (lim.misses_per_s != LISP_MISS_RATE)
		config_add(o, "misses-per-s %u", lim.misses_per_s);
	config_end(o);
}

static int limits_cmd(const struct cmd_args *a, struct cmd_reply *r)
{
	if (cmd_arg_u32(a, "N", 0) > 65536)
		return cmd_error(r, EINVAL,
				"eids-per-network is 0-65536 (0: only the table's bound)");
	lim.eids_per_network = cmd_arg_u32(a, "N", lim.eids_per_network);
	lim.replies_per_s = cmd_arg_u32(a, "N2", lim.replies_per_s);
	lim.glean_per_s = cmd_arg_u32(a, "N3", lim.glean_per_s);
	lim.misses_per_s = cmd_arg_u32(a, "N4", lim.misses_per_s);
	buckets_init();
	r->result = lisp_limits_json();
	return 0;
}
NFVA_CMD(limits_cmd,
		"lisp limits [eids-per-network N] [replies-per-s N2] [glean-per-s N3] "
		"[misses-per-s N4]",
		"bounds against hostile senders: learned EIDs per network (default 4096), "
		"Map-Replies, gleaning probes and map-cache misses taken on per second (default "
		"200, 50, 1000; 0 = unlimited); the values")
