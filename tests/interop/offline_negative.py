#!/usr/bin/python3
"""Negative cases of sockmgr's offline mode: every bad packet is dropped
and the counter that explains the drop moves (read from the statistics
sockmgr prints).  Packets are made by Scapy's IPsec layer, or by hand
(NULL encryption with HMAC-SHA1, ICV by Python's hmac) where a packet
must be wrong in a way Scapy will not produce.

  tampered ciphertext (CBC+HMAC and GCM)  esps_badauth, in_espauthfail
  replayed packet, packet behind window   esps_replay, in_espreplay
  unknown SPI                              esps_notdb, in_nosa
  bad padding bytes                        esps_badenc
  pad length beyond the payload            esps_badilen
  ESP cut short (IP length says so)        esps_hdrops / esps_badilen
  IP datagram cut short by the capture     ips_tooshort
  clear packet under an inbound require    in_polvio
  outbound require without an SA           out_nosa
  DF packet too big once protected         ICMP needfrag to the host
  IPv6 packet too big once protected       ICMPv6 packet too big
  IPv4 packet too big, DF clear            ESP fragments Scapy reassembles
  packet for another address (-a)          ips_cantforward
  script errors (offline and daemon)       exit 65 naming the line
and that in daemon mode -f applies the script before PF_KEY is served.
Prints one line per check and "N passed, N failed" last.

usage: offline_negative.py SOCKMGR
"""
import hashlib
import hmac
import os
import signal
import struct
import subprocess
import sys
import tempfile
import time

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from offline_common import Checker, key, sockmgr  # noqa: E402
from scapy.layers.inet import IP, UDP, ICMP, IPerror  # noqa: E402
from scapy.layers.inet6 import IPv6, ICMPv6PacketTooBig  # noqa: E402
from scapy.layers.ipsec import ESP, SecurityAssociation  # noqa: E402
from scapy.config import conf  # noqa: E402
from scapy.packet import Raw  # noqa: E402
from scapy.layers.inet import defragment  # noqa: E402

SOCKMGR = sys.argv[1] if len(sys.argv) > 1 else "sockmgr"
chk = Checker()
expect = chk.expect

A, B, C = "192.0.2.1", "192.0.2.2", "192.0.2.3"
A6, B6 = "2001:db8::1", "2001:db8::2"
CBC_KEY, SHA_KEY = key(16, 1), key(20, 2)
GCM_KEY = key(20, 3)
NULL_KEY = key(20, 4)
SPI_CBC, SPI_GCM, SPI_NULL, SPI_OUT, SPI_OUT6 = 0x2001, 0x2002, 0x2003, \
    0x3001, 0x3002

SCRIPT = """flush;
spdflush;
add {B} {A} esp 0x{SPI_CBC:x} -m transport -r 8
    -E aes-cbc 0x{cbc} -A hmac-sha1 0x{sha};
add {B} {A} esp 0x{SPI_GCM:x} -m transport -r 8 -E aes-gcm-16 0x{gcm};
add {B} {A} esp 0x{SPI_NULL:x} -m transport -r 8
    -E null -A hmac-sha1 0x{nul};
add {A} {B} esp 0x{SPI_OUT:x} -m transport
    -E aes-cbc 0x{cbc} -A hmac-sha1 0x{sha};
add {A6} {B6} esp 0x{SPI_OUT6:x} -m transport
    -E aes-cbc 0x{cbc} -A hmac-sha1 0x{sha};
spdadd {B} {A} any -P in ipsec esp/transport//require;
spdadd {A} {B} any -P out ipsec esp/transport//require;
spdadd {A} {C} any -P out ipsec esp/transport//require;
spdadd {A6} {B6} any -P out ipsec esp/transport//require;
""".format(A=A, B=B, C=C, A6=A6, B6=B6, SPI_CBC=SPI_CBC, SPI_GCM=SPI_GCM,
           SPI_NULL=SPI_NULL, SPI_OUT=SPI_OUT, SPI_OUT6=SPI_OUT6,
           cbc=CBC_KEY.hex(), sha=SHA_KEY.hex(), gcm=GCM_KEY.hex(),
           nul=NULL_KEY.hex())

