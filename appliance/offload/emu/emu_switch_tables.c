/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * The tuple space of the emulated e-switch: one mask table per distinct
 * mask, each an rte_hash (RW_CONCURRENCY_LF) from the masked key to the
 * best-ranked rule with that key; the rules sharing a masked key hang off it
 * in rank order (control side only). Tables live in an immutable set that
 * the control thread replaces by pointer swap when a mask comes; a table's
 * hash starts small and is rebuilt twice as large when full (again a pointer
 * swap), the old one freed after a grace period. A table that empties stays,
 * skipped by workers, until a new mask needs its place or a flush.
 *
 * Also the sets of UDP ports that rules use for VXLAN and for RAW items,
 * which tell the classifier where to look for a VXLAN header or take the
 * UDP payload into the key.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <rte_errno.h>
#include <rte_hash.h>
#include <rte_malloc.h>

#include "core/log.h"
#include "offload/emu/emu_switch_private.h"

NFVA_LOG_REGISTER(emu_switch)

#define GROW_FAST (1u << 20) /* below this capacity a table grows 4x at a time */

static struct rte_hash *hash_create(struct emu_switch *sw, uint32_t capacity)
{
	char name[RTE_HASH_NAMESIZE];

	snprintf(name, sizeof(name), "emu%u_%u", sw->id, sw->table_gen++);
	struct rte_hash_parameters params = {
		.name = name,
		.entries = capacity,
		.key_len = sizeof(struct emu_key),
		.hash_func = rte_hash_crc, /* unused: emu_table_hash() is passed */
		.socket_id = SOCKET_ID_ANY,
		.extra_flag = RTE_HASH_EXTRA_FLAGS_RW_CONCURRENCY_LF,
	};
	return rte_hash_create(&params);
}

static int publish(struct emu_switch *sw, const struct emu_tableset *from, struct emu_table *add,
		const struct emu_table *drop)
{
	struct emu_tableset *set = rte_zmalloc("emu_tableset", sizeof(*set), 0);

	if (set == NULL)
		return -ENOMEM;
	for (uint32_t i = 0; from != NULL && i < from->n; i++)
		if (from->t[i] != drop)
			set->t[set->n++] = from->t[i];
	if (add != NULL)
		set->t[set->n++] = add;
	emu_tableset_umask(set);
	struct emu_tableset *old = sw->tables;
	__atomic_store_n(&sw->tables, set, __ATOMIC_RELEASE);
	if (old != NULL)
		emu_defer(sw, EMU_DEFER_MEM, old, 0);
	return 0;
}

int emu_tables_init(struct emu_switch *sw)
{
	return publish(sw, NULL, NULL, NULL);
}

static void table_free(struct emu_switch *sw, struct emu_table *t)
{
	emu_defer(sw, EMU_DEFER_HASH, t->h, 0);
	emu_defer(sw, EMU_DEFER_MEM, t, 0);
}

/* Room for one more mask: drop an empty table if the set is full. */
static int make_room(struct emu_switch *sw)
{
	const struct emu_tableset *set = sw->tables;

	if (set->n < EMU_MAX_MASKS)
		return 0;
	for (uint32_t i = 0; i < set->n; i++) {
		struct emu_table *t = set->t[i];
		if (t->n_rules == 0) {
			if (publish(sw, set, NULL, t) < 0)
				return -ENOMEM;
			table_free(sw, t);
			return 0;
		}
	}
	return -ENOSPC;
}

