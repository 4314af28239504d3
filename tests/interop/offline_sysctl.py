#!/usr/bin/python3
"""The MIB's variables seen on packets, and netstat after an offline run.

Each variable is set the way an administrator would (sockmgr -o NAME=VALUE
goes through the same MIB checks as sysctl -w) and its effect is read off
the packets sockmgr writes, decoded by Scapy:
  net.inet.ipsec.def_policy=0     unmatched IPv4 dropped (out_polvio,
                                  in_polvio), IPv6 untouched
  net.inet6.ipsec6.def_policy=0   the same for IPv6 only
  net.inet.ipsec.dfbit 0/1/2      outer DF of IPv4 tunnels clear/set/copied
  net.inet.ipsec.ecn 0/1          outer ECN of tunnels not-ECT / copied
  net.inet.ipsec.esp_randpad      random padding: ESP lengths vary
  out of range, unknown, read-only  refused, exit 64, nothing run
Then sockmgr -k keeps serving after a known run: netstat -s -p esp and
-p ipsec say the counts the run must have produced (packets Scapy sealed
and we opened, packets we sealed and Scapy opened), the JSON form says
the same, the exit report agrees, and -z zeroes them.

usage: offline_sysctl.py SOCKMGR
"""
import json
import os
import re
import signal
import subprocess
import sys
import tempfile
import time

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from offline_common import Checker, key, sockmgr  # noqa: E402
from scapy.layers.inet import IP, UDP  # noqa: E402
from scapy.layers.inet6 import IPv6  # noqa: E402
from scapy.layers.ipsec import ESP, SecurityAssociation  # noqa: E402
from scapy.packet import Raw  # noqa: E402
from scapy.utils import wrpcap  # noqa: E402

SOCKMGR = sys.argv[1] if len(sys.argv) > 1 else "sockmgr"
BIN = os.path.dirname(os.path.abspath(SOCKMGR))
NETSTAT = os.path.join(BIN, "netstat")
chk = Checker()
A, B, GA, GB = "10.1.0.1", "10.2.0.1", "192.0.2.1", "192.0.2.2"
KEY = key(20, 3)


def udp4(n=1, tos=0, flags=0, size=8):
    return [IP(src=A, dst=B, tos=tos, flags=flags) / UDP(sport=1000 + i,
            dport=53) / Raw(b"x" * size) for i in range(n)]


def udp6(n=1):
    return [IPv6(src="fd00::1", dst="fd00::2") / UDP(sport=1000 + i,
            dport=53) / Raw(b"y" * 8) for i in range(n)]


def sets(*kv):
    out = []
    for s in kv:
        out += ["-o", s]
    return out


def tunnel_script():
    return ("add %s %s esp 0x2001 -m tunnel -E aes-gcm-16 0x%s;\n"
            "spdadd %s %s any -P out ipsec esp/tunnel/%s-%s/require;\n"
            % (GA, GB, KEY.hex(), A, B, GA, GB))


def def_policy():
    base = sockmgr(SOCKMGR, "", host_in=udp4() + udp6())
    chk.report(len(base.wire) == 2, "def_policy default 1: both pass")
    r = sockmgr(SOCKMGR, "", host_in=udp4() + udp6(), wire_in=udp4(),
                extra=sets("net.inet.ipsec.def_policy=0"))
    chk.report(r.rc == 0 and len(r.wire) == 1 and r.wire[0][0] >> 4 == 6,
               "net.inet.ipsec.def_policy=0: IPv4 dropped, IPv6 passes",
               r.stderr)
    chk.report(r.stat("ipsec", "out_polvio") == 1 and
               r.stat("ipsec", "in_polvio") == 1,
               "def_policy=0 counted as out_polvio and in_polvio",
               r.stdout)
    r = sockmgr(SOCKMGR, "", host_in=udp4() + udp6(),
                extra=sets("net.inet6.ipsec6.def_policy=0"))
    chk.report(len(r.wire) == 1 and r.wire[0][0] >> 4 == 4 and
               r.stat("ipsec6", "out_polvio") == 1,
               "net.inet6.ipsec6.def_policy=0: IPv6 only")


