/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * Rules printed as dpdk-testpmd commands, for a lab engineer to replay on a
 * real NIC (`offload dump testpmd`). The one function the offload engine
 * calls; the printer's own parts are in testpmd_dump.h.
 */
#ifndef NFVA_TESTPMD_H
#define NFVA_TESTPMD_H

#include <stddef.h>
#include <stdint.h>

#include "offload/flow/flow_spec.h"

/* One testpmd command per line (set ... lines first when the
 * rule needs them); returns the bytes written, like snprintf. */
int flow_spec_to_testpmd(const struct flow_spec *s, uint16_t port, unsigned index, char *buf,
		size_t len);

#endif
