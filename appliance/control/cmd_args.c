/* SPDX-License-Identifier: BSD-3-Clause */
/* Typed access to matched arguments (values were validated while matching). */
#include <arpa/inet.h>
#include <stdlib.h>
#include <string.h>

#include "control/cmd.h"

const char *cmd_arg(const struct cmd_args *a, const char *name)
{
	for (unsigned i = 0; i < a->n; i++)
		if (a->items[i].value != NULL && strcmp(a->items[i].name, name) == 0)
			return a->items[i].value;
	return NULL;
}

bool cmd_has(const struct cmd_args *a, const char *keyword)
{
	for (unsigned i = 0; i < a->n; i++)
		if (a->items[i].value == NULL && strcmp(a->items[i].name, keyword) == 0)
			return true;
	return false;
}

uint32_t cmd_arg_u32(const struct cmd_args *a, const char *name, uint32_t dflt)
{
	const char *v = cmd_arg(a, name);
	return v == NULL ? dflt : (uint32_t)strtoul(v, NULL, 10);
}

bool cmd_arg_mac(const struct cmd_args *a, const char *name, struct rte_ether_addr *mac)
{
	const char *v = cmd_arg(a, name);
	return v != NULL && rte_ether_unformat_addr(v, mac) == 0;
}

bool cmd_arg_ipv4(const struct cmd_args *a, const char *name, uint32_t *ip_be)
{
	const char *v = cmd_arg(a, name);
	struct in_addr in;

	if (v == NULL || inet_pton(AF_INET, v, &in) != 1)
		return false;
	*ip_be = in.s_addr;
	return true;
}

bool cmd_arg_prefix(const struct cmd_args *a, const char *name, uint32_t *ip_be, uint8_t *len)
{
	const char *v = cmd_arg(a, name);
	char buf[32];
	struct in_addr in;

	if (v == NULL || strlen(v) >= sizeof(buf))
		return false;
	strcpy(buf, v);
	char *slash = strchr(buf, '/');
	*len = 32;
	if (slash != NULL) {
		*slash = '\0';
		*len = (uint8_t)atoi(slash + 1);
	}
	if (inet_pton(AF_INET, buf, &in) != 1)
		return false;
	*ip_be = in.s_addr;
	return true;
}

bool cmd_arg_addr(const struct cmd_args *a, const char *name, struct nfva_ip *ip)
{
	const char *v = cmd_arg(a, name);
	return v != NULL && nfva_ip_parse(v, ip) == 0;
}

bool cmd_arg_addr_prefix(const struct cmd_args *a, const char *name, struct nfva_ip *ip,
		uint8_t *len)
{
	const char *v = cmd_arg(a, name);
	char buf[64];

	if (v == NULL || strlen(v) >= sizeof(buf))
		return false;
	strcpy(buf, v);
	char *slash = strchr(buf, '/');
	if (slash != NULL)
		*slash = '\0';
	if (nfva_ip_parse(buf, ip) < 0)
		return false;
	*len = slash != NULL ? (uint8_t)atoi(slash + 1) : (ip->family == AF_INET ? 32 : 128);
	return true;
}