static struct emu_table *table_get(struct emu_switch *sw, const struct emu_key *mask,
		struct rte_flow_error *error)
{
	for (uint32_t i = 0; i < sw->tables->n; i++)
		if (memcmp(&sw->tables->t[i]->mask, mask, sizeof(*mask)) == 0)
			return sw->tables->t[i];
	if (make_room(sw) < 0) {
		rte_flow_error_set(error, ENOSPC, RTE_FLOW_ERROR_TYPE_UNSPECIFIED, NULL,
				"emulated e-switch: more than 32 distinct masks in use");
		return NULL;
	}
	struct emu_table *t = rte_zmalloc("emu_table", sizeof(*t), RTE_CACHE_LINE_SIZE);
	uint32_t capacity = RTE_MIN(EMU_TABLE_MIN, rte_align32pow2(sw->max_rules));
	if (t != NULL) {
		t->mask = *mask;
		for (uint8_t i = 0; i < EMU_KEY_WORDS; i++)
			if (mask->w[i] != 0)
				t->words[t->n_words++] = i;
		t->capacity = RTE_MAX(capacity, 8u);
		t->h = hash_create(sw, t->capacity);
	}
	if (t == NULL || t->h == NULL || publish(sw, sw->tables, t, NULL) < 0) {
		if (t != NULL)
			rte_hash_free(t->h);
		rte_free(t);
		rte_flow_error_set(error, ENOMEM, RTE_FLOW_ERROR_TYPE_UNSPECIFIED, NULL,
				"emulated e-switch: no memory for a mask table");
		return NULL;
	}
	return t;
}

/* Rebuild t's hash larger (4x while small, then 2x: rebuilds cost about one
 * add per rule in all); workers switch over at the pointer swap. */
static int table_grow(struct emu_switch *sw, struct emu_table *t)
{
	uint32_t limit = 2 * rte_align32pow2(sw->max_rules);
	uint32_t capacity = RTE_MIN(t->capacity * (t->capacity < GROW_FAST ? 4 : 2), limit);
	const void *key;
	void *data;
	uint32_t iter = 0;

	if (capacity <= t->capacity)
		return -ENOSPC;
	struct rte_hash *h = hash_create(sw, capacity);
	if (h == NULL)
		return -ENOMEM;
	while (rte_hash_iterate(t->h, &key, &data, &iter) >= 0) {
		if (rte_hash_add_key_with_hash_data(h, key, emu_table_hash(t, key), data) < 0) {
			rte_hash_free(h);
			return -ENOSPC;
		}
	}
	struct rte_hash *old = t->h;
	__atomic_store_n(&t->h, h, __ATOMIC_RELEASE);
	emu_defer(sw, EMU_DEFER_HASH, old, 0);
	t->capacity = capacity;
	NFVA_LOG(DEBUG, "%s: mask table grown to %u keys", sw->name, capacity);
	return 0;
}

static int table_add(struct emu_switch *sw, struct emu_table *t, struct emu_rule *r, hash_sig_t sig)
{
	int ret;

	/* A cuckoo hash nearly full spends long searches on each add. */
	if (t->n_keys >= t->capacity / 8 * 7 && t->capacity < rte_align32pow2(sw->max_rules))
		table_grow(sw, t); /* on failure, the add below may still fit */
	ret = rte_hash_add_key_with_hash_data(t->h, &r->key, sig, r);
	if (ret == -ENOSPC) {
		/* slots of deleted keys may be waiting for their grace period */
		emu_defer_reclaim(sw);
		ret = rte_hash_add_key_with_hash_data(t->h, &r->key, sig, r);
	}
	while (ret == -ENOSPC) {
		ret = table_grow(sw, t);
		if (ret < 0)
			return ret;
		ret = rte_hash_add_key_with_hash_data(t->h, &r->key, sig, r);
	}
	if (ret == 0)
		__atomic_store_n(&t->n_keys, t->n_keys + 1, __ATOMIC_RELEASE);
	return ret;
}

/* Control: r (key masked, rank set) becomes visible to workers. */
int emu_table_attach(struct emu_switch *sw, struct emu_rule *r, const struct emu_key *mask,
		struct rte_flow_error *error)
{
	struct emu_table *t = table_get(sw, mask, error);
	struct emu_rule *head;

