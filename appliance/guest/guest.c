/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * Guest ports: what a libvirt guest is given on a network, and everything
 * its interface XML needs (guest.h). Two kinds:
 *
 * - vhost-user: a net_vhost port created for the guest and attached to the
 *   network. By default QEMU listens on the socket (libvirt mode='server')
 *   and nfva connects as the client (net_vhost client=1): the socket belongs
 *   to QEMU's user, and nfva reconnects by itself when the guest reboots or
 *   QEMU restarts. With `listen nfva`, nfva listens and hands the socket to
 *   libvirt-qemu:kvm, because QEMU runs as that user and cannot open a
 *   root-owned socket.
 * - vf: a free VF port (added `vf-of` an e-switch uplink and attached to no
 *   network) is attached to the network; the guest gets the VF's PCI
 *   function as a hostdev, found from the representor devargs and sysfs.
 *   An emulated VF has no PCI function: that is an error, never invented.
 *
 * A failing request changes nothing: everything is checked first, and a
 * port created for the request is removed again if attaching it fails.
 * Control thread only.
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

#include <rte_random.h>
#include <rte_string_fns.h>

#include "control/cmd.h"
#include "control/running_config.h"
#include "core/event.h"
#include "guest/guest.h"
#include "ports/hw.h"
#include "core/log.h"
#include "l2/network.h"
#include "ports/port.h"
#include "ports/vhost_port.h"

NFVA_LOG_REGISTER(guest)

enum guest_kind { GUEST_NONE, GUEST_VHOST_USER, GUEST_VF };

struct guest_port {
	uint8_t kind;      /* enum guest_kind; GUEST_NONE = no guest here */
	bool nfva_listens; /* vhost-user: nfva is the socket's server */
	uint16_t network;  /* network index */
	uint16_t vlan;     /* attachment VLAN or NFVA_VLAN_NONE */
	struct rte_ether_addr mac;
	char socket[sizeof(((struct sockaddr_un *)0)->sun_path)];
	char pci[HW_PCI_SIZE]; /* vf: the VF's PCI function */
};

/* Indexed by appliance port index. */
static struct guest_port guests[NFVA_MAX_PORTS];

/* A request, checked and resolved before anything changes. */
struct guest_request {
	struct network *net;
	uint16_t vlan;
	struct rte_ether_addr mac;
	const char *name;
	bool nfva_listens;
	uint16_t vf_of;
	char dir[PATH_MAX];
};

static void random_mac(struct rte_ether_addr *mac)
{
	uint64_t r = rte_rand();
	/* 52:54:00 is what QEMU and libvirt use for guests. */
	*mac = (struct rte_ether_addr){ { 0x52, 0x54, 0x00, r & 0xff, (r >> 8) & 0xff,
			(r >> 16) & 0xff } };
}

static bool mac_in_use(const struct rte_ether_addr *mac)
{
	for (unsigned i = 0; i < NFVA_MAX_PORTS; i++)
		if (guests[i].kind != GUEST_NONE && rte_is_same_ether_addr(&guests[i].mac, mac))
			return true;
	return false;
}

static bool port_in_any_network(uint16_t port)
{
	for (uint16_t i = 0; i < network_capacity(); i++) {
		const struct network *n = network_by_index(i);
		for (unsigned m = 0; n != NULL && m < n->n_members; m++)
			if (n->members[m].port == port)
				return true;
	}
	return false;
}

static json_t *guest_to_json(const struct port *p)
{
	const struct guest_port *g = &guests[p->index];
	const struct network *n = network_by_index(g->network);
	const struct port *up = port_by_index(p->vf_of);
	char mac[RTE_ETHER_ADDR_FMT_SIZE];
	bool vhu = g->kind == GUEST_VHOST_USER;

	/* Lower case, as Linux and libvirt print MACs. */
	const uint8_t *b = g->mac.addr_bytes;
	snprintf(mac, sizeof(mac), "%02x:%02x:%02x:%02x:%02x:%02x", b[0], b[1], b[2], b[3], b[4],
			b[5]);
	json_t *j = json_pack("{s:s, s:s, s:s, s:s, s:o}", "name", p->name, "type",
			vhu ? "vhost-user" : "vf", "network", n != NULL ? n->name : "?", "mac", mac,
			"vlan", g->vlan == NFVA_VLAN_NONE ? json_null() : json_integer(g->vlan));
	/* What libvirt's <source mode=...> says is QEMU's side of the socket. */
	json_object_set_new(j, "socket", vhu ? json_string(g->socket) : json_null());
	json_object_set_new(j, "mode",
			!vhu ? json_null() : json_string(g->nfva_listens ? "client" : "server"));
	json_object_set_new(j, "listener",
			!vhu ? json_null() : json_string(g->nfva_listens ? "nfva" : "qemu"));
	json_object_set_new(j, "queues", vhu ? json_integer(1) : json_null());
	json_object_set_new(j, "pci", vhu ? json_null() : json_string(g->pci));
	json_object_set_new(j, "vf_of", up != NULL ? json_string(up->name) : json_null());
	json_object_set_new(j, "devargs", json_string(p->devargs));
	return j;
}

