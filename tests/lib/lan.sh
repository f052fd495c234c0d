# SPDX-License-Identifier: BSD-3-Clause
# shellcheck shell=bash
# The three-VM learning bridge of the netns L2 tests and of the demo, on top
# of netns.sh (sourced here). Source it, then:
#
#   netns_require; lan_setup      # namespaces host + vm1..vm3, veths, addresses
#   lan_config > "$CONF"          # network lan, ports vm1..vm3, attached
#   nfva_up lan "$NS_HOST" "$CONF"
#   ctl lan fdb show; port_counter lan vm1 learned; vm_ping vm1 vm2 3
#   nfva_down lan
#
# Topology (three "VMs" on one network, every port untagged):
#
#   ns vm1 (10.0.0.1)     ns vm2 (10.0.0.2)     ns vm3 (10.0.0.3)
#       eth0                  eth0                  eth0
#        |                     |                     |
#   -----|---------------------|---------------------|------ ns host ----
#      vm1-PID               vm2-PID               vm3-PID       (veth peers)
#        |                     |                     |
#   net_af_packet0        net_af_packet1        net_af_packet2
#      port vm1              port vm2              port vm3
#        \_____________________|_____________________/
#                    nfva: network "lan" (learning bridge)

# shellcheck source=tests/lib/netns.sh
. "$(dirname "${BASH_SOURCE[0]}")/netns.sh"

LAN_VMS=(vm1 vm2 vm3)
NS_HOST="nfva-host-$TEST_ID"
# The af_packet ring of VM vmN's port: LAN_FRAMECNT[vmN] frames (default 512).
# A test that floods a port gives it a deeper ring so that a worker
# descheduled on a busy machine loses none.
declare -A LAN_FRAMECNT=()

ns_vm() { echo "nfva-$1-$TEST_ID"; }        # namespace of VM vmN
host_if() { echo "$1-$TEST_ID"; }           # host-side veth of VM vmN
vm_ip() { echo "10.0.0.${1#vm}"; }          # vm2 -> 10.0.0.2
vm_exec() { local vm=$1; shift; ip netns exec "$(ns_vm "$vm")" "$@"; }
# vm_mac VM: MAC address of a VM's eth0, lower case.
vm_mac() { mac_of "$(ns_vm "$1")" eth0; }
now_ms() { date +%s%3N; }

# lan_setup: the namespaces and veths of the topology above.
lan_setup() {
	local vm ns
	ns_add "$NS_HOST"
	for vm in "${LAN_VMS[@]}"; do
		ns=$(ns_vm "$vm")
		ns_add "$ns"
		veth "$NS_HOST" "$(host_if "$vm")" "$ns" eth0
		ip -n "$ns" addr add "$(vm_ip "$vm")/24" dev eth0
	done
	log "topology: ns $NS_HOST runs nfva; $(for vm in "${LAN_VMS[@]}"; do
		printf '%s=%s ' "$(ns_vm "$vm")" "$(vm_ip "$vm")"; done)"
}

# lan_static_neigh: every VM's neighbour entries pinned (no ARP at all: the
# only frames are the ones a test sends).
lan_static_neigh() {
	local vm peer
	for vm in "${LAN_VMS[@]}"; do
		for peer in "${LAN_VMS[@]}"; do
			[ "$vm" = "$peer" ] || pin "$(ns_vm "$vm")" "$(vm_ip "$peer")" "$(vm_mac "$peer")"
		done
	done
}

# vm_devargs VM K: af_packet devargs of the VM's host-side veth on vdev
# net_af_packetK.
vm_devargs() { afp "$2" "$(host_if "$1")" "${LAN_FRAMECNT[$1]:-512}"; }

# lan_config: the configuration of the topology: network lan, one port per
# VM, attached.
lan_config() {
	local k=0 vm
	echo "# network 'lan' with the three VM ports, untagged"
	echo "network add lan"
	for vm in "${LAN_VMS[@]}"; do
		echo "port add $vm dev $(vm_devargs "$vm" $k)"
		echo "network lan attach $vm"
		k=$((k + 1))
	done
}

# vm_ping FROM TO COUNT [INTERVAL]: prints how many of COUNT echo requests got
# a reply within 3 s (tools/pinger.py: a reply late on a loaded machine still
# counts, unlike with ping(8)).
vm_ping() {
	local out
	out=$(pinger "$(ns_vm "$1")" "$(vm_ip "$2")" "$3" "${4:-0.2}" 3) ||
		fail "pinger.py failed: $out"
	echo "$out" | cut -d' ' -f2
}
# ping_received: reads ping(8) output, prints the "N received" figure (0 when absent).
ping_received() {
	local n
	n=$(sed -n 's/.* \([0-9][0-9]*\) received.*/\1/p' | tail -n 1)
	echo "${n:-0}"
}

# ping_all_pairs COUNT: every ordered pair pings; prints one summary line per
# pair and returns non-zero if any pair lost a reply.
ping_all_pairs() {
	local count=$1 bad=0 a b got
	for a in "${LAN_VMS[@]}"; do
		for b in "${LAN_VMS[@]}"; do
			[ "$a" = "$b" ] && continue
			got=$(vm_ping "$a" "$b" "$count")
			echo "ping $a -> $b ($(vm_ip "$b")): $got/$count replies"
			[ "$got" = "$count" ] || bad=1
		done
	done
	return $bad
}