def outer(pkt):
    return IP(pkt)


def dfbit():
    for val, inner_df, want in ((0, 1, 0), (1, 0, 1), (2, 1, 1), (2, 0, 0)):
        r = sockmgr(SOCKMGR, tunnel_script(),
                    host_in=udp4(flags="DF" if inner_df else 0),
                    extra=sets("net.inet.ipsec.dfbit=%d" % val))
        got = [bool(outer(p).flags.DF) for p in r.wire]
        chk.report(got == [bool(want)], "dfbit=%d inner DF %d: outer DF %d"
                   % (val, inner_df, want), "%s %s" % (got, r.stderr))


def ecn():
    for val, want in ((0, 0), (1, 2), (-1, 0)):
        r = sockmgr(SOCKMGR, tunnel_script(), host_in=udp4(tos=0x02),
                    extra=sets("net.inet.ipsec.ecn=%d" % val))
        got = [outer(p).tos & 3 for p in r.wire]
        chk.report(got == [want], "ecn=%d, inner ECT(0): outer ECN %d"
                   % (val, want), str(got))


def randpad():
    script = ("add %s %s esp 0x2002 -E aes-gcm-16 0x%s;\n"
              "spdadd %s %s any -P out ipsec esp/transport//require;\n"
              % (A, B, KEY.hex(), A, B))
    lens = {}
    for val in (-1, 200):
        r = sockmgr(SOCKMGR, script, host_in=udp4(n=30),
                    extra=sets("net.inet.ipsec.esp_randpad=%d" % val))
        lens[val] = sorted(set(len(p) for p in r.wire))
        sa = SecurityAssociation(ESP, spi=0x2002, crypt_algo="AES-GCM",
                                 crypt_key=KEY)
        opened = [sa.decrypt(IP(p)) for p in r.wire]
        chk.report(len(opened) == 30 and all(bytes(o[Raw]) == b"x" * 8
                                             for o in opened),
                   "esp_randpad=%d: Scapy opens all 30" % val)
    chk.report(len(lens[-1]) == 1, "esp_randpad=-1: one length",
               str(lens[-1]))
    chk.report(len(lens[200]) > 1 and max(lens[200]) <= 20 + 8 + 8 + 200 +
               16, "esp_randpad=200: lengths vary, up to 200 padded",
               str(lens[200]))
    chk.report(all(n >= lens[-1][0] and (n - lens[-1][0]) % 4 == 0
                   for n in lens[200]),
               "esp_randpad adds whole 4-byte boundaries", str(lens))


def refused():
    for s, why in (("net.inet.ipsec.dfbit=3", "Invalid argument"),
                   ("net.inet.ipsec.nothing=1", "unknown oid"),
                   ("net.inet.esp.stats=0", "read only"),
                   ("net.inet.ipsec.ecn=x", "Invalid argument")):
        r = sockmgr(SOCKMGR, "", host_in=udp4(), extra=sets(s))
        chk.report(r.rc == 64 and r.stderr.strip() == "sockmgr: -o %s: %s"
                   % (s, why) and not r.wire,
                   "-o %s refused (%s), nothing run" % (s, why), r.stderr)


def netstat(*args, env=None):
    return subprocess.run([NETSTAT] + list(args), capture_output=True,
                          text=True, timeout=30, env=env)


def sentence(text, proto, words):
    m = re.search(r"^%s:\n(?:\t.*\n)*?\t(\d+) %s$" % (proto, re.escape(
        words)), text, re.M)
    return int(m.group(1)) if m else None


