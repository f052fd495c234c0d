#!/usr/bin/env python3
# SPDX-License-Identifier: BSD-3-Clause
"""Man pages and bash completion made at build time from what the binaries say
about themselves, so they cannot drift from the code:

    gen-docs.py nfvactl.8 GRAMMAR USAGE VERSION OUT   nfvactl(8): usage + every command
    gen-docs.py nfva.8 USAGE VERSION OUT              nfva(8): the daemon's options
    gen-docs.py completion GRAMMAR OUT                bash completion of nfvactl

GRAMMAR is `nfva --list-commands` (the JSON `nfvactl -j help` prints: a list
of {"command": syntax, "help": text}); USAGE the text of `nfvactl --help` or
`nfva -- --help`.
"""

import json
import sys

SEE_ALSO = ".SH SEE ALSO\n.BR nfva (8),\n.BR nfvactl (8),\n.BR systemctl (1)\n" \
    ".PP\n/usr/share/doc/nfva: README.md, docs/cli.md, docs/deployment.md\n"


def roff(text):
    """Escape text for troff: backslashes, and a leading dot or quote."""
    text = text.replace("\\", "\\e").replace("-", "\\-")
    text = "".join(c if ord(c) < 128 else f"\\[u{ord(c):04X}]" for c in text)
    return "\n".join(("\\&" + line) if line[:1] in (".", "'") else line
                     for line in text.split("\n"))


def header(name, version, summary):
    return (f'.TH {name.upper()} 8 "" "nfva {version}" "nfva"\n'
            f".SH NAME\n{name} \\- {roff(summary)}\n")


def verbatim(text):
    return ".PP\n.nf\n" + roff(text.rstrip("\n")) + "\n.fi\n"


def commands_section(grammar):
    out = [".SH DAEMON COMMANDS",
           "Sent as they are to the daemon; its grammar (lowercase words are "
           "keywords, a|b alternatives, UPPER words typed values, [...] options in "
           "any order after the fixed words):"]
    first = None
    for c in grammar:
        word = c["command"].split()[0]
        if word != first:
            out.append(f".SS {roff(word)}")
            first = word
        out.append(f".TP\n.B {roff(c['command'])}\n{roff(c['help'])}")
    return "\n".join(out) + "\n"


def man_nfvactl(grammar, usage, version):
    return (header("nfvactl", version, "control an nfva NFV appliance")
            + ".SH SYNOPSIS\n.B nfvactl\n[\\fIOPTIONS\\fR] \\fICOMMAND\\fR...\n"
            ".SH DESCRIPTION\nnfvactl sends one command to the nfva daemon over its "
            "UNIX socket and prints the reply as a table, or as JSON with \\fB\\-j\\fR. "
            "The commands are the daemon's (below, and \\fBnfvactl help\\fR on a "
            "running daemon); guest\\-xml, attach and detach run in nfvactl itself.\n"
            ".SH OPTIONS\n" + verbatim(usage) + commands_section(grammar)
            + ".SH ENVIRONMENT\n.TP\n.B NFVA_SOCKET\nthe daemon's socket when "
            "\\fB\\-s\\fR is not given (default /run/nfva/nfva.sock)\n"
            ".SH EXIT STATUS\n0 success, 1 an error (the daemon's message on stderr), "
            "2 a usage error.\n" + SEE_ALSO)


