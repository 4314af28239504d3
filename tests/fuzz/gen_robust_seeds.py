#!/usr/bin/python3
# Writes the seeds of fuzz_ip6_exthdr, fuzz_ip_reass, fuzz_pcap_file and
# fuzz_pfkey_state into tests/fuzz/{ip6_exthdr,ip_reass,pcap_file,
# pfkey_state}.seeds/.  Needs Debian's
# python3-scapy; run as /usr/bin/python3 tests/fuzz/gen_robust_seeds.py.
import os
import struct
import sys
import tempfile

from scapy.all import (IPv6, IP, UDP, TCP, Raw, IPv6ExtHdrHopByHop,
                       IPv6ExtHdrRouting, IPv6ExtHdrDestOpt,
                       IPv6ExtHdrFragment, Ether, Dot1Q, CookedLinux,
                       Loopback, wrpcap)
from scapy.layers.ipsec import ESP

A6 = dict(src='2001:db8::1', dst='2001:db8::2')
A4 = dict(src='192.0.2.1', dst='192.0.2.2')


def write(d, name, data):
    os.makedirs(d, exist_ok=True)
    with open(os.path.join(d, name), 'wb') as f:
        f.write(data)


def ip6_seeds(d):
    """Next header of the fixed header, then the chain."""
    chains = {
        'tcp': IPv6(**A6) / TCP(),
        'hbh_dst_udp': IPv6(**A6) / IPv6ExtHdrHopByHop() /
        IPv6ExtHdrDestOpt() / UDP(),
        'rh_frag': IPv6(**A6) / IPv6ExtHdrRouting(addresses=[A6['dst']]) /
        IPv6ExtHdrFragment(offset=0, m=1, id=5) / UDP() / Raw(b'x' * 16),
        'frag_later': IPv6(**A6) / IPv6ExtHdrFragment(offset=8, m=0, id=6) /
        Raw(b'y' * 24),
        'esp': IPv6(**A6) / IPv6ExtHdrDestOpt() / ESP(spi=1, seq=1) /
        Raw(b'z' * 32),
    }
    for name, p in chains.items():
        b = bytes(p)
        write(d, name, bytes([b[6]]) + b[40:])


def reass_seeds(d):
    """6-byte records: flags, offset/8 (2 bytes), len/8, proto, fill."""
    def rec(v6, more, step, ident, off, n, proto=17, fill=0x41):
        return struct.pack('>BHBBB', v6 | more << 1 | step << 2 | ident << 4,
                           off, n, proto, fill)
    write(d, 'v4_inorder', rec(0, 1, 0, 1, 0, 4) + rec(0, 1, 0, 1, 4, 4) +
          rec(0, 0, 0, 1, 8, 2))
    write(d, 'v4_reverse', rec(0, 0, 0, 2, 8, 2) + rec(0, 1, 0, 2, 4, 4) +
          rec(0, 1, 0, 2, 0, 4))
    write(d, 'v6_overlap', rec(1, 1, 0, 3, 0, 8) + rec(1, 1, 0, 3, 4, 8) +
          rec(1, 0, 0, 3, 12, 1))
    write(d, 'timeout', rec(0, 1, 0, 4, 0, 4) + rec(0, 0, 3, 4, 4, 4))
    write(d, 'dup', rec(1, 1, 0, 5, 0, 2) * 3 + rec(1, 0, 0, 5, 2, 2))


def pcap_seeds(d):
    udp4 = IP(**A4) / UDP(sport=1, dport=2) / Raw(b'p' * 20)
    udp6 = IPv6(**A6) / UDP(sport=1, dport=2) / Raw(b'q' * 20)
    eth = dict(src='02:00:00:00:00:01', dst='02:00:00:00:00:02')
    cases = {
        'raw': ([bytes(udp4), bytes(udp6)], 101),
        'ipv4': ([bytes(udp4)], 228),
        'ipv6': ([bytes(udp6)], 229),
        'ether': ([Ether(**eth) / udp4, Ether(**eth) / udp6,
                   Ether(**eth) / Dot1Q(vlan=5) / udp4], 1),
        'sll': ([CookedLinux(proto=0x0800) / udp4], 113),
        'null': ([Loopback(type=2) / udp4], 0),
        'loop': ([struct.pack('>I', 2) + bytes(udp4)], 108),
    }
    for name, (pkts, dlt) in cases.items():
        with tempfile.NamedTemporaryFile(suffix='.pcap') as t:
            wrpcap(t.name, pkts, linktype=dlt)
            with open(t.name, 'rb') as f:
                write(d, name, f.read())


def pfkey_state_seeds(d):
    """4-byte operations: kind | socket << 4, index, parameter, flags."""
    ADD, DELETE, GET, UPDATE, GETSPI, FLUSH, DUMP, SPDADD, SPDDELETE, \
        SPDDUMP, SPDFLUSH, REGISTER, PROMISC, READ, RAW, REOPEN = range(16)

    def op(kind, sock=0, idx=0, param=0, flags=0):
        return bytes([kind | sock << 4, idx, param, flags])
    write(d, 'add_delete', op(ADD, 0, 1, 7) + op(GET, 1, 1) +
          op(DELETE, 2, 1) + op(ADD, 0, 2, 9))
    write(d, 'stalled_dump', b''.join(op(ADD, 0, i, i) for i in range(8)) +
          op(DUMP, 1) + op(DUMP, 1) + op(DUMP, 1) + op(FLUSH, 2) +
          op(READ, 1, 0, 3) + op(ADD, 0, 3, 1))
    write(d, 'spd', op(SPDADD, 0, 1) + op(SPDADD, 1, 2) + op(SPDDUMP, 2) +
          op(SPDDELETE, 1, 1) + op(SPDFLUSH, 0) + op(SPDADD, 2, 3))
    write(d, 'promisc_register', op(PROMISC, 1, 0, 1) + op(REGISTER, 2) +
          op(ADD, 0, 4, 4) + op(UPDATE, 0, 4, 5) + op(GETSPI, 2) +
          op(REOPEN, 1) + op(DELETE, 0, 4))
    write(d, 'raw', op(ADD, 0, 5, 5) + op(RAW, 1, 0, 16) +
          bytes([2, 3, 0, 3, 2, 0, 0, 0, 1, 0, 0, 0, 0, 0, 0, 0]) +
          op(DUMP, 2, 0, 0, 3))


def main(base):
    ip6_seeds(os.path.join(base, 'ip6_exthdr.seeds'))
    reass_seeds(os.path.join(base, 'ip_reass.seeds'))
    pcap_seeds(os.path.join(base, 'pcap_file.seeds'))
    pfkey_state_seeds(os.path.join(base, 'pfkey_state.seeds'))


if __name__ == '__main__':
    main(sys.argv[1] if len(sys.argv) > 1 else os.path.dirname(
        os.path.abspath(__file__)))
