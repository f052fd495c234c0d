/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * vhost-user ports: the net_vhost devargs, and the socket's directory and
 * ownership so that QEMU (running as libvirt-qemu:kvm) can use it — QEMU
 * listening and nfva reconnecting (client), or nfva listening with the socket
 * handed to QEMU's user (server). `port add NAME vhost-user PATH` lives here;
 * guest.c builds guest ports on top.
 */
#include <errno.h>
#include <grp.h>
#include <limits.h>
#include <pwd.h>
#include <stdio.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/un.h>
#include <unistd.h>

#include "control/cmd.h"
#include "control/running_config.h"
#include "core/event.h"
#include "core/log.h"
#include "ports/port.h"
#include "ports/vhost_port.h"

NFVA_LOG_REGISTER(vhost)

/* Ports made by `port add NAME vhost-user PATH`, by port index: how config
 * show writes them back. */
static struct {
	bool used;
	bool server;
	char path[sizeof(((struct sockaddr_un *)0)->sun_path)];
} plain[NFVA_MAX_PORTS];

/* QEMU runs as libvirt-qemu:kvm; -1 ids when this host has no such user. */
static void qemu_ids(uid_t *uid, gid_t *gid)
{
	const struct passwd *pw = getpwnam("libvirt-qemu");
	const struct group *gr = getgrnam("kvm");

	*uid = pw != NULL ? pw->pw_uid : (uid_t)-1;
	*gid = gr != NULL ? gr->gr_gid : pw != NULL ? pw->pw_gid : (gid_t)-1;
}

/* A socket path nothing listens on any more (a previous run's) may go. */
static int socket_path_check(const char *path, bool nfva_listens, char *err, size_t errlen)
{
	struct sockaddr_un sun = { .sun_family = AF_UNIX };
	struct stat st;

	if (strlen(path) >= sizeof(sun.sun_path)) {
		snprintf(err, errlen, "socket path %s is too long (max %zu)", path,
				sizeof(sun.sun_path) - 1);
		return -ENAMETOOLONG;
	}
	if (lstat(path, &st) < 0)
		return 0;
	if (!S_ISSOCK(st.st_mode)) {
		snprintf(err, errlen, "%s exists and is not a socket", path);
		return -EEXIST;
	}
	if (!nfva_listens)
		return 0; /* QEMU replaces its own socket */
	strcpy(sun.sun_path, path);
	int fd = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);
	bool live = fd >= 0 && connect(fd, (struct sockaddr *)&sun, sizeof(sun)) == 0;
	if (fd >= 0)
		close(fd);
	if (live) {
		snprintf(err, errlen, "%s is in use (something listens on it)", path);
		return -EADDRINUSE;
	}
	unlink(path);
	return 0;
}

/* Creates dir (and its parents) if missing; QEMU must be able to enter it and,
 * when it listens, create its socket there. *created: the last level was new. */
int socket_dir_prepare(const char *dir, bool qemu_writes, bool *created, char *err, size_t errlen)
{
	char path[PATH_MAX];
	struct stat st;
	uid_t uid;
	gid_t gid;

	*created = false;
	snprintf(path, sizeof(path), "%s", dir);
	for (char *s = path + 1; *s != '\0'; s++) {
		if (*s != '/')
			continue;
		*s = '\0';
		if (mkdir(path, 0755) < 0 && errno != EEXIST)
			goto fail;
		*s = '/';
	}
	if (mkdir(path, 0755) == 0)
		*created = true;
	else if (errno != EEXIST)
		goto fail;
	if (stat(path, &st) < 0 || !S_ISDIR(st.st_mode)) {
		snprintf(err, errlen, "%s is not a directory", dir);
		return -ENOTDIR;
	}
	qemu_ids(&uid, &gid);
	if (qemu_writes && *created && gid != (gid_t)-1) {
		/* root and QEMU's group may create sockets here, nobody else. */
		if (chown(path, 0, gid) < 0 || chmod(path, 0770) < 0)
			goto fail;
	}
	return 0;
fail:;
	int e = errno;
	snprintf(err, errlen, "cannot prepare socket directory %s: %s", dir, strerror(e));
	return -e;
}

