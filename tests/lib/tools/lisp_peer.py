#!/usr/bin/env python3
# SPDX-License-Identifier: BSD-3-Clause
"""A scripted LISP control-plane peer on a plain UDP socket (port 4342), run
inside a test namespace. One exchange per run, bounded in time; prints what
happened as "key value" lines for the calling test.

  lisp_peer.py resolve MODE IID           wait for nfva's Map-Request (ECM) and
      answer it as map-resolver: MODE good | wrong-nonce | truncated
  lisp_peer.py register MODE KEY IID EID  send a Map-Register to nfva (map-server)
      MODE good | wrong-key | truncated | outside | sha256; wait 2 s for a Map-Notify
  lisp_peer.py server MODE KEY            wait for nfva's Map-Register (as its
      map-server), check its HMAC, answer MODE good | wrong-nonce | wrong-key
  lisp_peer.py server-all KEY SECONDS     as map-server for SECONDS: answer every
      Map-Register that verifies with a good Map-Notify; then print how many
      registers, records (distinct EIDs), nonces (distinct) and bad HMACs came

The addresses: nfva's RLOC and the peer's own come from LISP_PEER_NFVA and
LISP_PEER_SELF (default 192.168.1.249 and .252); IPv6 ones make the socket
IPv6. Hostile modes over either family: register rloc-link-local (the
record names fe80::1), register zero-csum (UDP checksum 0, IPv6 only),
resolve bad-rlocs (the reply names only link-local, loopback and nfva's own
RLOC).
"""
import os
import random
import socket
import struct
import sys
import time

from nfvatest import lisp as L

NFVA_RLOC = os.environ.get("LISP_PEER_NFVA", "192.168.1.249")
PEER_RLOC = os.environ.get("LISP_PEER_SELF", "192.168.1.252")
V6 = ":" in PEER_RLOC
UDP_NO_CHECK6_TX = 101  # linux/udp.h: send a zero UDP checksum over IPv6


def sock(timeout, zero_csum=False):
    s = socket.socket(socket.AF_INET6 if V6 else socket.AF_INET, socket.SOCK_DGRAM)
    s.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    if V6:  # IPv6 only: nfva's IPv4 control traffic is not this peer's
        s.setsockopt(socket.IPPROTO_IPV6, socket.IPV6_V6ONLY, 1)
    if zero_csum:
        s.setsockopt(socket.IPPROTO_UDP, UDP_NO_CHECK6_TX, 1)
    s.bind(("::" if V6 else "0.0.0.0", L.LISP_CTRL))
    s.settimeout(timeout)
    print("ready", flush=True)
    return s


def recv_type(s, want, deadline):
    while time.monotonic() < deadline:
        try:
            data, addr = s.recvfrom(2048)
        except socket.timeout:
            continue
        if data and data[0] >> 4 == want:
            return data, addr
    return None, None


def wait_message(msg_type, what):
    """(socket, message, sender) of the first message of msg_type within
    15 s; (None, None, None) after printing "WHAT none" when none came."""
    s = sock(1.0)
    msg, addr = recv_type(s, msg_type, time.monotonic() + 15)
    if msg is None:
        print(f"{what} none")
        return None, None, None
    return s, msg, addr


def resolve(mode, iid):
    s, msg, addr = wait_message(8, "request")
    if msg is None:
        return
    inner = msg[4:]
    ihl = (inner[0] & 0xF) * 4
    sport = struct.unpack_from("!H", inner, ihl)[0]
    req = inner[ihl + 8:]
    nonce = struct.unpack_from("!Q", req, 4)[0]
    eid = ".".join(str(b) for b in inner[16:20])
    print(f"request {eid} from {addr[0]} nonce {nonce:#x}")
    rec = L.record(eid, 32, [(PEER_RLOC, 1, 100)], ttl=10, iid=iid)
    if mode == "bad-rlocs":
        rec = L.record(eid, 32, [("fe80::1", 1, 100), ("::1", 1, 100), (NFVA_RLOC, 1, 100)],
                       ttl=10, iid=iid)
    if mode == "wrong-nonce":
        reply = L.map_reply(nonce ^ 0x5A5A, [rec])
    elif mode == "truncated":
        reply = L.map_reply(nonce, [rec])[:-3]
    else:
        reply = L.map_reply(nonce, [rec])
    s.sendto(reply, (addr[0], sport))
    print(f"reply {mode} sent")


