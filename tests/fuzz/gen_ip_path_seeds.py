#!/usr/bin/python3
# Writes the seeds of fuzz_ip_path into tests/fuzz/ip_path.seeds/: ESP
# packets of each SA of the target's fixed configuration (encrypted by
# Scapy with the target's keys), their fragments, clear packets under a
# require policy, and clear packets for the loop mode (control bit 0) that
# the outbound path protects.  Format: a control byte, then records of a
# 16-bit big-endian length and a packet.  Needs Debian's python3-scapy:
# /usr/bin/python3 tests/fuzz/gen_ip_path_seeds.py
import os
import sys
import warnings

warnings.filterwarnings("ignore")
sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from gen_ip_input_seeds import record  # noqa: E402
from scapy.all import IP, IPv6, UDP, TCP, ICMP, Raw, fragment  # noqa: E402
from scapy.layers.inet6 import ICMPv6EchoRequest  # noqa: E402
from scapy.layers.ipsec import ESP, SecurityAssociation  # noqa: E402

KEY = bytes([7, 6, 5, 4, 3, 2, 1]) + bytes(57)


def sas():
    return {
        "gcm4": (SecurityAssociation(ESP, spi=0x1001, crypt_algo="AES-GCM",
                                     crypt_key=KEY[:20]),
                 IP(src="192.0.2.1", dst="192.0.2.2")),
        "cbc4tun": (SecurityAssociation(
            ESP, spi=0x1002, crypt_algo="AES-CBC", crypt_key=KEY[:16],
            auth_algo="SHA2-256-128", auth_key=KEY[32:64],
            tunnel_header=IP(src="198.51.100.1", dst="198.51.100.2")),
            IP(src="192.0.2.1", dst="192.0.2.3")),
        "chacha6": (SecurityAssociation(
            ESP, spi=0x1003, crypt_algo="CHACHA20-POLY1305",
            crypt_key=KEY[:36]),
            IPv6(src="2001:db8::1", dst="2001:db8::2")),
        "cbc6tun": (SecurityAssociation(
            ESP, spi=0x1004, crypt_algo="AES-CBC", crypt_key=KEY[:16],
            tunnel_header=IPv6(src="2001:db8:ff::1", dst="2001:db8:ff::2")),
            IPv6(src="2001:db8::1", dst="2001:db8::3")),
    }


def main(outdir):
    os.makedirs(outdir, exist_ok=True)
    seeds = {}
    for name, (sa, ip) in sas().items():
        clear = [ip / UDP(sport=9, dport=10) / Raw(b"u" * 40),
                 ip / TCP(dport=80, flags="S"),
                 ip / (ICMP(type=8) if ip.version == 4 else
                       ICMPv6EchoRequest()) / Raw(b"p" * 8)]
        esp = [sa.encrypt(p, seq_num=i + 1) for i, p in enumerate(clear)]
        seeds["esp_" + name] = record(esp)
        seeds["replay_" + name] = record([esp[0], esp[0]])
        seeds["loop_" + name] = record(clear, ctl=1)
        seeds["clear_" + name] = record(clear[:1])
        big = sa.encrypt(ip / UDP() / Raw(b"b" * 2000), seq_num=9)
        if big.version == 4:
            seeds["frag_" + name] = record(fragment(big, fragsize=800),
                                           ctl=2)
    for name, data in seeds.items():
        with open(os.path.join(outdir, name), "wb") as f:
            f.write(data)


if __name__ == "__main__":
    main(sys.argv[1] if len(sys.argv) > 1 else
         os.path.join(os.path.dirname(os.path.abspath(__file__)),
                      "ip_path.seeds"))
