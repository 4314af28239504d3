#!/usr/bin/python3
"""AH through sockmgr's offline mode against independent implementations:
Scapy's scapy.layers.ipsec AH, Python's hmac/hashlib for RFC 1826
"ah-old" (which Scapy lacks), AES-XCBC-MAC-96 and HMAC-RIPEMD-160-96
computed here over Scapy's zeroed packets with python3-cryptography and
hmac, and tshark's AH dissector.

For every authentication algorithm Scapy and we share, in transport and
tunnel mode, over IPv4 (with immutable and mutable options) and IPv6
(with hop-by-hop and destination options), 4-in-6 and 6-in-4 for one
algorithm, and with extended sequence numbers, one sockmgr run applies
a setkey script with an outbound SA and policy (A -> B) and an inbound
pair (B -> A) under "require", and takes
  * clear packets from the host side, which must leave as AH that Scapy
    verifies and strips back to the originals, sequence numbers 1, 2, ...;
  * AH packets Scapy signed, from the wire side, which must reach the
    host equal to the packets Scapy signed (tunnel mode: AH-in-tunnel
    under an inbound require policy, the case KAME's BUGS section says it
    rejects).
Then the negative cases, each with its counter: a wrong ICV, AH cut
short, a bad AH length, a replayed packet, an unknown SPI, a packet
whose TOS or DF bit changed in transit (TOS is not covered while
ah_cleartos is on, the flags are not while ah_offsetmask is 0; the TTL
never is; both sysctls flipped with sockmgr -o make the change fail),
ah_enable=0, and a clear packet under the inbound require.  Finally tshark
decodes every AH packet we made (-V: SPI, sequence number, ICV and the
protocol inside).
Prints one line per check and "N passed, N failed" last.

usage: offline_ah.py SOCKMGR
"""
import hashlib
import hmac
import os
import struct
import subprocess
import sys
import tempfile

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from offline_common import Checker, key, sockmgr, DLT_RAW  # noqa: E402
from scapy.layers.inet import IP, UDP, TCP, ICMP  # noqa: E402
from scapy.layers.inet import IPOption_NOP, IPOption_RR  # noqa: E402
from scapy.layers.inet import IPOption_Router_Alert  # noqa: E402
from scapy.layers.inet6 import IPv6, ICMPv6EchoRequest  # noqa: E402
from scapy.layers.inet6 import IPv6ExtHdrHopByHop  # noqa: E402
from scapy.layers.inet6 import IPv6ExtHdrDestOpt  # noqa: E402
from scapy.layers.inet6 import RouterAlert, HBHOptUnknown  # noqa: E402
from scapy.layers.ipsec import AH, SecurityAssociation  # noqa: E402
from scapy.layers.ipsec import AUTH_ALGOS, zero_mutable_fields  # noqa
from scapy.layers.ipsec import split_for_transport  # noqa: E402
from cryptography.hazmat.primitives.ciphers import Cipher  # noqa: E402
from cryptography.hazmat.primitives.ciphers import algorithms  # noqa
from cryptography.hazmat.primitives.ciphers import modes  # noqa: E402
from scapy.packet import Raw  # noqa: E402
from scapy.utils import wrpcap  # noqa: E402

# (setkey name, Scapy name, key bytes, ICV bytes).
AUTH = [
    ("hmac-md5", "HMAC-MD5-96", 16, 12),
    ("hmac-sha1", "HMAC-SHA1-96", 20, 12),
    ("hmac-sha2-256", "SHA2-256-128", 32, 16),
    ("hmac-sha2-384", "SHA2-384-192", 48, 24),
    ("hmac-sha2-512", "SHA2-512-256", 64, 32),
    ("null", "NULL", 0, 0),
]

HOSTS = {4: ("192.0.2.1", "192.0.2.2"), 6: ("2001:db8::1", "2001:db8::2")}
GWS = {4: ("198.51.100.1", "198.51.100.2"),
       6: ("2001:db8:ff::1", "2001:db8:ff::2")}

