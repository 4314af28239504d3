#!/usr/bin/python3
"""Interoperability of sockmgr's offline mode with Scapy's
scapy.layers.ipsec and with tshark, two independent ESP implementations.

For every algorithm pair Scapy and we share, in transport and tunnel
mode, over IPv4 and IPv6 (and the 4-in-6 and 6-in-4 tunnels for one
pair), one sockmgr run applies a setkey script with an outbound SA and
policy (A -> B) and an inbound pair (B -> A), and takes
  * clear packets from the host side, which must leave toward the wire
    as ESP that Scapy decrypts back to the originals, sequence numbers
    1, 2, ...;
  * ESP packets Scapy encrypted, from the wire side, which must reach
    the host side equal to the packets Scapy encrypted.
Finally tshark decodes every ESP packet we produced, with the SA table
given as its esp_sa UAT, for the algorithms tshark knows, and must show
the inner protocol's fields and a good ICV.
Prints one line per check and "N passed, N failed" last.

usage: offline_scapy.py SOCKMGR
"""
import os
import subprocess
import sys
import tempfile

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from offline_common import Checker, key, sockmgr, DLT_RAW  # noqa: E402
from scapy.layers.inet import IP, UDP, TCP, ICMP  # noqa: E402
from scapy.layers.inet6 import IPv6, ICMPv6EchoRequest  # noqa: E402
from scapy.layers.ipsec import ESP, SecurityAssociation  # noqa: E402
from scapy.layers.ipsec import CRYPT_ALGOS, AUTH_ALGOS  # noqa: E402
from scapy.packet import Raw  # noqa: E402
from scapy.utils import wrpcap  # noqa: E402

# (setkey name, Scapy name, key bytes with salt/nonce, tshark name).
ENC = [
    ("null", "NULL", 0, "NULL"),
    ("aes-cbc", "AES-CBC", 16, "AES-CBC [RFC3602]"),
    ("aes-cbc", "AES-CBC", 32, "AES-CBC [RFC3602]"),
    ("3des-cbc", "3DES", 24, "TripleDES-CBC [RFC2451]"),
    ("des-cbc", "DES", 8, "DES-CBC [RFC2405]"),
    ("blowfish-cbc", "Blowfish", 16, "BLOWFISH-CBC [RFC2451]"),
    ("cast128-cbc", "CAST", 16, "CAST5-CBC [RFC2144]"),
    ("aes-ctr", "AES-CTR", 20, "AES-CTR [RFC3686]"),
    ("aes-ctr", "AES-CTR", 36, "AES-CTR [RFC3686]"),
    ("aes-gcm-16", "AES-GCM", 20, "AES-GCM with 16 octet ICV [RFC4106]"),
    ("aes-gcm-16", "AES-GCM", 36, "AES-GCM with 16 octet ICV [RFC4106]"),
    ("chacha20-poly1305", "CHACHA20-POLY1305", 36, None),
]
AUTH = [
    (None, None, 0, "NULL"),
    ("hmac-md5", "HMAC-MD5-96", 16, "HMAC-MD5-96 [RFC2403]"),
    ("hmac-sha1", "HMAC-SHA1-96", 20, "HMAC-SHA-1-96 [RFC2404]"),
    ("hmac-sha2-256", "SHA2-256-128", 32, "HMAC-SHA-256-128 [RFC4868]"),
    ("hmac-sha2-384", "SHA2-384-192", 48, "HMAC-SHA-384-192 [RFC4868]"),
    ("hmac-sha2-512", "SHA2-512-256", 64, "HMAC-SHA-512-256 [RFC4868]"),
]
AEAD = ("AES-GCM", "CHACHA20-POLY1305")

# Hosts and tunnel gateways per family.
HOSTS = {4: ("192.0.2.1", "192.0.2.2"), 6: ("2001:db8::1", "2001:db8::2")}
GWS = {4: ("198.51.100.1", "198.51.100.2"),
       6: ("2001:db8:ff::1", "2001:db8:ff::2")}

SOCKMGR = sys.argv[1] if len(sys.argv) > 1 else "sockmgr"
chk = Checker()
tshark_sas = []     # UAT records of every SA we encrypted with
tshark_pkts = []    # (bytes, inner packet, case name, has an ICV)


def packets(fam, src, dst):
    """Clear packets of several protocols and sizes from src to dst."""
    if fam == 4:
        def ip():
            return IP(src=src, dst=dst, id=7, ttl=61)
        echo = ICMP(type=8, id=3, seq=4)
    else:
        def ip():
            return IPv6(src=src, dst=dst, hlim=61)
        echo = ICMPv6EchoRequest(id=3, seq=4)
    out = [ip() / UDP(sport=1000, dport=2000) / Raw(bytes((i * 5) & 0xff
                                                        for i in range(n)))
           for n in (0, 1, 13, 100, 1000)]
    out.append(ip() / TCP(sport=1234, dport=80, flags="S", seq=99))
    out.append(ip() / echo / Raw(b"ping" * 8))
    return [bytes(p) for p in out]


