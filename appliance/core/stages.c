/* SPDX-License-Identifier: BSD-3-Clause */
/* Names of the burst stages (the list lives in stages.h). */
#include "core/stages.h"

bool stage_timing = true;

static const char *const stage_names[STAGE_MAX] = {
#define NFVA_STAGE_NAME(id, name) [STAGE_##id] = name,
	NFVA_STAGES(NFVA_STAGE_NAME)
#undef NFVA_STAGE_NAME
};

const char *stage_name(enum stage s)
{
	return s < STAGE_MAX ? stage_names[s] : "unknown";
}
