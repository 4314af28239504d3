#!/usr/bin/python3
"""ESP interoperability with Scapy's scapy.layers.ipsec (an independent
implementation over python3-cryptography).

For every algorithm pair both sides support, in transport mode over IPv4
and IPv6, with 32-bit and extended sequence numbers:
  * packets Scapy encrypts must be decrypted by our esp_input (via
    esp_tool in) back to the original bytes;
  * packets our esp_output makes (esp_tool out) must be decrypted and
    verified by Scapy back to the original packet;
  * a packet Scapy made, with one bit of its ciphertext flipped, must be
    dropped by us with esps_badauth when the SA has an ICV.
Scapy (2.5) leaves the ESN high half out of a separate HMAC ICV, which RFC
4303 section 2.2.1 puts in (its AEAD AAD is right).  For ESN with HMAC the
ICV is therefore recomputed here with Python's hmac module as the RFC says:
over Scapy's packets before we get them, and to check ours, whose
decryption Scapy still does with verification off.
Prints one line per check and "N passed, N failed" last.

usage: esp_scapy.py ESP_TOOL
"""
import hashlib
import hmac
import struct
import subprocess
import sys
import warnings

warnings.filterwarnings("ignore")
from scapy.layers.inet import IP, UDP  # noqa: E402
from scapy.layers.inet6 import IPv6  # noqa: E402
from scapy.layers.ipsec import ESP, SecurityAssociation  # noqa: E402
from scapy.layers.ipsec import CRYPT_ALGOS, AUTH_ALGOS  # noqa: E402
from scapy.packet import Raw  # noqa: E402

# (ours, Scapy's, key bytes incl. salt/nonce) for encryption ...
ENC = [
    ("null", "NULL", 0),
    ("aes-cbc", "AES-CBC", 16),
    ("aes-cbc", "AES-CBC", 32),
    ("3des-cbc", "3DES", 24),
    ("des-cbc", "DES", 8),
    ("blowfish-cbc", "Blowfish", 16),
    ("cast128-cbc", "CAST", 16),
    ("aes-ctr", "AES-CTR", 20),
    ("aes-ctr", "AES-CTR", 36),
    ("aes-gcm-16", "AES-GCM", 20),
    ("aes-gcm-16", "AES-GCM", 36),
    ("chacha20-poly1305", "CHACHA20-POLY1305", 36),
]
# ... and for authentication.
AUTH = [
    (None, None, 0),
    ("hmac-md5", "HMAC-MD5-96", 16),
    ("hmac-sha1", "HMAC-SHA1-96", 20),
    ("hmac-sha2-256", "SHA2-256-128", 32),
    ("hmac-sha2-384", "SHA2-384-192", 48),
    ("hmac-sha2-512", "SHA2-512-256", 64),
]
AEAD = ("AES-GCM", "CHACHA20-POLY1305")
DIGEST = {"hmac-md5": hashlib.md5, "hmac-sha1": hashlib.sha1,
          "hmac-sha2-256": hashlib.sha256, "hmac-sha2-384": hashlib.sha384,
          "hmac-sha2-512": hashlib.sha512}

TOOL = sys.argv[1] if len(sys.argv) > 1 else "esp_tool"
passed = failed = 0


def report(ok, what):
    global passed, failed
    if ok:
        passed += 1
    else:
        failed += 1
    print("%s %s" % ("ok  " if ok else "FAIL", what))


def key(n, seed):
    return bytes((seed * 31 + i * 7) & 0xff for i in range(n))


def tool(direction, args, pkts):
    cmd = [TOOL, direction] + args
    res = subprocess.run(cmd, input="".join(p.hex() + "\n" for p in pkts),
                         capture_output=True, text=True, timeout=30)
    if res.returncode != 0:
        return ["error " + res.stderr.strip()]
    return res.stdout.split("\n")[:len(pkts)]


def esn_icv(raw, v6, auth, akey, hi, icvlen):
    """The RFC 4303 ESN ICV of the ESP packet in raw (IP header first)."""
    esp = raw[40 if v6 else 20:len(raw) - icvlen]
    return hmac.new(akey, esp + struct.pack("!L", hi),
                    DIGEST[auth]).digest()[:icvlen]


