/* SPDX-License-Identifier: BSD-3-Clause */
/* Frames the control thread originates on the uplink: ARP and IGMP. They
 * reach the wire through the control ring and worker 0 (punt.h). */
#ifndef NFVA_UNDERLAY_TX_H
#define NFVA_UNDERLAY_TX_H

#include <stdint.h>
#include <rte_ether.h>

int underlay_send_arp_request(uint32_t target_ip);
int underlay_send_arp_reply(uint32_t target_ip, const struct rte_ether_addr *target_mac);
int underlay_send_igmp_report(uint32_t group);
/* 01:00:5e mapping of an IPv4 multicast group (network order). */
void ipv4_multicast_mac(uint32_t group, struct rte_ether_addr *mac);

#endif
