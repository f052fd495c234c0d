/* SPDX-License-Identifier: BSD-3-Clause */
/* The table of IPv6 remote underlay addresses and their 32-bit ids, and the
 * sweep that releases the unused ones (see vtep_id.h). */
#include <errno.h>
#include <string.h>

#include <rte_errno.h>
#include <rte_hash.h>
#include <rte_hash_crc.h>
#include <rte_spinlock.h>

#include "control/periodic.h"
#include "control/stats.h"
#include "core/clock.h"
#include "core/dp_config.h"
#include "core/log.h"
#include "core/module.h"
#include "overlay/vtep_id.h"

NFVA_LOG_REGISTER(vtep6)

struct vtep6_slot {
	uint32_t refs;      /* vtep_id_ref: FDB entries, templates, configuration */
	uint32_t last_used; /* nfva_now_s() of the last lookup or add (relaxed) */
	bool condemned;     /* found unused by one sweep: the next one releases it */
};

static struct {
	struct rte_hash *hash;
	rte_spinlock_t write_lock; /* adds (workers, control) and deletes (sweep) */
	uint64_t full, released;
	struct vtep6_slot slots[VTEP6_MAX + 1]; /* by rte_hash key position */
} v6 = { .write_lock = RTE_SPINLOCK_INITIALIZER };

static inline uint32_t pos_to_id(int32_t pos)
{
	return rte_cpu_to_be_32((uint32_t)pos + 1);
}

/* The slot of an IPv6 id, or NULL when out of range. */
static struct vtep6_slot *id_slot(uint32_t id)
{
	uint32_t pos = rte_be_to_cpu_32(id) - 1;
	return vtep_id_is_v6(id) && pos < RTE_DIM(v6.slots) ? &v6.slots[pos] : NULL;
}

static void slot_stamp(struct vtep6_slot *s, uint32_t now)
{
	if (__atomic_load_n(&s->last_used, __ATOMIC_RELAXED) != now)
		__atomic_store_n(&s->last_used, now, __ATOMIC_RELAXED);
}

uint32_t vtep6_lookup(const uint8_t a[16], uint32_t now)
{
	int32_t pos = rte_hash_lookup(v6.hash, a);
	if (pos < 0 || (uint32_t)pos >= RTE_DIM(v6.slots))
		return 0;
	slot_stamp(&v6.slots[pos], now);
	return pos_to_id(pos);
}

/* Caller holds write_lock: a itself, added if new; -1 when the table is full. */
static int32_t vtep6_add_locked(const uint8_t a[16], uint32_t now)
{
	int32_t pos = rte_hash_lookup(v6.hash, a); /* another thread may have added it */
	if (pos >= 0)
		return pos;
	pos = rte_hash_add_key(v6.hash, a);
	if (pos >= 0 && (uint32_t)pos >= RTE_DIM(v6.slots)) { /* never: entries + 1 slots */
		rte_hash_del_key(v6.hash, a);
		pos = -1;
	}
	if (pos >= 0)
		v6.slots[pos] = (struct vtep6_slot){ .last_used = now };
	return pos;
}

uint32_t vtep6_add(const uint8_t a[16], uint32_t now)
{
	uint32_t id = vtep6_lookup(a, now);
	if (id != 0)
		return id;
	rte_spinlock_lock(&v6.write_lock);
	int32_t pos = vtep6_add_locked(a, now);
	rte_spinlock_unlock(&v6.write_lock);
	if (pos < 0) {
		__atomic_fetch_add(&v6.full, 1, __ATOMIC_RELAXED);
		return 0;
	}
	slot_stamp(&v6.slots[pos], now);
	return pos_to_id(pos);
}

void vtep_id_ref(uint32_t id, int delta)
{
	struct vtep6_slot *s = id_slot(id);
	if (s != NULL)
		__atomic_fetch_add(&s->refs, (uint32_t)delta, __ATOMIC_RELAXED);
}

bool vtep_id_to_ip(uint32_t id, struct nfva_ip *out)
{
	void *key;

	if (!vtep_id_is_v6(id)) {
		*out = nfva_ip_v4(id);
		return id != 0;
	}
	if (id_slot(id) == NULL ||
			rte_hash_get_key_with_position(v6.hash, (int32_t)rte_be_to_cpu_32(id) - 1,
					&key) != 0)
		return false;
	*out = nfva_ip_v6(key);
	return true;
}

int vtep_id_from_ip(const struct nfva_ip *ip, uint32_t *id)
{
	if (!nfva_ip_is_v6(ip)) {
		*id = nfva_ip_get_v4(ip);
		return vtep_ipv4_reserved(*id) ? -EINVAL : 0;
	}
	*id = vtep6_add(ip->addr, nfva_now_s());
	return *id != 0 ? 0 : -ENOSPC;
}