def packets(v6):
    out = []
    for n in (0, 1, 13, 100, 1000):
        payload = Raw(bytes((i * 5) & 0xff for i in range(n)))
        if v6:
            p = IPv6(src="2001:db8::1", dst="2001:db8::2") / \
                UDP(sport=1000, dport=2000) / payload
        else:
            p = IP(src="192.0.2.1", dst="192.0.2.2", id=7) / \
                UDP(sport=1000, dport=2000) / payload
        out.append(p.__class__(bytes(p)))
    return out


def one_pair(enc, auth, v6, esn):
    ours_e, scapy_e, ekeylen = enc
    ours_a, scapy_a, akeylen = auth
    ekey, akey = key(ekeylen, 1), key(akeylen, 2)
    spi = 0x1234 + ekeylen
    hi = 1 if esn else 0
    sa = SecurityAssociation(ESP, spi=spi, crypt_algo=scapy_e,
                             crypt_key=ekey, auth_algo=scapy_a,
                             auth_key=akey, esn_en=esn, esn=hi)
    args = ["-s", str(spi), "-e", ours_e, "-w", "64"]
    if ekeylen:
        args += ["-E", ekey.hex()]
    if ours_a:
        args += ["-a", ours_a, "-A", akey.hex()]
    if esn:
        args += ["-n"]
    name = "%s/%d %s %s%s" % (ours_e, ekeylen * 8, ours_a or "-",
                              "ipv6" if v6 else "ipv4",
                              " esn" if esn else "")
    pkts = packets(v6)

    # Scapy -> us.
    enc_pkts = [bytes(sa.encrypt(p, seq_num=i + 1))
                for i, p in enumerate(pkts)]
    icvlen = sa.auth_algo.icv_size or 0
    fix = esn and ours_a is not None
    if fix:
        enc_pkts = [r[:len(r) - icvlen] +
                    esn_icv(r, v6, ours_a, akey, hi, icvlen)
                    for r in enc_pkts]
    got = tool("in", args + ["-t", str(hi << 32)], enc_pkts)
    ok = all(g == bytes(p).hex() for g, p in zip(got, pkts))
    report(ok, "scapy->ours " + name + ("" if ok else " " + got[0][:60]))

    # Us -> Scapy.
    got = tool("out", args + ["-q", str((hi << 32) + 1)],
               [bytes(p) for p in pkts])
    ok = True
    for g, p in zip(got, pkts):
        try:
            raw = bytes.fromhex(g)
            cls = IPv6 if v6 else IP
            dec = sa.decrypt(cls(raw), verify=not fix)
            ok = ok and bytes(dec) == bytes(p)
            if fix:
                ok = ok and raw[len(raw) - icvlen:] == \
                    esn_icv(raw, v6, ours_a, akey, hi, icvlen)
        except Exception as e:  # noqa: BLE001 -- any failure is a FAIL
            ok = False
            g = "%s: %s" % (type(e).__name__, e)
    report(ok, "ours->scapy " + name + ("" if ok else " " + g[:60]))

    # A flipped bit in Scapy's ciphertext is caught by our ICV check.
    if ours_a or scapy_e in AEAD:
        bad = bytearray(enc_pkts[2])
        bad[-1 - max(1, sa.auth_algo.icv_size or 16)] ^= 0x10
        got = tool("in", args + ["-t", str(hi << 32)], [bytes(bad)])
        report(got[0] == "drop esps_badauth", "tampered " + name)


def main():
    for enc in ENC:
        if enc[1] not in CRYPT_ALGOS:
            continue
        for auth in AUTH:
            if enc[1] in AEAD and auth[0]:
                continue
            if auth[1] and auth[1] not in AUTH_ALGOS:
                continue
            if enc[0] == "null" and not auth[0]:
                continue
            for v6 in (False, True):
                for esn in (False, True):
                    if esn and v6 and auth[0] not in (None, "hmac-sha1"):
                        continue
                    one_pair(enc, auth, v6, esn)
    print("%d passed, %d failed" % (passed, failed))
    return 0 if failed == 0 else 1


if __name__ == "__main__":
    sys.exit(main())
