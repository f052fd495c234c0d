/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * Saving the running configuration: `config save [FILE]` (the startup file,
 * --config, by default) and --autosave (after every command that may have
 * changed something, control/cmd.h). The file is replaced atomically: the
 * text goes to a temporary file in the same directory (mode 0600: it holds
 * LISP keys), which is fsynced and renamed over FILE, and the directory is
 * fsynced; a crash leaves the old file or the new one, never half of one.
 * Autosave writes only when the text differs from what it last wrote.
 */
#include <errno.h>
#include <fcntl.h>
#include <libgen.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "control/cmd.h"
#include "control/config_save.h"
#include "control/running_config.h"
#include "control/stats.h"
#include "core/args.h"
#include "core/log.h"
#include "core/version.h"

NFVA_LOG_REGISTER(config_save)

#define HEADER "# nfva running configuration (nfva " NFVA_VERSION ", git " NFVA_COMMIT ")\n"

static struct {
	bool autosave;
	char *last_text; /* what the startup file holds (as last written or loaded) */
	uint64_t saves, failures;
	char last_error[256];
} save;

static int write_all(int fd, const char *buf, size_t len)
{
	while (len > 0) {
		ssize_t n = write(fd, buf, len);
		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0)
			return -errno;
		buf += n;
		len -= (size_t)n;
	}
	return 0;
}

/* fsync the directory holding path, so that the rename is on disk too. */
static int sync_dir(const char *path)
{
	char copy[PATH_MAX];
	snprintf(copy, sizeof(copy), "%s", path);
	int fd = open(dirname(copy), O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	if (fd < 0)
		return -errno;
	int ret = fsync(fd) < 0 ? -errno : 0;
	close(fd);
	return ret;
}

static int save_error(char *err, size_t errlen, const char *path, const char *step, int e)
{
	snprintf(err, errlen, "cannot save %s: %s: %s", path, step, strerror(e));
	return -e;
}

/* The header and text into fd, on disk; -errno with *step set. */
static int write_synced(int fd, const char *text, size_t len, const char **step)
{
	int ret = write_all(fd, HEADER, strlen(HEADER));

	if (ret == 0)
		ret = write_all(fd, text, len);
	if (ret != 0) {
		*step = "write";
		return ret;
	}
	if (fsync(fd) < 0) {
		*step = "fsync";
		return -errno;
	}
	return 0;
}

static int write_atomic(const char *path, const char *text, size_t len, char *err, size_t errlen)
{
	char tmp[PATH_MAX];
	const char *step = "";

	if ((size_t)snprintf(tmp, sizeof(tmp), "%s.XXXXXX", path) >= sizeof(tmp))
		return save_error(err, errlen, path, "path", ENAMETOOLONG);
	int fd = mkostemp(tmp, O_CLOEXEC); /* created with mode 0600 */
	if (fd < 0)
		return save_error(err, errlen, path, "create a temporary file", errno);
	int ret = write_synced(fd, text, len, &step);
	if (close(fd) < 0 && ret == 0) {
		ret = -errno;
		step = "close";
	}
	if (ret == 0 && rename(tmp, path) < 0) {
		ret = -errno;
		step = "rename";
	}
	if (ret != 0) {
		unlink(tmp);
		return save_error(err, errlen, path, step, -ret);
	}
	ret = sync_dir(path);
	return ret != 0 ? save_error(err, errlen, path, "fsync its directory", -ret) : 0;
}

/* Render and write to path; on success the startup file's text is kept. */
static int save_to(const char *path, bool startup, char *err, size_t errlen)
{
	size_t len;
	char *text = config_render(&len);

	if (text == NULL) {
		snprintf(err, errlen, "out of memory");
		return -ENOMEM;
	}
	int ret = write_atomic(path, text, len, err, errlen);
	if (ret == 0 && startup) {
		free(save.last_text);
		save.last_text = text;
		text = NULL;
	}
	free(text);
	if (ret == 0)
		save.saves++;
	else
		save.failures++;
	if (ret != 0)
		snprintf(save.last_error, sizeof(save.last_error), "%s", err);
	return ret;
}

static int config_save_cmd(const struct cmd_args *a, struct cmd_reply *r)
{
	const char *startup = nfva_options()->config;
	const char *path = cmd_arg(a, "PATH") != NULL ? cmd_arg(a, "PATH") : startup;

	if (path == NULL)
		return cmd_error(r, EINVAL, "no startup file (nfva -- --config FILE): give a FILE");
	if (path[0] != '/')
		return cmd_error(r, EINVAL, "%s: give an absolute path", path);
	bool is_startup = startup != NULL && strcmp(path, startup) == 0;
	int ret = save_to(path, is_startup, r->error, sizeof(r->error));
	if (ret == 0) {
		NFVA_LOG(INFO, "running configuration saved to %s", path);
		r->result = json_pack("{s:s}", "saved", path);
	}
	return ret;
}
NFVA_CMD_RO(config_save_cmd, "config save [PATH]",
		"write the running configuration (config show) to PATH, by default the startup "
		"file (--config): atomically, mode 0600 (it holds LISP keys)")

/* After a command that may have changed something: save when the text moved. */
static void autosave(void)
{
	char err[CMD_ERROR_SIZE];
	size_t len;
	char *text = config_render(&len);

	if (text != NULL && save.last_text != NULL && strcmp(text, save.last_text) == 0) {
		free(text);
		return;
	}
	free(text);
	if (save_to(nfva_options()->config, true, err, sizeof(err)) < 0)
		NFVA_LOG(ERR, "autosave: %s (the change is live but not saved)", err);
}

void config_autosave_start(void)
{
	size_t len;

	if (!nfva_options()->autosave || nfva_options()->config == NULL)
		return;
	/* What the startup file just rebuilt: no save until something changes. */
	save.last_text = config_render(&len);
	save.autosave = true;
	cmd_set_change_hook(autosave);
	NFVA_LOG(INFO, "autosave to %s", nfva_options()->config);
}

static json_t *config_stats(void)
{
	const char *startup = nfva_options()->config;
	return json_pack("{s:o, s:b, s:I, s:I, s:o}", "startup_file",
			startup != NULL ? json_string(startup) : json_null(), "autosave",
			save.autosave, "saves", (json_int_t)save.saves, "save_failures",
			(json_int_t)save.failures, "last_error",
			save.last_error[0] ? json_string(save.last_error) : json_null());
}
STATS_SECTION("config", config_stats)
