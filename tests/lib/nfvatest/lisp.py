# SPDX-License-Identifier: BSD-3-Clause
"""LISP for the tests: headers built with struct (scapy 2.5 has no LISP
layer) and small LISP control-message encoders/decoders, with which the tests
play the other side (test_lisp_data, tools/lisp_peer.py, tools/lisp_pcap.py).

Everything here is written from RFC 9300 / RFC 9301 directly, not from
nfva's code, so that a misreading in one does not hide in the other.
"""

import hashlib
import hmac
import struct

from .frames import ip4, ipv4_header, udp_datagram

GW_MAC = "02:00:00:00:00:01"  # nfva's default gateway MAC
LISP_DATA, LISP_CTRL = 4341, 4342


def lisp_data_header(iid=None, nonce=None, flags=None, lsb=0):
    """The 8-byte LISP data header: N when nonce is given, I when iid is."""
    f = 0
    if nonce is not None:
        f |= 0x80
    if iid is not None:
        f |= 0x08
    if flags is not None:
        f = flags
    b1 = (nonce or 0).to_bytes(3, "big")
    b2 = (iid << 8 | lsb).to_bytes(4, "big") if iid is not None else lsb.to_bytes(4, "big")
    return bytes([f]) + b1 + b2


def ipv4_packet(src, dst, payload, proto=17, ttl=64, ident=1):
    return ipv4_header(src, dst, proto, len(payload), ident, False, ttl) + payload


def udp_in_ipv4(src, dst, sport, dport, data, ttl=64):
    return ipv4_packet(src, dst, udp_datagram(sport, dport, data), 17, ttl)


# ------------------------------------------------------------ control messages

AFI_IPV4, AFI_IPV6, AFI_LCAF = 1, 2, 16387


def eid_bytes(eid, iid=0):
    """An EID address, in an Instance-ID LCAF when iid != 0."""
    import ipaddress
    a = ipaddress.ip_address(eid)
    plain = struct.pack("!H", AFI_IPV4 if a.version == 4 else AFI_IPV6) + a.packed
    if iid == 0:
        return plain
    return struct.pack("!HBBBBHI", AFI_LCAF, 0, 0, 2, 0, 4 + len(plain), iid) + plain


def locator_bytes(ip):
    """A locator or ITR-RLOC: AFI 1 or 2 and the address."""
    import ipaddress
    a = ipaddress.ip_address(ip)
    return struct.pack("!H", AFI_IPV4 if a.version == 4 else AFI_IPV6) + a.packed


def record(eid, plen, rlocs, ttl=1440, iid=0, action=0, auth=True):
    """A mapping record: rlocs = [(ip, priority, weight)], either family."""
    r = struct.pack("!IBBHH", ttl, len(rlocs), plen, (action << 13) | (0x1000 if auth else 0), 0)
    r += eid_bytes(eid, iid)
    for ip, prio, weight in rlocs:
        r += struct.pack("!BBBBH", prio, weight, 255, 0, 0x5) + locator_bytes(ip)
    return r


def map_reply(nonce, records):
    return struct.pack("!BHBQ", 2 << 4, 0, len(records), nonce) + b"".join(records)


def map_request(nonce, itr_rloc, eid, plen, iid=0, src_eid=None):
    """itr_rloc: one address or a list of them (either family: IRC = len - 1)."""
    itrs = [itr_rloc] if isinstance(itr_rloc, str) else list(itr_rloc)
    src = eid_bytes(src_eid, iid) if src_eid else struct.pack("!H", 0)
    return (struct.pack("!BBBBQ", 1 << 4, 0, len(itrs) - 1, 1, nonce) + src +
            b"".join(locator_bytes(i) for i in itrs) +
            struct.pack("!BB", 0, plen) + eid_bytes(eid, iid))


def auth_len(key_id):
    return {1: 20, 2: 32}[key_id]


def map_register(nonce, key, records, key_id=1, want_notify=True, proxy=False, msg_type=3):
    """A signed Map-Register (or Map-Notify with msg_type=4)."""
    alen = auth_len(key_id)
    head = struct.pack("!BBBBQHH", msg_type << 4 | (0x8 if proxy else 0), 0,
                       1 if want_notify and msg_type == 3 else 0, len(records), nonce,
                       key_id, alen)
    body = b"".join(records)
    unsigned = head + b"\0" * alen + body
    digest = hmac.new(key.encode(), unsigned, hashlib.sha1 if key_id == 1 else
                      hashlib.sha256).digest()
    return head + digest[:alen] + body


def verify_register(msg, key):
    """True when the Map-Register/Notify msg verifies with key."""
    key_id, alen = struct.unpack_from("!HH", msg, 12)
    unsigned = msg[:16] + b"\0" * alen + msg[16 + alen:]
    digest = hmac.new(key.encode(), unsigned, hashlib.sha1 if key_id == 1 else
                      hashlib.sha256).digest()
    return hmac.compare_digest(digest[:alen], msg[16:16 + alen])


def ecm(inner_src, inner_dst, msg, sport=LISP_CTRL):
    """Encapsulated Control Message around an IPv4/UDP 4342 message."""
    return b"\x80\0\0\0" + udp_in_ipv4(inner_src, inner_dst, sport, LISP_CTRL, msg)


def parse_records(msg, off, n):
    """[(iid, eid, plen, ttl, action, [rloc ips])] of n records from off."""
    import ipaddress
    out = []
    for _ in range(n):
        ttl, nloc, plen, act, _ = struct.unpack_from("!IBBHH", msg, off)
        off += 10
        afi = struct.unpack_from("!H", msg, off)[0]
        iid = 0
        if afi == AFI_LCAF:
            iid = struct.unpack_from("!I", msg, off + 8)[0]
            off += 12
            afi = struct.unpack_from("!H", msg, off)[0]
        size = 4 if afi == AFI_IPV4 else 16
        eid = str(ipaddress.ip_address(msg[off + 2:off + 2 + size]))
        off += 2 + size
        rlocs = []
        for _ in range(nloc):
            lafi = struct.unpack_from("!H", msg, off + 6)[0]
            lsize = 4 if lafi == AFI_IPV4 else 16
            rlocs.append(str(ipaddress.ip_address(msg[off + 8:off + 8 + lsize])))
            off += 8 + lsize
        out.append((iid, eid, plen, ttl, act >> 13, rlocs))
    return out, off
