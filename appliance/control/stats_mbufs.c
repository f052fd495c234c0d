/* SPDX-License-Identifier: BSD-3-Clause */
/* `stats` section mbufs: how much of the packet pool is taken (core/mbufs.h).
 * A leak of held or punted frames shows here as in_use that never comes
 * back to its idle baseline (the soak test checks it). */
#include "control/stats.h"
#include "core/mbufs.h"

static json_t *stats_mbufs(void)
{
	return json_pack("{s:I, s:I}", "in_use", (json_int_t)nfva_mbufs_in_use(), "capacity",
			(json_int_t)nfva_mbufs_capacity());
}
STATS_SECTION("mbufs", stats_mbufs)