bool vtep_addr_usable(const struct nfva_ip *ip)
{
	if (nfva_ip_is_v6(ip))
		return !ipv6_is_multicast(ip->addr) && !ipv6_is_unspecified(ip->addr) &&
				!ipv6_is_loopback(ip->addr) && !ipv6_is_link_local(ip->addr) &&
				!ipv6_is_v4_mapped(ip->addr);
	uint32_t v4 = rte_be_to_cpu_32(nfva_ip_get_v4(ip));
	return ip->family == AF_INET && v4 >> 28 != 0xe && v4 >> 24 != 0 && v4 != UINT32_MAX;
}

const char *vtep_id_format(uint32_t id, char *buf, size_t len)
{
	struct nfva_ip ip;
	if (!vtep_id_to_ip(id, &ip))
		return "?";
	return nfva_ip_format(&ip, buf, len);
}

json_t *vtep_id_json(uint32_t id)
{
	char buf[NFVA_IP_STRLEN];
	return json_string(vtep_id_format(id, buf, sizeof(buf)));
}

/* Is the slot unused: no reference, no frame for VTEP6_IDLE_S? */
static bool slot_unused(const struct vtep6_slot *s, uint32_t now)
{
	uint32_t used = __atomic_load_n(&s->last_used, __ATOMIC_RELAXED);
	return __atomic_load_n(&s->refs, __ATOMIC_RELAXED) == 0 &&
			(int32_t)(now - used) >= VTEP6_IDLE_S;
}

/* Two sweeps apart, an address still unused goes: a worker that looked it
 * up (and may be about to take a reference) has stamped it long before. */
unsigned vtep6_sweep_at(uint32_t now)
{
	const void *key;
	void *data;
	uint32_t next = 0;
	unsigned released = 0;
	int32_t pos;

	rte_spinlock_lock(&v6.write_lock);
	while ((pos = rte_hash_iterate(v6.hash, &key, &data, &next)) >= 0) {
		struct vtep6_slot *s = &v6.slots[pos];
		if (!slot_unused(s, now)) {
			s->condemned = false;
		} else if (!s->condemned) {
			s->condemned = true;
		} else if (rte_hash_del_key(v6.hash, key) >= 0) {
			released++;
			s->condemned = false;
		}
	}
	v6.released += released;
	rte_spinlock_unlock(&v6.write_lock);
	return released;
}

static void vtep6_sweep(void)
{
	vtep6_sweep_at(nfva_now_s());
}

static struct periodic_task vtep6_sweep_task = { .name = "vtep6-sweep",
	.interval_ms = 10000,
	.run = vtep6_sweep };

RTE_INIT(vtep6_sweep_register)
{
	periodic_register(&vtep6_sweep_task);
}

void vtep6_get_stats(struct vtep6_stats *st)
{
	st->count = v6.hash != NULL ? (uint32_t)rte_hash_count(v6.hash) : 0;
	st->full = __atomic_load_n(&v6.full, __ATOMIC_RELAXED);
	st->released = v6.released;
}

static json_t *vtep6_stats(void)
{
	return json_pack("{s:i, s:i, s:I, s:I}", "count", (int)rte_hash_count(v6.hash), "capacity",
			VTEP6_MAX, "full", (json_int_t)v6.full, "released",
			(json_int_t)v6.released);
}
STATS_SECTION("vtep6", vtep6_stats)

int vtep6_init(struct rte_rcu_qsbr *qsbr)
{
	struct rte_hash_parameters params = {
		.name = "nfva_vtep6",
		.entries = VTEP6_MAX,
		.key_len = 16,
		.hash_func = rte_hash_crc,
		.socket_id = SOCKET_ID_ANY,
		.extra_flag = RTE_HASH_EXTRA_FLAGS_RW_CONCURRENCY_LF |
				RTE_HASH_EXTRA_FLAGS_EXT_TABLE,
	};
	struct rte_hash_rcu_config rcu = { .v = qsbr, .mode = RTE_HASH_QSBR_MODE_DQ };

	v6.hash = rte_hash_create(&params);
	if (v6.hash == NULL)
		return errno_log(rte_errno, "rte_hash_create(vtep6)");
	if (rte_hash_rcu_qsbr_add(v6.hash, &rcu) != 0) {
		int ret = errno_log(rte_errno, "rte_hash_rcu_qsbr_add(vtep6)");
		vtep6_fini();
		return ret;
	}
	return 0;
}

void vtep6_fini(void)
{
	rte_hash_free(v6.hash);
	v6.hash = NULL;
	memset(v6.slots, 0, sizeof(v6.slots));
	v6.full = v6.released = 0;
}

static int vtep6_module_init(void)
{
	return vtep6_init(dp_qsbr());
}

static struct nfva_module vtep6_module = {
	.name = "vtep6",
	.depends_on = "snapshot",
	.init = vtep6_module_init,
	.fini = vtep6_fini,
};
NFVA_MODULE(vtep6_module)
