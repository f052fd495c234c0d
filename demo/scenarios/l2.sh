# SPDX-License-Identifier: BSD-3-Clause
# Scenario l2 (sourced by demo/run.sh): plain bridging on the base topology.
# Every VM pings every other one; the FDB, the ports and the counters follow.
# Fails if any ping loses a reply.

demo_scenario l2 "three VMs on one learning bridge: every pair pings; FDB, ports, stats"

l2_run() {
	local ok=0
	echo "VM MACs: $(for vm in "${LAN_VMS[@]}"; do printf '%s=%s ' "$vm" "$(vm_mac "$vm")"; done)"
	for a in "${LAN_VMS[@]}"; do
		for b in "${LAN_VMS[@]}"; do
			[ "$a" = "$b" ] && continue
			local out
			out=$(vm_exec "$a" ping -n -q -c 3 -W 2 -i 0.2 "$(vm_ip "$b")" 2>&1) || ok=1
			echo
			echo "$a \$ ping -c 3 $(vm_ip "$b")   # $b"
			grep -E 'packets transmitted|^rtt' <<<"$out" | sed 's/^/  /'
			[ "$(ping_received <<<"$out")" = 3 ] || ok=1
		done
	done
	demo_cmd fdb show
	demo_cmd port show
	demo_cmd stats
	return $ok
}
