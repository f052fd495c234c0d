/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * monitor.h: `nfvactl monitor`, a live view: a daemon command run again
 * every interval and rendered in place (`stats rates` by default: rates per
 * port and per worker), until Ctrl-C, SIGTERM or --count runs.
 */
#ifndef NFVA_CLI_MONITOR_H
#define NFVA_CLI_MONITOR_H

#include "client.h"

int monitor_main(const struct client *c, int argc, char **argv);

#endif /* NFVA_CLI_MONITOR_H */
