/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * The control socket: a UNIX stream socket (mode 0600 unless told otherwise)
 * that takes one command per line and answers one JSON object per line
 * ({"status":"ok","result":...} or {"status":"error","error":"..."}).
 * Served from the control thread's poll loop; commands run one at a time.
 */
#ifndef NFVA_CONTROL_SOCKET_H
#define NFVA_CONTROL_SOCKET_H

#include <poll.h>
#include <sys/types.h>

int control_socket_open(const char *path, mode_t mode);
void control_socket_close(void);
/* Serve pending clients; waits at most timeout_ms for activity. */
void control_socket_poll(int timeout_ms);

#endif