	if (t == NULL)
		return -rte_errno;
	hash_sig_t sig = emu_table_hash(t, &r->key);
	if (rte_hash_lookup_with_hash_data(t->h, &r->key, sig, (void **)&head) >= 0) {
		struct emu_rule **pp = &head;
		while (*pp != NULL && (*pp)->rank < r->rank)
			pp = &(*pp)->next;
		r->next = *pp;
		*pp = r;
		if (head == r) /* replaces the data of an existing key: cannot fail */
			rte_hash_add_key_with_hash_data(t->h, &r->key, sig, r);
	} else {
		int ret = table_add(sw, t, r, sig);
		if (ret < 0)
			return rte_flow_error_set(error, -ret, RTE_FLOW_ERROR_TYPE_UNSPECIFIED,
					NULL, "emulated e-switch: mask table full");
	}
	r->table = t;
	t->n_rules++;
	return 0;
}

/* Control: workers starting now no longer find r (free it after a grace
 * period); the next rule with the same masked key takes its place. */
void emu_table_detach(struct emu_switch *sw, struct emu_rule *r)
{
	struct emu_table *t = r->table;
	hash_sig_t sig = emu_table_hash(t, &r->key);
	struct emu_rule *head;

	if (rte_hash_lookup_with_hash_data(t->h, &r->key, sig, (void **)&head) < 0)
		return;
	if (head == r && r->next != NULL) {
		rte_hash_add_key_with_hash_data(t->h, &r->key, sig, r->next);
	} else if (head == r) {
		int32_t pos = rte_hash_del_key_with_hash(t->h, &r->key, sig);
		if (pos >= 0)
			emu_defer(sw, EMU_DEFER_KEY, t->h, (uint32_t)pos);
		__atomic_store_n(&t->n_keys, t->n_keys - 1, __ATOMIC_RELEASE);
	} else {
		struct emu_rule *p = head;
		while (p->next != r)
			p = p->next;
		p->next = r->next;
	}
	r->next = NULL;
	r->table = NULL;
	t->n_rules--;
}

/* Control, after every rule is detached: no table at all. */
void emu_tables_reset(struct emu_switch *sw)
{
	const struct emu_tableset *set = sw->tables;
	struct emu_table *t[EMU_MAX_MASKS];
	uint32_t n = set->n;

	memcpy(t, set->t, n * sizeof(t[0]));
	if (publish(sw, NULL, NULL, NULL) < 0)
		return; /* keep the empty tables: workers skip them */
	for (uint32_t i = 0; i < n; i++)
		table_free(sw, t[i]);
}

size_t emu_tables_memory(const struct emu_switch *sw)
{
	size_t bytes = sizeof(*sw->tables);

	for (uint32_t i = 0; i < sw->tables->n; i++)
		bytes += sizeof(struct emu_table) +
				(size_t)sw->tables->t[i]->capacity * EMU_HASH_ENTRY_BYTES;
	return bytes;
}

int emu_udp_port_check(const struct emu_switch *sw, enum emu_udp_kind kind, uint16_t port)
{
	enum emu_udp_kind other = kind == EMU_UDP_VXLAN ? EMU_UDP_PAYLOAD : EMU_UDP_VXLAN;

	return emu_udp_port(sw, other, port) ? -EBUSY : 0;
}

/* The port's bit is set while some rule uses it; a port is of one kind
 * only (emu_udp_port_check()), so one count per port does for both. */
void emu_udp_port_ref(struct emu_switch *sw, enum emu_udp_kind kind, uint16_t port)
{
	if (sw->udp_refs[port]++ == 0)
		__atomic_fetch_or(&sw->udp_ports[kind][port >> 6], 1ull << (port & 63),
				__ATOMIC_RELEASE);
}

void emu_udp_port_unref(struct emu_switch *sw, enum emu_udp_kind kind, uint16_t port)
{
	if (--sw->udp_refs[port] == 0)
		__atomic_fetch_and(&sw->udp_ports[kind][port >> 6], ~(1ull << (port & 63)),
				__ATOMIC_RELEASE);
}