def man_nfva(usage, version):
    return (header("nfva", version, "SR-IOV/VF-offload NFV appliance on DPDK")
            + ".SH SYNOPSIS\n.B nfva\n[\\fIEAL options\\fR] \\-\\- [\\fIoptions\\fR]\n"
            ".SH DESCRIPTION\nnfva switches L2 networks between its ports (NICs, "
            "VFs, vhost\\-user and virtual devices), carries them over VXLAN, GRE, "
            "NVGRE or LISP, mirrors them, and moves established flows into the "
            "NIC's VF switch. It starts from the startup configuration (commands, "
            "one a line) and is then driven over its control socket by "
            "\\fBnfvactl\\fR(8).\n"
            ".SH OPTIONS\nEAL options come first (see the DPDK documentation; "
            "\\fBnfva \\-\\-help\\fR prints them), then \\-\\- and nfva's own:\n"
            + verbatim(usage)
            + ".SH CONFIGURATION\n\\fBnfvactl config show\\fR prints the running "
            "configuration as commands that rebuild it; \\fBnfvactl config save\\fR "
            "writes it to the startup file (atomically, mode 0600: it holds LISP "
            "keys); with \\fB\\-\\-autosave\\fR every change is saved. "
            "\\fBnfva \\-\\-check\\-config\\fR \\fIFILE\\fR checks a file without "
            "starting.\n"
            ".SH SYSTEMD\nnfva.service is Type=notify: nfva sends READY=1 once the "
            "configuration is applied and the workers run, WATCHDOG=1 from its "
            "control thread every half WatchdogSec (a hung control thread gets the "
            "service restarted) and STOPPING=1 when it shuts down. Its options are "
            "in /etc/default/nfva.\n"
            ".SH SIGNALS\nSIGTERM and SIGINT stop nfva in order: workers stopped, "
            "ports removed, socket removed, exit status 0.\n"
            ".SH FILES\n.TP\n/etc/nfva/nfva.conf\nthe startup configuration\n"
            ".TP\n/etc/default/nfva\nNFVA_EAL_ARGS, NFVA_ARGS and NFVA_CONFIG of the "
            "service\n.TP\n/run/nfva/nfva.sock\nthe control socket (mode 0600)\n"
            ".TP\n/run/nfva/vhost\nguests' vhost\\-user sockets\n" + SEE_ALSO)


