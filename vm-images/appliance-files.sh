# SPDX-License-Identifier: BSD-3-Clause
# shellcheck shell=bash
# The appliance image's own files, beside what the nfva package installs
# (sourced by build-appliance-image.sh, which defines run, put, ROOT and
# AUTOLOGIN): the config drive reader (which also raises the kernel
# netdevs that nfva.conf's af_packet ports name), the ordering of the
# package's nfva.service after it, the selftest that prints nfva's state
# (and, asked to, its port counters as they change) on the console, and
# (only with --autologin) a root shell on the serial console.

appliance_files() {
	put "$ROOT/etc/hostname" 0644 <<<"nfva"
	put "$ROOT/etc/fstab" 0644 <<'EOF'
/dev/vda / ext4 defaults 0 1
EOF
	put "$ROOT/usr/local/lib/nfva/nfva-config" 0755 <<'EOF'
#!/bin/sh
# Copies nfva.conf (and `default`, `selftest`) from the config drive labelled
# NFVA-CFG. Then, drive or not, the kernel netdevs of nfva.conf's af_packet
# ports (iface=NAME) are brought up, which af_packet does not do, without
# IPv6, so the kernel sends nothing of its own (router solicitations, MLD)
# on the ports nfva owns.
set -e
dev=$(blkid -L NFVA-CFG 2>/dev/null) || dev=""
if [ -n "$dev" ]; then
	mkdir -p /run/nfva-cfg
	mount -o ro "$dev" /run/nfva-cfg
	[ ! -f /run/nfva-cfg/nfva.conf ] || install -m 0600 /run/nfva-cfg/nfva.conf /etc/nfva/nfva.conf
	[ ! -f /run/nfva-cfg/default ] || install -m 0644 /run/nfva-cfg/default /etc/default/nfva
	[ ! -f /run/nfva-cfg/selftest ] || install -m 0644 /run/nfva-cfg/selftest /run/nfva-selftest
	umount /run/nfva-cfg
	echo "nfva-config: configuration from $dev"
fi
ifaces=$(grep -v '^[[:space:]]*#' /etc/nfva/nfva.conf 2>/dev/null |
	grep -o 'iface=[^,[:space:]]*' | cut -d= -f2 | sort -u) || true
for ifc in $ifaces; do
	# udev may still be naming it: wait up to 30 s
	i=0
	while [ ! -e "/sys/class/net/$ifc" ] && [ $i -lt 150 ]; do sleep 0.2; i=$((i + 1)); done
	if [ ! -e "/sys/class/net/$ifc" ]; then
		echo "nfva-config: no netdev $ifc for af_packet"
		continue
	fi
	echo 1 > "/proc/sys/net/ipv6/conf/$ifc/disable_ipv6" 2>/dev/null || true
	ip link set dev "$ifc" up
	echo "nfva-config: $ifc up for af_packet"
done
EOF
	put "$ROOT/etc/systemd/system/nfva-config.service" 0644 <<'EOF'
[Unit]
Description=nfva configuration from the config drive (label NFVA-CFG)
DefaultDependencies=no
After=local-fs.target systemd-udev-settle.service
Before=nfva.service

[Service]
Type=oneshot
ExecStart=/usr/local/lib/nfva/nfva-config
StandardOutput=journal+console

[Install]
WantedBy=multi-user.target
EOF
	# The package's unit, ordered after the config drive is read.
	put "$ROOT/etc/systemd/system/nfva.service.d/config-drive.conf" 0644 <<'EOF'
[Unit]
After=nfva-config.service
Wants=nfva-config.service
EOF
	put "$ROOT/usr/local/lib/nfva/nfva-selftest" 0755 <<'EOF'
#!/bin/sh
# Prints nfva's state on the console: the unit's type and state, the
# version, the networks. With a line "watch SECONDS" in the config drive's
# `selftest`, then prints `nfvactl -j port show stats` each time it changes,
# for SECONDS (a host test sends traffic and reads the counters here).
echo "nfva-selftest: unit $(systemctl show -p Type,ActiveState,SubState,WatchdogUSec,NRestarts --value nfva.service | tr "\n" " ")"
echo "nfva-selftest: version $(nfvactl -j version 2>&1)"
echo "nfva-selftest: networks $(nfvactl -j network show 2>&1)"
watch=$(sed -n 's/^watch \([0-9][0-9]*\)$/\1/p' /run/nfva-selftest | head -n 1)
[ -n "$watch" ] || exit 0
end=$(($(date +%s) + watch))
prev=""
while [ "$(date +%s)" -lt "$end" ]; do
	cur=$(nfvactl -j port show stats 2>&1 | tr -d "\n")
	[ "$cur" = "$prev" ] || echo "nfva-selftest: stats $cur"
	prev=$cur
	sleep 1
done
echo "nfva-selftest: watch over"
EOF
	# After=nfva.service: it starts once READY=1 came (Type=notify: config
	# applied). Type=simple: a watch does not hold up the boot.
	put "$ROOT/etc/systemd/system/nfva-selftest.service" 0644 <<'EOF'
[Unit]
Description=Print nfva's state on the console (config drive `selftest`)
After=nfva.service
Requires=nfva.service
ConditionPathExists=/run/nfva-selftest

[Service]
Type=simple
ExecStart=/usr/local/lib/nfva/nfva-selftest
StandardOutput=journal+console

[Install]
WantedBy=multi-user.target
EOF
	if [ "$AUTOLOGIN" = 1 ]; then
		# Lab images only: a root shell on the serial console, no password.
		put "$ROOT/etc/systemd/system/serial-getty@ttyS0.service.d/autologin.conf" 0644 <<'EOF'
[Service]
ExecStart=
ExecStart=-/sbin/agetty --autologin root --keep-baud 115200,57600,38400,9600 %I $TERM
EOF
	fi
	# Root's password locked (review D27): no console login without --autologin.
	run chroot "$ROOT" passwd -l root
}
