#!/usr/bin/env bash
# SPDX-License-Identifier: BSD-3-Clause
# Checks libvirt XML against libvirt's own schemas (virt-xml-validate).
#   validate.sh FILE...     (FILE "-" reads standard input)
# A document whose root is a guest device (<interface>, <hostdev>) has no
# schema of its own: it is checked inside a minimal <domain>, as libvirt sees
# it in virsh attach-device. Exit 0 when every document validates.
set -euo pipefail
command -v virt-xml-validate > /dev/null ||
	{ echo "validate.sh: virt-xml-validate missing (apt-get install libvirt-clients)" >&2; exit 2; }
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
rc=0
for f in "$@"; do
	src="$tmp/in.xml"
	if [ "$f" = - ]; then cat > "$src"; else cp "$f" "$src"; fi
	# awk reads to the end: exiting early would SIGPIPE xmllint (pipefail: 141)
	root=$(xmllint --stream --debug "$src" 2>/dev/null |
		awk '$1 == 0 && $2 == 1 && root == "" { root = $3 } END { print root }')
	case "$root" in
	interface|hostdev)
		doc="$tmp/domain.xml"
		{
			echo "<domain type='qemu'><name>validate</name><memory>131072</memory>"
			echo "<os><type arch='x86_64' machine='q35'>hvm</type></os><devices>"
			sed '/^<?xml/d' "$src"
			echo "</devices></domain>"
		} > "$doc"
		;;
	*) doc=$src ;;
	esac
	if out=$(virt-xml-validate "$doc" 2>&1); then
		echo "$f validates"
	else
		echo "$f: INVALID" >&2
		echo "$out" >&2
		rc=1
	fi
done
exit $rc
