/* SPDX-License-Identifier: BSD-3-Clause */
/* ERSPAN layout shared by the template writer (erspan_template.c) and the
 * per-copy fill (slowpath/mirror_output.c). Offsets are from the GRE header. */
#ifndef NFVA_ERSPAN_H
#define NFVA_ERSPAN_H

#define ERSPAN2_PROTO 0x88be
#define ERSPAN3_PROTO 0x22eb
#define ERSPAN_GRE_LEN 8 /* flags/proto + sequence number */
#define ERSPAN2_LEN 8
#define ERSPAN3_LEN 12
#define ERSPAN3_GRA_100NS 1 /* timestamp granularity: 100 ns */

#endif