/* The options both kinds share: network, vlan, mac. */
static int request_common(const struct cmd_args *a, struct cmd_reply *r, struct guest_request *req)
{
	memset(req, 0, sizeof(*req));
	req->net = network_find(cmd_arg(a, "NETWORK"));
	if (req->net == NULL)
		return cmd_error(r, ENOENT, "no network named %s", cmd_arg(a, "NETWORK"));
	if (req->net->n_members == NFVA_MAX_MEMBERS)
		return cmd_error(r, ENOSPC, "network %s is full (%d members)", req->net->name,
				NFVA_MAX_MEMBERS);
	req->vlan = (uint16_t)cmd_arg_u32(a, "VLAN", NFVA_VLAN_NONE);
	if (cmd_arg_mac(a, "MAC", &req->mac)) {
		if (!rte_is_unicast_ether_addr(&req->mac) || rte_is_zero_ether_addr(&req->mac))
			return cmd_error(r, EINVAL, "a guest MAC is a unicast address");
		if (mac_in_use(&req->mac))
			return cmd_error(r, EEXIST, "another guest port has MAC %s",
					cmd_arg(a, "MAC"));
	} else {
		do
			random_mac(&req->mac);
		while (mac_in_use(&req->mac));
	}
	req->vf_of = NFVA_PORT_NONE;
	return 0;
}

/* The attachment and the record; on failure the caller's port is untouched. */
static int guest_attach(struct port *p, const struct guest_request *req, uint8_t kind,
		struct cmd_reply *r)
{
	int ret = network_attach(req->net, p->index, req->vlan, r->error, sizeof(r->error));
	if (ret < 0)
		return ret;
	guests[p->index] = (struct guest_port){ .kind = kind,
		.network = req->net->index,
		.vlan = req->vlan,
		.mac = req->mac,
		.nfva_listens = req->nfva_listens };
	return 0;
}

static int vhost_auto_name(char *name, size_t len)
{
	for (unsigned k = 0; k < NFVA_MAX_PORTS * 4; k++) {
		snprintf(name, len, "vhu%u", k);
		if (port_find(name) == NULL)
			return 0;
	}
	return -ENOSPC;
}

static int guest_vhost_add_cmd(const struct cmd_args *a, struct cmd_reply *r)
{
	struct guest_request req;
	char name[NFVA_NAME_SIZE], path[PATH_MAX];
	bool created;
	int ret = request_common(a, r, &req);

	if (ret < 0)
		return ret;
	req.nfva_listens = cmd_has(a, "nfva");
	if (cmd_arg(a, "PORT") != NULL) {
		const struct port *up = port_find(cmd_arg(a, "PORT"));
		if (up == NULL || up->eswitch != PORT_ESWITCH_EMULATED)
			return cmd_error(r, EINVAL,
					"vf-of %s: no such port with an emulated e-switch",
					cmd_arg(a, "PORT"));
		req.vf_of = up->index;
	}
	if (cmd_arg(a, "NAME") != NULL)
		snprintf(name, sizeof(name), "%s", cmd_arg(a, "NAME"));
	else if (vhost_auto_name(name, sizeof(name)) < 0)
		return cmd_error(r, ENOSPC, "no free port name");
	if (port_find(name) != NULL)
		return cmd_error(r, EEXIST, "port %s exists", name);
	const char *dir = cmd_arg(a, "PATH") != NULL ? cmd_arg(a, "PATH") : GUEST_VHOST_DIR;
	if (dir[0] != '/')
		return cmd_error(r, EINVAL, "dir %s: give an absolute path", dir);
	snprintf(path, sizeof(path), "%s/%s.sock", dir, name);
	ret = socket_dir_prepare(dir, !req.nfva_listens, &created, r->error, sizeof(r->error));
	if (ret == 0)
		ret = vhost_port_add(name, path, req.nfva_listens, req.vf_of, r->error,
				sizeof(r->error));
	if (ret == 0) {
		struct port *p = port_find(name);
		ret = guest_attach(p, &req, GUEST_VHOST_USER, r);
		if (ret == 0) {
			/* socket_path_check() made sure it fits. */
			rte_strscpy(guests[p->index].socket, path, sizeof(guests[p->index].socket));
			r->result = guest_to_json(p);
			NFVA_LOG(INFO, "guest port %s: vhost-user %s on network %s", name, path,
					req.net->name);
			return 0;
		}
		port_del(p);
	}
	if (created)
		rmdir(dir);
	return ret;
}
NFVA_CMD(guest_vhost_add_cmd,
		"guest port add NETWORK vhost-user [name NAME] [mac MAC] [vlan VLAN] [dir PATH] "
		"[listen qemu|nfva] [vf-of PORT]",
		"create a vhost-user port for a guest on NETWORK and attach it; the reply has what "
		"the libvirt interface XML needs (socket DIR/NAME.sock, default "
		"dir " GUEST_VHOST_DIR
		"; listen qemu (default): QEMU is the socket server and nfva reconnects; "
		"vf-of: the port is a VF of that emulated e-switch)")

