/* SPDX-License-Identifier: BSD-3-Clause */
/* JSON views of ports and their counters (used by port show and stats). */
#ifndef NFVA_PORT_JSON_H
#define NFVA_PORT_JSON_H

#include <jansson.h>

#include "ports/port.h"

json_t *port_to_json(const struct port *p);
json_t *port_counters_to_json(const struct port *p);

#endif
