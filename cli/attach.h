/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * attach.h: `nfvactl attach` and `nfvactl detach`, which hot-plug a guest
 * port's interface into a libvirt domain through the libvirt C API (and
 * unplug it). Without libvirt at build time both print a clear error.
 */
#ifndef NFVA_CLI_ATTACH_H
#define NFVA_CLI_ATTACH_H

#include "client.h"

int attach_main(const struct client *c, int argc, char **argv);
int detach_main(const struct client *c, int argc, char **argv);

#endif /* NFVA_CLI_ATTACH_H */
