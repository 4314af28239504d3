#!/usr/bin/python3
# Writes the seeds of fuzz_ip_input into tests/fuzz/ip_input.seeds/:
# whole packets of every kind the parser knows and the fragments of
# datagrams, in the target's input format (control byte, then records of
# a 16-bit big-endian length and the packet).  Needs Debian's
# python3-scapy; run as /usr/bin/python3 tests/fuzz/gen_ip_input_seeds.py.
import os
import struct
import sys

from scapy.all import (IP, IPv6, UDP, TCP, ICMP, ICMPv6EchoRequest, Raw,
                       IPv6ExtHdrHopByHop, IPv6ExtHdrRouting,
                       IPv6ExtHdrDestOpt, IPv6ExtHdrFragment, fragment,
                       fragment6, IPOption_Router_Alert, SCTP)
from scapy.layers.ipsec import ESP


def record(pkts, ctl=0):
    out = bytes([ctl])
    for p in pkts:
        b = bytes(p)
        out += struct.pack('>H', len(b)) + b
    return out


def main(outdir):
    os.makedirs(outdir, exist_ok=True)
    a4 = dict(src='192.0.2.1', dst='198.51.100.2')
    a6 = dict(src='2001:db8::1', dst='2001:db8::2')
    big4 = IP(**a4, id=7) / UDP(sport=9, dport=10) / Raw(b'A' * 3000)
    big6 = IPv6(**a6) / IPv6ExtHdrFragment(id=99) / UDP() / Raw(b'B' * 3000)
    seeds = {
        'udp4': [IP(**a4) / UDP(sport=500, dport=4500) / Raw(b'x' * 20)],
        'tcp4_opts': [IP(**a4, options=[IPOption_Router_Alert()]) /
                      TCP(dport=443)],
        'icmp4': [IP(**a4) / ICMP(type=8) / Raw(b'ping')],
        'esp4': [IP(**a4) / ESP(spi=0x1000, seq=1, data=b'\0' * 32)],
        'sctp4': [IP(**a4) / SCTP(sport=1, dport=2)],
        'udp6': [IPv6(**a6) / UDP(dport=53)],
        'icmp6': [IPv6(**a6) / ICMPv6EchoRequest()],
        'ext6': [IPv6(**a6) / IPv6ExtHdrHopByHop() /
                 IPv6ExtHdrDestOpt() /
                 IPv6ExtHdrRouting(addresses=['2001:db8::9']) /
                 IPv6ExtHdrDestOpt() / TCP()],
        'frag4': fragment(big4, fragsize=1000),
        'frag4_rev': list(reversed(fragment(big4, fragsize=504))),
        'frag6': fragment6(big6, 1280),
        'frag6_rev': list(reversed(fragment6(big6, 1280))),
    }
    for name, pkts in seeds.items():
        with open(os.path.join(outdir, name), 'wb') as f:
            f.write(record(pkts))
    with open(os.path.join(outdir, 'frag4_timeout'), 'wb') as f:
        f.write(record(fragment(big4, fragsize=1000), ctl=2))


if __name__ == '__main__':
    main(sys.argv[1] if len(sys.argv) > 1 else
         os.path.join(os.path.dirname(os.path.abspath(__file__)),
                      'ip_input.seeds'))
