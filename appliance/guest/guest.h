/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * Guest ports (guest.c): vhost-user ports created for libvirt guests, and
 * VF ports handed out to them, each attached to a network. Commands:
 * `guest port add NETWORK vhost-user|vf ...`, `guest port del`, `guest port
 * show`, and `port add NAME vhost-user PATH`. Their JSON replies carry what
 * the guest's interface XML needs (nfvactl guest-xml renders it).
 */
#ifndef NFVA_GUEST_H
#define NFVA_GUEST_H

/* Where vhost-user sockets go unless `dir PATH` says otherwise. */
#define GUEST_VHOST_DIR "/run/nfva/vhost"

#endif