/* --- VFs ------------------------------------------------------------------- */

/* A VF port's PCI function, from its representor devargs and sysfs. */
static int vf_pci(const struct port *p, char *pci, size_t len, char *why, size_t whylen)
{
	char pf[HW_PCI_SIZE];
	unsigned vf;

	if (hw_parse_representor(p->devargs, pf, sizeof(pf), &vf) < 0) {
		snprintf(why, whylen, "%s (%.160s) is not a representor of a PCI VF", p->name,
				p->devargs);
		return -ENODEV;
	}
	if (hw_vf_pci(NULL, pf, vf, pci, len) < 0) {
		snprintf(why, whylen, "%s: PF %s has no VF %u in sysfs (sriov_numvfs?)", p->name,
				pf, vf);
		return -ENODEV;
	}
	return 0;
}

/* The first VF port attached to no network that has a PCI function. */
static struct port *free_vf(const struct cmd_args *a, char *pci, size_t len, struct cmd_reply *r)
{
	const char *only = cmd_arg(a, "NAME");
	const struct port *up = cmd_arg(a, "PORT") != NULL ? port_find(cmd_arg(a, "PORT")) : NULL;
	char why[256] = "";
	unsigned n_free = 0;

	if (cmd_arg(a, "PORT") != NULL && (up == NULL || up->eswitch == PORT_ESWITCH_NONE)) {
		cmd_error(r, EINVAL, "vf-of %s: no such port with an e-switch", cmd_arg(a, "PORT"));
		return NULL;
	}
	for (uint16_t i = 0; i < NFVA_MAX_PORTS; i++) {
		struct port *p = port_by_index(i);
		if (p == NULL || p->vf_of == NFVA_PORT_NONE || guests[i].kind != GUEST_NONE ||
				port_in_any_network(i) ||
				(only != NULL && strcmp(p->name, only) != 0) ||
				(up != NULL && p->vf_of != up->index))
			continue;
		n_free++;
		if (vf_pci(p, pci, len, why, sizeof(why)) == 0)
			return p;
	}
	if (n_free == 0 && only != NULL)
		cmd_error(r, ENOENT, "%s is not a free VF port (no such VF, or already attached)",
				only);
	else if (n_free == 0)
		cmd_error(r, ENOSPC,
				"no free VF: every VF port is attached to a network "
				"(add VFs with `port add NAME dev DEVARGS vf-of UPLINK`)");
	else
		cmd_error(r, ENODEV,
				"no free VF with a PCI function a guest could be given: %s "
				"(emulated VFs cannot be hostdevs; use vhost-user)",
				why);
	return NULL;
}

static int guest_vf_add_cmd(const struct cmd_args *a, struct cmd_reply *r)
{
	struct guest_request req;
	char pci[HW_PCI_SIZE];
	int ret = request_common(a, r, &req);

	if (ret < 0)
		return ret;
	struct port *p = free_vf(a, pci, sizeof(pci), r);
	if (p == NULL)
		return -ENODEV;
	ret = guest_attach(p, &req, GUEST_VF, r);
	if (ret < 0)
		return ret;
	snprintf(guests[p->index].pci, sizeof(guests[p->index].pci), "%s", pci);
	r->result = guest_to_json(p);
	NFVA_LOG(INFO, "guest port %s: VF %s on network %s", p->name, pci, req.net->name);
	return 0;
}
NFVA_CMD(guest_vf_add_cmd,
		"guest port add NETWORK vf [mac MAC] [vlan VLAN] [name NAME] [vf-of PORT]",
		"hand out a free VF port (of any e-switch, or of PORT; or the VF port NAME) on "
		"NETWORK; the reply has the VF's PCI address for a hostdev interface")

/* --- del, show ------------------------------------------------------------- */

static struct port *guest_arg(const struct cmd_args *a, struct cmd_reply *r)
{
	struct port *p = port_find(cmd_arg(a, "PORT"));
	if (p == NULL || guests[p->index].kind == GUEST_NONE) {
		cmd_error(r, ENOENT, "no guest port named %s", cmd_arg(a, "PORT"));
		return NULL;
	}
	return p;
}

