/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * sd_notify without libsystemd (see sd_notify.h): the protocol is one
 * datagram, so linking libsystemd (and its dependencies, into a daemon that
 * may run in a minimal VM image) buys nothing.
 */
#include <errno.h>
#include <stddef.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <unistd.h>

#include <rte_common.h>

#include "control/periodic.h"
#include "control/sd_notify.h"
#include "core/log.h"

NFVA_LOG_REGISTER(sd_notify)

int sd_notify_send(const char *state)
{
	const char *path = getenv("NOTIFY_SOCKET");
	struct sockaddr_un sun = { .sun_family = AF_UNIX };

	if (path == NULL || path[0] == '\0')
		return 0;
	size_t n = strlen(path);
	if ((path[0] != '/' && path[0] != '@') || n >= sizeof(sun.sun_path))
		return errno_log(EINVAL, "NOTIFY_SOCKET");
	memcpy(sun.sun_path, path, n);
	if (sun.sun_path[0] == '@')
		sun.sun_path[0] = '\0'; /* an abstract socket */
	int fd = socket(AF_UNIX, SOCK_DGRAM | SOCK_CLOEXEC, 0);
	if (fd < 0)
		return errno_log(errno, "NOTIFY_SOCKET socket");
	ssize_t sent = sendto(fd, state, strlen(state), MSG_NOSIGNAL, (struct sockaddr *)&sun,
			(socklen_t)(offsetof(struct sockaddr_un, sun_path) + n));
	int ret = sent < 0 ? errno_log(errno, path) : 0;
	close(fd);
	return ret;
}

static void watchdog_ping(void)
{
	sd_notify_send("WATCHDOG=1");
}

static struct periodic_task watchdog_task = { .name = "sd-watchdog", .run = watchdog_ping };

/* WatchdogSec= gives $WATCHDOG_USEC (and $WATCHDOG_PID: ours, unless a
 * wrapper was started instead); ping twice per period. */
RTE_INIT(sd_watchdog_register)
{
	const char *usec = getenv("WATCHDOG_USEC"), *pid = getenv("WATCHDOG_PID");
	char *end;

	if (usec == NULL || getenv("NOTIFY_SOCKET") == NULL)
		return;
	if (pid != NULL && strtol(pid, &end, 10) != (long)getpid())
		return;
	unsigned long long us = strtoull(usec, &end, 10);
	if (*end != '\0' || us < 2000)
		return;
	watchdog_task.interval_ms = (uint32_t)RTE_MIN(us / 2000, (unsigned long long)UINT32_MAX);
	periodic_register(&watchdog_task);
}
