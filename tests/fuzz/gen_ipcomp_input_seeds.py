#!/usr/bin/python3
# Writes the seeds of fuzz_ipcomp_input into tests/fuzz/ipcomp_input.seeds/:
# a selector byte (SA, family, CPI overwrite; see the target) and an
# IPComp header with a payload made by Python's zlib (raw deflate, window
# bits -12 as KAME): text, noise, zeros inflating past 64 KiB, cut and
# corrupted streams, a nested IPComp header, a short header.
# Run as python3 tests/fuzz/gen_ipcomp_input_seeds.py.
import os
import random
import struct
import sys
import zlib


def deflate(data, wbits=-12, level=zlib.Z_DEFAULT_COMPRESSION):
    c = zlib.compressobj(level, zlib.DEFLATED, wbits)
    return c.compress(data) + c.flush()


def seed(sel, nxt, body, cpi=2):
    return bytes([sel]) + struct.pack("!BBH", nxt, 0, cpi) + body


def main(outdir):
    os.makedirs(outdir, exist_ok=True)
    rnd = random.Random(8)
    text = b"".join(b"line %d: the quick brown fox\n" % i for i in range(60))
    noise = bytes(rnd.getrandbits(8) for _ in range(700))
    udp = struct.pack("!HHHH", 7, 9, 8 + len(text), 0) + text
    seeds = {
        "text4": seed(0x00, 17, deflate(udp)),
        "text6_raw": seed(0x11, 17, deflate(udp), cpi=0x1001),
        "noise4": seed(0x00, 17, deflate(noise)),
        "stored6": seed(0x10, 6, deflate(text, level=0)),
        "best4": seed(0x00, 6, deflate(text, wbits=-15, level=9)),
        "bomb4": seed(0x00, 17, deflate(bytes(1 << 20))),
        "edge4": seed(0x00, 17, deflate(bytes(65535 - 20))),
        "cut4": seed(0x00, 17, deflate(udp)[:40]),
        "corrupt4": seed(0x00, 17, b"\xff" * 48),
        "nested4": seed(0x00, 108, deflate(udp)),
        "wrongcpi4": seed(0x20, 17, deflate(udp), cpi=0x3333),
        "short4": bytes([0x20, 17, 0]),
        "empty": b"\x00",
    }
    for name, data in seeds.items():
        with open(os.path.join(outdir, name), "wb") as f:
            f.write(data)


if __name__ == "__main__":
    main(sys.argv[1] if len(sys.argv) > 1 else
         os.path.join(os.path.dirname(os.path.abspath(__file__)),
                      "ipcomp_input.seeds"))
