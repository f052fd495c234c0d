/* SPDX-License-Identifier: BSD-3-Clause */
/* Names of the drop reasons (the list lives in drop.h). */
#include "core/drop.h"

static const char *const drop_names[DROP_MAX] = {
#define NFVA_DROP_NAME(id, name) [DROP_##id] = name,
	NFVA_DROP_REASONS(NFVA_DROP_NAME)
#undef NFVA_DROP_NAME
};

const char *drop_reason_name(enum drop_reason r)
{
	return r < DROP_MAX ? drop_names[r] : "unknown";
}
