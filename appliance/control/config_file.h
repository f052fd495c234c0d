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
#include <stdio.h>

/* 0, or -errno with "FILE:LINE: message" in err. */
int config_file_load(const char *path, char *err, size_t errlen);

/* Validate without running (config_check.c): every line against the grammar
 * and the names it uses, each problem as "FILE:LINE: message" on report.
 * Returns how many problems, or -errno when the file cannot be read. */
int config_file_check(const char *path, FILE *report);

#endif
