/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * The startup configuration: a file of commands in the control language, one
 * per line ('#' comments, blank lines ignored). Every line is parsed before
 * any runs, so a syntax error anywhere stops the daemon before it touches a
 * port. Errors name FILE:LINE.
 */
#ifndef NFVA_CONFIG_FILE_H
#define NFVA_CONFIG_FILE_H

#include <stddef.h>

/* 0, or -errno with "FILE:LINE: message" in err. */
int config_file_load(const char *path, char *err, size_t errlen);

#endif
