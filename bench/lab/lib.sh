#!/bin/bash
# SPDX-License-Identifier: BSD-3-Clause
# Helpers of the lab scripts: every action goes through run/put so that
# --dry-run prints the exact command (one per line, prefixed "+ ") instead of
# running it. Sourced, not run.

DRY_RUN=${DRY_RUN:-0}

# quote ARGS...: the words as a shell would need them, readable.
quote() {
	local out=() a
	for a in "$@"; do
		if [[ $a =~ ^[A-Za-z0-9_./:,=@%+-]+$ ]]; then
			out+=("$a")
		else
			out+=("'${a//\'/\'\\\'\'}'")
		fi
	done
	echo "${out[*]}"
}

# run CMD ARGS...: print, then run unless dry.
run() {
	echo "+ $(quote "$@")"
	[ "$DRY_RUN" = 1 ] || "$@"
}

# run_bg LOG CMD ARGS...: print, then start in the background (output to LOG);
# the PID is in $BG_PID.
run_bg() {
	local log=$1
	shift
	echo "+ $(quote "$@") >$log 2>&1 &"
	BG_PID=
	[ "$DRY_RUN" = 1 ] && return 0
	"$@" >"$log" 2>&1 &
	# shellcheck disable=SC2034 # read by the scripts that source this file
	BG_PID=$!
}

# put VALUE PATH: write VALUE to a sysfs/procfs file.
put() {
	echo "+ echo $1 > $2"
	[ "$DRY_RUN" = 1 ] || echo "$1" >"$2"
}

# write_file PATH: stdin to PATH (printed whole in a dry run).
write_file() {
	local content
	content=$(cat)
	echo "+ cat > $1 <<'EOF'"
	echo "$content"
	echo "+ EOF"
	[ "$DRY_RUN" = 1 ] || printf '%s\n' "$content" >"$1"
}

die() { echo "lab: $*" >&2; exit 1; }

# options "NAME=VAR ..." ARGS...: each `--NAME VALUE` of ARGS into variable VAR;
# --dry-run sets DRY_RUN=1 (and DRY to "--dry-run", to pass on); anything else dies.
# shellcheck disable=SC2034 # DRY is read by the scripts that source this file
DRY=()
options() {
	local spec=$1 a var
	shift
	while [ $# -gt 0 ]; do
		if [ "$1" = --dry-run ]; then
			# shellcheck disable=SC2034
			DRY_RUN=1 DRY=(--dry-run)
			shift
			continue
		fi
		var=""
		for a in $spec; do [ "--${a%%=*}" = "$1" ] && var=${a#*=}; done
		[ -n "$var" ] && [ $# -ge 2 ] || die "unknown option $1 (see the head of $0)"
		printf -v "$var" '%s' "$2"
		shift 2
	done
}

# The PCI address of a netdev (sysfs), or what --pci said.
pci_of() {
	local pf=$1
	if [ -e "/sys/class/net/$pf/device" ]; then
		basename "$(readlink -f "/sys/class/net/$pf/device")"
	elif [ "$DRY_RUN" = 1 ]; then
		echo "PCI_OF_$pf"
	else
		die "no /sys/class/net/$pf/device: is $pf a PCI netdev? (or give --pci)"
	fi
}

# The PCI address of VF $2 of PF $1 (placeholder VF<n>_PCI in a dry run
# without the device).
vf_pci() {
	local link="/sys/class/net/$1/device/virtfn$2"
	if [ -e "$link" ]; then
		basename "$(readlink -f "$link")"
	else
		echo "VF$2_PCI"
	fi
}

# MAC of VF n: stable, locally administered.
vf_mac() { printf '02:00:00:00:10:%02x\n' "$1"; }

# nfvactl on the lab daemon's socket.
LAB_SOCK=${LAB_SOCK:-/run/nfva/lab.sock}
ctl() { run "${NFVACTL:-nfvactl}" -s "$LAB_SOCK" "$@"; }
