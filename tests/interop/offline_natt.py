#!/usr/bin/python3
"""ESP in UDP (RFC 3948) through sockmgr's offline mode, checked against
Scapy's IPsec layer, which builds UDP-encapsulated ESP itself
(SecurityAssociation(nat_t_header=UDP(...))).

For transport and tunnel mode over IPv4, with the peer on port 4500 and
on a NAT's port, one sockmgr run takes
  * clear packets from the host: each must leave as IP | UDP(SA's source
    port -> SA's destination port, length right, checksum 0) | ESP, and
    the ESP behind the UDP header, put back into a plain ESP packet, must
    decrypt in Scapy to what the host sent;
  * Scapy's ESP-in-UDP from the wire: the host must get the clear
    packets; in transport mode a UDP datagram whose checksum the peer
    made with its private address (before the NAT) must arrive with a
    checksum that is right for the packet's addresses.
Then, each with its counters: the non-ESP marker (IKE) and a
NAT-keepalive to port 4500 reach the host unchanged; ESP in UDP to a
port its SA does not name is dropped (udpencap_badport); an ESP-in-UDP
packet that fails authentication is dropped.
Prints one line per check and "N passed, N failed" last.

usage: offline_natt.py SOCKMGR
"""
import os
import sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from offline_common import Checker, key, sockmgr  # noqa: E402
from scapy.layers.inet import IP, UDP, TCP, ICMP  # noqa: E402
from scapy.layers.ipsec import ESP, SecurityAssociation  # noqa: E402
from scapy.packet import Raw  # noqa: E402

SOCKMGR = sys.argv[1] if len(sys.argv) > 1 else "sockmgr"
chk = Checker()

A, B = "192.0.2.1", "192.0.2.2"            # hosts
GA, GB = "198.51.100.1", "198.51.100.2"    # tunnel gateways
EKEY, AKEY = key(16, 1), key(20, 2)
SPI_OUT, SPI_IN = 0x1001, 0x2002


def clear_packets(src, dst):
    return [bytes(p) for p in (
        IP(src=src, dst=dst, id=7) / UDP(sport=1000, dport=2000) /
        Raw(bytes(range(n))) for n in (0, 13, 200))] + [
        bytes(IP(src=src, dst=dst, id=8) / TCP(sport=1234, dport=80,
                                                flags="S")),
        bytes(IP(src=src, dst=dst, id=9) / ICMP() / Raw(b"ping" * 8))]


def script(mode, ours, peers):
    """SAs ours -> peers and back as esp-udp, the policies A <-> B."""
    (sa_a, sa_b) = (GA, GB) if mode == "tunnel" else (A, B)
    m = "-m tunnel " if mode == "tunnel" else ""
    algs = "-E aes-cbc 0x%s -A hmac-sha1 0x%s" % (EKEY.hex(), AKEY.hex())
    req = ("esp/tunnel/%s-%s/require" if mode == "tunnel"
           else "esp/transport//require")
    return "".join([
        "flush;\nspdflush;\n",
        "add %s[%d] %s[%d] esp-udp 0x%x %s%s;\n" % (
            sa_a, ours, sa_b, peers, SPI_OUT, m, algs),
        "add %s[%d] %s[%d] esp-udp 0x%x %s%s;\n" % (
            sa_b, peers, sa_a, ours, SPI_IN, m, algs),
        "spdadd %s %s any -P out ipsec %s;\n" % (
            A, B, req % (GA, GB) if mode == "tunnel" else req),
        "spdadd %s %s any -P in ipsec %s;\n" % (
            B, A, req % (GB, GA) if mode == "tunnel" else req),
    ])


def scapy_sa(mode, spi, src, dst, sport=None, dport=None):
    tunnel = IP(src=src, dst=dst) if mode == "tunnel" else None
    natt = UDP(sport=sport, dport=dport) if sport is not None else None
    return SecurityAssociation(ESP, spi=spi, crypt_algo="AES-CBC",
                               crypt_key=EKEY, auth_algo="HMAC-SHA1-96",
                               auth_key=AKEY, tunnel_header=tunnel,
                               nat_t_header=natt)


def check_out(name, mode, sent, got, ours, peers):
    """Our ESP in UDP: header fields, then Scapy decrypts the ESP."""
    sa = scapy_sa(mode, SPI_OUT, GA, GB)
    ok, why = len(got) == len(sent), "%d of %d out" % (len(got), len(sent))
    for i, (raw, orig) in enumerate(zip(got, sent)):
        ip = IP(raw)
        udp = UDP(raw[ip.ihl * 4:ip.ihl * 4 + 8])
        esp = raw[ip.ihl * 4 + 8:]
        if ip.proto != 17 or udp.sport != ours or udp.dport != peers or \
                udp.len != len(raw) - ip.ihl * 4 or udp.chksum != 0 or \
                ip.len != len(raw):
            ok, why = False, "packet %d: %s" % (i, ip.summary())
            continue
        plain = IP(bytes(IP(src=ip.src, dst=ip.dst, proto=50, id=ip.id,
                            ttl=ip.ttl, tos=ip.tos) / Raw(esp)))
        try:
            spi, seq = plain[ESP].spi, plain[ESP].seq
            dec = sa.decrypt(plain)
            if spi != SPI_OUT or seq != i + 1 or bytes(dec) != orig:
                ok, why = False, "packet %d: spi %x seq %d differs" % (
                    i, spi, seq)
        except Exception as ex:  # noqa: BLE001 -- any failure is a FAIL
            ok, why = False, "packet %d: %s" % (i, ex)
    chk.report(ok, "ours->scapy " + name, why)


