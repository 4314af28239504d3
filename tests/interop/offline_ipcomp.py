#!/usr/bin/python3
"""IPComp (RFC 3173, deflate RFC 2394) through sockmgr's offline mode,
checked against an independent implementation: Python's zlib doing raw
deflate (wbits -12, KAME's window) with the IPComp header built by hand.

For transport and tunnel mode, IPv4 and IPv6, the well-known CPI and a
raw CPI (setkey -R), one sockmgr run takes
  * clear packets from the host: a compressible one must leave as
    IP | IPComp(next header, flags 0, CPI) | deflate that zlib inflates
    back to the original payload (transport) or inner packet (tunnel);
    an incompressible one and one below the 90-byte threshold must leave
    without IPComp, as they were (ipcomps_uncompr, ipcomps_threshold);
  * IPComp packets zlib compressed, and one too small to compress sent
    as it is (in tunnel mode, in plain IP in IP), from the wire: they
    must reach the host equal to the packets zlib compressed.
IPv6 with a hop-by-hop and a routing header carries IPComp behind them,
both ways.  Then the negative cases, each dropped with its counter:
unknown CPI, a zlib bomb, a packet inflating past 65,535 bytes (and one inflating to
exactly that, delivered), a header cut short, a deflate stream cut
short, corrupt deflate data, IPComp inside IPComp; and a packet that
inflates past its own buffer (8 KB from one frame) is delivered whole.
Finally tshark decodes the IPComp headers we produced.
Prints one line per check and "N passed, N failed" last.

usage: offline_ipcomp.py SOCKMGR
"""
import os
import random
import struct
import subprocess
import sys
import tempfile
import zlib

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from offline_common import Checker, sockmgr, DLT_RAW  # noqa: E402
from scapy.layers.inet import IP, UDP, TCP  # noqa: E402
from scapy.layers.inet6 import IPv6, IPv6ExtHdrHopByHop  # noqa: E402
from scapy.layers.inet6 import IPv6ExtHdrRouting  # noqa: E402
from scapy.packet import Raw  # noqa: E402
from scapy.utils import wrpcap  # noqa: E402

SOCKMGR = sys.argv[1] if len(sys.argv) > 1 else "sockmgr"
IPPROTO_COMP = 108
CPI_DEFLATE = 2          # the well-known CPI of deflate (RFC 3173 3.3)
THRESHOLD = 90           # KAME compresses payloads of at least 90 bytes
chk = Checker()
expect = chk.expect
tshark_pkts = []         # (bytes, expected next header, expected CPI)

HOSTS = {4: ("192.0.2.1", "192.0.2.2"), 6: ("2001:db8::1", "2001:db8::2")}
GWS = {4: ("198.51.100.1", "198.51.100.2"),
       6: ("2001:db8:ff::1", "2001:db8:ff::2")}

TEXT = b"".join(b"line %04d: the quick brown fox jumps over the lazy dog\n"
                % i for i in range(40))


def deflate(data, wbits=-12):
    """Raw deflate as RFC 2394 and KAME's ipcomp_core.c make it."""
    c = zlib.compressobj(zlib.Z_DEFAULT_COMPRESSION, zlib.DEFLATED, wbits)
    return c.compress(data) + c.flush()


def inflate(data):
    """Raw inflate with KAME's window; raises on a bad stream."""
    d = zlib.decompressobj(-12)
    out = d.decompress(data) + d.flush()
    if not d.eof:
        raise ValueError("deflate stream not finished")
    return out


def ip_hdr(fam, src, dst, proto, **kw):
    if fam == 4:
        return IP(src=src, dst=dst, proto=proto, id=kw.get("id", 7),
                  ttl=61)
    return IPv6(src=src, dst=dst, nh=proto, hlim=61)


def udp_packet(fam, src, dst, payload):
    return bytes(ip_hdr(fam, src, dst, 17) / UDP(sport=1000, dport=2000) /
                 Raw(payload))


