/* SPDX-License-Identifier: BSD-3-Clause */
/* Saving the running configuration (config_save.c): `config save [PATH]`
 * and --autosave. */
#ifndef NFVA_CONFIG_SAVE_H
#define NFVA_CONFIG_SAVE_H

/* With --autosave: from now on every command that changes the running
 * configuration saves it to the startup file. Call once the startup file is
 * loaded. */
void config_autosave_start(void);

#endif
