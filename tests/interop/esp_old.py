"""RFC 1827 ("old") ESP with RFC 1829 DES-CBC and 3DES-CBC, through
offline mode, against packets built and opened here with the
`cryptography` library: SPI, 64-bit IV, ciphertext of payload, padding,
pad length and next header; no sequence number, no ICV.  Also the SAs the
ESP transform must refuse at SADB_ADD (EINVAL, the SAD left unchanged).

Usage: esp_old.py SOCKMGR
"""
import os
import struct
import sys

from cryptography.hazmat.primitives.ciphers import Cipher, algorithms, modes

from offline_common import Checker, sockmgr
from scapy.layers.inet import IP, UDP

SRC, DST = "192.0.2.1", "192.0.2.2"
SPI = 0x10002
ALGS = {"des-cbc": 8, "3des-cbc": 24}


def key(n):
    # Bytes of odd parity are not needed by either cipher; avoid weak keys.
    return bytes((0x13 + i * 29) & 0xff for i in range(n))


def des(k, iv):
    return Cipher(algorithms.TripleDES(k), modes.CBC(iv))


def script(alg, k, extra=""):
    return ("add %s %s esp-old 0x%x -E %s 0x%s %s;\n"
            "add %s %s esp-old 0x%x -E %s 0x%s %s;\n"
            "spdadd %s %s any -P out ipsec esp/transport//require;\n"
            "spdadd %s %s any -P in ipsec esp/transport//require;\n"
            % (SRC, DST, SPI, alg, k.hex(), extra,
               DST, SRC, SPI + 1, alg, k.hex(), extra,
               SRC, DST, DST, SRC))


def seal(k, spi, payload, nxt, iv):
    """An RFC 1827 ESP packet from DST to SRC around payload."""
    pad = (-(len(payload) + 2)) % 8
    body = payload + bytes(range(1, pad + 1)) + bytes([pad, nxt])
    enc = des(k, iv).encryptor()
    esp = struct.pack("!I", spi) + iv + enc.update(body) + enc.finalize()
    return bytes(IP(src=DST, dst=SRC, proto=50) / esp)


def open_esp(k, pkt):
    """(spi, inner payload, next header) of an RFC 1827 packet."""
    ip = IP(pkt)
    esp = bytes(ip.payload)
    spi, iv, ct = struct.unpack("!I", esp[:4])[0], esp[4:12], esp[12:]
    dec = des(k, iv).decryptor()
    body = dec.update(ct) + dec.finalize()
    return spi, body[:-2 - body[-2]], body[-1], ip.proto


def test_alg(c, binary, alg):
    k = key(ALGS[alg])
    clear = bytes(IP(src=SRC, dst=DST) / UDP(sport=1000, dport=2000) /
                  (b"old esp " * 9))
    inner = IP(clear).payload
    run = sockmgr(binary, script(alg, k), host_in=[clear])
    ok = c.report(run.rc == 0 and len(run.wire) == 1,
                  "%s: one packet out" % alg, run.stderr)
    if ok:
        spi, payload, nxt, proto = open_esp(k, run.wire[0])
        c.report(proto == 50 and spi == SPI and nxt == 17 and
                 payload == bytes(inner),
                 "%s: ours opened by cryptography" % alg)
        c.report(len(run.wire[0]) == 20 + 4 + 8 + len(payload) + 2 +
                 (-(len(payload) + 2)) % 8,
                 "%s: no sequence number, no ICV" % alg)
    iv = os.urandom(8)
    run = sockmgr(binary, script(alg, k), wire_in=[
        seal(k, SPI + 1, bytes(inner), 17, iv)], addrs=[SRC + "/24"])
    ok = c.report(run.rc == 0 and len(run.host) == 1,
                  "%s: theirs delivered" % alg, run.stdout + run.stderr)
    if ok:
        got = IP(run.host[0])
        c.report(got.src == DST and got.dst == SRC and got.proto == 17 and
                 bytes(got.payload) == bytes(inner) and
                 got.len == len(run.host[0]),
                 "%s: theirs decrypted, lengths fixed" % alg)
    # Without an ICV a wrong key goes unnoticed until the trailer: the
    # next header must still be one the host can take, so only the SPI
    # is a reliable refusal here.
    run = sockmgr(binary, script(alg, k), wire_in=[
        seal(k, SPI + 7, bytes(inner), 17, iv)], addrs=[SRC + "/24"])
    c.report(run.rc == 0 and len(run.host) == 0 and
             run.stat("esp", "esps_notdb") == 1,
             "%s: unknown SPI dropped (esps_notdb)" % alg, run.stdout)


def test_refusals(c, binary):
    """SAs the ESP row refuses are refused at ADD, nothing installed."""
    k = key(8)
    cases = [
        ("esp-old with AES-GCM",
         "add %s %s esp-old 0x301 -E aes-gcm-16 0x%s;\n"
         % (SRC, DST, key(20).hex())),
    ]
    for what, stmt in cases:
        run = sockmgr(binary, stmt + "add %s %s esp 0x400 -E des-cbc 0x%s;\n"
                      % (SRC, DST, k.hex()))
        text = run.stdout + run.stderr
        c.report(run.rc != 0 and "Invalid argument" in text,
                 "refused at ADD: " + what, text)


def main():
    binary = sys.argv[1]
    c = Checker()
    for alg in ALGS:
        test_alg(c, binary, alg)
    test_refusals(c, binary)
    return c.summary()


if __name__ == "__main__":
    sys.exit(main())
