/* SPDX-License-Identifier: BSD-3-Clause */
/* Backend: the emulated e-switch (same arrays as the NIC would get). */
#include "offload/emu/emu_switch.h"
#include "offload/offload_private.h"

static int emu_validate(struct offload_eswitch *sw, const struct flow_spec *s,
		struct rte_flow_error *err)
{
	return emu_switch_validate(sw->backend_ctx, &s->attr, s->pattern, s->actions, err);
}

static void *emu_create(struct offload_eswitch *sw, const struct flow_spec *s,
		struct rte_flow_error *err)
{
	return emu_switch_rule_create(sw->backend_ctx, &s->attr, s->pattern, s->actions, err);
}

static int emu_destroy(struct offload_eswitch *sw, void *handle, struct rte_flow_error *err)
{
	return emu_switch_rule_destroy(sw->backend_ctx, handle, err);
}

static int emu_query(struct offload_eswitch *sw, void *handle, struct rte_flow_query_count *c,
		struct rte_flow_error *err)
{
	return emu_switch_rule_query(sw->backend_ctx, handle, c, err);
}

static int emu_query_sample(struct offload_eswitch *sw, void *handle, const struct flow_spec *s,
		unsigned index, struct rte_flow_query_count *c, struct rte_flow_error *err)
{
	(void)s;
	return emu_switch_rule_query_sample(sw->backend_ctx, handle, index, c, err);
}

static uint64_t emu_first_hit(struct offload_eswitch *sw, void *handle)
{
	(void)sw;
	return emu_switch_rule_first_hit(handle);
}

static int emu_flush(struct offload_eswitch *sw, struct rte_flow_error *err)
{
	return emu_switch_flush(sw->backend_ctx, err);
}

static void emu_fini(struct offload_eswitch *sw)
{
	emu_switch_free(sw->backend_ctx);
	sw->backend_ctx = NULL;
}

const struct offload_backend offload_backend_emu = {
	.name = "emulated",
	.validate = emu_validate,
	.create = emu_create,
	.destroy = emu_destroy,
	.query = emu_query,
	.query_sample = emu_query_sample,
	.first_hit = emu_first_hit,
	.flush = emu_flush,
	.fini = emu_fini,
};

uint16_t offload_eswitch_rx(struct emu_switch *sw, uint16_t in_ethdev, struct rte_mbuf **pkts,
		uint16_t n, uint16_t cap, offload_output_fn out, void *ctx)
{
	return emu_switch_process(sw, in_ethdev, pkts, n, cap, out, ctx);
}
