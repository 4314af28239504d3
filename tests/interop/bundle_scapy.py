#!/usr/bin/python3
"""SA bundles through sockmgr's offline mode, checked layer by layer
with Scapy's scapy.layers.ipsec (ESP, AH) and Python's zlib (IPComp,
RFC 3173 header built here).

A bundle is the request list of one policy, innermost first, as in
setkey: `esp/transport//require ah/transport//require` puts ESP on the
packet and AH around it.  For each bundle, one sockmgr run takes
  * clear packets from the host, which must leave as the bundle's layers
    that Scapy and zlib take off, outermost first, back to the packets
    the host sent;
  * packets Scapy and zlib protected the same way, from the wire, which
    must reach the host as they were, the inbound policy satisfied.
Prints one line per check and "N passed, N failed" last.

usage: bundle_scapy.py SOCKMGR
"""
import os
import struct
import sys
import zlib

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from offline_common import Checker, key, sockmgr  # noqa: E402
from scapy.layers.inet import IP, UDP  # noqa: E402
from scapy.layers.inet6 import IPv6, IPv6ExtHdrDestOpt  # noqa: E402
from scapy.layers.ipsec import AH, ESP, SecurityAssociation  # noqa: E402
from scapy.layers.ipsec import zero_mutable_fields  # noqa: E402
from scapy.packet import Raw  # noqa: E402

SOCKMGR = sys.argv[1] if len(sys.argv) > 1 else "sockmgr"
HOSTS = {4: ("192.0.2.1", "192.0.2.2"), 6: ("2001:db8::1", "2001:db8::2")}
GWS = {4: [("198.51.100.1", "198.51.100.2"), ("203.0.113.1", "203.0.113.2")],
       6: [("2001:db8:ff::1", "2001:db8:ff::2"),
           ("2001:db8:fe::1", "2001:db8:fe::2")]}
IPCOMP = 108
# Without -R an IPComp SA sends, and is found by, the well-known CPI of
# its algorithm (RFC 2394: deflate is 2), as KAME does.
DEFLATE_CPI = 2
chk = Checker()


def family_cls(fam):
    return IP if fam == 4 else IPv6


class Layer:
    """One request of a bundle: protocol, mode, tunnel gateways, SPIs."""

    def __init__(self, proto, mode="transport", gw=None, spi=0):
        self.proto, self.mode, self.gw, self.spi = proto, mode, gw, spi
        self.ekey, self.akey = key(16, spi & 0xff), key(32, spi >> 8)

    def request(self, out):
        if self.mode == "tunnel":
            a, b = self.gw if out else self.gw[::-1]
            return "%s/tunnel/%s-%s/require" % (self.proto, a, b)
        level = "use" if self.proto == "ipcomp" else "require"
        return "%s/transport//%s" % (self.proto, level)

    def algs(self):
        if self.proto == "esp":
            return "-E aes-cbc 0x%s -A hmac-sha2-256 0x%s" % (
                self.ekey.hex(), self.akey.hex())
        if self.proto == "ah":
            return "-A hmac-sha2-256 0x%s" % self.akey.hex()
        return "-C deflate"

    def sas(self, src, dst, spi):
        """setkey lines for this layer's SA from src to dst (for a
        tunnel, its gateways in that direction)."""
        mode = "-m tunnel " if self.mode == "tunnel" else ""
        return "add %s %s %s 0x%x %s%s;\n" % (src, dst, self.proto, spi,
                                             mode, self.algs())

    def scapy(self, spi, fam, out):
        """Scapy's SA for this layer (not for IPComp)."""
        tunnel = None
        if self.mode == "tunnel":
            a, b = self.gw if out else self.gw[::-1]
            tunnel = family_cls(fam)(src=a, dst=b)
        if self.proto == "esp":
            return SecurityAssociation(
                ESP, spi=spi, crypt_algo="AES-CBC", crypt_key=self.ekey,
                auth_algo="SHA2-256-128", auth_key=self.akey,
                tunnel_header=tunnel)
        return SecurityAssociation(AH, spi=spi, auth_algo="SHA2-256-128",
                                   auth_key=self.akey, tunnel_header=tunnel)


def ip_payload(pkt):
    """(header bytes, next header offset, payload bytes) of an IP packet
    whose transform header follows the fixed header."""
    raw = bytes(pkt)
    if raw[0] >> 4 == 4:
        hl = (raw[0] & 15) * 4
        return raw[:hl], 9, raw[hl:]
    return raw[:40], 6, raw[40:]


def rebuild(hdr, protoff, nxt, payload):
    """An IP packet from a header, its new next header and payload."""
    hdr = bytearray(hdr)
    hdr[protoff] = nxt
    if hdr[0] >> 4 == 4:
        hdr[2:4] = struct.pack("!H", len(hdr) + len(payload))
        ip = IP(bytes(hdr) + payload)
        del ip.chksum
        return bytes(ip)
    hdr[4:6] = struct.pack("!H", len(payload))
    return bytes(hdr) + payload


