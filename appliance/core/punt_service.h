/* SPDX-License-Identifier: BSD-3-Clause */
/* Control thread: dispatch punted frames; returns how many were handled. */
#ifndef NFVA_PUNT_SERVICE_H
#define NFVA_PUNT_SERVICE_H

unsigned punt_service(void);

#endif