def served_run():
    """sockmgr -k after a known run: 5 packets out, 3 in."""
    script = ("add %s %s esp 0x3001 -E aes-gcm-16 0x%s;\n"
              "add %s %s esp 0x3002 -E aes-gcm-16 0x%s;\n"
              "spdadd %s %s any -P out ipsec esp/transport//require;\n"
              "spdadd %s %s any -P in ipsec esp/transport//require;\n"
              % (A, B, KEY.hex(), B, A, key(20, 4).hex(), A, B, B, A))
    sa_in = SecurityAssociation(ESP, spi=0x3002, crypt_algo="AES-GCM",
                                crypt_key=key(20, 4))
    inbound = [sa_in.encrypt(IP(src=B, dst=A) / UDP(sport=53, dport=9) /
                             Raw(b"z" * 20)) for _ in range(3)]
    with tempfile.TemporaryDirectory(prefix="offline.") as d:
        conf, hin, win = (os.path.join(d, n) for n in ("conf", "h", "w"))
        with open(conf, "w") as f:
            f.write(script)
        wrpcap(hin, [bytes(p) for p in udp4(n=5, size=12)], linktype=101)
        wrpcap(win, [bytes(p) for p in inbound], linktype=101)
        sdir = os.path.join(d, "s")
        report = open(os.path.join(d, "report"), "w+")
        p = subprocess.Popen([SOCKMGR, "-k", "-S", sdir, "-f", conf,
                              "-r", "host:" + hin, "-r", "wire:" + win,
                              "-w", "wire:" + os.path.join(d, "wo"),
                              "-w", "host:" + os.path.join(d, "ho")],
                             stdout=report, stderr=subprocess.PIPE)
        try:
            for _ in range(100):
                if os.path.exists(os.path.join(sdir, "ctl")):
                    break
                time.sleep(0.05)
            env = dict(os.environ, SOCK=sdir)
            check_served(env, report)
        finally:
            p.send_signal(signal.SIGTERM)
            p.wait(timeout=10)
        chk.report(p.returncode == 0, "-k: exit 0 on SIGTERM")


def check_served(env, report):
    text = netstat("-s", "-p", "esp", env=env).stdout
    # Out: 5 x (UDP 8 + 12) payload bytes sealed.  In: 3 x the decrypted
    # part, payload (8 + 20), trailer (2) and padding to 4 bytes (2), as
    # FreeBSD counts esps_ibytes.
    want = {"packets out": 5, "packets in": 3, "bytes out": 100,
            "bytes in": 96, "packets dropped; bad authentication detected":
            0}
    for words, n in want.items():
        got = sentence(text, "esp", words)
        chk.report(got == n, "netstat -s -p esp: %d %s" % (n, words),
                   "%s\n%s" % (got, text))
    chk.report("\tESP output histogram:\n\t\taes-gcm-16: 8\n" in text,
               "esp histogram: aes-gcm-16 8", text)
    ipsec = netstat("-s", "-p", "ipsec", env=env).stdout
    chk.report(sentence(ipsec, "ipsec", "outbound packets processed "
                        "successfully") == 5 and
               sentence(ipsec, "ipsec", "inbound packets processed "
                        "successfully") == 3, "netstat -s -p ipsec", ipsec)
    doc = json.loads(netstat("--libxo", "json", "-s", env=env).stdout)
    esp = doc["statistics"]["esp"]
    chk.report(esp["send-packets"] == 5 and esp["received-packets"] == 3 and
               esp["send-bytes"] == 100 and esp["received-bytes"] == 96 and esp["esp-histogram"] ==
               [{"name": "aes-gcm-16", "count": 8}], "JSON says the same",
               str(esp))
    chk.report(doc["statistics"]["ipsec"]["outbound-success"] == 5,
               "JSON ipsec outbound-success 5")
    report.seek(0)
    rep = report.read()
    chk.report("\t5 esps_output\n" in rep and "\t3 esps_input\n" in rep and
               "\t8 esps_hist[20]\n" in rep, "exit report agrees", rep)
    z = netstat("-z", env=env)
    chk.report(z.returncode == 0, "netstat -z", z.stderr)
    text = netstat("-ss", "-p", "esp", env=env).stdout
    chk.report(text == "esp:\n", "zeroed: netstat -ss shows nothing", text)


def main():
    def_policy()
    dfbit()
    ecn()
    randpad()
    refused()
    served_run()
    return chk.summary()


sys.exit(main())