SOCKMGR = sys.argv[1] if len(sys.argv) > 1 else "sockmgr"
chk = Checker()
tshark_pkts = []    # (our AH packet, spi, seq, inner packet, case name)


def packets(fam, src, dst):
    """Clear packets of several protocols and sizes, with IPv4 options
    and IPv6 extension headers, from src to dst."""
    if fam == 4:
        def ip(opts=()):
            return IP(src=src, dst=dst, id=7, ttl=61, tos=0x10,
                      options=list(opts))
        echo = ICMP(type=8, id=3, seq=4)
        special = ip([IPOption_NOP(), IPOption_Router_Alert(),
                      IPOption_RR(routers=["0.0.0.0"] * 2)])
    else:
        def ip():
            return IPv6(src=src, dst=dst, hlim=61, tc=0x10, fl=0x1234)
        echo = ICMPv6EchoRequest(id=3, seq=4)
        special = ip() / IPv6ExtHdrHopByHop(options=[
            RouterAlert(), HBHOptUnknown(otype=0x31, optdata=b"abcd")]) / \
            IPv6ExtHdrDestOpt(options=[HBHOptUnknown(otype=0x3e,
                                                     optdata=b"zz")])
    out = [ip() / UDP(sport=1000, dport=2000) / Raw(bytes((i * 5) & 0xff
                                                        for i in range(n)))
           for n in (0, 1, 13, 100, 1000)]
    out.append(ip() / TCP(sport=1234, dport=80, flags="S", seq=99))
    out.append(ip() / echo / Raw(b"ping" * 8))
    out.append(special / UDP(sport=1001, dport=2000) / Raw(b"opt" * 9))
    return [bytes(p) for p in out]


def cls(fam):
    return IP if fam == 4 else IPv6


def sa_flags(c):
    return "-m tunnel " if c["mode"] == "tunnel" else ""


def auth_arg(c):
    if c["auth"][0] == "null":
        return "-A null"
    return "-A %s 0x%s" % (c["auth"][0], c["akey"].hex())


def setkey_script(c):
    """Two AH SAs and two require policies; ESN and window per case."""
    (a, b), (ga, gb) = HOSTS[c["inner"]], GWS[c["outer"]]
    tunnel = c["mode"] == "tunnel"
    sa_a, sa_b = (ga, gb) if tunnel else (a, b)
    opts = sa_flags(c) + ("-esn -r 32 " if c["esn"] else "-r 32 ")
    req = "ah/tunnel/%s-%s/require" if tunnel else "ah/transport//require"
    return "".join([
        "flush;\nspdflush;\n",
        "add %s %s ah 0x%x %s%s;\n" % (sa_a, sa_b, c["spi_out"], opts,
                                       auth_arg(c)),
        "add %s %s ah 0x%x %s%s;\n" % (sa_b, sa_a, c["spi_in"], opts,
                                       auth_arg(c)),
        "spdadd %s %s any -P out ipsec %s;\n" % (
            a, b, req % (ga, gb) if tunnel else req),
        "spdadd %s %s any -P in ipsec %s;\n" % (
            b, a, req % (gb, ga) if tunnel else req),
    ])


def scapy_sa(c, spi, src, dst):
    tunnel = None
    if c["mode"] == "tunnel":
        tunnel = cls(c["outer"])(src=src, dst=dst)
    return SecurityAssociation(AH, spi=spi, auth_algo=c["auth"][1],
                               auth_key=c["akey"] or None,
                               tunnel_header=tunnel, esn_en=c["esn"],
                               esn=0)


def outer_fam(c):
    return c["outer"] if c["mode"] == "tunnel" else c["inner"]