def register(mode, key, iid, eid):
    s = sock(0.5, zero_csum=mode == "zero-csum")
    nonce = random.getrandbits(64)
    key_id = 2 if mode == "sha256" else 1
    rec = L.record(eid, 32, [(PEER_RLOC, 1, 100)], iid=iid)
    if mode == "outside":
        rec = L.record("10.9.0.0", 16, [(PEER_RLOC, 1, 100)], iid=iid)
    if mode == "rloc-link-local":
        rec = L.record(eid, 32, [(PEER_RLOC, 1, 100), ("fe80::1", 1, 100)], iid=iid)
    msg = L.map_register(nonce, "not-" + key if mode == "wrong-key" else key, [rec],
                         key_id=key_id)
    if mode == "truncated":  # record cut short, HMAC right for what is sent
        msg = L.map_register(nonce, key, [rec[:-2]], key_id=key_id)
    s.sendto(msg, (NFVA_RLOC, L.LISP_CTRL))
    got, _ = recv_type(s, 4, time.monotonic() + 2)
    if got is None:
        print("notify none")
        return
    ok = L.verify_register(got, key)
    same = struct.unpack_from("!Q", got, 4)[0] == nonce
    print(f"notify {'auth-ok' if ok else 'auth-bad'} {'nonce-ok' if same else 'nonce-bad'}")


def server(mode, key):
    s, msg, addr = wait_message(3, "register")
    if msg is None:
        return
    nonce = struct.unpack_from("!Q", msg, 4)[0]
    key_id = struct.unpack_from("!H", msg, 12)[0]
    n = msg[3]
    recs, _ = L.parse_records(msg, 16 + L.auth_len(key_id), n)
    print(f"register key-id {key_id} auth {'ok' if L.verify_register(msg, key) else 'bad'} "
          f"want-notify {msg[2] & 1} records " +
          " ".join(f"{r[0]}:{r[1]}/{r[2]}@{'+'.join(r[5])}" for r in recs))
    body = msg[16 + L.auth_len(key_id):]
    recs_raw = [body]
    if mode == "wrong-nonce":
        nt = L.map_register(nonce ^ 1, key, recs_raw, key_id=key_id, msg_type=4)
    elif mode == "wrong-key":
        nt = L.map_register(nonce, "not-" + key, recs_raw, key_id=key_id, msg_type=4)
    else:
        nt = L.map_register(nonce, key, recs_raw, key_id=key_id, msg_type=4)
    nt = nt[:3] + bytes([n]) + nt[4:]  # record count of the register
    if key_id in (1, 2):
        import hashlib
        import hmac
        alen = L.auth_len(key_id)
        k = ("not-" + key) if mode == "wrong-key" else key
        unsigned = nt[:16] + b"\0" * alen + nt[16 + alen:]
        digest = hmac.new(k.encode(), unsigned,
                          hashlib.sha1 if key_id == 1 else hashlib.sha256).digest()
        nt = nt[:16] + digest[:alen] + nt[16 + alen:]
    s.sendto(nt, (addr[0], addr[1]))
    print(f"notify {mode} sent")


def notify_for(msg, key):
    """The good Map-Notify for a Map-Register: its nonce and records, signed."""
    import hashlib
    import hmac
    key_id = struct.unpack_from("!H", msg, 12)[0]
    alen = L.auth_len(key_id)
    nt = bytes([4 << 4, msg[1], 0]) + msg[3:16] + b"\0" * alen + msg[16 + alen:]
    digest = hmac.new(key.encode(), nt, hashlib.sha1 if key_id == 1 else
                      hashlib.sha256).digest()
    return nt[:16] + digest[:alen] + nt[16 + alen:]


def server_all(key, seconds):
    s = sock(0.2)
    deadline = time.monotonic() + seconds
    registers, bad, eids, nonces = 0, 0, set(), set()
    while time.monotonic() < deadline:
        try:
            msg, addr = s.recvfrom(4096)
        except socket.timeout:
            continue
        if not msg or msg[0] >> 4 != 3:
            continue
        registers += 1
        if not L.verify_register(msg, key):
            bad += 1
            continue
        key_id = struct.unpack_from("!H", msg, 12)[0]
        recs, _ = L.parse_records(msg, 16 + L.auth_len(key_id), msg[3])
        eids.update((r[0], r[1], r[2]) for r in recs)
        nonces.add(struct.unpack_from("!Q", msg, 4)[0])
        s.sendto(notify_for(msg, key), addr)
    print(f"registers {registers} records {len(eids)} nonces {len(nonces)} auth_bad {bad}")


def main():
    what = sys.argv[1]
    if what == "resolve":
        resolve(sys.argv[2], int(sys.argv[3]))
    elif what == "register":
        register(sys.argv[2], sys.argv[3], int(sys.argv[4]), sys.argv[5])
    elif what == "server":
        server(sys.argv[2], sys.argv[3])
    elif what == "server-all":
        server_all(sys.argv[2], float(sys.argv[3]))
    else:
        sys.exit(f"unknown action {what}")


if __name__ == "__main__":
    main()