SA_CBC = SecurityAssociation(ESP, spi=SPI_CBC, crypt_algo="AES-CBC",
                             crypt_key=CBC_KEY, auth_algo="HMAC-SHA1-96",
                             auth_key=SHA_KEY)
SA_GCM = SecurityAssociation(ESP, spi=SPI_GCM, crypt_algo="AES-GCM",
                             crypt_key=GCM_KEY)
SA_OUT = SecurityAssociation(ESP, spi=SPI_OUT, crypt_algo="AES-CBC",
                             crypt_key=CBC_KEY, auth_algo="HMAC-SHA1-96",
                             auth_key=SHA_KEY)


def clear(src=B, dst=A, n=32, **kw):
    return IP(src=src, dst=dst, id=9, **kw) / UDP(sport=7, dport=9) / \
        Raw(bytes(i & 0xff for i in range(n)))


def esp_of(sa, pkt, seq):
    return bytes(sa.encrypt(IP(bytes(pkt)), seq_num=seq))


def null_esp(seq, payload, pad, nh=17, padlen=None):
    """ESP with NULL encryption and HMAC-SHA1-96 built by hand."""
    body = struct.pack("!II", SPI_NULL, seq) + payload + pad + \
        bytes([len(pad) if padlen is None else padlen, nh])
    icv = hmac.new(NULL_KEY, body, hashlib.sha1).digest()[:12]
    return bytes(IP(src=B, dst=A, id=5, proto=50) / Raw(body + icv))


def run(host=None, wire=None, addrs=()):
    return sockmgr(SOCKMGR, SCRIPT, host_in=host, wire_in=wire,
                   addrs=addrs)


def test_good_baseline():
    pkts = [esp_of(SA_CBC, clear(), 1), esp_of(SA_GCM, clear(), 1),
            null_esp(1, bytes(UDP(sport=7, dport=9) / Raw(b"abcd")),
                     bytes([1, 2]))]
    r = run(wire=pkts)
    expect("well-formed packets of each SA pass", r, 3,
           {("ipsec", "in_success"): 3, ("esp", "esps_input"): 3})


def test_tampered():
    for name, sa in (("aes-cbc/hmac-sha1", SA_CBC), ("aes-gcm-16", SA_GCM)):
        p = bytearray(esp_of(sa, clear(), 1))
        p[40] ^= 0x01
        r = run(wire=[bytes(p)])
        expect("tampered " + name + " dropped", r, 0,
               {("esp", "esps_badauth"): 1, ("ipsec", "in_espauthfail"): 1,
                ("ipsec", "in_success"): 0})


def test_replay():
    p = esp_of(SA_CBC, clear(), 5)
    r = run(wire=[p, p])
    expect("replayed packet dropped", r, 1,
           {("esp", "esps_replay"): 1, ("ipsec", "in_espreplay"): 1,
            ("ipsec", "in_success"): 1})
    r = run(wire=[esp_of(SA_CBC, clear(), 1000), esp_of(SA_CBC, clear(), 1)])
    expect("packet behind the window dropped", r, 1,
           {("esp", "esps_replay"): 1, ("ipsec", "in_espreplay"): 1})


def test_wrong_spi():
    sa = SecurityAssociation(ESP, spi=0x9999, crypt_algo="AES-CBC",
                             crypt_key=CBC_KEY, auth_algo="HMAC-SHA1-96",
                             auth_key=SHA_KEY)
    r = run(wire=[esp_of(sa, clear(), 1)])
    expect("unknown SPI dropped", r, 0,
           {("esp", "esps_notdb"): 1, ("ipsec", "in_nosa"): 1})


