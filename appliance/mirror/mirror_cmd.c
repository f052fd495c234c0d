/* SPDX-License-Identifier: BSD-3-Clause */
/* Mirror commands: mirror add | del | show. */
#include <arpa/inet.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "control/cmd.h"
#include "ports/port.h"
#include "mirror/mirror.h"
#include "overlay/vtep_id.h"

static bool valid_sample(const char *s)
{
	char *end;
	const char *n = strncmp(s, "1/", 2) == 0 ? s + 2 : s;
	unsigned long v = strtoul(n, &end, 10);
	return *n >= '0' && *n <= '9' && *end == '\0' && v >= 1 && v <= (1u << 30);
}

static struct cmd_type t_sample = { .name = "SAMPLE",
	.describe = "a sampling rate: 1/N (or N) — one frame in N",
	.valid = valid_sample };

static int parse_sources(const char *list, struct mirror_session *s, struct cmd_reply *r)
{
	char buf[512], *save = NULL;
	snprintf(buf, sizeof(buf), "%s", list);
	for (char *name = strtok_r(buf, ",", &save); name; name = strtok_r(NULL, ",", &save)) {
		const struct port *p = port_find(name);
		if (p == NULL)
			return cmd_error(r, ENOENT, "no port named %s", name);
		for (unsigned k = 0; k < s->n_sources; k++)
			if (s->sources[k] == p->index)
				return cmd_error(r, EINVAL, "port %s listed twice", name);
		s->sources[s->n_sources++] = p->index;
	}
	return s->n_sources == 0 ? cmd_error(r, EINVAL, "no source port") : 0;
}

static int parse_destination(const struct cmd_args *a, struct mirror_session *s,
		struct cmd_reply *r)
{
	int dests = cmd_has(a, "port") + cmd_has(a, "vxlan") + cmd_has(a, "erspan");
	if (dests != 1)
		return cmd_error(r, EINVAL,
				"give exactly one destination: to port PORT | "
				"to vxlan ADDR vni VNI | to erspan ADDR session N version 2|3");
	if (cmd_has(a, "port")) {
		const struct port *p = port_find(cmd_arg(a, "PORT"));
		if (p == NULL)
			return cmd_error(r, ENOENT, "no port named %s", cmd_arg(a, "PORT"));
		s->dest = DP_MIRROR_PORT;
		s->dest_port = p->index;
		return 0;
	}
	struct nfva_ip ip;
	if (nfva_ip_parse(cmd_arg(a, "ADDR"), &ip) < 0 || !vtep_addr_usable(&ip))
		return cmd_error(r, EINVAL,
				"a collector is a unicast address (not 0.0.0.0/8, broadcast, "
				"multicast, link-local, loopback or IPv4-mapped)");
	if (vtep_id_from_ip(&ip, &s->dest_ip) < 0)
		return cmd_error(r, ENOSPC, "%u IPv6 VTEPs known already (the bound)", VTEP6_MAX);
	s->overlay.udp_port = 4789;
	if (cmd_has(a, "vxlan")) {
		s->dest = DP_MIRROR_VXLAN;
		s->overlay.encap = DP_ENCAP_VXLAN;
		s->overlay.vni = cmd_arg_u32(a, "VNI", 0);
		return 0;
	}
	uint32_t session = cmd_arg_u32(a, "N2", 0), hw = cmd_arg_u32(a, "N3", 0);
	if (session > 1023 || hw > 63)
		return cmd_error(r, EINVAL, "ERSPAN session ids have 10 bits, hardware ids 6");
	s->dest = DP_MIRROR_ERSPAN;
	s->erspan_version = cmd_has(a, "2") ? 2 : 3;
	s->overlay.encap = s->erspan_version == 2 ? DP_ENCAP_ERSPAN2 : DP_ENCAP_ERSPAN3;
	s->overlay.vni = session;
	s->overlay.erspan_hw_id = (uint8_t)hw;
	return 0;
}

static int parse_options(const struct cmd_args *a, struct mirror_session *s, struct cmd_reply *r)
{
	const char *dir = cmd_has(a, "both") ? "both" : cmd_has(a, "in") ? "in" : "out";
	s->directions = strcmp(dir, "in") == 0    ? MIRROR_IN
			: strcmp(dir, "out") == 0 ? MIRROR_OUT
						  : (MIRROR_IN | MIRROR_OUT);
	const char *filter = cmd_arg(a, "TEXT");
	if (filter != NULL) {
		snprintf(s->filter_text, sizeof(s->filter_text), "%s", filter);
		if (mirror_filter_parse(filter, &s->filter, r->error, sizeof(r->error)) < 0)
			return -EINVAL;
	}
	const char *sample = cmd_arg(a, "SAMPLE");
	s->sample_n = 1;
	if (sample != NULL)
		s->sample_n = (uint32_t)strtoul(strncmp(sample, "1/", 2) == 0 ? sample + 2 : sample,
				NULL, 10);
	s->snaplen = cmd_arg_u32(a, "N", 0);
	if (s->snaplen != 0 && s->snaplen < 14)
		return cmd_error(r, EINVAL, "snaplen must keep at least the Ethernet header (14)");
	s->external = cmd_has(a, "external");
	return 0;
}

static int mirror_add_cmd(const struct cmd_args *a, struct cmd_reply *r)
{
	struct mirror_session s = { 0 };

	snprintf(s.name, sizeof(s.name), "%s", cmd_arg(a, "NAME"));
	int ret = parse_sources(cmd_arg(a, "WORD"), &s, r);
	if (ret == 0)
		ret = parse_options(a, &s, r);
	if (ret == 0)
		ret = parse_destination(a, &s, r);
	if (ret == 0)
		ret = mirror_add(&s, r->error, sizeof(r->error));
	return ret;
}
NFVA_CMD(mirror_add_cmd,
		"mirror add NAME source WORD direction in|out|both [filter TEXT] [sample SAMPLE] "
		"[snaplen N] [external] [to port PORT] [to vxlan ADDR vni VNI] "
		"[to erspan ADDR session N2 version 2|3] [hw-id N3]",
		"mirror the ports in WORD (comma-separated); in = what the VM sent, out = what it "
		"receives; filter: see docs/mirroring.md; external: lift tenant isolation checks")

static int mirror_del_cmd(const struct cmd_args *a, struct cmd_reply *r)
{
	struct mirror_session *s = mirror_find(cmd_arg(a, "NAME"));
	if (s == NULL)
		return cmd_error(r, ENOENT, "no mirror named %s", cmd_arg(a, "NAME"));
	return mirror_del(s);
}
NFVA_CMD(mirror_del_cmd, "mirror del NAME", "delete a mirror session")

RTE_INIT(mirror_cmd_register_types)
{
	cmd_register_type(&t_sample);
}
