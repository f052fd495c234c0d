# SPDX-License-Identifier: BSD-3-Clause
# shellcheck shell=bash
# The appliance image's own files, beside what the nfva package installs
# (sourced by build-appliance-image.sh, which defines run, put, ROOT and
# AUTOLOGIN): the config drive reader, the ordering of the package's
# nfva.service after it, the selftest that prints nfva's state on the
# console, and (only with --autologin) a root shell on the serial console.

appliance_files() {
	put "$ROOT/etc/hostname" 0644 <<<"nfva"
	put "$ROOT/etc/fstab" 0644 <<'EOF'
/dev/vda / ext4 defaults 0 1
EOF
	put "$ROOT/usr/local/lib/nfva/nfva-config" 0755 <<'EOF'
#!/bin/sh
# Copies nfva.conf (and `default`) from the config drive labelled NFVA-CFG.
set -e
dev=$(blkid -L NFVA-CFG 2>/dev/null) || exit 0
mkdir -p /run/nfva-cfg
mount -o ro "$dev" /run/nfva-cfg
[ -f /run/nfva-cfg/nfva.conf ] && install -m 0600 /run/nfva-cfg/nfva.conf /etc/nfva/nfva.conf
[ -f /run/nfva-cfg/default ] && install -m 0644 /run/nfva-cfg/default /etc/default/nfva
[ -f /run/nfva-cfg/selftest ] && touch /run/nfva-selftest
umount /run/nfva-cfg
echo "nfva-config: configuration from $dev"
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
	# Type=notify: After=nfva.service starts once READY=1 came (config applied).
	put "$ROOT/etc/systemd/system/nfva-selftest.service" 0644 <<'EOF'
[Unit]
Description=Print nfva's state on the console (config drive `selftest`)
After=nfva.service
Requires=nfva.service
ConditionPathExists=/run/nfva-selftest

[Service]
Type=oneshot
ExecStart=/bin/sh -c 'echo "nfva-selftest: unit $(systemctl show -p Type,ActiveState,SubState,WatchdogUSec,NRestarts --value nfva.service | tr "\\n" " ")"; echo "nfva-selftest: version $(nfvactl -j version 2>&1)"; echo "nfva-selftest: networks $(nfvactl -j network show 2>&1)"'
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