COMPLETION_CODE = r'''
# Words a placeholder may take: names from the running daemon, when it answers.
_nfvactl_names() {
	local what
	case $1 in
	PORT*) what="port show" ;;
	NETWORK*) what="network show" ;;
	*) return ;;
	esac
	# shellcheck disable=SC2086
	nfvactl "${_nfvactl_sock[@]}" -j -t 1 $what 2>/dev/null |
		grep -o '"name": *"[^"]*"' | sed 's/.*"\([^"]*\)"$/\1/'
}

# _nfvactl_next SYNTAX WORD...: the words that may come after WORD... in SYNTAX
# (keywords, or names for a PORT/NETWORK placeholder), nothing if it does not fit.
_nfvactl_next() {
	local -a spec fixed=() groups=() words=("${@:2}")
	local tok group="" i n
	read -r -a spec <<<"$1"
	for tok in "${spec[@]}"; do
		if [ -n "$group" ] || [ "${tok:0:1}" = "[" ]; then
			group="$group ${tok#[}"
			if [ "${tok: -1}" = "]" ]; then
				groups+=("${group%]}")
				group=""
			fi
		else
			fixed+=("$tok")
		fi
	done
	n=${#words[@]}
	for ((i = 0; i < n && i < ${#fixed[@]}; i++)); do
		_nfvactl_fits "${fixed[$i]}" "${words[$i]}" || return
	done
	if ((n < ${#fixed[@]})); then
		_nfvactl_offer "${fixed[$n]}"
		return
	fi
	_nfvactl_groups "${#fixed[@]}"
}

# _nfvactl_groups J: the optional groups from word J on (groups, words, n of
# the caller): each typed group must fit one unused group; then the next word
# of a group typed in part, or the first word of every unused group.
_nfvactl_groups() {
	local -A used=()
	local -a spec
	local j=$1 g k hit offers
	while ((j < n)); do
		hit=-1 offers=""
		for ((g = 0; g < ${#groups[@]}; g++)); do
			[ -z "${used[$g]:-}" ] || continue
			read -r -a spec <<<"${groups[$g]}"
			for ((k = 0; k < ${#spec[@]} && j + k < n; k++)); do
				_nfvactl_fits "${spec[$k]}" "${words[$((j + k))]}" || break
			done
			((k < ${#spec[@]} && j + k < n)) && continue # a word does not fit
			if ((k < ${#spec[@]})); then                # typed in part
				offers+=" $(_nfvactl_offer "${spec[$k]}")"
				continue
			fi
			hit=$g
			break
		done
		if ((hit < 0)); then
			echo "$offers"
			return
		fi
		used[$hit]=1
		read -r -a spec <<<"${groups[$hit]}"
		j=$((j + ${#spec[@]}))
	done
	for ((g = 0; g < ${#groups[@]}; g++)); do
		[ -z "${used[$g]:-}" ] || continue
		read -r -a spec <<<"${groups[$g]}"
		_nfvactl_offer "${spec[0]}"
	done
}

# A keyword (a|b) must match; a placeholder (upper case) takes any word.
_nfvactl_fits() {
	[[ $1 =~ ^[A-Z] ]] && return 0
	[[ "|$1|" == *"|$2|"* ]]
}

_nfvactl_offer() {
	if [[ $1 =~ ^[A-Z] ]]; then
		_nfvactl_names "$1"
	else
		echo "${1//|/ }"
	fi
}

_nfvactl() {
	local cur=${COMP_WORDS[COMP_CWORD]} i=1 s
	local -a words=() cands=()
	_nfvactl_sock=()
	while ((i < COMP_CWORD)); do
		case ${COMP_WORDS[$i]} in
		-s | --socket) _nfvactl_sock=(-s "${COMP_WORDS[$((i + 1))]}"); i=$((i + 2)) ;;
		-t | --timeout) i=$((i + 2)) ;;
		-*) i=$((i + 1)) ;;
		*) break ;;
		esac
	done
	case ${COMP_WORDS[$((COMP_CWORD - 1))]} in
	-s | --socket) mapfile -t COMPREPLY < <(compgen -f -- "$cur"); return ;;
	-t | --timeout) return ;;
	esac
	if ((i == COMP_CWORD)) && [[ $cur == -* ]]; then
		mapfile -t COMPREPLY < <(compgen -W "-j --json -p --pretty -s --socket -t --timeout -V --version -h --help" -- "$cur")
		return
	fi
	words=("${COMP_WORDS[@]:$i:$((COMP_CWORD - i))}")
	if ((${#words[@]} == 0)); then
		cands=(guest-xml attach detach)
	elif [[ ${words[0]} =~ ^(guest-xml|attach|detach)$ ]]; then
		return
	fi
	for s in "${_nfvactl_syntax[@]}"; do
		# shellcheck disable=SC2207
		cands+=($(_nfvactl_next "$s" "${words[@]}"))
	done
	mapfile -t COMPREPLY < <(compgen -W "${cands[*]}" -- "$cur" | sort -u)
}
complete -F _nfvactl nfvactl
'''


def completion(grammar):
    lines = ["# bash completion of nfvactl(8): generated from nfva's command grammar",
             "# (nfva --list-commands) by packaging/gen-docs.py; do not edit.",
             "# shellcheck shell=bash", "_nfvactl_syntax=("]
    lines += ["\t'" + c["command"].replace("'", "'\\''") + "'" for c in grammar]
    lines.append(")")
    return "\n".join(lines) + "\n" + COMPLETION_CODE


def main(argv):
    kind = argv[1]
    if kind == "nfvactl.8":
        grammar, usage, version, out = argv[2:6]
        text = man_nfvactl(json.load(open(grammar)), open(usage).read(), version)
    elif kind == "nfva.8":
        usage, version, out = argv[2:5]
        text = man_nfva(open(usage).read(), version)
    elif kind == "completion":
        grammar, out = argv[2:4]
        text = completion(json.load(open(grammar)))
    else:
        sys.exit(f"gen-docs.py: unknown output {kind}")
    with open(out, "w") as f:
        f.write(text)


if __name__ == "__main__":
    main(sys.argv)
