# SPDX-License-Identifier: BSD-3-Clause
"""evpn_inject: a minimal iBGP l2vpn-evpn speaker that injects N remote VTEPs
(type-3 inclusive-multicast routes, PMSI ingress replication) and M MACs
(type-2 MAC routes spread round-robin over the VTEPs, label = VNI) into a BGP
peer (FRR), for the EVPN scale run.

Why not gobgp's CLI: one `gobgp global rib add` costs ~130 ms here (a Go
process and a gRPC call per route), 100 000 routes would take hours, and
`gobgp mrt inject` only takes IPv4/IPv6 unicast RIBs. This speaker packs up
to ~110 NLRIs per UPDATE (RFC 4760 MP_REACH_NLRI, RFC 7432 NLRI encodings,
RFC 8365 VXLAN encapsulation extended community, RFC 6514 PMSI attribute),
so the receiving FRR, not the injector, is what is measured.

    python3 -m nfvatest.evpn_inject --local 10.99.0.2 --peer 10.99.0.1 \
        --vteps 200 --macs 5000 --done FILE      # keeps the session up
    python3 -m nfvatest.evpn_inject --vteps 200 --macs 5000 --sample 20
        # prints "MAC VTEP" lines of 20 MACs spread over the set (no BGP)

VTEP i (0-based) is vtep_base + i; MAC j is mac_base + j, behind VTEP j % N.
The --done FILE gets one JSON line when everything is sent: the time of the
first and last UPDATE (epoch s), the number of UPDATEs and routes.
"""

import argparse
import ipaddress
import json
import socket
import struct
import sys
import threading
import time

AFI_L2VPN, SAFI_EVPN = 25, 70
MARKER = b"\xff" * 16
MAX_MSG = 4096


def vtep_of(args, i):
    return ipaddress.IPv4Address(int(ipaddress.IPv4Address(args.vtep_base)) + i)


def mac_of(args, j):
    v = int(args.mac_base.replace(":", ""), 16) + j
    return ":".join("%02x" % b for b in v.to_bytes(6, "big"))


def msg(mtype, body):
    return MARKER + struct.pack("!HB", 19 + len(body), mtype) + body


def open_msg(asn, router_id, hold):
    caps = struct.pack("!BBHBB", 1, 4, AFI_L2VPN, 0, SAFI_EVPN)  # multiprotocol
    caps += struct.pack("!BBI", 65, 4, asn)  # 4-octet AS
    caps += struct.pack("!BB", 2, 0)  # route refresh
    opt = struct.pack("!BB", 2, len(caps)) + caps
    body = struct.pack("!BHH4sB", 4, asn if asn < 65536 else 23456, hold,
                       socket.inet_aton(router_id), len(opt)) + opt
    return msg(1, body)


def rd(ip, num):
    return struct.pack("!H4sH", 1, ip.packed, num)


def nlri_type3(ip, vni):
    body = rd(ip, vni) + struct.pack("!IB", 0, 32) + ip.packed
    return struct.pack("!BB", 3, len(body)) + body


def nlri_type2(ip, vni, mac):
    body = rd(ip, vni) + b"\x00" * 10 + struct.pack("!IB", 0, 48)
    body += bytes.fromhex(mac.replace(":", "")) + b"\x00" + vni.to_bytes(3, "big")
    return struct.pack("!BB", 2, len(body)) + body


def attr(flags, atype, value):
    if len(value) > 255:
        return struct.pack("!BBH", flags | 0x10, atype, len(value)) + value
    return struct.pack("!BBB", flags, atype, len(value)) + value


def update(asn, vni, nexthop, nlris, pmsi=False):
    ext = struct.pack("!BBHI", 0x00, 0x02, asn, vni)  # route target AS:VNI
    ext += struct.pack("!BBIH", 0x03, 0x0C, 0, 8)  # encapsulation: VXLAN
    attrs = attr(0x40, 1, b"\x00") + attr(0x40, 2, b"") + attr(0x40, 5, struct.pack("!I", 100))
    attrs += attr(0xC0, 16, ext)
    if pmsi:  # ingress replication, label = VNI, tunnel id = the VTEP
        attrs += attr(0xC0, 22, struct.pack("!BB", 0, 6) + vni.to_bytes(3, "big") + nexthop.packed)
    mp = struct.pack("!HBB", AFI_L2VPN, SAFI_EVPN, 4) + nexthop.packed + b"\x00" + b"".join(nlris)
    attrs += attr(0x80, 14, mp)
    return msg(2, struct.pack("!H", 0) + struct.pack("!H", len(attrs)) + attrs)


