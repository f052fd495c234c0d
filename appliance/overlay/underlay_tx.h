/* SPDX-License-Identifier: BSD-3-Clause */
/* Frames the control thread originates on the uplink: ARP, IGMP, MLD and
 * Neighbour Discovery. They
 * reach the wire through the control ring and worker 0 (punt.h). */
#ifndef NFVA_UNDERLAY_TX_H
#define NFVA_UNDERLAY_TX_H

#include <stdint.h>
#include <rte_ether.h>
#include <rte_mbuf.h>

int underlay_send_arp_request(uint32_t target_ip);
int underlay_send_arp_reply(uint32_t target_ip, const struct rte_ether_addr *target_mac);
int underlay_send_igmp_report(uint32_t group);
/* An MLDv2 report (RFC 3810) joining group (exclude mode, no sources), from
 * the uplink's link-local address (EUI-64 of its MAC). */
int underlay_send_mld_report(const uint8_t group[16]);
/* A Neighbor Solicitation for target (multicast to its solicited-node
 * group, with our link-layer address). */
int underlay_send_ns(const uint8_t target[16]);
/* A Neighbor Advertisement for our IPv6 address to dst (dst_mac), flags
 * ND_NA_FLAG_*, with our link-layer address as target option. */
int underlay_send_na(const uint8_t dst[16], const struct rte_ether_addr *dst_mac, uint8_t flags);
/* A fresh frame of len bytes on the uplink, Ethernet header filled, the
 * rest zero at *payload (underlay_tx*.c). */
struct rte_mbuf *uplink_frame(const struct rte_ether_addr *dst, uint16_t ether_type, uint16_t len,
		void **payload);
/* 01:00:5e mapping of an IPv4 multicast group (network order). */
void ipv4_multicast_mac(uint32_t group, struct rte_ether_addr *mac);

#endif