def natted_udp():
    """A datagram B -> A whose checksum B made from 10.0.0.7 (its own
    address behind the NAT), and the same with the checksum right."""
    payload = Raw(b"through the NAT" * 3)
    wrong = UDP(bytes(IP(src="10.0.0.7", dst=A) /
                      UDP(sport=3000, dport=4000) / payload)[20:])
    pkt = IP(src=B, dst=A, id=11) / wrong
    right = IP(bytes(IP(src=B, dst=A, id=11) / UDP(sport=3000, dport=4000) /
                     payload))
    return bytes(pkt), bytes(right)


def one_case(mode, ours, peers):
    name = "%s %d->%d" % (mode, ours, peers)
    out_pkts = clear_packets(A, B)
    in_clear = clear_packets(B, A)
    natted, fixed = natted_udp()
    if mode == "transport":
        in_clear.append(natted)
    sa_in = scapy_sa(mode, SPI_IN, GB, GA, peers, ours)
    wire = [bytes(sa_in.encrypt(IP(p), seq_num=i + 1))
            for i, p in enumerate(in_clear)]
    run = sockmgr(SOCKMGR, script(mode, ours, peers), host_in=out_pkts,
                  wire_in=wire)
    if not chk.report(run.rc == 0, "sockmgr ran " + name,
                      run.stderr.strip()[-200:]):
        return
    check_out(name, mode, out_pkts, run.wire, ours, peers)
    want = list(in_clear)
    if mode == "transport":
        want[-1] = fixed
    ok = run.host == want
    chk.report(ok, "scapy->ours " + name, "" if ok else "%d of %d back" % (
        len(run.host), len(want)))
    n = len(out_pkts)
    chk.expect("counters " + name, run, len(want), {
        ("udpencap", "udpencap_output"): n,
        ("udpencap", "udpencap_input"): len(want),
        ("udpencap", "udpencap_cksum"): (3 + 1 + 1) if mode == "transport"
        else 0,
        ("esp", "esps_input"): len(want),
        ("esp", "esps_output"): n,
    })


def udp_to(port, data, sport=4500):
    return bytes(IP(src=GB, dst=GA) / UDP(sport=sport, dport=port) /
                 Raw(data))


def negatives():
    """Marker, keepalive, wrong port, bad ICV; no policy on UDP here."""
    sa_in = scapy_sa("tunnel", SPI_IN, GB, GA, 4500, 4500)
    inner = IP(src=B, dst=A) / UDP(sport=1, dport=2) / Raw(b"x" * 20)
    good = bytes(sa_in.encrypt(inner, seq_num=1))
    bad = bytearray(bytes(sa_in.encrypt(inner, seq_num=2)))
    bad[-1] ^= 1
    moved = IP(good)
    moved[UDP].dport = 4501
    del moved[UDP].chksum
    ike = udp_to(4500, b"\0\0\0\0" + b"IKE header and more" * 2)
    keepalive = udp_to(4500, b"\xff")
    # A second SA names 4501, so that port is ESP-in-UDP too.
    extra = ("add %s[4501] %s[4501] esp-udp 0x3003 -m tunnel "
             "-E aes-cbc 0x%s -A hmac-sha1 0x%s;\n" % (
                 GB, GA, EKEY.hex(), AKEY.hex()))
    conf = script("tunnel", 4500, 4500).replace("spdadd", "#spdadd") + extra
    conf = "\n".join(line for line in conf.splitlines()
                     if not line.startswith("#")) + "\n"
    run = sockmgr(SOCKMGR, conf, wire_in=[ike, keepalive, bytes(moved),
                                          bytes(bad), good])
    chk.expect("marker and keepalive delivered, wrong port and bad ICV "
               "dropped", run, 3, {
                   ("udpencap", "udpencap_ike"): 1,
                   ("udpencap", "udpencap_keepalive"): 1,
                   ("udpencap", "udpencap_badport"): 1,
                   ("udpencap", "udpencap_input"): 3,
                   ("esp", "esps_badauth"): 1,
                   ("esp", "esps_input"): 1,
               })
    chk.report(run.host[:2] == [ike, keepalive], "IKE and keepalive "
               "unchanged")
    chk.report(len(run.host) == 3 and run.host[2] == bytes(inner),
               "the good packet decapsulated")


def main():
    for mode in ("transport", "tunnel"):
        for ours, peers in ((4500, 4500), (4500, 31337)):
            one_case(mode, ours, peers)
    negatives()
    return chk.summary()


if __name__ == "__main__":
    sys.exit(main())