def test_bad_padding():
    udp = bytes(UDP(sport=7, dport=9, len=12) / Raw(b"abcd"))
    r = run(wire=[null_esp(1, udp, bytes([1, 2, 9]))])
    expect("bad padding bytes dropped", r, 0,
           {("esp", "esps_badenc"): 1, ("ipsec", "in_success"): 0})
    r = run(wire=[null_esp(1, udp, bytes([1, 2]), padlen=200)])
    expect("pad length beyond the payload dropped", r, 0,
           {("esp", "esps_badilen"): 1, ("ipsec", "in_success"): 0})


def test_truncated():
    p = esp_of(SA_CBC, clear(), 1)
    cut = IP(p[:20 + 6])
    cut.len = None
    cut.chksum = None
    r = run(wire=[bytes(cut)])
    expect("ESP header cut short dropped", r, 0,
           {("esp", "esps_hdrops"): 1, ("ipsec", "in_inval"): 1})
    cut = IP(p[:20 + 8 + 16 + 5])
    cut.len = None
    cut.chksum = None
    r = run(wire=[bytes(cut)])
    ok = r.stat("esp", "esps_badilen") + r.stat("esp", "esps_badauth") == 1
    chk.report(ok and not r.host, "ESP payload cut short dropped",
               r.stdout.replace("\n", " ")[:200])
    r = run(wire=[p[:len(p) - 10]])
    expect("IP datagram cut short dropped", r, 0,
           {("ip", "ips_tooshort"): 1, ("esp", "esps_input"): 0})


def test_clear_under_require():
    r = run(wire=[bytes(clear())])
    expect("clear packet under require dropped", r, 0,
           {("ipsec", "in_polvio"): 1, ("ip", "ips_ipsecdrop_in"): 1})


def test_out_nosa():
    r = run(host=[bytes(clear(src=A, dst=C))])
    expect("outbound require without an SA dropped", r, 0,
           {("ipsec", "out_nosa"): 1, ("ip", "ips_ipsecdrop_out"): 1})
    chk.report(not r.wire, "nothing sent clear without an SA")


def test_mtu_df():
    big = clear(src=A, dst=B, n=1500 - 28, flags="DF")
    r = run(host=[bytes(big)])
    expect("DF packet too big once protected: ICMP", r, 1,
           {("icmp", "icps_outhist_needfrag"): 1, ("ip", "ips_toobig"): 1,
            ("ipsec", "out_toobig"): 1})
    ok, why = False, "no ICMP"
    if r.host:
        e = IP(r.host[0])
        ok = (ICMP in e and e[ICMP].type == 3 and e[ICMP].code == 4 and
              e.src == B and e.dst == A and 1400 <= e[ICMP].nexthopmtu <
              1500 and IPerror in e and e[IPerror].id == 9)
        why = e.summary() + " mtu %d" % e[ICMP].nexthopmtu if ICMP in e \
            else e.summary()
    chk.report(ok, "needfrag to the host announces MTU minus overhead", why)
    chk.report(not r.wire, "nothing sent to the wire")


def test_mtu_v6():
    big = IPv6(src=A6, dst=B6) / UDP(sport=7, dport=9) / \
        Raw(bytes(1500 - 48))
    r = run(host=[bytes(big)])
    expect("IPv6 packet too big once protected: ICMPv6", r, 1,
           {("ip6", "ip6s_toobig"): 1, ("ipsec6", "out_toobig"): 1})
    ok, why = False, "no ICMPv6"
    if r.host:
        e = IPv6(r.host[0])
        ok = ICMPv6PacketTooBig in e and e.dst == A6 and \
            1280 <= e[ICMPv6PacketTooBig].mtu < 1500
        why = e.summary()
    chk.report(ok, "packet too big to the host announces the MTU", why)


def test_mtu_fragment():
    big = clear(src=A, dst=B, n=1500 - 28)
    r = run(host=[bytes(big)])
    expect("IPv4 packet too big, DF clear: fragmented", r, 0,
           {("ip", "ips_fragmented"): 1, ("ip", "ips_ofragments"): 2,
            ("ipsec", "out_success"): 1})
    ok, why = False, "%d fragments" % len(r.wire)
    try:
        frags = [IP(f) for f in r.wire]
        whole = defragment(frags)
        dec = SA_OUT.decrypt(IP(bytes(whole[0])))
        ok = len(frags) == 2 and all(len(f) <= 1500 for f in r.wire) and \
            bytes(dec) == bytes(IP(bytes(big)))
    except Exception as e:  # noqa: BLE001 -- any failure is a FAIL
        why = "%s: %s" % (type(e).__name__, e)
    chk.report(ok, "Scapy reassembles and decrypts the fragments", why)


