#!/bin/sh
# SPDX-License-Identifier: BSD-3-Clause
# /init of the tiny test guest (busybox sh, PID 1). Its job comes from the
# kernel command line, so one initramfs serves every test:
#
#   nfva.ip=A.B.C.D/LEN     address of the first NIC (eth0, or the NIC with nfva.mac)
#   nfva.mac=MAC            pick the first NIC by MAC instead of by name
#   nfva.peer=IP            job "ping": ping this peer until it answers
#   nfva.ip1=, nfva.mac1=, nfva.peer1=
#                           a second NIC, possibly hot-plugged later: the guest
#                           waits for it (by MAC if given, else eth1), then pings peer1
#   nfva.job=ping|udp|idle  ping (default when a peer is given), udp: send
#                           nfva.count datagrams to peer:nfva.port with nc-less
#                           /bin/udpsend if present, idle: just answer pings
#   nfva.tries=N            ping attempts, one a second (default 90)
#   nfva.poweroff=1         power off when the job is done (else stay up)
#
# Results are printed on the console as single lines a test can grep:
#   nfva-guest: ready
#   nfva-guest: ping0 ok 10.0.0.2        (or: ping0 fail 10.0.0.2)
#   nfva-guest: ping1 ok 10.0.1.2
#   nfva-guest: done
export PATH=/bin:/sbin
mount -t proc proc /proc
mount -t sysfs sysfs /sys
mount -t devtmpfs devtmpfs /dev 2>/dev/null
# The initramfs has no /dev/console node: PID 1 started without stdio.
exec < /dev/console > /dev/console 2>&1

say() { echo "nfva-guest: $*" > /dev/console; }

arg() { # arg NAME: value of nfva.NAME= on the kernel command line
	# shellcheck disable=SC2013 # the command line is words
	for w in $(cat /proc/cmdline); do
		case "$w" in "nfva.$1="*) echo "${w#*=}"; return;; esac
	done
}

for m in virtio_ring virtio virtio_pci_modern_dev virtio_pci_legacy_dev virtio_pci \
		failover net_failover virtio_net; do
	insmod "/lib/modules/$m.ko" 2>/dev/null
done
sysctl -qw net.ipv6.conf.all.disable_ipv6=1 net.ipv6.conf.default.disable_ipv6=1
ip link set lo up
say ready

# nic_by MAC DEFAULT: the interface name with that MAC (or DEFAULT when MAC is empty).
nic_by() {
	if [ -z "$1" ]; then echo "$2"; return; fi
	for d in /sys/class/net/*; do
		[ "$(cat "$d/address" 2>/dev/null)" = "$1" ] && { basename "$d"; return; }
	done
}

# setup_nic IDX: wait for the NIC (hot-plug), give it its address; prints its name.
setup_nic() {
	ip=$(arg "ip$1"); mac=$(arg "mac$1"); dflt=eth${1:-0}
	[ -n "$ip" ] || return 1
	i=0
	while :; do
		nic=$(nic_by "$mac" "$dflt")
		[ -n "$nic" ] && [ -e "/sys/class/net/$nic" ] && break
		i=$((i + 1)); [ "$i" -ge 600 ] && { say "nic$1 missing"; return 1; }
		sleep 0.5
	done
	ip addr add "$ip" dev "$nic"
	ip link set "$nic" up
	say "nic$1 $nic $ip up"
	echo "$nic"
}

# ping_peer TAG PEER: one ping a second until the peer answers or tries run out.
ping_peer() {
	tries=$(arg tries); tries=${tries:-90}
	i=0
	while [ "$i" -lt "$tries" ]; do
		if ping -c 1 -W 1 "$2" > /dev/null 2>&1; then
			say "$1 ok $2"
			return 0
		fi
		i=$((i + 1))
	done
	say "$1 fail $2"
	return 1
}

job=$(arg job)
peer=$(arg peer)
[ -z "$job" ] && [ -n "$peer" ] && job=ping
setup_nic "" > /dev/null
case "$job" in
ping)
	[ -n "$peer" ] && ping_peer ping0 "$peer"
	;;
udp)
	count=$(arg count); port=$(arg port)
	if [ -x /bin/udpsend ]; then
		/bin/udpsend "$peer" "${port:-5000}" "${count:-10}" && say "udp0 sent ${count:-10}"
	else
		say "udp0 fail: no udpsend in this image"
	fi
	;;
esac
if [ -n "$(arg ip1)" ]; then
	setup_nic 1 > /dev/null && [ -n "$(arg peer1)" ] && ping_peer ping1 "$(arg peer1)"
fi
say "done"
[ "$(arg poweroff)" = 1 ] && poweroff -f
# Stay up: the kernel answers pings; a shell on the console helps debugging.
while :; do
	setsid cttyhack sh > /dev/console 2>&1 < /dev/console || sleep 5
done