def setkey_script(c):
    """The configuration of one case: two SAs and two policies."""
    (a, b), (ga, gb) = HOSTS[c["inner"]], GWS[c["outer"]]
    tunnel = c["mode"] == "tunnel"
    sa_a, sa_b = (ga, gb) if tunnel else (a, b)
    algs = ""
    if c["enc"][0] == "null":
        algs += "-E null "
    else:
        algs += "-E %s 0x%s " % (c["enc"][0], c["ekey"].hex())
    if c["auth"][0]:
        algs += "-A %s 0x%s" % (c["auth"][0], c["akey"].hex())
    mode = "-m tunnel " if tunnel else ""
    req = "esp/tunnel/%s-%s/require" if tunnel else "esp/transport//require"
    return "".join([
        "flush;\nspdflush;\n",
        "add %s %s esp 0x%x %s%s;\n" % (sa_a, sa_b, c["spi_out"], mode,
                                        algs),
        "add %s %s esp 0x%x %s%s;\n" % (sa_b, sa_a, c["spi_in"], mode,
                                        algs),
        "spdadd %s %s any -P out ipsec %s;\n" % (
            a, b, req % (ga, gb) if tunnel else req),
        "spdadd %s %s any -P in ipsec %s;\n" % (
            b, a, req % (gb, ga) if tunnel else req),
    ])


def scapy_sa(c, spi, src, dst):
    tunnel = None
    if c["mode"] == "tunnel":
        tunnel = (IP if c["outer"] == 4 else IPv6)(src=src, dst=dst)
    return SecurityAssociation(ESP, spi=spi, crypt_algo=c["enc"][1],
                               crypt_key=c["ekey"], auth_algo=c["auth"][1],
                               auth_key=c["akey"], tunnel_header=tunnel)


def outer_cls(c):
    return IP if (c["outer"] if c["mode"] == "tunnel" else c["inner"]) \
        == 4 else IPv6


def check_outbound(c, name, sent, got):
    """Our ESP, decrypted by Scapy, must be what the host sent."""
    ga, gb = GWS[c["outer"]]
    sa = scapy_sa(c, c["spi_out"], ga, gb)
    ok, why = len(got) == len(sent), "%d of %d out" % (len(got), len(sent))
    for i, (raw, orig) in enumerate(zip(got, sent)):
        try:
            pkt = outer_cls(c)(raw)
            esp = pkt[ESP]
            dec = sa.decrypt(pkt)
            same = bytes(dec) == orig
            if esp.spi != c["spi_out"] or esp.seq != i + 1 or not same:
                ok, why = False, "packet %d: spi %x seq %d same %s" % (
                    i, esp.spi, esp.seq, same)
        except Exception as e:  # noqa: BLE001 -- any failure is a FAIL
            ok, why = False, "packet %d: %s: %s" % (i, type(e).__name__, e)
        tshark_pkts.append((raw, orig, name,
                            bool(c["auth"][0]) or c["enc"][1] in AEAD))
    chk.report(ok, "ours->scapy " + name, why)


def check_inbound(c, name, sent, got):
    """Scapy's ESP from the wire must reach the host as it was."""
    ok = got == sent
    why = "" if ok else "%d of %d back, first differs: %s" % (
        len(got), len(sent), got[0].hex()[:60] if got else "-")
    chk.report(ok, "scapy->ours " + name, why)


def one_case(c):
    (a, b), (ga, gb) = HOSTS[c["inner"]], GWS[c["outer"]]
    name = "%s/%d %s %s %s" % (
        c["enc"][0], c["enc"][2] * 8, c["auth"][0] or "-", c["mode"],
        "ipv%d" % c["inner"] if c["inner"] == c["outer"] or
        c["mode"] == "transport" else "ipv%d-in-ipv%d" % (c["inner"],
                                                          c["outer"]))
    out_pkts = packets(c["inner"], a, b)
    in_clear = packets(c["inner"], b, a)
    sa_in = scapy_sa(c, c["spi_in"], gb, ga)
    in_esp = [bytes(sa_in.encrypt((IP if c["inner"] == 4 else IPv6)(p),
                                  seq_num=i + 1))
              for i, p in enumerate(in_clear)]
    run = sockmgr(SOCKMGR, setkey_script(c), host_in=out_pkts,
                  wire_in=in_esp)
    if not chk.report(run.rc == 0, "sockmgr ran " + name,
                      "exit %d: %s" % (run.rc, run.stderr.strip()[-200:])):
        return
    check_outbound(c, name, out_pkts, run.wire)
    check_inbound(c, name, in_clear, run.host)
    # A mixed-family tunnel may count under either family's ipsecstat.
    n = len(out_pkts)
    chk.report(run.stat("esp", "esps_output") == n and
               run.stat("esp", "esps_input") == n and
               run.stat("ipsec", "out_success") +
               run.stat("ipsec6", "out_success") == n and
               run.stat("ipsec", "in_success") +
               run.stat("ipsec6", "in_success") == n,
               "counters " + name, run.stdout.replace("\n", " ")[:300])
    if c["enc"][3] is not None:
        fam = "IPv4" if outer_cls(c) is IP else "IPv6"
        tshark_sas.append('"%s","*","*","0x%08x","%s","0x%s","%s","%s"' % (
            fam, c["spi_out"], c["enc"][3], c["ekey"].hex(),
            c["auth"][3], ("0x" + c["akey"].hex()) if c["akey"] else ""))
    else:
        del tshark_pkts[len(tshark_pkts) - len(out_pkts):]


