#!/usr/bin/python3
"""Writes the seed corpus of fuzz_ah_input with Scapy's AH (an
independent implementation): valid packets of the target's SAs behind
its fixed IPv4 and IPv6 headers, whole IPv6 packets with extension
headers in front of AH, an RFC 1826 keyed-MD5 packet computed with
hashlib, and short ones.  Not run by make; run after changing the
target's SAs and commit the result:

	/usr/bin/python3 tests/fuzz/gen_ah_input_seeds.py
"""
import hashlib
import os
import struct
import warnings

warnings.filterwarnings("ignore")
from scapy.layers.inet import IP, UDP  # noqa: E402
from scapy.layers.inet6 import IPv6, IPv6ExtHdrHopByHop  # noqa: E402
from scapy.layers.inet6 import IPv6ExtHdrDestOpt, HBHOptUnknown  # noqa
from scapy.layers.inet6 import IPv6ExtHdrRouting  # noqa: E402
from scapy.layers.ipsec import AH, SecurityAssociation  # noqa: E402

DIR = os.path.join(os.path.dirname(os.path.abspath(__file__)),
                   "ah_input.seeds")
KEY = bytes([9, 8, 7, 6, 5, 4, 3, 2, 1]) + bytes(23)
# The target's SAs: (index, Scapy algorithm, key bytes, ESN).
SAS = [(0, "SHA2-256-128", 32, True), (1, "HMAC-SHA1-96", 20, False),
       (3, "NULL", 0, False)]


def write(name, data):
    with open(os.path.join(DIR, name + ".bin"), "wb") as f:
        f.write(data)


def ip4(n):
    return IP(src="0.0.0.0", dst="0.0.0.0", id=0, ttl=64) / \
        UDP(sport=1, dport=2) / (b"s" * n)


def ip6(n, ext=None):
    p = IPv6(src="::", dst="::", hlim=64)
    if ext is not None:
        p = p / ext
    return p / UDP(sport=1, dport=2) / (b"s" * n)


def keyed_md5(k, data):
    pad = b"\x80" + b"\x00" * ((55 - len(k)) % 64) + \
        struct.pack("<Q", len(k) * 8)
    return hashlib.md5(k + pad + data + k).digest()


def old_md5(n):
    """RFC 1826 AH over ip4(n), SA 2 (spi 0x202, keyed MD5, 16 bytes)."""
    clear = bytes(ip4(n))
    payload = clear[20:]
    hdr = struct.pack("!BBHI", 17, 4, 0, 0x202)
    ip = bytearray(clear[:20])
    ip[9] = 51
    ip[2:4] = struct.pack("!H", 20 + 24 + len(payload))
    z = bytearray(ip)
    z[1] = z[8] = 0
    z[6:8] = z[10:12] = b"\x00\x00"
    icv = keyed_md5(KEY[:16], bytes(z) + hdr + bytes(16) + payload)
    return hdr + icv + payload


def main():
    os.makedirs(DIR, exist_ok=True)
    for i, alg, klen, esn in SAS:
        sa = SecurityAssociation(AH, spi=0x200 + i, auth_algo=alg,
                                 auth_key=KEY[:klen] or None, esn_en=esn,
                                 esn=0)
        for n in (0, 20, 100):
            p4 = bytes(sa.encrypt(IP(bytes(ip4(n))), seq_num=n + 1))
            write("sa%d-v4-%d" % (i, n), bytes([i]) + p4[20:])
            p6 = bytes(sa.encrypt(IPv6(bytes(ip6(n))), seq_num=n + 201))
            write("sa%d-v6-%d" % (i, n), bytes([i | 0x10]) + p6[40:])
        exts = [IPv6ExtHdrHopByHop(options=[HBHOptUnknown(
                    otype=0x31, optdata=b"abcd")]),
                IPv6ExtHdrRouting(addresses=["2001:db8::1", "2001:db8::2"],
                                  segleft=2) /
                IPv6ExtHdrDestOpt(options=[HBHOptUnknown(
                    otype=0x1e, optdata=b"zz")])]
        for j, ext in enumerate(exts):
            raw = bytes(sa.encrypt(IPv6(bytes(ip6(30, ext))),
                                   seq_num=400 + j))
            skip = len(raw) - len(bytes(IPv6(raw)[AH]))
            write("sa%d-v6ext-%d" % (i, j),
                  bytes([i | 0x50, skip]) + raw)
    for n in (0, 33):
        write("sa2-old-%d" % n, bytes([2]) + old_md5(n))
    write("empty", b"")
    write("short", bytes([0, 51, 4, 0, 0]))


if __name__ == "__main__":
    main()