def check_outbound(c, name, sent, got):
    """Our AH, verified and stripped by Scapy, is what the host sent."""
    ga, gb = GWS[c["outer"]]
    sa = scapy_sa(c, c["spi_out"], ga, gb)
    ok, why = len(got) == len(sent), "%d of %d out" % (len(got), len(sent))
    align = 8 if outer_fam(c) == 6 else 4
    for i, (raw, orig) in enumerate(zip(got, sent)):
        try:
            pkt = cls(outer_fam(c))(raw)
            ah = pkt[AH]
            hlen = (ah.payloadlen + 2) * 4
            want = -(-(12 + c["auth"][3]) // align) * align
            dec = sa.decrypt(pkt)
            same = bytes(dec) == orig
            if ah.spi != c["spi_out"] or ah.seq != i + 1 or not same or \
                    hlen != want:
                ok, why = False, "packet %d: spi %x seq %d len %d same %s" \
                    % (i, ah.spi, ah.seq, hlen, same)
        except Exception as e:  # noqa: BLE001 -- any failure is a FAIL
            ok, why = False, "packet %d: %s: %s" % (i, type(e).__name__, e)
        tshark_pkts.append((raw, c["spi_out"], i + 1, orig, name))
    chk.report(ok, "ours->scapy " + name, why)


def one_case(c):
    (a, b), (ga, gb) = HOSTS[c["inner"]], GWS[c["outer"]]
    out_pkts = packets(c["inner"], a, b)
    in_clear = packets(c["inner"], b, a)
    sa_in = scapy_sa(c, c["spi_in"], gb, ga)
    in_ah = [bytes(sa_in.encrypt(cls(c["inner"])(p), seq_num=i + 1))
             for i, p in enumerate(in_clear)]
    run = sockmgr(SOCKMGR, setkey_script(c), host_in=out_pkts,
                  wire_in=in_ah)
    name = c["name"]
    if not chk.report(run.rc == 0, "sockmgr ran " + name,
                      "exit %d: %s" % (run.rc, run.stderr.strip()[-200:])):
        return
    check_outbound(c, name, out_pkts, run.wire)
    ok = run.host == in_clear
    chk.report(ok, "scapy->ours " + name, "" if ok else
               "%d of %d back: %s" % (len(run.host), len(in_clear),
                                      run.stdout.replace("\n", " ")[:300]))
    n = len(out_pkts)
    authed = c["auth"][0] != "null"
    chk.report(run.stat("ah", "ahs_output") == n and
               run.stat("ah", "ahs_input") == n and
               run.stat("ipsec", "out_success") +
               run.stat("ipsec6", "out_success") == n and
               run.stat("ipsec", "in_success") +
               run.stat("ipsec6", "in_success") == n and
               run.stat("ipsec", "in_ahauthsucc") +
               run.stat("ipsec6", "in_ahauthsucc") == (n if authed else 0),
               "counters " + name, run.stdout.replace("\n", " ")[:300])


def cases():
    n = 0
    for auth in AUTH:
        if auth[1] not in AUTH_ALGOS:
            continue
        fams = [(4, 4), (6, 6)]
        if auth[0] == "hmac-sha2-256":
            fams += [(4, 6), (6, 4)]
        for mode in ("transport", "tunnel"):
            for inner, outer in fams:
                for esn in (False, True):
                    if mode == "transport" and inner != outer:
                        continue
                    if esn and auth[0] not in ("hmac-sha1", "hmac-sha2-256"):
                        continue
                    n += 1
                    fam = "ipv%d" % inner if inner == outer else \
                        "ipv%d-in-ipv%d" % (inner, outer)
                    yield {"auth": auth, "mode": mode, "inner": inner,
                           "outer": outer, "esn": esn,
                           "akey": key(auth[2], n), "spi_out": 0x10000 + n,
                           "spi_in": 0x20000 + n,
                           "name": "%s %s %s%s" % (auth[0], mode, fam,
                                                   " esn" if esn else "")}


# Algorithms Scapy lacks, signed here: Scapy's AH layer and its
# zero_mutable_fields() for the bytes, python3-cryptography's AES for
# AES-XCBC-MAC-96 (RFC 3566) and Python's hmac for HMAC-RIPEMD-160-96.
def aes_ecb(k, block):
    enc = Cipher(algorithms.AES(k), modes.ECB()).encryptor()
    return enc.update(block) + enc.finalize()


def xcbc_mac(k, m):
    k1, k2, k3 = (aes_ecb(k, bytes([i]) * 16) for i in (1, 2, 3))
    if m and len(m) % 16 == 0:
        last = k2
    else:
        m += b"\x80" + bytes(-(len(m) + 1) % 16)
        last = k3
    e = bytes(16)
    for i in range(0, len(m), 16):
        blk = m[i:i + 16]
        if i + 16 == len(m):
            blk = bytes(a ^ b for a, b in zip(blk, last))
        e = aes_ecb(k1, bytes(a ^ b for a, b in zip(e, blk)))
    return e


# (setkey name, key bytes, MAC, ICV bytes, families, case label).  The
# last one sends HMAC-SHA2-256 over IPv6 padded to 32 bits only (28-byte
# header), as KAME and FreeBSD peers do, which we must accept.
HAND = [
    ("aes-xcbc-mac", 16, xcbc_mac, 12, (4, 6), ""),
    ("hmac-ripemd160", 20,
     lambda k, d: hmac.new(k, d, "ripemd160").digest(), 12, (4, 6), ""),
    ("hmac-sha2-256", 32,
     lambda k, d: hmac.new(k, d, hashlib.sha256).digest(), 16, (6,),
     " 32-bit padded (KAME)"),
]


def hand_icv(pkt, k, mac, icvlen, sending):
    z = zero_mutable_fields(pkt.copy(), sending=sending)
    return mac(k, bytes(z))[:icvlen]


def hand_sign(clear, fam, spi, seq, k, mac, icvlen):
    """clear (transport) with AH where Scapy puts it, no padding beyond
    32 bits, ICV over Scapy's zeroed packet."""
    hdr, nh, payload = split_for_transport(cls(fam)(clear), 51)
    pkt = cls(fam)(bytes(hdr / AH(nh=nh, payloadlen=(12 + icvlen) // 4 - 2,
                                   spi=spi, seq=seq, icv=bytes(icvlen)) /
                         payload))
    pkt[AH].icv = hand_icv(pkt, k, mac, icvlen, True)
    return bytes(pkt)


def hand_cases():
    for i, (alg, klen, mac, icvlen, fams, label) in enumerate(HAND):
        # Our own output pads to 64 bits over IPv6 and must verify too.
        for fam in fams:
            a, b = HOSTS[fam]
            k = key(klen, 70 + i)
            so, si = 0x50000 + 16 * i + fam, 0x51000 + 16 * i + fam
            script = ("flush;\nspdflush;\n"
                      "add %s %s ah 0x%x -A %s 0x%s;\n"
                      "add %s %s ah 0x%x -A %s 0x%s;\n"
                      "spdadd %s %s any -P out ipsec "
                      "ah/transport//require;\n"
                      "spdadd %s %s any -P in ipsec "
                      "ah/transport//require;\n" %
                      (a, b, so, alg, k.hex(), b, a, si, alg, k.hex(),
                       a, b, b, a))
            out_pkts = packets(fam, a, b)
            in_clear = packets(fam, b, a)
            in_ah = [hand_sign(p, fam, si, n + 1, k, mac, icvlen)
                     for n, p in enumerate(in_clear)]
            run = sockmgr(SOCKMGR, script, host_in=out_pkts, wire_in=in_ah)
            name = "%s ipv%d%s" % (alg, fam, label)
            ok = run.rc == 0 and len(run.wire) == len(out_pkts)
            for raw in run.wire:
                pkt = cls(fam)(raw)
                got = pkt[AH].icv[:icvlen]
                ok = ok and got == hand_icv(pkt, k, mac, icvlen, False)
            chk.report(ok, "ours->python " + name,
                       run.stderr.strip()[-200:] or run.stdout[:200])
            chk.report(run.host == in_clear, "python->ours " + name,
                       run.stdout.replace("\n", " ")[:300])


# RFC 1826 AH, computed here with hashlib/hmac: (setkey name, ICV bytes,
# key bytes, function of key and data).
def keyed(h):
    def mac(k, data):
        # RFC 1828/1852 as KAME's ah_core.c: key padded to the hash
        # block the way MD5 pads (0x80, zeros, little-endian bit length;
        # KAME does the same for SHA-1), data, key, then the hash's own
        # padding.
        bits = struct.pack("<Q", len(k) * 8)
        pad = b"\x80" + b"\x00" * ((55 - len(k)) % 64) + bits
        return h(k + pad + data + k).digest()
    return mac


OLD = [
    ("keyed-md5", 16, 16, keyed(hashlib.md5)),
    ("keyed-sha1", 16, 20, keyed(hashlib.sha1)),
    ("hmac-md5", 16, 16, lambda k, d: hmac.new(k, d, hashlib.md5).digest()),
    ("hmac-sha1", 16, 20, lambda k, d: hmac.new(k, d,
                                                  hashlib.sha1).digest()),
]


def old_icv_input(pkt):
    """RFC 1826 3.3: IPv4 with TOS, flags, offset, TTL, checksum zeroed
    (no options in these packets), the authentication data zeroed."""
    ip = bytearray(pkt[:20])
    ip[1] = 0
    ip[6:9] = b"\x00\x00\x00"
    ip[10:12] = b"\x00\x00"
    icvlen = pkt[21] * 4
    return bytes(ip) + pkt[20:28] + b"\x00" * icvlen + pkt[28 + icvlen:]


def old_sign(clear, spi, icvlen, mac, k):
    ip = IP(clear)
    payload = bytes(ip.payload)
    hdr = struct.pack("!BBHI", ip.proto, icvlen // 4, 0, spi)
    ip.remove_payload()
    ip.proto = 51
    ip.len = 20 + 8 + icvlen + len(payload)
    del ip.chksum
    raw = bytes(IP(bytes(ip))) + hdr + b"\x00" * icvlen + payload
    icv = mac(k, old_icv_input(raw))[:icvlen]
    return raw[:28] + icv + raw[28 + icvlen:]


def old_cases():
    """ah-old both ways for each algorithm KAME offered for it."""
    (a, b) = HOSTS[4]
    for i, (alg, icvlen, klen, mac) in enumerate(OLD):
        k = key(klen, 50 + i)
        spi_out, spi_in = 0x30000 + i, 0x31000 + i
        script = ("flush;\nspdflush;\n"
                  "add %s %s ah-old 0x%x -A %s 0x%s;\n"
                  "add %s %s ah-old 0x%x -A %s 0x%s;\n"
                  "spdadd %s %s any -P out ipsec ah/transport//require;\n"
                  "spdadd %s %s any -P in ipsec ah/transport//require;\n" %
                  (a, b, spi_out, alg, k.hex(), b, a, spi_in, alg, k.hex(),
                   a, b, b, a))
        out_pkts = packets(4, a, b)[:7]
        in_clear = packets(4, b, a)[:7]
        in_ah = [old_sign(p, spi_in, icvlen, mac, k) for p in in_clear]
        run = sockmgr(SOCKMGR, script, host_in=out_pkts, wire_in=in_ah)
        name = "ah-old %s" % alg
        ok = run.rc == 0 and len(run.wire) == len(out_pkts)
        for raw, orig in zip(run.wire, out_pkts):
            want = old_sign(orig, spi_out, icvlen, mac, k)
            # Our TTL and id are the host's; the whole packet must match.
            ok = ok and raw == want
        chk.report(ok, "ours->python " + name,
                   run.stderr.strip()[-200:] or run.stdout[:200])
        chk.report(run.host == in_clear, "python->ours " + name,
                   run.stdout.replace("\n", " ")[:300])


# The negative cases share one SA pair (HMAC-SHA2-256, window 8).
NKEY = key(32, 99)
NSPI_IN, NSPI_OUT = 0x4001, 0x4002
NEG_SCRIPT = """flush;
spdflush;
add {b} {a} ah 0x{si:x} -r 8 -A hmac-sha2-256 0x{k};
add {a} {b} ah 0x{so:x} -r 8 -A hmac-sha2-256 0x{k};
spdadd {b} {a} any -P in ipsec ah/transport//require;
spdadd {a} {b} any -P out ipsec ah/transport//require;
""".format(a=HOSTS[4][0], b=HOSTS[4][1], si=NSPI_IN, so=NSPI_OUT,
           k=NKEY.hex())


def neg_sa():
    return SecurityAssociation(AH, spi=NSPI_IN, auth_algo="SHA2-256-128",
                               auth_key=NKEY)


def clear_pkt(tos=0x10, flags=0, ttl=61, n=40):
    a, b = HOSTS[4]
    return bytes(IP(src=b, dst=a, id=9, tos=tos, flags=flags, ttl=ttl) /
                 UDP(sport=7, dport=9) / Raw(b"n" * n))


def rewrite_ip(raw, **fields):
    """raw with IPv4 header fields changed as a router would, checksum
    fixed."""
    p = IP(raw)
    for f, v in fields.items():
        setattr(p, f, v)
    del p.chksum
    return bytes(IP(bytes(p)))


def negative(what, pkts, counters, host_n=0, sets=()):
    extra = []
    for v in sets:
        extra += ["-o", v]
    run = sockmgr(SOCKMGR, NEG_SCRIPT, wire_in=pkts, extra=extra)
    ok = run.rc == 0 and len(run.host) == host_n
    bad = [(s, n, run.stat(s, n)) for s, n, v in counters
           if run.stat(s, n) != v]
    chk.report(ok and not bad, what, "host got %d; %s; %s" % (
        len(run.host), bad, run.stdout.replace("\n", " ")[:300]))


def negatives():
    sa = neg_sa()
    good = [bytes(sa.encrypt(IP(clear_pkt()), seq_num=i + 1))
            for i in range(4)]
    flip = bytearray(good[0])
    flip[20 + 12] ^= 1
    negative("wrong ICV: ahs_badauth, in_ahauthfail", [bytes(flip)],
             [("ah", "ahs_badauth", 1), ("ipsec", "in_ahauthfail", 1)])
    data = bytearray(good[0])
    data[-1] ^= 1
    negative("payload changed: ahs_badauth", [bytes(data)],
             [("ah", "ahs_badauth", 1)])
    cut = IP(good[0])
    cut_raw = bytes(cut)[:20 + 20]
    cut_raw = rewrite_ip(cut_raw, len=40)
    negative("AH cut short (20 of 28 bytes): ahs_hdrops", [cut_raw],
             [("ah", "ahs_hdrops", 1), ("ipsec", "in_inval", 1)])
    tiny = rewrite_ip(bytes(cut)[:26], len=26)
    negative("AH shorter than any header: ahs_hdrops", [tiny],
             [("ah", "ahs_hdrops", 1)])
    blen = bytearray(good[0])
    blen[21] = 4                  # 24 bytes, the SA's is 28
    negative("bad AH length: ahs_badauthl", [bytes(blen)],
             [("ah", "ahs_badauthl", 1)])
    negative("replayed packet: ahs_replay, in_ahreplay",
             [good[0], good[1], good[0]],
             [("ah", "ahs_replay", 1), ("ipsec", "in_ahreplay", 1),
              ("ah", "ahs_input", 2)], host_n=2)
    other = SecurityAssociation(AH, spi=0x4999, auth_algo="SHA2-256-128",
                                auth_key=NKEY)
    negative("unknown SPI: ahs_notdb, in_nosa",
             [bytes(other.encrypt(IP(clear_pkt())))],
             [("ah", "ahs_notdb", 1), ("ipsec", "in_nosa", 1)])
    negative("clear packet under require: in_polvio", [clear_pkt()],
             [("ipsec", "in_polvio", 1)])
    # Routers rewrite TOS (DSCP/ECN), DF and TTL: with KAME's defaults
    # (ah_cleartos=1, ah_offsetmask=0) none of them is covered.
    moved = [rewrite_ip(good[1], tos=0x28), rewrite_ip(good[2], flags=2),
             rewrite_ip(good[3], ttl=3)]
    negative("TOS, DF, TTL changed in transit still verify", moved,
             [("ah", "ahs_input", 3), ("ah", "ahs_badauth", 0)], host_n=3)
    # Flipped: with ah_cleartos=0 the TOS is covered, with ah_offsetmask
    # 0xffff the flags are; Scapy signs them as zero, so packets that
    # left with zero TOS and flags verify until a router changes them.
    plain = [bytes(sa.encrypt(IP(clear_pkt(tos=0)), seq_num=10 + i))
             for i in range(3)]
    negative("ah_cleartos=0: unchanged TOS verifies",
             [plain[0]], [("ah", "ahs_input", 1)], host_n=1,
             sets=["net.inet.ipsec.ah_cleartos=0"])
    negative("ah_cleartos=0: TOS changed in transit: ahs_badauth",
             [rewrite_ip(plain[1], tos=0x28)],
             [("ah", "ahs_badauth", 1), ("ah", "ahs_input", 0)],
             sets=["net.inet.ipsec.ah_cleartos=0"])
    negative("ah_offsetmask=0xffff: DF set in transit: ahs_badauth",
             [plain[0], rewrite_ip(plain[2], flags=2)],
             [("ah", "ahs_badauth", 1), ("ah", "ahs_input", 1)], host_n=1,
             sets=["net.inet.ipsec.ah_offsetmask=65535"])
    negative("ah_enable=0: ahs_pdrops", [good[0]],
             [("ah", "ahs_pdrops", 1)],
             sets=["net.inet.ah.ah_enable=0"])
    moved = rewrite_ip(good[1], src="192.0.2.77")
    negative("source address changed: ahs_badauth", [moved],
             [("ah", "ahs_badauth", 1)])


def run_tshark():
    """tshark -V decodes every AH packet we made, inner protocol too."""
    with tempfile.TemporaryDirectory(prefix="tshark.") as d:
        path = os.path.join(d, "ours.pcap")
        wrpcap(path, [p[0] for p in tshark_pkts], linktype=DLT_RAW)
        env = dict(os.environ, HOME=d, XDG_CONFIG_HOME=d)
        res = subprocess.run(["tshark", "-n", "-r", path, "-T", "fields",
                              "-E", "separator=|", "-e", "ah.spi", "-e",
                              "ah.sequence", "-e", "udp.dstport", "-e",
                              "tcp.dstport", "-e", "icmp.type", "-e",
                              "icmpv6.type"], capture_output=True,
                             text=True, timeout=120, env=env)
        verbose = subprocess.run(["tshark", "-n", "-V", "-c", "1", "-r",
                                  path], capture_output=True, text=True,
                                 timeout=60, env=env)
    lines = res.stdout.splitlines()
    if not chk.report(res.returncode == 0 and len(lines) == len(tshark_pkts),
                      "tshark read our capture", res.stderr[-300:]):
        return
    chk.report("Authentication Header" in verbose.stdout and
               "AH SPI: 0x" in verbose.stdout and
               "AH ICV: " in verbose.stdout, "tshark -V shows our AH",
               verbose.stdout[-400:])
    bad = {}
    for line, (raw, spi, seq, orig, name) in zip(lines, tshark_pkts):
        f = line.split("|")
        inner = IP(orig) if orig[0] >> 4 == 4 else IPv6(orig)
        if UDP in inner:
            want = f[2].endswith("2000")
        elif TCP in inner:
            want = f[3].endswith("80")
        else:
            want = f[4].endswith("8") or f[5].endswith("128")
        if not (want and int(f[0].split(",")[0], 16) == spi and
                f[1].split(",")[0] == str(seq)):
            bad.setdefault(name, line)
    names = []
    for p in tshark_pkts:
        if p[4] not in names:
            names.append(p[4])
    for name in names:
        chk.report(name not in bad, "tshark decodes " + name,
                   bad.get(name, ""))


def main():
    for c in cases():
        one_case(c)
    hand_cases()
    old_cases()
    negatives()
    run_tshark()
    return chk.summary()


if __name__ == "__main__":
    sys.exit(main())