def ipcomp_wrap(pkt, cpi):
    hdr, protoff, payload = ip_payload(pkt)
    comp = zlib.compressobj(9, zlib.DEFLATED, -12)
    body = comp.compress(payload) + comp.flush()
    return rebuild(hdr, protoff, IPCOMP,
                   struct.pack("!BBH", hdr[protoff], 0, cpi) + body)


def ipcomp_unwrap(pkt, cpi):
    hdr, protoff, payload = ip_payload(pkt)
    if hdr[protoff] != IPCOMP:
        return pkt      # sent uncompressed, as RFC 3173 allows
    nxt, _, got = struct.unpack("!BBH", payload[:4])
    if got != cpi:
        raise ValueError("CPI %x, want %x" % (got, cpi))
    return rebuild(hdr, protoff, nxt,
                   zlib.decompressobj(-15).decompress(payload[4:]))


def as_raw_payload(pkt, fam):
    """pkt with everything behind its IP header as Raw: Scapy's AH signs
    wrongly when it finds an ESP layer inside (Scapy 2.5 tests for ESP
    before AH), so it must not see one."""
    hdr, _, payload = ip_payload(pkt)
    p = family_cls(fam)(hdr)
    p.remove_payload()
    if fam == 4:
        p.len = p.chksum = None
    else:
        p.plen = None
    return p / Raw(payload)


def ah_resign(sa, pkt):
    """Scapy's AH ICV for pkt, computed by Scapy's own AH branch of
    AuthAlgo.sign (mutable fields zeroed by zero_mutable_fields, then the
    MAC).  sign() never reaches that branch when the dissector sees ESP
    behind AH: it appends the MAC behind the datagram instead and leaves
    the ICV zero, so that tail is cut first."""
    pkt = pkt[:ip_length(pkt)]
    p = ah_raw_payload(pkt, ip_fam(pkt))
    room = len(p[AH].icv)       # the ICV and its alignment padding
    p[AH].icv = b"\0" * room
    clone = zero_mutable_fields(p.copy(), sending=True)
    mac = sa.auth_algo.new_mac(sa.auth_key)
    mac.update(bytes(clone))
    icv = mac.finalize()[:sa.auth_algo.icv_size]
    p[AH].icv = icv + b"\0" * (room - len(icv))
    return bytes(p)


def ip_length(pkt):
    if pkt[0] >> 4 == 4:
        return struct.unpack("!H", pkt[2:4])[0]
    return 40 + struct.unpack("!H", pkt[4:6])[0]


def ah_raw_payload(pkt, fam):
    """pkt parsed down to its AH header, what follows AH as Raw: the same
    Scapy trap on the verifying side."""
    p = family_cls(fam)(pkt)
    ah = p[AH]
    rest = bytes(ah.payload)
    ah.remove_payload()
    ah.add_payload(Raw(rest))
    return p


def protect(layers, pkt, fam, spis, seq):
    """Apply the bundle as a peer would, innermost first."""
    for lay, spi in zip(layers, spis):
        if lay.proto == "ipcomp":
            pkt = ipcomp_wrap(pkt, DEFLATE_CPI)
            continue
        sa = lay.scapy(spi, lay_fam(lay, fam), out=False)
        p = family_cls(ip_fam(pkt))(pkt)
        if lay.proto == "ah":
            p = as_raw_payload(bytes(p), ip_fam(pkt))
        pkt = bytes(sa.encrypt(p, seq_num=seq))
        if lay.proto == "ah":
            pkt = ah_resign(sa, pkt)
    return pkt


def unprotect(layers, pkt, fam, spis):
    """Take the bundle off our packet, outermost first."""
    for lay, spi in reversed(list(zip(layers, spis))):
        if lay.proto == "ipcomp":
            pkt = ipcomp_unwrap(pkt, DEFLATE_CPI)
            continue
        sa = lay.scapy(spi, lay_fam(lay, fam), out=True)
        p = family_cls(ip_fam(pkt))(pkt)
        if lay.proto == "ah":
            p = ah_raw_payload(pkt, ip_fam(pkt))
        proto = ip_payload(pkt)[0][9 if ip_fam(pkt) == 4 else 6]
        want = 50 if lay.proto == "esp" else 51
        if proto != want:
            raise ValueError("%s expected, protocol %d" % (lay.proto, proto))
        # Re-parsed: what Scapy left behind AH is still Raw.
        pkt = bytes(sa.decrypt(p))
    return pkt


def ip_fam(pkt):
    return 4 if bytes(pkt)[0] >> 4 == 4 else 6


def lay_fam(lay, fam):
    return fam