/* Adds a net_vhost port; when nfva listens, its socket is handed to QEMU's user. */
int vhost_port_add(const char *name, const char *path, bool nfva_listens, uint16_t vf_of, char *err,
		size_t errlen)
{
	char devargs[256];
	int ret = socket_path_check(path, nfva_listens, err, errlen);

	if (ret < 0)
		return ret;
	if ((size_t)snprintf(devargs, sizeof(devargs), "net_vhost_%s,iface=%s,client=%d", name,
			    path, nfva_listens ? 0 : 1) >= sizeof(devargs)) {
		snprintf(err, errlen, "devargs for %s too long", path);
		return -ENAMETOOLONG;
	}
	struct port_params params = { .name = name, .devargs = devargs, .vf_of = vf_of };
	ret = port_add(&params, err, errlen);
	if (ret < 0 || !nfva_listens)
		return ret;
	uid_t uid;
	gid_t gid;
	qemu_ids(&uid, &gid);
	if (uid != (uid_t)-1 && (chown(path, uid, gid) < 0 || chmod(path, 0660) < 0))
		NFVA_LOG(WARNING, "%s: cannot hand the socket to libvirt-qemu: %s", path,
				strerror(errno));
	return 0;
}

/* The first free vhuN name. */
/* Plain vhost-user ports, beside `port add NAME dev DEVARGS`. */
static int port_vhost_add_cmd(const struct cmd_args *a, struct cmd_reply *r)
{
	uint16_t vf_of = NFVA_PORT_NONE;
	const char *path = cmd_arg(a, "PATH");

	if (cmd_arg(a, "PORT") != NULL) {
		const struct port *up = port_find(cmd_arg(a, "PORT"));
		if (up == NULL || up->eswitch == PORT_ESWITCH_NONE)
			return cmd_error(r, EINVAL, "vf-of %s: no such port with an e-switch",
					cmd_arg(a, "PORT"));
		vf_of = up->index;
	}
	if (path[0] != '/')
		return cmd_error(r, EINVAL, "%s: give an absolute socket path", path);
	if (port_find(cmd_arg(a, "NAME")) != NULL)
		return cmd_error(r, EEXIST, "port %s exists", cmd_arg(a, "NAME"));
	int ret = vhost_port_add(cmd_arg(a, "NAME"), path, cmd_has(a, "server"), vf_of, r->error,
			sizeof(r->error));
	if (ret == 0) {
		uint16_t i = port_find(cmd_arg(a, "NAME"))->index;
		plain[i].used = true;
		plain[i].server = cmd_has(a, "server");
		snprintf(plain[i].path, sizeof(plain[i].path), "%s", path); /* checked: fits */
	}
	if (ret == 0)
		r->result = json_pack("{s:s, s:s, s:s}", "name", cmd_arg(a, "NAME"), "socket", path,
				"role", cmd_has(a, "server") ? "server" : "client");
	return ret;
}
NFVA_CMD(port_vhost_add_cmd, "port add NAME vhost-user PATH [server|client] [vf-of PORT]",
		"add a vhost-user port on socket PATH; client (default): the guest's QEMU listens "
		"and nfva reconnects after guest reboots; server: nfva listens and gives the "
		"socket "
		"to libvirt-qemu:kvm")

bool vhost_port_config(const struct port *p, struct config_out *o)
{
	const struct port *up = port_by_index(p->vf_of);

	if (!plain[p->index].used)
		return false;
	config_add(o, "port add");
	config_word(o, p->name);
	config_add(o, "vhost-user");
	config_word(o, plain[p->index].path);
	config_add(o, "%s", plain[p->index].server ? "server" : "client");
	if (up != NULL) {
		config_add(o, "vf-of");
		config_word(o, up->name);
	}
	config_end(o);
	return true;
}

static int vhost_port_removed(const struct nfva_event *ev)
{
	memset(&plain[ev->port], 0, sizeof(plain[ev->port]));
	return 0;
}
EVENT_SUBSCRIBE(EVENT_PORT_REMOVED, vhost_port_removed)
