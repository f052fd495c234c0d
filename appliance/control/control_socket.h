/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * The control socket: a UNIX stream socket (mode 0600 unless told otherwise)
 * that takes one command per line and answers one JSON object per line
 * ({"status":"ok","result":...} or {"status":"error","error":"..."}).
 * Served from the control thread's poll loop; commands run one at a time,
 * replies leave without blocking (a client that does not read holds only
 * itself), clients idle for a minute are closed, and 16 clients at most are
 * served at once (a new one takes the slot of one idle for a second or more).
 */
#ifndef NFVA_CONTROL_SOCKET_H
#define NFVA_CONTROL_SOCKET_H

#include <poll.h>
#include <stdint.h>
#include <sys/types.h>

int control_socket_open(const char *path, mode_t mode);
void control_socket_close(void);
/* Serve pending clients; waits at most timeout_ms for activity. */
void control_socket_poll(int timeout_ms);

struct control_socket_stats {
	unsigned clients, max_clients;
	uint64_t evicted;   /* idle clients closed to make room for a new one */
	uint64_t timed_out; /* clients closed after CLIENT_IDLE_MS without progress */
	/* Promptness: the longest time the control thread spent away from the
	 * socket in one turn of its loop, the slowest command (and its first
	 * word), and how many of each took more than 50 ms (each logged). */
	uint64_t longest_turn_ms, slow_turns;
	uint64_t slowest_command_ms, slow_commands;
	const char *slowest_command;
};
void control_socket_stats(struct control_socket_stats *s);

#endif
