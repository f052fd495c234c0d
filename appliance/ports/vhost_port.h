/* SPDX-License-Identifier: BSD-3-Clause */
/* vhost-user ports (vhost_port.c): sockets QEMU can use, and the port itself. */
#ifndef NFVA_VHOST_PORT_H
#define NFVA_VHOST_PORT_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

/* Make dir usable for sockets (qemu_writes: QEMU creates them there);
 * *created tells whether dir was made here (for rollback). */
int socket_dir_prepare(const char *dir, bool qemu_writes, bool *created, char *err, size_t errlen);
/* Add a net_vhost port on path: nfva_listens = server, else client that
 * reconnects; vf_of makes it a VF of that e-switch uplink (or NONE). */
int vhost_port_add(const char *name, const char *path, bool nfva_listens, uint16_t vf_of, char *err,
		size_t errlen);

/* config show: write the port add line of p if it is a plain vhost-user
 * port (`port add NAME vhost-user PATH`); false when it is not one. */
struct port;
struct config_out;
bool vhost_port_config(const struct port *p, struct config_out *o);

#endif
