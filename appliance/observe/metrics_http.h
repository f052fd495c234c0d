/* SPDX-License-Identifier: BSD-3-Clause */
/* The Prometheus endpoint (metrics_http.c), control thread. */
#ifndef NFVA_METRICS_HTTP_H
#define NFVA_METRICS_HTTP_H

#include <stdint.h>

/* Listen on "ADDR:PORT" ("[::1]:9100", "127.0.0.1:9100", ":9100"): 0 or -errno. */
int metrics_http_open(const char *spec);
/* Serve from the control loop (a periodic task) once open succeeded. */
void metrics_http_start(void);
void metrics_http_close(void);
/* Requests for /metrics answered; connections refused (all slots busy). */
void metrics_http_counts(uint64_t *requests, uint64_t *refused);

#endif