def split(fam, raw):
    """(IP header bytes, next header, payload) of a packet without
    extension headers."""
    if fam == 4:
        hl = (raw[0] & 0x0f) * 4
        return raw[:hl], raw[9], raw[hl:]
    return raw[:40], raw[6], raw[40:]


def ipcomp_packet(fam, src, dst, nxt, cpi, body, flags=0):
    """IP | IPComp header by hand | body, lengths set by Scapy."""
    hdr = struct.pack("!BBH", nxt, flags, cpi)
    return bytes(ip_hdr(fam, src, dst, IPPROTO_COMP) / Raw(hdr + body))


def setkey_script(c):
    (a, b), (ga, gb) = HOSTS[c["inner"]], GWS[c["outer"]]
    tunnel = c["mode"] == "tunnel"
    sa_a, sa_b = (ga, gb) if tunnel else (a, b)
    raw = "-R " if c["raw"] else ""
    mode = "-m tunnel " if tunnel else "-m transport "
    req = "ipcomp/tunnel/%s-%s/use" if tunnel else "ipcomp/transport//use"
    return "".join([
        "flush;\nspdflush;\n",
        "add %s %s ipcomp 0x%x %s%s-C deflate;\n" % (sa_a, sa_b,
                                                    c["cpi_out"], mode, raw),
        "add %s %s ipcomp 0x%x %s%s-C deflate;\n" % (sa_b, sa_a,
                                                    c["cpi_in"], mode, raw),
        "spdadd %s %s any -P out ipsec %s;\n" % (
            a, b, req % (ga, gb) if tunnel else req),
        "spdadd %s %s any -P in ipsec %s;\n" % (
            b, a, req % (gb, ga) if tunnel else req),
    ])


def wire_cpi(c, cpi):
    return cpi if c["raw"] else CPI_DEFLATE


def host_packets(c, src, dst):
    """Compressible, incompressible and below-threshold packets."""
    rnd = random.Random(c["n"])
    noise = bytes(rnd.getrandbits(8) for _ in range(600))
    fam = c["inner"]
    return [udp_packet(fam, src, dst, TEXT[:1000]),
            udp_packet(fam, src, dst, noise),
            bytes(ip_hdr(fam, src, dst, 6) /
                  TCP(sport=1234, dport=80, flags="PA") / Raw(TEXT[:300])),
            udp_packet(fam, src, dst, b"short")]


def lengths_ok(fam, raw):
    """The IP length (and IPv4 checksum, recomputed by Scapy) agree."""
    if fam == 6:
        return IPv6(raw).plen == len(raw) - 40
    pkt = IP(raw)
    ours = pkt.chksum
    del pkt.chksum
    return pkt.len == len(raw) and IP(bytes(pkt)).chksum == ours


def check_outbound(c, name, sent, got):
    """Compressible packets leave as IPComp that zlib inflates; the
    others leave as they were."""
    tunnel = c["mode"] == "tunnel"
    ofam = c["outer"] if tunnel else c["inner"]
    ok, why = len(got) == len(sent), "%d of %d out" % (len(got), len(sent))
    for i, (raw, orig) in enumerate(zip(got, sent)):
        hdr, nxt, body = split(ofam, raw)
        oh, onxt, opay = split(c["inner"], orig)
        compressible = i in (0, 2)
        try:
            if compressible:
                want_nh = (4 if c["inner"] == 4 else 41) if tunnel else onxt
                nh, flags, cpi = struct.unpack("!BBH", body[:4])
                inner = inflate(body[4:])
                want = orig if tunnel else opay
                good = (nxt == IPPROTO_COMP and nh == want_nh and
                        flags == 0 and
                        cpi == wire_cpi(c, c["cpi_out"]) and
                        inner == want and len(body) < len(want))
                good = good and lengths_ok(ofam, raw)
                tshark_pkts.append((raw, want_nh, wire_cpi(c,
                                                           c["cpi_out"])))
            elif tunnel:
                good = nxt == (4 if c["inner"] == 4 else 41) and \
                    body == orig
            else:
                good = raw == orig
            if not good:
                ok, why = False, "packet %d: %s" % (i, raw[:48].hex())
        except Exception as e:  # noqa: BLE001 -- any failure is a FAIL
            ok, why = False, "packet %d: %s: %s" % (i, type(e).__name__, e)
    chk.report(ok, "ours->zlib " + name, why)