def cases():
    n = 0
    for enc in ENC:
        if enc[1] not in CRYPT_ALGOS:
            continue
        for auth in AUTH:
            if (enc[1] in AEAD and auth[0]) or \
                    (auth[1] and auth[1] not in AUTH_ALGOS) or \
                    (enc[0] == "null" and not auth[0]):
                continue
            fams = [(4, 4), (6, 6)]
            if enc[1] == "AES-GCM" and enc[2] == 20:
                fams += [(4, 6), (6, 4)]
            for mode in ("transport", "tunnel"):
                for inner, outer in fams:
                    if mode == "transport" and inner != outer:
                        continue
                    n += 1
                    yield {"enc": enc, "auth": auth, "mode": mode,
                           "inner": inner, "outer": outer,
                           "ekey": key(enc[2], n), "akey": key(auth[2],
                                                               n + 100),
                           "spi_out": 0x10000 + n, "spi_in": 0x20000 + n}


def ethernet_inputs():
    """Ethernet captures on both sides work as raw ones do."""
    c = next(cases())
    (a, b), (ga, gb) = HOSTS[4], GWS[4]
    out_pkts = packets(4, a, b)
    in_clear = packets(4, b, a)
    sa_in = scapy_sa(c, c["spi_in"], gb, ga)
    in_esp = [bytes(sa_in.encrypt(IP(p), seq_num=i + 1))
              for i, p in enumerate(in_clear)]
    run = sockmgr(SOCKMGR, setkey_script(c), host_in=out_pkts,
                  wire_in=in_esp, ether=True)
    sa_out = scapy_sa(c, c["spi_out"], ga, gb)
    ok = run.rc == 0 and run.host == in_clear and len(run.wire) == \
        len(out_pkts)
    try:
        ok = ok and all(bytes(sa_out.decrypt(IP(w))) == p
                        for w, p in zip(run.wire, out_pkts))
    except Exception:  # noqa: BLE001 -- any failure is a FAIL
        ok = False
    chk.report(ok, "Ethernet captures in, raw out",
               run.stderr.strip()[-200:])


def run_tshark():
    """tshark decodes every ESP packet we made with a known algorithm."""
    if not tshark_pkts:
        return
    with tempfile.TemporaryDirectory(prefix="tshark.") as d:
        path = os.path.join(d, "ours.pcap")
        wrpcap(path, [p[0] for p in tshark_pkts], linktype=DLT_RAW)
        args = ["tshark", "-n", "-r", path,
                "-o", "esp.enable_encryption_decode:TRUE",
                "-o", "esp.enable_authentication_check:TRUE"]
        for sa in tshark_sas:
            args += ["-o", "uat:esp_sa:" + sa]
        args += ["-T", "fields", "-E", "separator=|", "-e", "esp.spi",
                 "-e", "esp.icv_good", "-e", "udp.dstport",
                 "-e", "tcp.dstport", "-e", "icmp.type", "-e",
                 "icmpv6.type", "-e", "esp.pad_len"]
        env = dict(os.environ, HOME=d, XDG_CONFIG_HOME=d)
        res = subprocess.run(args, capture_output=True, text=True,
                             timeout=120, env=env)
    lines = res.stdout.splitlines()
    if not chk.report(res.returncode == 0 and len(lines) ==
                      len(tshark_pkts), "tshark read our capture",
                      res.stderr.strip()[-300:]):
        return
    bad = {}
    for line, (raw, orig, name, icv) in zip(lines, tshark_pkts):
        f = line.split("|")
        inner = IP(orig) if orig[0] >> 4 == 4 else IPv6(orig)
        if UDP in inner:
            want = f[2] == "2000"
        elif TCP in inner:
            want = f[3] == "80"
        else:
            want = f[4] == "8" or f[5] == "128"
        icv_ok = f[1] == ("1" if icv else "")
        if not (want and icv_ok and f[6] != ""):
            bad.setdefault(name, line)
    names = []
    for _, _, name, _ in tshark_pkts:
        if name not in names:
            names.append(name)
    for name in names:
        chk.report(name not in bad, "tshark decodes " + name,
                   bad.get(name, ""))


def main():
    for c in cases():
        one_case(c)
    ethernet_inputs()
    run_tshark()
    return chk.summary()


if __name__ == "__main__":
    sys.exit(main())
