/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * render.h: readable text for a daemon result. The renderer is generic: it
 * knows no command, only JSON shapes, so the daemon alone decides what a
 * command returns and the CLI never needs a change for a new command.
 */
#ifndef NFVA_CLI_RENDER_H
#define NFVA_CLI_RENDER_H

#include <stdio.h>

#include <jansson.h>

/*
 * Print a result in the style of iproute2:
 *  - null: nothing;
 *  - a scalar: on its own line;
 *  - an array of objects: a table, one column per key (union of all rows,
 *    first-seen order), upper-case header, '-' for missing cells;
 *  - an array of anything else: one element per line;
 *  - an object: "key: value" lines for scalars (and arrays of scalars, and
 *    "(none)" for empty containers), then one section per nested object or
 *    array: a blank line, "key:" and the value rendered 2 columns deeper.
 * Cells: booleans as yes/no, null as '-', integers as integers, reals with
 * %g, objects as "k=v k=v", arrays of scalars comma-joined, anything deeper
 * as compact JSON. Exits the process with status 1 if memory runs out.
 */
void render_result(FILE *out, const json_t *result);

#endif /* NFVA_CLI_RENDER_H */
