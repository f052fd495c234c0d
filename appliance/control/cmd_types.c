/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * Placeholder types of the command language. A placeholder's type is its
 * name without trailing digits (IP2 is an IP). Unknown placeholders accept
 * any token. Modules with their own value syntax register a type here.
 */
#include <arpa/inet.h>
#include <ctype.h>
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include <rte_common.h>
#include <rte_ether.h>

#include "control/cmd.h"

static struct cmd_type *types;

void cmd_register_type(struct cmd_type *t)
{
	t->next = types;
	types = t;
}

const struct cmd_type *cmd_type_find(const char *placeholder)
{
	size_t len = strlen(placeholder);
	while (len > 0 && isdigit((unsigned char)placeholder[len - 1]))
		len--;
	for (const struct cmd_type *t = types; t != NULL; t = t->next)
		if (strlen(t->name) == len && strncmp(t->name, placeholder, len) == 0)
			return t;
	return NULL;
}

static bool parse_ulong(const char *s, unsigned long lo, unsigned long hi)
{
	char *end;
	if (!isdigit((unsigned char)*s))
		return false;
	errno = 0;
	unsigned long v = strtoul(s, &end, 10); /* decimal: "010" is ten, not eight */
	return errno == 0 && *end == '\0' && v >= lo && v <= hi;
}

/* Words of the grammar that would make a name ambiguous on a command line. */
static bool reserved_word(const char *s)
{
	static const char *const words[] = { "add", "del", "show", "set", "attach", "detach",
		"vtep", "flush", "summary", "ageing", "clear", "caps", "all", "dump", "collect" };
	for (unsigned i = 0; i < RTE_DIM(words); i++)
		if (strcmp(s, words[i]) == 0)
			return true;
	return false;
}

static bool valid_name(const char *s)
{
	size_t len = strlen(s);
	if (len == 0 || len >= 32 || !isalpha((unsigned char)s[0]) || reserved_word(s))
		return false;
	for (size_t i = 0; i < len; i++)
		if (!isalnum((unsigned char)s[i]) && strchr("_.-", s[i]) == NULL)
			return false;
	return true;
}

static bool valid_any(const char *s)
{
	return s[0] != '\0' && strlen(s) < 256;
}

static bool valid_mac(const char *s)
{
	struct rte_ether_addr mac;
	return rte_ether_unformat_addr(s, &mac) == 0;
}

static bool valid_uint(const char *s)
{
	return parse_ulong(s, 0, UINT32_MAX);
}

static bool valid_vlan(const char *s)
{
	return parse_ulong(s, 1, 4094);
}

static bool valid_seconds(const char *s)
{
	return parse_ulong(s, 1, 1u << 30);
}

static bool valid_mtu(const char *s)
{
	return parse_ulong(s, 68, 9600);
}

static bool valid_vni(const char *s)
{
	return parse_ulong(s, 0, (1u << 24) - 1);
}

static bool valid_ip(const char *s)
{
	struct in_addr in;
	return inet_pton(AF_INET, s, &in) == 1;
}

static bool valid_ip6(const char *s)
{
	struct in6_addr in;
	return inet_pton(AF_INET6, s, &in) == 1;
}

static bool valid_addr(const char *s)
{
	return valid_ip(s) || valid_ip6(s);
}

/* a.b.c.d/0-32 or an IPv6 address /0-128. */
static bool valid_prefix(const char *s)
{
	char buf[64];
	const char *slash = strchr(s, '/');
	if (slash == NULL || (size_t)(slash - s) >= sizeof(buf))
		return false;
	memcpy(buf, s, slash - s);
	buf[slash - s] = '\0';
	if (valid_ip(buf))
		return parse_ulong(slash + 1, 0, 32);
	return valid_ip6(buf) && parse_ulong(slash + 1, 0, 128);
}

static bool valid_level(const char *s)
{
	static const char *const levels[] = { "emerg", "alert", "crit", "err", "warning", "notice",
		"info", "debug" };
	for (unsigned i = 0; i < RTE_DIM(levels); i++)
		if (strcmp(s, levels[i]) == 0)
			return true;
	return false;
}

#define NFVA_TYPE(var, tname, desc, fn)                                                            \
	static struct cmd_type var = { .name = tname, .describe = desc, .valid = fn };

NFVA_TYPE(t_name, "NAME",
		"a name: a letter then letters, digits, _ . - (max 31), not a command word",
		valid_name)
NFVA_TYPE(t_port, "PORT", "a port name", valid_name)
NFVA_TYPE(t_network, "NETWORK", "a network name", valid_name)
NFVA_TYPE(t_devargs, "DEVARGS", "DPDK device arguments", valid_any)
NFVA_TYPE(t_mac, "MAC", "a MAC address (aa:bb:cc:dd:ee:ff)", valid_mac)
NFVA_TYPE(t_uint, "N", "an unsigned integer", valid_uint)
NFVA_TYPE(t_vlan, "VLAN", "a VLAN id (1-4094)", valid_vlan)
NFVA_TYPE(t_seconds, "SECONDS", "seconds (1-1073741824)", valid_seconds)
NFVA_TYPE(t_mtu, "MTU", "an MTU (68-9600)", valid_mtu)
NFVA_TYPE(t_vni, "VNI", "a 24-bit id (0-16777215)", valid_vni)
NFVA_TYPE(t_ip, "IP", "an IPv4 address", valid_ip)
NFVA_TYPE(t_addr, "ADDR", "an IPv4 or IPv6 address", valid_addr)
NFVA_TYPE(t_prefix, "PREFIX", "an IPv4 or IPv6 prefix (a.b.c.d/len, x:x::x/len)", valid_prefix)
NFVA_TYPE(t_level, "LEVEL", "a log level (emerg alert crit err warning notice info debug)",
		valid_level)

RTE_INIT(cmd_types_register)
{
	struct cmd_type *all[] = { &t_name, &t_port, &t_network, &t_devargs, &t_mac, &t_uint,
		&t_vlan, &t_seconds, &t_mtu, &t_vni, &t_ip, &t_addr, &t_prefix, &t_level };
	for (unsigned i = 0; i < RTE_DIM(all); i++)
		cmd_register_type(all[i]);
}