def test_not_ours():
    p = esp_of(SA_CBC, clear(), 1)
    other = IP(p)
    other.dst = "192.0.2.77"
    other.chksum = None
    r = run(wire=[bytes(other), p], addrs=[A])
    expect("packet for another address dropped (-a)", r, 1,
           {("ip", "ips_cantforward"): 1, ("ipsec", "in_success"): 1})


def test_script_error():
    r = sockmgr(SOCKMGR, "flush;\nadd 1.2.3.4 5.6.7.8 esp 0x100 "
                "-E aes-cbc 0x00;\n", wire_in=[])
    chk.report(r.rc == 65 and "line 2" in r.stderr,
               "script error exits 65 naming the line",
               "exit %d: %s" % (r.rc, r.stderr.strip()))
    r = sockmgr(SOCKMGR, "add 1.2.3.4 5.6.7.8 esp 0x100 -E null "
                "-A hmac-sha1 0x%s;\n" % SHA_KEY.hex() * 2, wire_in=[])
    chk.report(r.rc == 65 and "line 2" in r.stderr and "exists" in
               r.stderr, "refused statement exits 65 naming the line",
               "exit %d: %s" % (r.rc, r.stderr.strip()))


def test_daemon_script():
    """Without -r/-w, -f applies the script and then serves PF_KEY."""
    setkey = os.path.join(os.path.dirname(SOCKMGR), "setkey")
    with tempfile.TemporaryDirectory(prefix="sockmgr.") as d:
        conf = os.path.join(d, "conf")
        with open(conf, "w") as f:
            f.write(SCRIPT)
        sm = subprocess.Popen([SOCKMGR, "-d", "-S", os.path.join(d, "s"),
                               "-f", conf], stderr=subprocess.PIPE,
                              text=True)
        sock = os.path.join(d, "s", "pfkey")
        for _ in range(100):
            if os.path.exists(sock) or sm.poll() is not None:
                break
            time.sleep(0.05)
        out = subprocess.run([setkey, "-D"], capture_output=True,
                             text=True, timeout=30,
                             env=dict(os.environ, SOCK=os.path.join(d, "s")))
        sm.send_signal(signal.SIGTERM)
        try:
            rc = sm.wait(timeout=10)
        except subprocess.TimeoutExpired:
            sm.kill()
            rc = -1
        chk.report("spi=%d(0x%08x)" % (SPI_GCM, SPI_GCM) in out.stdout and
                   rc == 0, "daemon mode: -f applied, then PF_KEY served",
                   "rc %d: %s" % (rc, out.stdout[:200] + out.stderr[:200]))
        with open(conf, "w") as f:
            f.write("flush;\nspdadd 1.2.3.4 any -P out none;\n")
        bad = subprocess.run([SOCKMGR, "-d", "-S", os.path.join(d, "s"),
                              "-f", conf], capture_output=True, text=True,
                             timeout=30)
        chk.report(bad.returncode == 65 and "line 2" in bad.stderr and
                   not os.path.exists(sock),
                   "daemon mode: a script error exits 65 before serving",
                   "exit %d: %s" % (bad.returncode, bad.stderr.strip()))


def main():
    conf.verb = 0
    for t in (test_good_baseline, test_tampered, test_replay,
              test_wrong_spi, test_bad_padding, test_truncated,
              test_clear_under_require, test_out_nosa, test_mtu_df,
              test_mtu_v6, test_mtu_fragment, test_not_ours,
              test_script_error, test_daemon_script):
        t()
    return chk.summary()


if __name__ == "__main__":
    sys.exit(main())
