#!/usr/bin/python3
"""Frames the offline file reader skips are accounted for (issue 12,
finding 4).  Captures are written by hand (a pcap global header and record
headers packed with struct, packets from Scapy) so that the snap length,
captured length and link type are exactly what each case needs:

  10 ESP packets in a snaplen-20 capture   10 frames skipped: cut short
  ARP and an IPX frame in an Ethernet one  2 frames skipped: not IPv4/IPv6
  a 70,000-byte Ethernet frame             1 frame skipped: larger than
                                             a packet buffer
and in each run "frames read" is every record of the file.  Prints one
line per check and "N passed, N failed" last.

usage: offline_skipped.py SOCKMGR
"""
import os
import struct
import subprocess
import sys
import tempfile

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from offline_common import Checker, parse_stats  # noqa: E402
from scapy.layers.inet import IP  # noqa: E402
from scapy.layers.ipsec import ESP  # noqa: E402
from scapy.layers.l2 import ARP, Ether  # noqa: E402
from scapy.packet import Raw  # noqa: E402

SOCKMGR = sys.argv[1] if len(sys.argv) > 1 else "sockmgr"
chk = Checker()
DLT_RAW, DLT_EN10MB = 101, 1


def capture(path, linktype, snaplen, frames):
    """frames: (bytes, original length) records, written as given."""
    with open(path, "wb") as f:
        f.write(struct.pack("<IHHiIII", 0xa1b2c3d4, 2, 4, 0, 0, snaplen,
                            linktype))
        for i, (data, wirelen) in enumerate(frames):
            f.write(struct.pack("<IIII", 1000 + i, 0, len(data), wirelen))
            f.write(data)


def run(linktype, snaplen, frames):
    with tempfile.TemporaryDirectory(prefix="skipped.") as d:
        conf = os.path.join(d, "conf")
        with open(conf, "w") as f:
            f.write("flush;\nspdflush;\n")
        wire = os.path.join(d, "wire.pcap")
        capture(wire, linktype, snaplen, frames)
        res = subprocess.run([SOCKMGR, "-f", conf, "-r", "wire:" + wire],
                             capture_output=True, text=True, timeout=60)
    return res.returncode, res.stdout, parse_stats(res.stdout)


esp = [bytes(IP(src="192.0.2.1", dst="192.0.2.2") /
             ESP(spi=0x1000, seq=i + 1) / Raw(b"x" * 64))
       for i in range(10)]
rc, out, st = run(DLT_RAW, 20, [(p[:20], len(p)) for p in esp])
chk.report(rc == 0, "snaplen-20 capture: exit 0", "rc %d" % rc)
chk.report(st.get(("wire capture", "frames read")) == 10,
           "snaplen-20 capture: 10 frames read", out)
chk.report(st.get(("wire capture", "frames skipped: cut short")) == 10,
           "snaplen-20 capture: 10 frames skipped, cut short", out)

eth = Ether(src="02:00:00:00:00:01", dst="02:00:00:00:00:02")
arp = bytes(eth / ARP(psrc="192.0.2.1", pdst="192.0.2.2"))
ipx = bytes(Ether(src="02:00:00:00:00:01", dst="02:00:00:00:00:02",
                  type=0x8137) / Raw(b"\xff\xff" + b"\0" * 40))
ok = bytes(eth / IP(src="192.0.2.1", dst="192.0.2.2") / Raw(b"y" * 20))
rc, out, st = run(DLT_EN10MB, 65535,
                  [(arp, len(arp)), (ipx, len(ipx)), (ok, len(ok))])
chk.report(st.get(("wire capture", "frames read")) == 3 and
           st.get(("wire capture", "IPv4 packets")) == 1,
           "Ethernet capture: 3 frames read, 1 IPv4 packet", out)
chk.report(st.get(("wire capture",
                   "frames skipped: not IPv4 or IPv6")) == 2,
           "Ethernet capture: ARP and IPX skipped, not IP", out)

big = bytes(Ether(src="02:00:00:00:00:01", dst="02:00:00:00:00:02",
                  type=0x0800)) + bytes(IP(src="192.0.2.1", dst="192.0.2.2")) + \
    b"z" * 70000
rc, out, st = run(DLT_EN10MB, 262144, [(big, len(big)), (ok, len(ok))])
chk.report(st.get(("wire capture",
                   "frames skipped: larger than a packet buffer")) == 1,
           "70,000-byte frame skipped, larger than a packet buffer", out)
chk.report(st.get(("wire capture", "frames read")) == 2,
           "oversize capture: 2 frames read", out)
sys.exit(chk.summary())
