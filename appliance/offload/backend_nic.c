/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * Backend: rte_flow on a real switchdev NIC. Rules are transfer rules created
 * on the transfer proxy port (rte_flow_pick_transfer_proxy); a validate that
 * passes is not trusted on its own — net_tap, for one, validates rules that
 * create then refuses — so callers always go on to create.
 */
#include "offload/offload_private.h"

static int nic_validate(struct offload_eswitch *sw, const struct flow_spec *s,
		struct rte_flow_error *err)
{
	return rte_flow_validate(sw->proxy_ethdev, &s->attr, s->pattern, s->actions, err);
}

static void *nic_create(struct offload_eswitch *sw, const struct flow_spec *s,
		struct rte_flow_error *err)
{
	return rte_flow_create(sw->proxy_ethdev, &s->attr, s->pattern, s->actions, err);
}

static int nic_destroy(struct offload_eswitch *sw, void *handle, struct rte_flow_error *err)
{
	return rte_flow_destroy(sw->proxy_ethdev, handle, err);
}

static int nic_query(struct offload_eswitch *sw, void *handle, struct rte_flow_query_count *c,
		struct rte_flow_error *err)
{
	static const struct rte_flow_action count[] = {
		{ .type = RTE_FLOW_ACTION_TYPE_COUNT },
		{ .type = RTE_FLOW_ACTION_TYPE_END },
	};
	return rte_flow_query(sw->proxy_ethdev, handle, count, c, err);
}

/* rte_flow_query names the counter by its action: the COUNT inside the
 * SAMPLE's own list (the rule keeps its spec, so the pointer is stable). */
static int nic_query_sample(struct offload_eswitch *sw, void *handle, const struct flow_spec *s,
		unsigned index, struct rte_flow_query_count *c, struct rte_flow_error *err)
{
	const struct rte_flow_action *count = flow_spec_sample_count(s, index);
	if (count == NULL)
		return rte_flow_error_set(err, ENOENT, RTE_FLOW_ERROR_TYPE_ACTION, NULL,
				"no such SAMPLE with COUNT in the rule");
	return rte_flow_query(sw->proxy_ethdev, handle, count, c, err);
}

static int nic_flush(struct offload_eswitch *sw, struct rte_flow_error *err)
{
	return rte_flow_flush(sw->proxy_ethdev, err);
}

static void nic_fini(struct offload_eswitch *sw)
{
	struct rte_flow_error err;
	rte_flow_flush(sw->proxy_ethdev, &err);
}

const struct offload_backend offload_backend_nic = {
	.name = "rte_flow",
	.validate = nic_validate,
	.create = nic_create,
	.destroy = nic_destroy,
	.query = nic_query,
	.query_sample = nic_query_sample,
	.flush = nic_flush,
	.fini = nic_fini,
};
