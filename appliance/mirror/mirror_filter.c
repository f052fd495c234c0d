/* SPDX-License-Identifier: BSD-3-Clause */
/* Parsing mirror filter expressions (see mirror_filter.h). */
#include <arpa/inet.h>
#include <ctype.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "mirror/mirror_filter.h"

#define MAX_WORDS 32

static bool parse_num(const char *s, unsigned long max, unsigned long *out)
{
	char *end;
	if (!isdigit((unsigned char)*s))
		return false;
	errno = 0;
	*out = strtoul(s, &end, 10);
	return errno == 0 && *end == '\0' && *out <= max;
}

static bool parse_prefix(const char *s, struct ip_prefix *p)
{
	char buf[64];
	unsigned long len;
	const char *slash = strchr(s, '/');
	size_t n = slash ? (size_t)(slash - s) : strlen(s);

	if (n >= sizeof(buf))
		return false;
	memcpy(buf, s, n);
	buf[n] = '\0';
	memset(p, 0, sizeof(*p));
	if (inet_pton(AF_INET, buf, p->addr) == 1)
		p->family = 4;
	else if (inet_pton(AF_INET6, buf, p->addr) == 1)
		p->family = 6;
	else
		return false;
	unsigned long max = p->family == 4 ? 32 : 128;
	if (slash == NULL)
		len = max;
	else if (!parse_num(slash + 1, max, &len))
		return false;
	p->len = (uint8_t)len;
	return true;
}

static bool parse_range(const char *s, struct port_range *r)
{
	char buf[16];
	unsigned long lo, hi;
	const char *dash = strchr(s, '-');

	if (dash == NULL) {
		if (!parse_num(s, 65535, &lo))
			return false;
		r->lo = r->hi = (uint16_t)lo;
		return true;
	}
	if ((size_t)(dash - s) >= sizeof(buf))
		return false;
	memcpy(buf, s, dash - s);
	buf[dash - s] = '\0';
	if (!parse_num(buf, 65535, &lo) || !parse_num(dash + 1, 65535, &hi) || lo > hi)
		return false;
	r->lo = (uint16_t)lo;
	r->hi = (uint16_t)hi;
	return true;
}

static bool parse_ethertype(const char *s, uint16_t *t)
{
	static const struct {
		const char *name;
		uint16_t type;
	} names[] = {
		{ "ipv4", RTE_ETHER_TYPE_IPV4 },
		{ "ipv6", RTE_ETHER_TYPE_IPV6 },
		{ "arp", RTE_ETHER_TYPE_ARP },
	};
	for (unsigned i = 0; i < RTE_DIM(names); i++)
		if (strcmp(s, names[i].name) == 0) {
			*t = names[i].type;
			return true;
		}
	char *end;
	unsigned long v = strtoul(s, &end, 16);
	if (strncmp(s, "0x", 2) != 0 || *end != '\0' || v > 0xffff)
		return false;
	*t = (uint16_t)v;
	return true;
}

static bool parse_proto(const char *s, uint8_t *p)
{
	static const struct {
		const char *name;
		uint8_t proto;
	} names[] = {
		{ "icmp", 1 },
		{ "tcp", 6 },
		{ "udp", 17 },
		{ "icmp6", 58 },
		{ "sctp", 132 },
	};
	unsigned long v;
	for (unsigned i = 0; i < RTE_DIM(names); i++)
		if (strcmp(s, names[i].name) == 0) {
			*p = names[i].proto;
			return true;
		}
	if (!parse_num(s, 255, &v))
		return false;
	*p = (uint8_t)v;
	return true;
}

/* One "keyword value" term; false when the value does not parse. */
static bool parse_term(const char *key, const char *val, struct mirror_filter *f, bool *known)
{
	unsigned long v;
	*known = true;
	if (strcmp(key, "src-mac") == 0)
		return f->fields |= MF_SRC_MAC, rte_ether_unformat_addr(val, &f->src_mac) == 0;
	if (strcmp(key, "dst-mac") == 0)
		return f->fields |= MF_DST_MAC, rte_ether_unformat_addr(val, &f->dst_mac) == 0;
	if (strcmp(key, "vlan") == 0)
		return f->fields |= MF_VLAN, parse_num(val, 4095, &v) && (f->vlan = v, true);
	if (strcmp(key, "ethertype") == 0)
		return f->fields |= MF_ETHERTYPE, parse_ethertype(val, &f->ethertype);
	if (strcmp(key, "src") == 0)
		return f->fields |= MF_SRC_IP, parse_prefix(val, &f->src);
	if (strcmp(key, "dst") == 0)
		return f->fields |= MF_DST_IP, parse_prefix(val, &f->dst);
	if (strcmp(key, "host") == 0)
		return f->fields |= MF_HOST_IP, parse_prefix(val, &f->host);
	if (strcmp(key, "proto") == 0)
		return f->fields |= MF_PROTO, parse_proto(val, &f->proto);
	if (strcmp(key, "sport") == 0)
		return f->fields |= MF_SPORT, parse_range(val, &f->sport);
	if (strcmp(key, "dport") == 0)
		return f->fields |= MF_DPORT, parse_range(val, &f->dport);
	if (strcmp(key, "port") == 0)
		return f->fields |= MF_PORT, parse_range(val, &f->port);
	*known = false;
	return false;
}

int mirror_filter_parse(const char *text, struct mirror_filter *f, char *err, size_t errlen)
{
	char buf[512], *save = NULL, *words[MAX_WORDS];
	unsigned n = 0;

	memset(f, 0, sizeof(*f));
	if (strlen(text) >= sizeof(buf)) {
		snprintf(err, errlen, "filter too long");
		return -EINVAL;
	}
	strcpy(buf, text);
	for (char *w = strtok_r(buf, " \t", &save); w != NULL; w = strtok_r(NULL, " \t", &save)) {
		if (strcmp(w, "and") == 0)
			continue;
		if (n == MAX_WORDS) {
			snprintf(err, errlen, "filter has too many terms");
			return -EINVAL;
		}
		words[n++] = w;
	}
	for (unsigned i = 0; i < n; i += 2) {
		bool known;
		if (i + 1 == n) {
			snprintf(err, errlen, "filter: '%s' needs a value", words[i]);
			return -EINVAL;
		}
		if (!parse_term(words[i], words[i + 1], f, &known)) {
			if (known)
				snprintf(err, errlen, "filter: bad value '%s' for %s", words[i + 1],
						words[i]);
			else
				snprintf(err, errlen, "filter: unknown term '%s'", words[i]);
			return -EINVAL;
		}
	}
	return 0;
}