def updates(args):
    """Yield (message, routes): type-3 first, then type-2 batched per VTEP."""
    n = args.vteps
    for i in range(n):
        ip = vtep_of(args, i)
        yield update(args.asn, args.vni, ip, [nlri_type3(ip, args.vni)], pmsi=True), 1
    per = max(1, (MAX_MSG - 120) // 35)
    for i in range(n):
        ip = vtep_of(args, i)
        macs = range(i, args.macs, n)
        for k in range(0, len(macs), per):
            nl = [nlri_type2(ip, args.vni, mac_of(args, j)) for j in macs[k:k + per]]
            yield update(args.asn, args.vni, ip, nl), len(nl)


class Session:
    def __init__(self, args):
        for _ in range(50):  # bgpd may not listen yet
            try:
                self.sock = socket.create_connection((args.peer, 179), timeout=10,
                                                     source_address=(args.local, 0))
                break
            except OSError:
                time.sleep(0.2)
        else:
            raise SystemExit("evpn_inject: cannot connect to %s:179" % args.peer)
        self.sock.settimeout(None)
        self.lock = threading.Lock()
        self.error = None
        self.hold = args.hold

    def send(self, data):
        with self.lock:
            self.sock.sendall(data)

    def recv_msg(self):
        hdr = self._read(19)
        length, mtype = struct.unpack("!HB", hdr[16:19])
        return mtype, self._read(length - 19)

    def _read(self, n):
        buf = b""
        while len(buf) < n:
            chunk = self.sock.recv(n - len(buf))
            if not chunk:
                raise ConnectionError("peer closed the session")
            buf += chunk
        return buf

    def reader(self):
        try:
            while True:
                mtype, body = self.recv_msg()
                if mtype == 3:
                    raise ConnectionError("NOTIFICATION %s" % body.hex())
        except (OSError, ConnectionError) as e:
            self.error = str(e)

    def keepalive(self):
        while self.error is None:
            time.sleep(max(1, self.hold // 3))
            try:
                self.send(msg(4, b""))
            except OSError as e:
                self.error = str(e)


def establish(args):
    s = Session(args)
    s.send(open_msg(args.asn, args.local, args.hold))
    mtype, body = s.recv_msg()
    if mtype != 1:
        raise SystemExit("evpn_inject: expected OPEN, got type %d %s" % (mtype, body.hex()))
    s.hold = min(args.hold, struct.unpack("!H", body[3:5])[0]) or args.hold
    s.send(msg(4, b""))
    while True:
        mtype, body = s.recv_msg()
        if mtype == 4:
            break
        if mtype == 3:
            raise SystemExit("evpn_inject: NOTIFICATION %s" % body.hex())
    threading.Thread(target=s.reader, daemon=True).start()
    threading.Thread(target=s.keepalive, daemon=True).start()
    return s


def main():
    p = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    p.add_argument("--peer", default="10.99.0.1")
    p.add_argument("--local", default="10.99.0.2")
    p.add_argument("--asn", type=int, default=65000)
    p.add_argument("--vni", type=int, default=100)
    p.add_argument("--vteps", type=int, required=True)
    p.add_argument("--macs", type=int, default=0)
    p.add_argument("--vtep-base", default="10.200.0.1")
    p.add_argument("--mac-base", default="02:ee:00:00:00:00")
    p.add_argument("--hold", type=int, default=9)
    p.add_argument("--done", help="file for the JSON summary; then keep the session up")
    p.add_argument("--sample", type=int, help="print SAMPLE 'MAC VTEP' lines and exit")
    args = p.parse_args()
    if args.sample is not None:
        step = max(1, args.macs // max(1, args.sample))
        for k in range(min(args.sample, args.macs)):
            j = (k * step + k) % args.macs  # + k: not all behind one VTEP
            print(mac_of(args, j), vtep_of(args, j % args.vteps))
        return 0
    s = establish(args)
    t0 = time.time()
    n_upd = n_routes = 0
    for m, k in updates(args):
        s.send(m)
        n_upd += 1
        n_routes += k
    t1 = time.time()
    summary = {"t_first": t0, "t_last": t1, "updates": n_upd, "routes": n_routes,
               "rate": round(n_routes / max(t1 - t0, 1e-6))}
    with open(args.done or "/dev/stdout", "w") as f:
        f.write(json.dumps(summary) + "\n")
    while args.done and s.error is None:
        time.sleep(0.5)
    if s.error:
        print("evpn_inject: session ended: %s" % s.error, file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
