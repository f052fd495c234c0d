/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * DPDK telemetry commands for nfva (dpdk-telemetry.py -f PREFIX):
 *   /nfva/ports [,NAME]     port names; a port's identity and counters
 *   /nfva/workers [,ID]     worker ids; a worker's load and stages
 *   /nfva/networks [,NAME]  network names; a network's counters
 *   /nfva/vteps             per-VTEP counters
 *   /nfva/stats [,SECTION]  the sections of `stats`; one of them
 * Telemetry calls back on its own thread, while nfva's state belongs to the
 * control thread: the callback hands its request over and waits (at most
 * TELEMETRY_WAIT_MS); the control thread answers from a periodic task
 * every TELEMETRY_POLL_MS. Replies are the commands' JSON flattened into
 * telemetry's dict: nested keys joined with '/', other characters outside
 * [A-Za-z0-9_/] turned into '_', at most RTE_TEL_MAX_DICT_ENTRIES entries.
 */
#include <ctype.h>
#include <errno.h>
#include <pthread.h>
#include <stdlib.h>
#include <stdio.h>
#include <string.h>
#include <time.h>

#include <rte_telemetry.h>

#include "control/periodic.h"
#include "control/stats.h"
#include "core/log.h"
#include "core/workers.h"
#include "l2/network.h"
#include "observe/observe.h"
#include "ports/port.h"
#include "ports/port_json.h"

NFVA_LOG_REGISTER(telemetry)

#define TELEMETRY_WAIT_MS 1000
#define TELEMETRY_POLL_MS 2

static pthread_mutex_t lock = PTHREAD_MUTEX_INITIALIZER;
static pthread_cond_t cond = PTHREAD_COND_INITIALIZER;
static struct {
	bool pending; /* a request waits for the control thread */
	bool done;    /* the control thread answered it */
	const char *cmd, *params;
	struct rte_tel_data *d;
	int ret;
} req;

static void key_clean(char *k)
{
	for (; *k != '\0'; k++)
		if (!(isalnum((unsigned char)*k) || *k == '_' || *k == '/'))
			*k = '_';
}

/* A row of an array of objects is named by its first string member. */
static const char *row_name(json_t *row, size_t i, char *buf, size_t size)
{
	const char *key;
	json_t *v;

	json_object_foreach(row, key, v)
		if (json_is_string(v))
			return json_string_value(v);
	snprintf(buf, size, "%zu", i);
	return buf;
}

static void flatten(struct rte_tel_data *d, const char *prefix, json_t *v)
{
	char key[RTE_TEL_MAX_STRING_LEN], num[64];
	const char *k;
	json_t *item;
	size_t i;

	if (json_is_object(v)) {
		json_object_foreach(v, k, item) {
			snprintf(key, sizeof(key), "%s%s%s", prefix, *prefix ? "/" : "", k);
			flatten(d, key, item);
		}
	} else if (json_is_array(v)) {
		json_array_foreach(v, i, item) {
			const char *name = json_is_object(item)
					? row_name(item, i, num, sizeof(num))
					: (snprintf(num, sizeof(num), "%zu", i), num);
			snprintf(key, sizeof(key), "%s%s%s", prefix, *prefix ? "/" : "", name);
			flatten(d, key, item);
		}
	} else if (*prefix != '\0') {
		snprintf(key, sizeof(key), "%s", prefix);
		key_clean(key);
		if (json_is_integer(v))
			rte_tel_data_add_dict_u64(d, key, (uint64_t)json_integer_value(v));
		else if (json_is_real(v) &&
				snprintf(num, sizeof(num), "%.3f", json_real_value(v)) > 0)
			rte_tel_data_add_dict_string(d, key, num);
		else if (json_is_string(v))
			rte_tel_data_add_dict_string(d, key, json_string_value(v));
		else if (json_is_boolean(v))
			rte_tel_data_add_dict_int(d, key, json_is_true(v));
	}
}

/* The lists a command without a parameter answers. */
static int reply_list(struct rte_tel_data *d, const char *what)
{
	rte_tel_data_start_array(d,
			strcmp(what, "workers") == 0 ? RTE_TEL_INT_VAL : RTE_TEL_STRING_VAL);
	if (strcmp(what, "ports") == 0) {
		for (uint16_t i = 0; i < NFVA_MAX_PORTS; i++)
			if (port_by_index(i) != NULL)
				rte_tel_data_add_array_string(d, port_by_index(i)->name);
	} else if (strcmp(what, "networks") == 0) {
		for (uint16_t i = 0; i < network_capacity(); i++)
			if (network_by_index(i) != NULL)
				rte_tel_data_add_array_string(d, network_by_index(i)->name);
	} else if (strcmp(what, "workers") == 0) {
		for (unsigned i = 0; i < workers_count(); i++)
			rte_tel_data_add_array_int(d, (int)i);
	} else {
		for (const struct stats_section *s = stats_sections(); s != NULL; s = s->next)
			rte_tel_data_add_array_string(d, s->name);
	}
	return 0;
}

