/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * systemd's readiness and watchdog protocol (sd_notify(3)), spoken directly:
 * one datagram "KEY=VALUE\n..." to the AF_UNIX socket named by
 * $NOTIFY_SOCKET. Without that variable (not started by systemd with
 * Type=notify) every call does nothing. The watchdog ping is a periodic
 * task of the control loop, every half $WATCHDOG_USEC: if the control thread
 * hangs, the pings stop and systemd restarts the service (WatchdogSec=).
 */
#ifndef NFVA_SD_NOTIFY_H
#define NFVA_SD_NOTIFY_H

/* Send state (e.g. "READY=1\nSTATUS=running"); 0 when sent or when there
 * is no $NOTIFY_SOCKET, else -errno. */
int sd_notify_send(const char *state);

#endif
