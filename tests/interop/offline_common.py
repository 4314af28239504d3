"""Shared pieces of the offline-mode tests: running sockmgr over pcap
files, reading its statistics, keys and setkey scripts.

sockmgr -f SCRIPT -r host:IN -r wire:IN -w host:OUT -w wire:OUT applies
the script, pushes the captures through the packet path and prints every
non-zero counter as "<TAB>N name" under a heading per protocol.
"""
import os
import subprocess
import tempfile
import warnings

warnings.filterwarnings("ignore")
from scapy.layers.l2 import Ether  # noqa: E402
from scapy.utils import rdpcap, wrpcap  # noqa: E402

DLT_RAW = 101
DLT_EN10MB = 1


class Checker:
    """Counts checks and prints one line each, "N passed, N failed" last."""

    def __init__(self):
        self.passed = self.failed = 0

    def report(self, ok, what, detail=""):
        if ok:
            self.passed += 1
        else:
            self.failed += 1
        print("%s %s%s" % ("ok  " if ok else "FAIL", what,
                           "" if ok or not detail else " -- " + detail))
        return ok

    def expect(self, what, r, delivered, counters):
        """One check of a Run: it exited 0, delivered that many packets
        to the host, and the counters {(section, name): value} have
        exactly the values given."""
        bad = ["%s/%s=%d (want %d)" % (s, n, r.stat(s, n), v)
               for (s, n), v in counters.items() if r.stat(s, n) != v]
        if len(r.host) != delivered:
            bad.append("%d delivered (want %d)" % (len(r.host), delivered))
        if r.rc != 0:
            bad.append("exit %d %s" % (r.rc, r.stderr.strip()[-200:]))
        return self.report(not bad, what, "; ".join(bad))

    def summary(self):
        print("%d passed, %d failed" % (self.passed, self.failed))
        return 0 if self.failed == 0 else 1


def key(n, seed):
    return bytes((seed * 31 + i * 7 + 1) & 0xff for i in range(n))


def parse_stats(text):
    """{(section, name): value} from sockmgr's statistics."""
    stats, section = {}, None
    for line in text.splitlines():
        if line.endswith(":") and not line.startswith("\t"):
            section = line[:-1]
        elif line.startswith("\t") and section:
            num, _, name = line.strip().partition(" ")
            stats[(section, name)] = int(num)
    return stats


class Run:
    """One sockmgr run: its exit status, output captures and counters."""

    def __init__(self, rc, stdout, stderr, host, wire):
        self.rc, self.stdout, self.stderr = rc, stdout, stderr
        self.host, self.wire = host, wire
        self.stats = parse_stats(stdout)

    def stat(self, section, name):
        return self.stats.get((section, name), 0)


def write_capture(path, pkts, ether=False):
    """The packets as a LINKTYPE_RAW capture, or in Ethernet frames."""
    if ether:
        frames = [Ether(src="02:00:00:00:00:01", dst="02:00:00:00:00:02",
                        type=0x86dd if p[0] >> 4 == 6 else 0x0800) / p
                  for p in (bytes(p) for p in pkts)]
        wrpcap(path, frames, linktype=DLT_EN10MB)
    else:
        wrpcap(path, [bytes(p) for p in pkts], linktype=DLT_RAW)


def sockmgr(binary, script, host_in=None, wire_in=None, addrs=(),
            extra=(), ether=False):
    """Run binary offline with the script text; the packet lists are
    written as LINKTYPE_RAW (or Ethernet) captures, the outputs read
    back."""
    with tempfile.TemporaryDirectory(prefix="offline.") as d:
        conf = os.path.join(d, "conf")
        with open(conf, "w") as f:
            f.write(script)
        args = [binary, "-f", conf]
        for a in addrs:
            args += ["-a", a]
        for side, pkts in (("host", host_in), ("wire", wire_in)):
            if pkts is not None:
                path = os.path.join(d, side + ".in.pcap")
                write_capture(path, pkts, ether)
                args += ["-r", "%s:%s" % (side, path)]
            args += ["-w", "%s:%s" % (side, os.path.join(d, side +
                                                         ".out.pcap"))]
        args += list(extra)
        res = subprocess.run(args, capture_output=True, text=True,
                             timeout=60)
        out = {}
        for side in ("host", "wire"):
            path = os.path.join(d, side + ".out.pcap")
            try:
                out[side] = [bytes(p) for p in rdpcap(path)]
            except Exception:  # noqa: BLE001 -- empty or missing file
                out[side] = []
        return Run(res.returncode, res.stdout, res.stderr, out["host"],
                   out["wire"])