static json_t *port_json(const char *name)
{
	const struct port *p = port_find(name);
	if (p == NULL)
		return NULL;
	json_t *j = port_to_json(p);
	json_object_set_new(j, "counters", port_counters_to_json(p));
	return j;
}

static json_t *network_json(const char *name)
{
	const struct network *n = network_find(name);
	return n != NULL ? network_counters_to_json(n) : NULL;
}

static json_t *worker_json(const char *id)
{
	char *end;
	unsigned long i = strtoul(id, &end, 10);
	return *end == '\0' && i < workers_count() ? observe_worker_json((unsigned)i) : NULL;
}

/* Answer with obj flattened (steals it), or an error if it is NULL. */
static int reply_dict(struct rte_tel_data *d, json_t *obj)
{
	if (obj == NULL)
		return -EINVAL;
	rte_tel_data_start_dict(d);
	flatten(d, "", obj);
	json_decref(obj);
	return 0;
}

static int answer(const char *cmd, const char *params, struct rte_tel_data *d)
{
	bool any = params != NULL && *params != '\0';

	if (strcmp(cmd, "/nfva/ports") == 0)
		return any ? reply_dict(d, port_json(params)) : reply_list(d, "ports");
	if (strcmp(cmd, "/nfva/workers") == 0)
		return any ? reply_dict(d, worker_json(params)) : reply_list(d, "workers");
	if (strcmp(cmd, "/nfva/networks") == 0)
		return any ? reply_dict(d, network_json(params)) : reply_list(d, "networks");
	if (strcmp(cmd, "/nfva/vteps") == 0)
		return reply_dict(d, observe_vteps_json());
	if (strcmp(cmd, "/nfva/stats") == 0)
		return any ? reply_dict(d, stats_section_json(params)) : reply_list(d, "sections");
	return -EINVAL;
}

/* Control thread, every TELEMETRY_POLL_MS: answer a waiting request. */
static void telemetry_service(void)
{
	if (!__atomic_load_n(&req.pending, __ATOMIC_ACQUIRE))
		return;
	pthread_mutex_lock(&lock);
	if (req.pending && !req.done) {
		req.ret = answer(req.cmd, req.params, req.d);
		req.done = true;
		pthread_cond_broadcast(&cond);
	}
	pthread_mutex_unlock(&lock);
}

static struct periodic_task telemetry_task = {
	.name = "telemetry",
	.interval_ms = TELEMETRY_POLL_MS,
	.run = telemetry_service,
};

/* Telemetry thread: hand the request to the control thread and wait. */
static int telemetry_request(const char *cmd, const char *params, struct rte_tel_data *d)
{
	struct timespec until;
	int ret = 0;

	clock_gettime(CLOCK_REALTIME, &until);
	until.tv_sec += TELEMETRY_WAIT_MS / 1000;
	pthread_mutex_lock(&lock);
	while (req.pending && ret == 0) /* another client's request first */
		ret = pthread_cond_timedwait(&cond, &lock, &until);
	if (ret == 0) {
		req.cmd = cmd;
		req.params = params;
		req.d = d;
		req.done = false;
		__atomic_store_n(&req.pending, true, __ATOMIC_RELEASE);
		while (!req.done && ret == 0)
			ret = pthread_cond_timedwait(&cond, &lock, &until);
		/* The control thread fills d under the lock: done or not, it is ours again. */
		ret = req.done ? req.ret : -EBUSY;
		req.pending = false;
		pthread_cond_broadcast(&cond);
	} else {
		ret = -EBUSY;
	}
	pthread_mutex_unlock(&lock);
	return ret;
}

int observe_telemetry_init(void)
{
	static const struct {
		const char *cmd, *help;
	} cmds[] = {
		{ "/nfva/ports", "nfva port names; with a name: its identity and counters" },
		{ "/nfva/workers", "nfva worker ids; with an id: its load and stages" },
		{ "/nfva/networks", "nfva network names; with a name: its counters" },
		{ "/nfva/vteps", "nfva per-VTEP counters" },
		{ "/nfva/stats", "nfva stats sections; with a name: that section" },
	};
	for (unsigned i = 0; i < RTE_DIM(cmds); i++) {
		int ret = rte_telemetry_register_cmd(cmds[i].cmd, telemetry_request, cmds[i].help);
		if (ret < 0)
			return errno_log(-ret, cmds[i].cmd);
	}
	return 0;
}

RTE_INIT(telemetry_register_task)
{
	periodic_register(&telemetry_task);
}
