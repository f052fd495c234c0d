/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * nfva daemon entry: EAL, the options, the modules (core/module.h: each
 * part of the appliance initialises itself in dependency order), the first
 * snapshot, the startup configuration, the workers, then (READY=1 to
 * systemd) the control loop on the main lcore until SIGINT/SIGTERM; then
 * (STOPPING=1) an orderly shutdown (workers stopped, ports removed while
 * every module still listens, modules finalised in reverse order, socket
 * removed, exit 0).
 */
#include <signal.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <rte_eal.h>
#include <rte_errno.h>
#include <rte_version.h>

#include "control/cmd.h"
#include "control/config_file.h"
#include "control/config_save.h"
#include "control/control_socket.h"
#include "control/periodic.h"
#include "control/sd_notify.h"
#include "core/args.h"
#include "core/dp_config.h"
#include "core/log.h"
#include "core/mbufs.h"
#include "core/module.h"
#include "core/punt.h"
#include "core/version.h"
#include "core/workers.h"
#include "offload/offload.h"
#include "ports/port.h"
#include "worker.h"

NFVA_LOG_REGISTER(main)

static volatile sig_atomic_t quit;

static void on_signal(int sig)
{
	(void)sig;
	quit = 1;
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
	modules_fini();
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

/* nfva --list-commands: the grammar as `help` gives it (JSON), for the man
 * page and the bash completion made at build time. */
static int list_commands(void)
{
	struct cmd_reply reply;
	int ret = cmd_execute("help", &reply);
	char *text = ret == 0 ? json_dumps(reply.result, JSON_INDENT(1)) : NULL;

	json_decref(reply.result);
	if (text == NULL)
		return 1;
	puts(text);
	free(text);
	return 0;
}

/* nfva [...] --version, --list-commands, --check-config FILE, or -h/--help
 * after "--": answer and exit, before EAL (nothing touched). --check-config
 * exits 0 when the file is good, 1 with each problem on stderr. */
static int check_config_only(int argc, char **argv)
{
	bool ours = false; /* after "--": nfva's own options */

	for (int i = 1; i < argc; i++) {
		ours = ours || strcmp(argv[i], "--") == 0;
		if (ours && (strcmp(argv[i], "-h") == 0 || strcmp(argv[i], "--help") == 0)) {
			nfva_args_usage(argv[0]);
			return 0;
		}
		if (strcmp(argv[i], "--version") == 0) {
			printf("nfva %s (git %s, %s)\n", NFVA_VERSION, NFVA_COMMIT, rte_version());
			return 0;
		}
		if (strcmp(argv[i], "--list-commands") == 0)
			return list_commands();
		if (strcmp(argv[i], "--check-config") != 0 || i + 1 == argc)
			continue;
		int problems = config_file_check(argv[i + 1], stderr);
		if (problems == 0)
			printf("%s: OK\n", argv[i + 1]);
		else if (problems > 0)
			fprintf(stderr, "%s: %d problem(s)\n", argv[i + 1], problems);
		return problems == 0 ? 0 : 1;
	}
	return -1;
}

int main(int argc, char **argv)
{
	struct nfva_args args;

	int checked = check_config_only(argc, argv);
	if (checked >= 0)
		return checked;
	rte_set_application_usage_hook(nfva_args_usage); /* nfva --help: ours after EAL's */

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
		ret = modules_init();
	if (ret == 0)
		ret = dp_config_commit();
	if (ret == 0)
		ret = load_config(args.config);
	if (ret == 0) {
		struct worker_options wopts = { .busy_poll = args.busy_poll,
			.idle_sleep_us = args.idle_sleep_us };
		ret = workers_start(nfva_mbuf_pool(), &wopts);
	}
	if (ret == 0) {
		config_autosave_start();
		NFVA_LOG(INFO, "running; control socket %s", args.socket);
		sd_notify_send("READY=1\nSTATUS=running: configuration applied, workers started");
		control_loop();
		NFVA_LOG(INFO, "shutting down");
	}
	sd_notify_send("STOPPING=1");
	shutdown_all();
	return ret == 0 ? 0 : 1;
}