def packets(fam, src, dst):
    ip = family_cls(fam)
    return [bytes(ip(src=src, dst=dst) / UDP(sport=1000 + n, dport=2000) /
                  Raw((b"bundle %d " % n) * n)) for n in (1, 20, 80)]


def script(layers, fam):
    a, b = HOSTS[fam]
    out = " ".join(lay.request(True) for lay in layers)
    inn = " ".join(lay.request(False) for lay in layers)
    sas, x, y = "", a, b
    for lay in layers:
        # A transport layer protects the packet as it is by then: the
        # outer header of the last tunnel below it.
        if lay.mode == "tunnel":
            x, y = lay.gw
        sas += lay.sas(x, y, lay.spi) + lay.sas(y, x, lay.spi + 1)
    return ("flush;\nspdflush;\n" + sas +
            "spdadd %s %s any -P out ipsec %s;\n" % (a, b, out) +
            "spdadd %s %s any -P in ipsec %s;\n" % (b, a, inn))


def one_bundle(name, layers, fam):
    a, b = HOSTS[fam]
    out_pkts, in_clear = packets(fam, a, b), packets(fam, b, a)
    out_spis = [lay.spi for lay in layers]
    in_spis = [lay.spi + 1 for lay in layers]
    in_prot = [protect(layers, p, fam, in_spis, i + 1)
               for i, p in enumerate(in_clear)]
    run = sockmgr(SOCKMGR, script(layers, fam), host_in=out_pkts,
                  wire_in=in_prot)
    if not chk.report(run.rc == 0, "ran " + name, run.stderr[-300:]):
        return
    ok, why = len(run.wire) == len(out_pkts), "%d out" % len(run.wire)
    for got, sent in zip(run.wire, out_pkts):
        try:
            back = unprotect(layers, got, fam, out_spis)
            if back != sent:
                ok, why = False, "differs: %s" % back.hex()[:80]
        except Exception as e:  # noqa: BLE001 -- any failure is a FAIL
            ok, why = False, "%s: %s" % (type(e).__name__, e)
    chk.report(ok, "ours->peer " + name, why)
    chk.report(run.host == in_clear, "peer->ours " + name,
               "%d of %d delivered; %s" % (len(run.host), len(in_clear),
                                           run.stdout.replace("\n", " ")
                                           [:400]))
    # Without the outermost layer, or clear, the inbound policy must
    # refuse it.
    ipsec = "ipsec" if fam == 4 else "ipsec6"
    if layers[-1].proto != "ipcomp":
        short = [protect(layers[:-1], p, fam, in_spis[:-1], 100 + i)
                 for i, p in enumerate(in_clear)]
        run = sockmgr(SOCKMGR, script(layers, fam), wire_in=short)
        chk.report(run.rc == 0 and run.host == [] and
                   run.stat(ipsec, "in_polvio") == len(short),
                   "outer layer missing refused " + name,
                   run.stdout.replace("\n", " ")[:300])


def bundles(fam):
    (g1a, g1b), (g2a, g2b) = GWS[fam]
    yield "esp transport in esp tunnel", [
        Layer("esp", spi=0x1100),
        Layer("esp", "tunnel", (g1a, g1b), spi=0x1200)]
    yield "esp tunnel in esp tunnel", [
        Layer("esp", "tunnel", (g1a, g1b), spi=0x2100),
        Layer("esp", "tunnel", (g2a, g2b), spi=0x2200)]
    yield "esp transport over esp tunnel", [
        Layer("esp", "tunnel", (g1a, g1b), spi=0x3100),
        Layer("esp", spi=0x3200)]
    yield "ah tunnel (KAME rejects it under require)", [
        Layer("ah", "tunnel", (g1a, g1b), spi=0x4100)]
    yield "ah transport over esp transport", [
        Layer("esp", spi=0x5100), Layer("ah", spi=0x5200)]
    yield "ah transport over esp tunnel", [
        Layer("esp", "tunnel", (g1a, g1b), spi=0x6100),
        Layer("ah", spi=0x6200)]
    yield "ipcomp esp ah transport", [
        Layer("ipcomp", spi=0x8100), Layer("esp", spi=0x8200),
        Layer("ah", spi=0x8300)]
    yield "ipcomp in esp tunnel", [
        Layer("ipcomp", spi=0x9100),
        Layer("esp", "tunnel", (g1a, g1b), spi=0x9200)]
    yield "esp tunnel in ah tunnel", [
        Layer("esp", "tunnel", (g1a, g1b), spi=0x7100),
        Layer("ah", "tunnel", (g2a, g2b), spi=0x7200)]


def main():
    for fam in (4, 6):
        for name, layers in bundles(fam):
            one_bundle("%s ipv%d" % (name, fam), layers, fam)
    return chk.summary()


if __name__ == "__main__":
    sys.exit(main())
