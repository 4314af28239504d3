"""Real-time behaviour of a running sockmgr: soft and hard SA expiry,
policy lifetime and validtime (SADB_X_SPDEXPIRE), larval reaping after
net.key.larval_lifetime (30 s), and dumps of many entries with a socket
that never reads and one that floods without reading."""

import socket
import struct
import sys
import time

from pfkey_wire import *  # noqa: F401,F403

SRC, DST = address(A_SRC, "10.0.0.1"), address(A_DST, "10.0.0.2")


def expire_checks(t, a, c):
    a.call(msg(REGISTER, SATYPE_ESP, seq=1))
    t0 = time.time()
    r = a.call(add_msg(0x800, seq=2, extra=[lifetime(LT_HARD, add=3),
                                            lifetime(LT_SOFT, add=1)]))
    t.check("ADD with soft 1 s / hard 3 s", r is not None and r.errno == 0)
    m = a.recv_type(EXPIRE, 5)
    ok = m is not None and LT_SOFT in m.exts and LT_CUR in m.exts and \
        m.sa_state() == 2 and m.pid == 0
    t.check("soft EXPIRE: SA dying, CURRENT+SOFT lifetimes", ok, m)
    t.check("soft EXPIRE after 1..2.5 s", 1.0 <= time.time() - t0 <= 2.5,
            time.time() - t0)
    m = a.recv_type(EXPIRE, 5)
    t.check("hard EXPIRE with CURRENT+HARD", m is not None and
            LT_HARD in m.exts, m)
    t.check("hard EXPIRE after 3..4.5 s", 3.0 <= time.time() - t0 <= 4.5,
            time.time() - t0)
    r = a.call(msg(GET, SATYPE_ESP, [sa(0x800), SRC, DST], seq=3))
    t.check("hard expiry removed the SA", r is not None and r.errno == 2)
    t.check("unregistered socket got no EXPIRE",
            not [x for x in c.drain() if x.type == EXPIRE])
    sel = [address(A_SRC, "10.1.0.0", 16), address(A_DST, "10.2.0.0", 16)]
    r = a.call(msg(X_SPDADD, 0, sel + [lifetime(LT_HARD, add=2),
                                       policy(POLICY_DISCARD, DIR_OUT)],
                   seq=4))
    pid = r.policy_id() if r is not None and r.errno == 0 else -1
    m = a.recv_type(X_SPDEXPIRE, 5)
    t.check("SPDEXPIRE for a 2 s policy lifetime", m is not None and
            m.policy_id() == pid and LT_HARD in m.exts, m)
    r = a.call(msg(X_SPDGET, 0, [policy(0, 0, pid=pid)], seq=5))
    t.check("expired policy removed", r is not None and r.errno == 2)
    r = a.call(msg(X_SPDADD, 0, sel + [lifetime(LT_HARD, use=1),
                                       policy(POLICY_DISCARD, DIR_IN)],
                   seq=6))
    m = a.recv_type(X_SPDEXPIRE, 5)
    t.check("SPDEXPIRE for a 1 s validtime of an unused policy",
            m is not None, m)
    t.check("unregistered socket got no SPDEXPIRE",
            not [x for x in c.drain() if x.type == X_SPDEXPIRE])


def larval_check(t, a):
    r = a.call(msg(GETSPI, SATYPE_ESP, [SRC, DST, spirange(0x4444, 0x4444)],
                   seq=10))
    t0 = time.time()
    t.check("GETSPI creates a larval SA", r is not None and r.errno == 0)
    gone = None
    while time.time() - t0 < 34:
        r = a.call(msg(GET, SATYPE_ESP, [sa(0x4444), SRC, DST], seq=11))
        if r is not None and r.errno == 2:
            gone = time.time() - t0
            break
        time.sleep(0.5)
    t.check("larval SA reaped after 30..32 s", gone is not None and
            29.5 <= gone <= 32.5, gone)


def add_many(a, n, make):
    """Pipelined requests; returns how many were answered with errno 0."""
    done = ok = sent = inflight = 0
    mtype = Msg(make(0)).type
    while done < n:
        while inflight < 64 and sent < n:
            a.send(make(sent))
            sent += 1
            inflight += 1
        m = a.recv(5)
        if m is None:
            break
        if m.type == mtype:
            done += 1
            inflight -= 1
            ok += m.errno == 0
    return ok


def read_dump(a, mtype, key_of):
    n, keys, seqs_ok, last = 0, set(), True, None
    while True:
        m = a.recv(10)
        if m is None:
            return n, keys, False
        if m.type != mtype:
            continue
        n += 1
        keys.add(key_of(m))
        if last is not None and m.seq != last - 1:
            seqs_ok = False
        last = m.seq
        if m.seq == 0:
            return n, keys, seqs_ok


def scale_checks(t, d, n):
    stalled = d.client()
    a = d.client()
    a.s.setsockopt(socket.SOL_SOCKET, socket.SO_RCVBUF, 1 << 20)
    ok = add_many(a, n, lambda i: add_msg(0x10000 + i, seq=i + 1))
    t.check("%d ADDs with a listener that never reads" % n, ok == n, ok)
    w = d.client()
    w.s.setblocking(False)
    try:
        for i in range(100000):
            w.send(msg(GET, SATYPE_ESP, [sa(0x10000), SRC, DST], seq=i))
    except BlockingIOError:
        pass
    t0 = time.time()
    r = a.call(msg(GET, SATYPE_ESP, [sa(0x10001), SRC, DST], seq=5))
    t.check("a flooding non-reader does not stall others",
            r is not None and r.errno == 0 and time.time() - t0 < 1)
    a.send(msg(DUMP, 0, seq=7))
    cnt, spis, seqs_ok = read_dump(a, DUMP, lambda m: m.spi())
    t.check("DUMP of %d SAs complete, seq down to 0" % n,
            cnt == n and len(spis) == n and seqs_ok, (cnt, len(spis)))
    for _ in range(3):
        c = d.client()
        c.send(msg(DUMP, 0, seq=1))
        c.recv()
        c.close()
    ok = add_many(a, n // 2, lambda i: msg(X_SPDADD, 0, [
        address(A_SRC, "10.%d.%d.0" % (i >> 8 & 255, i & 255), 24),
        address(A_DST, "0.0.0.0", 0), policy(POLICY_NONE, DIR_OUT)],
        seq=i + 1))
    t.check("%d SPDADDs" % (n // 2), ok == n // 2, ok)
    a.send(msg(X_SPDDUMP, 0, seq=8))
    cnt, ids, seqs_ok = read_dump(a, X_SPDDUMP, lambda m: m.policy_id())
    t.check("SPDDUMP of %d policies complete, seq down to 0" % (n // 2),
            cnt == n // 2 and len(ids) == n // 2 and seqs_ok, cnt)
    t.check("daemon alive after abandoned dumps", d.alive())
    stalled.close()
    w.close()


def main():
    t = Results()
    d = Daemon(sys.argv[1])
    try:
        a, c = d.client(), d.client()
        expire_checks(t, a, c)
        larval_check(t, a)
        scale_checks(t, d, 30000)
    finally:
        d.stop()
    return t.finish()


if __name__ == "__main__":
    sys.exit(main())