def wire_packets(c, clear):
    """The host's view compressed by zlib, as the peer would send it;
    the last one, below the threshold, goes uncompressed (RFC 3173 2.2):
    as it is in transport mode, in a bare IP-in-IP tunnel otherwise."""
    (a, b), (ga, gb) = HOSTS[c["inner"]], GWS[c["outer"]]
    cpi = wire_cpi(c, c["cpi_in"])
    out = []
    for p in clear[:-1]:
        if c["mode"] == "tunnel":
            nh = 4 if c["inner"] == 4 else 41
            out.append(ipcomp_packet(c["outer"], gb, ga, nh, cpi,
                                     deflate(p)))
        else:
            hdr, nxt, pay = split(c["inner"], p)
            out.append(ipcomp_packet(c["inner"], b, a, nxt, cpi,
                                     deflate(pay)))
    if c["mode"] == "tunnel":
        nh = 4 if c["inner"] == 4 else 41
        out.append(bytes(ip_hdr(c["outer"], gb, ga, nh) / Raw(clear[-1])))
    else:
        out.append(clear[-1])
    return out


def one_case(c):
    (a, b) = HOSTS[c["inner"]]
    name = "%s %s %s" % (
        c["mode"], "raw CPI" if c["raw"] else "well-known CPI",
        "ipv%d" % c["inner"] if c["inner"] == c["outer"] or
        c["mode"] == "transport" else "ipv%d-in-ipv%d" % (c["inner"],
                                                          c["outer"]))
    out_pkts = host_packets(c, a, b)
    in_clear = [udp_packet(c["inner"], b, a, TEXT[:700]),
                udp_packet(c["inner"], b, a, TEXT[:1400]),
                bytes(ip_hdr(c["inner"], b, a, 6) /
                      TCP(sport=80, dport=1234, flags="A") /
                      Raw(TEXT[:200])),
                udp_packet(c["inner"], b, a, b"tiny")]
    run = sockmgr(SOCKMGR, setkey_script(c), host_in=out_pkts,
                  wire_in=wire_packets(c, in_clear))
    if not chk.report(run.rc == 0, "sockmgr ran " + name,
                      "exit %d: %s" % (run.rc, run.stderr.strip()[-200:])):
        return
    check_outbound(c, name, out_pkts, run.wire)
    ok = run.host == in_clear
    chk.report(ok, "zlib->ours " + name, "" if ok else
               "%d of %d back: %s" % (len(run.host), len(in_clear),
                                       run.host[0][:48].hex()
                                       if run.host else "-"))
    want = {"ipcomps_output": 2, "ipcomps_uncompr": 1,
            "ipcomps_threshold": 1, "ipcomps_input": 3,
            "ipcomps_hist[2]": 5}
    bad = ["%s=%d (want %d)" % (k, run.stat("ipcomp", k), v)
           for k, v in want.items() if run.stat("ipcomp", k) != v]
    chk.report(not bad, "counters " + name, "; ".join(bad))


def cases():
    n = 0
    for raw in (False, True):
        for mode in ("transport", "tunnel"):
            fams = [(4, 4), (6, 6)]
            if mode == "tunnel" and not raw:
                fams += [(4, 6), (6, 4)]
            for inner, outer in fams:
                n += 1
                yield {"mode": mode, "inner": inner, "outer": outer,
                       "raw": raw, "n": n,
                       "cpi_out": 0x1000 + n, "cpi_in": 0x2000 + n}


# Negative cases: one transport SA pair, IPv4, well-known and raw CPIs.
A, B = HOSTS[4]
NEG_SCRIPT = """flush;
spdflush;
add {B} {A} ipcomp 0x4001 -m transport -C deflate;
add {B} {A} ipcomp 0x4002 -m transport -R -C deflate;
spdadd {B} {A} any -P in ipsec ipcomp/transport//use;
""".format(A=A, B=B)


