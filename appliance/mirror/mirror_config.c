/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * The mirror sessions' part of the running configuration: one `mirror add`
 * per session, in session slot order (replaying fills the slots in the same
 * order), with the options as the session holds them. ERSPAN collection
 * writes its own lines (mirror_collect.c).
 */
#include <arpa/inet.h>

#include "control/running_config.h"
#include "mirror/mirror.h"
#include "ports/port.h"
#include "overlay/vtep_id.h"

/* The sources as the comma-separated word `mirror add` takes. */
static void sources_word(const struct mirror_session *s, struct config_out *o)
{
	char list[NFVA_MAX_PORTS * NFVA_NAME_SIZE];
	size_t len = 0;

	list[0] = '\0';
	for (unsigned i = 0; i < s->n_sources; i++) {
		const struct port *p = port_by_index(s->sources[i]);
		len += (size_t)snprintf(list + len, sizeof(list) - len, "%s%s", len ? "," : "",
				p != NULL ? p->name : "?");
	}
	config_word(o, list);
}

static void destination_words(const struct mirror_session *s, struct config_out *o)
{
	char ip[NFVA_IP_STRLEN];
	const struct port *p = port_by_index(s->dest_port);

	vtep_id_format(s->dest_ip, ip, sizeof(ip));
	switch (s->dest) {
	case DP_MIRROR_PORT:
		config_add(o, "to port");
		config_word(o, p != NULL ? p->name : "?");
		break;
	case DP_MIRROR_VXLAN:
		config_add(o, "to vxlan %s vni %u", ip, s->overlay.vni);
		break;
	default:
		config_add(o, "to erspan %s session %u version %u", ip, s->overlay.vni,
				s->erspan_version);
		if (s->overlay.erspan_hw_id != 0)
			config_add(o, "hw-id %u", s->overlay.erspan_hw_id);
		break;
	}
}

static void mirrors_config(struct config_out *o)
{
	static const char *const directions[] = { [MIRROR_IN] = "in",
		[MIRROR_OUT] = "out",
		[MIRROR_IN | MIRROR_OUT] = "both" };

	for (unsigned i = 0; i < NFVA_MAX_MIRRORS; i++) {
		const struct mirror_session *s = mirror_by_index(i);
		if (s == NULL)
			continue;
		config_add(o, "mirror add");
		config_word(o, s->name);
		config_add(o, "source");
		sources_word(s, o);
		config_add(o, "direction %s", directions[s->directions & 3]);
		if (s->filter_text[0] != '\0') {
			config_add(o, "filter");
			config_word(o, s->filter_text);
		}
		if (s->sample_n > 1)
			config_add(o, "sample 1/%u", s->sample_n);
		if (s->snaplen != 0)
			config_add(o, "snaplen %u", s->snaplen);
		if (s->external)
			config_add(o, "external");
		destination_words(s, o);
		config_end(o);
	}
}
CONFIG_SECTION(CONFIG_ORDER_MIRRORS, mirrors_config)
