/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * The observe module: makes nfva's ports capturable by dpdk-dumpcap
 * (rte_pdump_init: the capture runs as a DPDK secondary process of the same
 * --file-prefix, see docs/operations.md), registers the telemetry commands
 * and opens the Prometheus endpoint when --metrics is given.
 */
#include <rte_errno.h>
#include <rte_pdump.h>

#include "control/stats.h"
#include "core/args.h"
#include "core/log.h"
#include "core/module.h"
#include "observe/metrics_http.h"
#include "observe/observe.h"

NFVA_LOG_REGISTER(observe)

static bool pdump_ready;

static int observe_init(void)
{
	int ret = rte_pdump_init();
	if (ret < 0) /* capture is a help, not a reason to stop the appliance */
		NFVA_LOG(WARNING, "rte_pdump_init: %s: dpdk-dumpcap cannot attach",
				rte_strerror(rte_errno));
	pdump_ready = ret == 0;
	ret = observe_telemetry_init();
	if (ret == 0 && nfva_options()->metrics != NULL) {
		ret = metrics_http_open(nfva_options()->metrics);
		if (ret == 0)
			metrics_http_start();
	}
	return ret;
}

static void observe_fini(void)
{
	metrics_http_close();
	if (pdump_ready)
		rte_pdump_uninit();
	pdump_ready = false;
}

static json_t *observe_stats(void)
{
	uint64_t requests, refused;

	metrics_http_counts(&requests, &refused);
	return json_pack("{s:b, s:s?, s:I, s:I}", "capture", pdump_ready, "metrics",
			nfva_options()->metrics, "metrics_requests", (json_int_t)requests,
			"metrics_refused", (json_int_t)refused);
}
STATS_SECTION("observe", observe_stats)

static struct nfva_module observe_module = {
	.name = "observe",
	.depends_on = "snapshot ports",
	.init = observe_init,
	.fini = observe_fini,
};
NFVA_MODULE(observe_module)
