/* SPDX-License-Identifier: BSD-3-Clause */
/* The appliance's coarse clock: seconds since start, from the TSC, shared by
 * workers (FDB hit stamps) and control (ageing) so both compare the same unit. */
#ifndef NFVA_CLOCK_H
#define NFVA_CLOCK_H

#include <stdint.h>
#include <rte_cycles.h>

static inline uint32_t nfva_now_s(void)
{
	return (uint32_t)(rte_get_tsc_cycles() / rte_get_tsc_hz());
}

#endif
