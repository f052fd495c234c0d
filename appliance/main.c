/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * nfva daemon entry: EAL, the shared state (mbuf pool, RCU, FDB, snapshot),
 * the startup configuration, the workers, then the control loop on the main
 * lcore until SIGINT/SIGTERM; then an orderly shutdown (workers stopped,
 * ports stopped and closed, socket removed, exit 0).
 */
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <sys/stat.h>

#include <rte_eal.h>
#include <rte_errno.h>
#include <rte_mbuf.h>

#include "core/args.h"
#include "control/config_file.h"
#include "control/control_socket.h"
#include "control/periodic.h"
#include "core/dp_config.h"
#include "overlay/encap.h"
#include "l2/fdb.h"
#include "core/punt.h"
#include "core/punt_service.h"
#include "core/log.h"
#include "mirror/mirror.h"
#include "offload/offload.h"
#include "ports/port.h"
#include "core/datapath.h"

NFVA_LOG_REGISTER(main)

static volatile sig_atomic_t quit;

static void on_signal(int sig)
{
	(void)sig;
	quit = 1;
}

static int init_state(const struct nfva_args *args, struct rte_mempool **pool)
{
	*pool = rte_pktmbuf_pool_create("nfva_mbufs", args->mbufs, 256, 0,
			RTE_MBUF_DEFAULT_BUF_SIZE, rte_socket_id());
	if (*pool == NULL)
		return errno_log(rte_errno, "mbuf pool");
	port_set_mempool(*pool);
	int ret = dp_config_init(workers_count());
	if (ret == 0)
		ret = fdb_init(args->fdb_entries, dp_qsbr());
	if (ret == 0)
		ret = encap_init(dp_qsbr());
	if (ret == 0)
		ret = punt_init();
	if (ret == 0)
		ret = offload_init();
	if (ret == 0)
		ret = mirror_init();
	if (ret == 0)
		ret = dp_config_commit();
	return ret;
}

static void control_loop(void)
{
	while (!quit) {
		int wait_ms = periodic_run();
		if (punt_service() + offload_service() != 0)
			wait_ms = 0; /* more may be waiting */
		control_socket_poll(wait_ms < 2 ? wait_ms : 2);
	}
}

static void shutdown_all(void)
{
	control_socket_close();
	workers_stop();
	port_del_all();
	offload_fini();
	punt_fini();
	encap_fini();
	fdb_fini();
	dp_config_fini();
	rte_eal_cleanup();
}

static int load_config(const char *path)
{
	char err[1024];
	if (path == NULL)
		return 0;
	int ret = config_file_load(path, err, sizeof(err));
	if (ret < 0)
		fprintf(stderr, "nfva: %s\n", err);
	return ret;
}

int main(int argc, char **argv)
{
	struct nfva_args args;
	struct rte_mempool *pool;

	int eal_args = rte_eal_init(argc, argv);
	if (eal_args < 0) {
		fprintf(stderr, "nfva: EAL init failed: %s\n", rte_strerror(rte_errno));
		return 1;
	}
	argv[eal_args] = argv[0];
	if (nfva_args_parse(argc - eal_args, argv + eal_args, &args) < 0)
		return 2;
	signal(SIGINT, on_signal);
	signal(SIGTERM, on_signal);
	signal(SIGPIPE, SIG_IGN);
	if (workers_count() == 0) {
		fprintf(stderr, "nfva: no worker lcore: give EAL at least two (-l 0,1)\n");
		return 1;
	}
	/* The socket first: a second daemon on the same path stops here,
	 * before it touches any port. */
	int ret = control_socket_open(args.socket, args.socket_mode);
	if (ret == 0)
		ret = init_state(&args, &pool);
	if (ret == 0)
		ret = load_config(args.config);
	if (ret == 0) {
		struct worker_options wopts = { .busy_poll = args.busy_poll,
			.idle_sleep_us = args.idle_sleep_us };
		ret = workers_start(pool, &wopts);
	}
	if (ret == 0) {
		NFVA_LOG(INFO, "running; control socket %s", args.socket);
		control_loop();
		NFVA_LOG(INFO, "shutting down");
	}
	shutdown_all();
	return ret == 0 ? 0 : 1;
}