static int guest_del_cmd(const struct cmd_args *a, struct cmd_reply *r)
{
	struct port *p = guest_arg(a, r);
	if (p == NULL)
		return -ENOENT;
	struct guest_port *g = &guests[p->index];
	r->result = guest_to_json(p);
	if (g->kind == GUEST_VHOST_USER)
		return port_del(p); /* the del hook forgets the record */
	/* A VF goes back to the pool: detached, not removed. */
	struct network *n = network_by_index(g->network);
	int ret = 0;
	if (n != NULL && network_of_attachment(p->index, g->vlan) == n)
		ret = network_detach(n, p->index, g->vlan, r->error, sizeof(r->error));
	if (ret == 0)
		memset(g, 0, sizeof(*g));
	return ret;
}
NFVA_CMD(guest_del_cmd, "guest port del PORT",
		"remove a guest's vhost-user port, or detach a guest's VF and return it to the "
		"pool")

static int guest_show_cmd(const struct cmd_args *a, struct cmd_reply *r)
{
	if (cmd_arg(a, "PORT") != NULL) {
		const struct port *p = guest_arg(a, r);
		if (p == NULL)
			return -ENOENT;
		r->result = guest_to_json(p);
		return 0;
	}
	r->result = json_array();
	for (uint16_t i = 0; i < NFVA_MAX_PORTS; i++) {
		const struct port *p = port_by_index(i);
		if (p != NULL && guests[i].kind != GUEST_NONE)
			json_array_append_new(r->result, guest_to_json(p));
	}
	return 0;
}
NFVA_CMD_RO(guest_show_cmd, "guest port show [PORT]",
		"guest ports with what their libvirt interface XML needs")

static int guest_port_removed(const struct nfva_event *ev)
{
	memset(&guests[ev->port], 0, sizeof(guests[ev->port]));
	return 0;
}
EVENT_SUBSCRIBE(EVENT_PORT_REMOVED, guest_port_removed)

/* --- running configuration ------------------------------------------------- */

/* A guest port whose attachment is still in place: config show writes it as
 * `guest port add` (the port add of a vhost-user one and the attachment are
 * not written by ports/ and l2/ then). */
static bool guest_live(uint16_t port)
{
	const struct guest_port *g = &guests[port];
	const struct network *n = network_by_index(g->network);
	return g->kind != GUEST_NONE && n != NULL && network_of_attachment(port, g->vlan) == n;
}

static int guest_config_owned(const struct nfva_event *ev)
{
	const struct guest_port *g = &guests[ev->port];
	if (!guest_live(ev->port))
		return 0;
	if (ev->network == NFVA_NETWORK_NONE)
		return g->kind == GUEST_VHOST_USER ? -EEXIST : 0;
	return ev->network == g->network && ev->vlan == g->vlan ? -EEXIST : 0;
}
EVENT_SUBSCRIBE(EVENT_CONFIG_OWNED, guest_config_owned)

static void guest_line(const struct port *p, struct config_out *o)
{
	const struct guest_port *g = &guests[p->index];
	const struct port *up = port_by_index(p->vf_of);
	const uint8_t *b = g->mac.addr_bytes;
	char dir[sizeof(g->socket)];

	config_add(o, "guest port add");
	config_word(o, network_by_index(g->network)->name);
	config_add(o, "%s name", g->kind == GUEST_VHOST_USER ? "vhost-user" : "vf");
	config_word(o, p->name);
	config_add(o, "mac %02x:%02x:%02x:%02x:%02x:%02x", b[0], b[1], b[2], b[3], b[4], b[5]);
	if (g->vlan != NFVA_VLAN_NONE)
		config_add(o, "vlan %u", g->vlan);
	if (g->kind == GUEST_VHOST_USER) {
		snprintf(dir, sizeof(dir), "%.*s", (int)(strrchr(g->socket, '/') - g->socket),
				g->socket);
		if (strcmp(dir, GUEST_VHOST_DIR) != 0) {
			config_add(o, "dir");
			config_word(o, dir);
		}
		if (g->nfva_listens)
			config_add(o, "listen nfva");
		if (up != NULL) {
			config_add(o, "vf-of");
			config_word(o, up->name);
		}
	}
	config_end(o);
	if (g->kind == GUEST_VHOST_USER)
		port_config_mac_limit(p, o);
}

static void guests_config(struct config_out *o)
{
	for (uint16_t i = 0; i < NFVA_MAX_PORTS; i++) {
		const struct port *p = port_by_index(i);
		if (p != NULL && guest_live(i))
			guest_line(p, o);
	}
}
CONFIG_SECTION(CONFIG_ORDER_GUESTS, guests_config)
