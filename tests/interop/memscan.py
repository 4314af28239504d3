#!/usr/bin/python3
"""Count occurrences of byte strings in a live process's memory.

usage: memscan.py PID HEX [HEX ...]

Reads every readable mapping of /proc/PID/maps through /proc/PID/mem (the
caller is root, or the process's parent under ptrace_scope 1), in chunks
that overlap by a needle's length, and prints one line per needle: "HEX
COUNT REGIONS".  Regions that cannot be read (vsyscall, guard pages) are
skipped, and so are mappings over 4 GiB: under AddressSanitizer those are
its shadow and allocator reserve, almost all never touched, and the heap
it hands out is scanned in its own smaller mappings.  The exit status is 0.
"""
import re
import sys


def regions(pid):
    with open("/proc/%d/maps" % pid) as f:
        for line in f:
            m = re.match(r"([0-9a-f]+)-([0-9a-f]+) (\S+) \S+ \S+ \S+\s*(.*)",
                         line)
            if m and m.group(3)[0] == "r":
                yield int(m.group(1), 16), int(m.group(2), 16), m.group(4)


CHUNK = 16 << 20
HUGE = 4 << 30


def chunks(mem, lo, hi, overlap):
    """(offset, bytes) pieces of [lo, hi); unreadable pieces skipped."""
    off = lo
    while off < hi:
        end = min(hi, off + CHUNK + overlap)
        try:
            mem.seek(off)
            yield off, mem.read(end - off)
        except (OSError, ValueError, OverflowError):
            pass
        off += CHUNK


def scan(pid, needles):
    hits = {n: 0 for n in needles}
    where = {n: set() for n in needles}
    overlap = max(len(n) for n in needles) - 1
    with open("/proc/%d/mem" % pid, "rb", buffering=0) as mem:
        for lo, hi, name in regions(pid):
            if hi - lo > HUGE:
                continue
            for off, data in chunks(mem, lo, hi, overlap):
                for n in needles:
                    i = data.find(n)
                    # A match in the overlap is the next chunk's.
                    while 0 <= i < CHUNK:
                        hits[n] += 1
                        where[n].add(name or "[anon]")
                        i = data.find(n, i + 1)
    return hits, where


def main():
    pid = int(sys.argv[1])
    needles = [bytes.fromhex(h) for h in sys.argv[2:]]
    hits, where = scan(pid, needles)
    for n in needles:
        print(n.hex(), hits[n], ",".join(sorted(where[n])) or "-")


if __name__ == "__main__":
    main()
