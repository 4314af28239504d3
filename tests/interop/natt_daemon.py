#!/usr/bin/python3
"""A minimal key management daemon for test_live_natt.sh, written with
the independent PF_KEY client (pfkey_wire.py): it registers for ESP on a
running sockmgr, answers the first SADB_ACQUIRE by adding the two esp-udp
SAs between the ACQUIRE's addresses (NAT-T type, ports 4500), and then
reports every SADB_X_NAT_T_NEW_MAPPING it receives, one line each:
    acquire SRC DST
    added
    new_mapping SPI SRC SPORT DPORT
until it has seen one mapping or the time runs out.

usage: natt_daemon.py SOCKDIR SECONDS
"""
import socket
import struct
import sys
import time

import pfkey_wire as w

X_NAT_T_NEW_MAPPING = 23
UDP_ENCAP_ESPINUDP = 2


def addr_of(m, etype):
    """Address and port of an address extension."""
    raw = m.exts[etype]
    fam, port = struct.unpack_from("=HH", raw, 8)
    if fam == socket.AF_INET:
        return socket.inet_ntoa(raw[12:16]), socket.ntohs(port)
    return socket.inet_ntop(socket.AF_INET6, raw[16:32]), socket.ntohs(port)


def port_of(m, etype):
    return socket.ntohs(struct.unpack_from("=H", m.exts[etype], 4)[0])


def natt_exts(sport, dport):
    return [w.ext(w.NAT_T_TYPE, struct.pack("=B3x", UDP_ENCAP_ESPINUDP)),
            w.ext(w.NAT_T_SPORT, struct.pack("!H2x", sport)),
            w.ext(w.NAT_T_DPORT, struct.pack("!H2x", dport))]


def main():
    sockdir, seconds = sys.argv[1], float(sys.argv[2])
    c = w.Client(sockdir)
    reg = c.call(w.msg(w.REGISTER, w.SATYPE_ESP, seq=1))
    if reg is None or reg.errno != 0:
        print("register failed", flush=True)
        return 1
    print("registered", flush=True)
    end = time.time() + seconds
    added = False
    while time.time() < end:
        m = c.recv(max(0.0, end - time.time()))
        if m is None:
            break
        if m.type == w.ACQUIRE and not added:
            src, _ = addr_of(m, w.A_SRC)
            dst, _ = addr_of(m, w.A_DST)
            print("acquire %s %s" % (src, dst), flush=True)
            mine = [w.sa2(mode=1)] + natt_exts(4500, 4500)
            r1 = c.call(w.add_msg(0x5001, src, dst, extra=mine,
                                  seq=m.seq))
            r2 = c.call(w.add_msg(0x5002, dst, src, extra=mine, seq=90))
            if r1 is None or r2 is None or r1.errno or r2.errno:
                print("add failed", flush=True)
                return 1
            added = True
            print("added", flush=True)
        elif m.type == X_NAT_T_NEW_MAPPING:
            src, sp = addr_of(m, w.A_SRC)
            print("new_mapping 0x%x %s %d %d %d" % (
                m.spi(), src, sp, port_of(m, w.NAT_T_SPORT),
                port_of(m, w.NAT_T_DPORT)), flush=True)
            return 0
    return 0


if __name__ == "__main__":
    sys.exit(main())