def neg_run(pkts):
    return sockmgr(SOCKMGR, NEG_SCRIPT, wire_in=pkts)


def comp(cpi, body, nxt=17, flags=0):
    return ipcomp_packet(4, B, A, nxt, cpi, body, flags)


def udp_body(payload):
    return bytes(UDP(sport=7, dport=9, len=8 + len(payload)) /
                 Raw(payload))


def negative():
    good = udp_body(TEXT[:500])
    r = neg_run([comp(CPI_DEFLATE, deflate(good)),
                 comp(0x4002, deflate(good)),
                 comp(0x4001, deflate(good))])
    expect("well-known, raw and negotiated CPIs accepted", r, 3,
           {("ipcomp", "ipcomps_input"): 3, ("ipsec", "in_success"): 3})
    r = neg_run([comp(0x3333, deflate(good))])
    expect("unknown CPI dropped", r, 0,
           {("ipcomp", "ipcomps_notdb"): 1, ("ipsec", "in_nosa"): 1})
    bomb = deflate(bytes(1 << 20))
    r = neg_run([comp(CPI_DEFLATE, bomb)])
    expect("zlib bomb (%d bytes -> 1 MB) dropped" % len(bomb), r, 0,
           {("ipcomp", "ipcomps_toobig"): 1, ("ipsec", "in_inval"): 1})
    over = deflate(udp_body(bytes(65535 - 20 - 8 + 1)))
    r = neg_run([comp(CPI_DEFLATE, over)])
    expect("inflating to 65,536 bytes of IP packet dropped", r, 0,
           {("ipcomp", "ipcomps_toobig"): 1})
    edge = udp_body(bytes(65535 - 20 - 8))
    r = neg_run([comp(CPI_DEFLATE, deflate(edge))])
    expect("inflating to exactly 65,535 bytes delivered", r, 1,
           {("ipcomp", "ipcomps_input"): 1})
    ok = len(r.host) == 1 and len(r.host[0]) == 65535 and \
        r.host[0][20:] == edge
    chk.report(ok, "the 65,535-byte packet is whole",
               "%d bytes" % len(r.host[0]) if r.host else "none")
    r = neg_run([bytes(IP(src=B, dst=A, proto=IPPROTO_COMP) /
                       Raw(b"\x11\x00"))])
    expect("IPComp header cut short dropped", r, 0,
           {("ipcomp", "ipcomps_hdrops"): 1, ("ipsec", "in_inval"): 1})
    d = deflate(good)
    r = neg_run([comp(CPI_DEFLATE, d[:len(d) // 2])])
    expect("deflate stream cut short dropped", r, 0,
           {("ipcomp", "ipcomps_crypto"): 1, ("ipsec", "in_inval"): 1})
    r = neg_run([comp(CPI_DEFLATE, b"\xff" * 64)])
    expect("corrupt deflate data dropped", r, 0,
           {("ipcomp", "ipcomps_crypto"): 1, ("ipsec", "in_inval"): 1})
    r = neg_run([comp(CPI_DEFLATE, deflate(good), nxt=IPPROTO_COMP)])
    expect("IPComp inside IPComp dropped", r, 0,
           {("ipcomp", "ipcomps_pdrops"): 1})
    big = udp_body(TEXT * 4)
    r = neg_run([comp(CPI_DEFLATE, deflate(big))])
    ok = len(r.host) == 1 and r.host[0][20:] == big and \
        IP(r.host[0]).len == 20 + len(big)
    chk.report(ok, "one frame inflating to %d bytes delivered whole" %
               (20 + len(big)), r.stdout.replace("\n", " ")[:200])


def ext_offset(raw):
    """(offset of the byte naming the header after the IPv6 extension
    headers, offset of that header) of an IPv6 packet."""
    nh_off, off, nh = 6, 40, raw[6]
    while nh in (0, 43, 60):
        nh_off, nh, off = off, raw[off], off + (raw[off + 1] + 1) * 8
    return nh_off, off


def ipv6_extension_headers():
    """IPComp goes in behind the hop-by-hop and routing headers on
    output and comes out from behind them on input."""
    a, b = HOSTS[6]
    script = """flush;
spdflush;
add {a} {b} ipcomp 0x5001 -m transport -C deflate;
add {b} {a} ipcomp 0x5002 -m transport -C deflate;
spdadd {a} {b} any -P out ipsec ipcomp/transport//use;
spdadd {b} {a} any -P in ipsec ipcomp/transport//use;
""".format(a=a, b=b)
    out = bytes(IPv6(src=a, dst=b, hlim=61) / IPv6ExtHdrHopByHop() /
                IPv6ExtHdrRouting(addresses=[b], segleft=0) /
                UDP(sport=1000, dport=2000) / Raw(TEXT[:900]))
    back = bytes(IPv6(src=b, dst=a, hlim=61) / IPv6ExtHdrHopByHop() /
                 UDP(sport=2000, dport=1000) / Raw(TEXT[:800]))
    nh_off, off = ext_offset(back)
    wire = bytearray(back[:off])
    wire[nh_off] = IPPROTO_COMP
    wire += struct.pack("!BBH", 17, 0, CPI_DEFLATE) + deflate(back[off:])
    wire[4:6] = struct.pack("!H", len(wire) - 40)
    run = sockmgr(SOCKMGR, script, host_in=[out], wire_in=[bytes(wire)])
    ok, why = len(run.wire) == 1, "%d out" % len(run.wire)
    if ok:
        raw = run.wire[0]
        nh_off, off = ext_offset(raw)
        o_nh_off, o_off = ext_offset(out)
        try:
            ok = (off == o_off and raw[nh_off] == IPPROTO_COMP and
                  raw[off] == 17 and raw[7:nh_off] == out[7:nh_off] and
                  inflate(raw[off + 4:]) == out[o_off:] and
                  lengths_ok(6, raw))
            why = raw[:off + 4].hex()
        except Exception as e:  # noqa: BLE001 -- any failure is a FAIL
            ok, why = False, "%s: %s" % (type(e).__name__, e)
    chk.report(ok, "ours->zlib ipv6 behind hop-by-hop and routing", why)
    chk.report(run.host == [back], "zlib->ours ipv6 behind hop-by-hop",
               run.host[0][:64].hex() if run.host else "nothing")


def run_tshark():
    """tshark's IPComp dissector reads our headers as we meant them."""
    if not tshark_pkts:
        return
    with tempfile.TemporaryDirectory(prefix="tshark.") as d:
        path = os.path.join(d, "ours.pcap")
        wrpcap(path, [p[0] for p in tshark_pkts], linktype=DLT_RAW)
        args = ["tshark", "-n", "-r", path, "-T", "fields",
                "-E", "separator=|", "-e", "ipcomp.next_header",
                "-e", "ipcomp.flags", "-e", "ipcomp.cpi"]
        env = dict(os.environ, HOME=d, XDG_CONFIG_HOME=d)
        res = subprocess.run(args, capture_output=True, text=True,
                             timeout=120, env=env)
    lines = res.stdout.splitlines()
    if not chk.report(res.returncode == 0 and len(lines) ==
                      len(tshark_pkts), "tshark read our capture",
                      res.stderr.strip()[-300:]):
        return
    bad = []
    for line, (raw, nh, cpi) in zip(lines, tshark_pkts):
        f = line.split("|")
        if len(f) != 3 or int(f[0], 0) != nh or int(f[1], 0) != 0 or \
                int(f[2], 0) != cpi:
            bad.append(line)
    chk.report(not bad, "tshark decodes %d IPComp headers" %
               len(tshark_pkts), "; ".join(bad[:3]))


def main():
    for c in cases():
        one_case(c)
    ipv6_extension_headers()
    negative()
    run_tshark()
    return chk.summary()


if __name__ == "__main__":
    sys.exit(main())
