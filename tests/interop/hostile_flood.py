#!/usr/bin/python3
"""The third host of test_hostile_load.sh: sniff, then flood.

usage: hostile_flood.py sniff IF FILE
       hostile_flood.py flood IF DSTMAC SECONDS PPS FILE OUT.json

Runs in its own namespace on a port of the shared wire (a bridge in hub
mode, so it sees A's ESP to B).  sniff keeps up to 300 genuine A->B ESP
frames (SPI 0x1001) seen within 8 seconds in FILE.  flood sends, for
SECONDS, PPS frames a second to DSTMAC (B's wire interface), in turn of
five kinds, and writes how many of each it sent to OUT.json:

  badspi   ESP to 10.99.0.2 under an SPI nobody installed
  badicv   ESP under B's inbound SPI 0x1001 with a random body and a
           sequence number ahead of the window: the ICV cannot verify
  replay   copies of genuine A->B ESP frames sniffed off the wire before
           the flood (their sequence numbers are already used)
  frag     IPv4 fragments of datagrams that never complete (random ids,
           offsets and lengths)
  clear    clear UDP from 10.99.0.1 to 10.99.0.2, which B's policy
           requires to be ESP

Packets are built with Scapy, once, and sent through an AF_PACKET socket.
"""
import json
import os
import random
import socket
import sys
import time

from scapy.layers.inet import IP, UDP
from scapy.layers.ipsec import ESP
from scapy.layers.l2 import Ether
from scapy.packet import Raw

A, B = "10.99.0.1", "10.99.0.2"


def sniff_esp(sock, want, limit):
    """Genuine A->B ESP frames (SPI 0x1001) seen within limit seconds."""
    got, end = [], time.time() + limit
    sock.settimeout(0.2)
    while len(got) < want and time.time() < end:
        try:
            f = sock.recv(65535)
        except socket.timeout:
            continue
        if len(f) > 42 and f[12:14] == b"\x08\x00" and f[23] == 50 and \
                f[34:38] == b"\x00\x00\x10\x01":
            got.append(f[14:])
    return got


def sniff(ifn, path):
    s = socket.socket(socket.AF_PACKET, socket.SOCK_RAW, socket.htons(3))
    s.bind((ifn, 0))
    with open(path, "w") as f:
        json.dump([p.hex() for p in sniff_esp(s, 300, 8)], f)


def flood(ifn, dstmac, seconds, pps, path, out):
    rnd = random.Random(12)
    s = socket.socket(socket.AF_PACKET, socket.SOCK_RAW, socket.htons(3))
    s.bind((ifn, 0))
    src = s.getsockname()[4]
    dst = bytes.fromhex(dstmac.replace(":", ""))
    eth = dst + src + b"\x08\x00"
    with open(path) as f:
        genuine = [bytes.fromhex(h) for h in json.load(f)]
    kinds = {
        "badspi": [bytes(IP(src=A, dst=B) / ESP(spi=0xdead0000 + i, seq=1) /
                         Raw(os.urandom(64))) for i in range(64)],
        "badicv": [bytes(IP(src=A, dst=B) /
                         ESP(spi=0x1001, seq=0x40000000 + i) /
                         Raw(os.urandom(80))) for i in range(64)],
        "replay": genuine,
        "frag": [bytes(IP(src=A, dst=B, id=rnd.randrange(65536),
                          flags="MF" if rnd.random() < .8 else 0,
                          frag=rnd.randrange(1, 4000), proto=17) /
                       Raw(os.urandom(8 * rnd.randrange(1, 60))))
                 for _ in range(256)],
        "clear": [bytes(IP(src=A, dst=B) / UDP(sport=4000 + i, dport=9) /
                        Raw(b"clear" * 10)) for i in range(64)],
    }
    kinds = {k: v for k, v in kinds.items() if v}
    sent = {k: 0 for k in kinds}
    names = list(kinds)
    t0 = time.time()
    n = 0
    while True:
        now = time.time()
        if now - t0 >= seconds:
            break
        if n > (now - t0) * pps:
            time.sleep(0.001)
            continue
        k = names[n % len(names)]
        pkts = kinds[k]
        try:
            s.send(eth + pkts[(n // len(names)) % len(pkts)])
            sent[k] += 1
        except OSError:
            pass
        n += 1
    sent["genuine_sniffed"] = len(genuine)
    sent["seconds"] = round(time.time() - t0, 2)
    with open(out, "w") as f:
        json.dump(sent, f)


if __name__ == "__main__":
    if sys.argv[1] == "sniff":
        sniff(sys.argv[2], sys.argv[3])
    else:
        flood(sys.argv[2], sys.argv[3], float(sys.argv[4]),
              int(sys.argv[5]), sys.argv[6], sys.argv[7])
