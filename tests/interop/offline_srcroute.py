#!/usr/bin/python3
"""Source-routed IPv4 from the wire is dropped and counted by default
(issue 12, finding 5), end to end through sockmgr's offline mode: Scapy's
LSRR and SSRR packets (route ended and route going on) never reach the
host capture and each moves ips_srcroute; a record-route packet and a
plain one are delivered.  Prints one line per check and "N passed, N
failed" last.

usage: offline_srcroute.py SOCKMGR
"""
import os
import sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from offline_common import Checker, sockmgr  # noqa: E402
from scapy.layers.inet import IP, UDP, IPOption_LSRR, IPOption_SSRR, \
    IPOption_RR  # noqa: E402
from scapy.packet import Raw  # noqa: E402

SOCKMGR = sys.argv[1] if len(sys.argv) > 1 else "sockmgr"
chk = Checker()
A, B, R = "192.0.2.1", "192.0.2.2", "198.51.100.1"


def udp(options, n):
    return IP(src=A, dst=B, options=options) / \
        UDP(sport=1000 + n, dport=2000) / Raw(b"sr" * 8)


refused = [udp([IPOption_LSRR(routers=[R], pointer=8)], 1),
           udp([IPOption_SSRR(routers=[R], pointer=8)], 2),
           udp([IPOption_LSRR(routers=[R], pointer=4)], 3),
           udp([IPOption_SSRR(routers=[R, R], pointer=4)], 4)]
passed = [udp([], 5), udp([IPOption_RR(routers=["0.0.0.0"])], 6)]
run = sockmgr(SOCKMGR, "flush;\nspdflush;\n", wire_in=refused + passed)
chk.report(run.rc == 0, "exit 0", run.stderr)
got = {bytes(p) for p in run.host}
chk.report(got == {bytes(p) for p in passed},
           "only the plain and record-route packets reach the host",
           "%d delivered" % len(run.host))
chk.report(run.stat("ip", "ips_srcroute") == 4, "ips_srcroute 4",
           run.stdout)
sys.exit(chk.summary())
