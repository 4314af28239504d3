#!/usr/bin/python3
"""Offline-mode cases found by the issue 5 acceptance audit.

Time follows the captures' timestamps, so a replay sees the lifetimes and
timeouts the traffic would have met live:
  SA hard time lifetime (-lh/-ls)   packets after it are dropped (out_nosa)
  outer fragments far apart         reassembly times out (ips_fragtimeout)
  the same fragments close together reassembled and delivered
  output capture                    timestamps keep the input's gaps
A replay window larger than the transform keeps (setkey -r above 8192
bytes) is refused when the SA is added (exit 65 naming the line), not
installed to fail every packet.
A capture that cannot be opened is named once in the error (exit 74).
Prints one line per check and "N passed, N failed" last.

usage: offline_time.py SOCKMGR
"""
import os
import subprocess
import sys
import tempfile

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from offline_common import Checker, key, parse_stats, DLT_RAW  # noqa: E402
from scapy.layers.inet import IP, UDP, fragment  # noqa: E402
from scapy.packet import Raw  # noqa: E402
from scapy.utils import rdpcap, wrpcap  # noqa: E402

SOCKMGR = sys.argv[1] if len(sys.argv) > 1 else "sockmgr"
chk = Checker()
A, B = "192.0.2.1", "192.0.2.2"


def run(script, side, pkts, times):
    """sockmgr over pkts stamped with times; (stats, output packets)."""
    other = "wire" if side == "host" else "host"
    with tempfile.TemporaryDirectory(prefix="offline.") as d:
        conf, cap = os.path.join(d, "conf"), os.path.join(d, "in.pcap")
        out = os.path.join(d, "out.pcap")
        with open(conf, "w") as f:
            f.write(script)
        for p, t in zip(pkts, times):
            p.time = t
        wrpcap(cap, pkts, linktype=DLT_RAW)
        res = subprocess.run([SOCKMGR, "-f", conf, "-r", side + ":" + cap,
                              "-w", other + ":" + out],
                             capture_output=True, text=True, timeout=60)
        chk.report(res.returncode == 0, "exit 0", res.stderr)
        try:
            outp = rdpcap(out)
        except Exception:  # noqa: BLE001 -- nothing was written
            outp = []
        return parse_stats(res.stdout), outp


def lifetimes():
    script = ("add %s %s esp 0x1001 -lh 10 -ls 5 -E aes-gcm-16 0x%s;\n"
              "spdadd %s %s any -P out ipsec esp/transport//require;\n"
              % (A, B, key(20, 1).hex(), A, B))
    pkts = [IP(src=A, dst=B) / UDP() / Raw(b"q" * 4) for _ in range(4)]
    st, out = run(script, "host", pkts, [1000, 1003, 1008, 1012])
    chk.report(len(out) == 3, "SA used within its 10 s hard lifetime",
               "%d protected" % len(out))
    chk.report(st.get(("ipsec", "out_nosa"), 0) == 1,
               "packet 12 s after the SA was added: out_nosa", str(st))
    gaps = [int(p.time - out[0].time) for p in out]
    chk.report(gaps == [0, 3, 8], "output timestamps keep the gaps",
               str(gaps))


def fragments():
    dgram = IP(src=B, dst=A, id=5) / UDP() / Raw(b"z" * 3000)
    for gap, whole in ((100, False), (1, True)):
        frags = list(fragment(dgram, fragsize=1000))
        times = [2000] + [2000 + gap] * (len(frags) - 1)
        st, out = run("", "wire", frags, times)
        if whole:
            chk.report(len(out) == 1 and
                       st.get(("ip", "ips_reassembled"), 0) == 1,
                       "fragments 1 s apart reassembled", str(st))
        else:
            chk.report(len(out) == 0 and
                       st.get(("ip", "ips_fragtimeout"), 0) == 1,
                       "fragments 100 s apart time out", str(st))


def replay_limit():
    with tempfile.TemporaryDirectory(prefix="offline.") as d:
        for size, ok in ((8192, True), (8193, False)):
            conf = os.path.join(d, "conf")
            with open(conf, "w") as f:
                f.write("add %s %s esp 0x1002 -r %d -E aes-gcm-16 0x%s;\n"
                        % (B, A, size, key(20, 1).hex()))
            res = subprocess.run([SOCKMGR, "-f", conf, "-w",
                                  "host:" + os.path.join(d, "o.pcap")],
                                 capture_output=True, text=True, timeout=60)
            if ok:
                chk.report(res.returncode == 0, "-r %d accepted" % size,
                           res.stderr)
            else:
                chk.report(res.returncode == 65 and "line 1" in res.stderr,
                           "-r %d refused at ADD" % size,
                           "rc %d: %s" % (res.returncode, res.stderr))


def open_errors():
    with tempfile.TemporaryDirectory(prefix="offline.") as d:
        bad = os.path.join(d, "bad.pcap")
        with open(bad, "w") as f:
            f.write("not a capture\n")
        for opt in ("host:" + os.path.join(d, "missing.pcap"),
                    "wire:" + bad):
            path = opt.split(":", 1)[1]
            res = subprocess.run([SOCKMGR, "-r", opt], capture_output=True,
                                 text=True, timeout=60)
            chk.report(res.returncode == 74 and
                       res.stderr.count(path) == 1,
                       "unreadable capture named once, exit 74",
                       "rc %d: %s" % (res.returncode, res.stderr))


lifetimes()
fragments()
replay_limit()
open_errors()
sys.exit(chk.summary())
