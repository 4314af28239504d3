"""An independent PF_KEY v2 client for the acceptance tests.

It builds and parses RFC 2367 messages with struct alone (no project
code), speaks to a running sockmgr over its AF_UNIX SOCK_SEQPACKET socket
and starts and stops such a daemon in a private directory.  Numbers are
the FreeBSD ones the project's pfkeyv2.h uses.
"""

import os
import select
import socket
import struct
import subprocess
import sys
import tempfile
import time

# Message types.
GETSPI, UPDATE, ADD, DELETE, GET, ACQUIRE, REGISTER, EXPIRE = range(1, 9)
FLUSH, DUMP, X_PROMISC, X_PCHANGE = 9, 10, 11, 12
X_SPDUPDATE, X_SPDADD, X_SPDDELETE, X_SPDGET = 13, 14, 15, 16
X_SPDACQUIRE, X_SPDDUMP, X_SPDFLUSH, X_SPDSETIDX = 17, 18, 19, 20
X_SPDEXPIRE, X_SPDDELETE2 = 21, 22

# Extension types.
EXT_SA, LT_CUR, LT_HARD, LT_SOFT, A_SRC, A_DST, A_PROXY = range(1, 8)
K_AUTH, K_ENC, ID_SRC, ID_DST, SENS, PROP, SUP_AUTH, SUP_ENC = range(8, 16)
SPIRANGE, KMPRIVATE, X_POLICY, X_SA2 = 16, 17, 18, 19
NAT_T_TYPE, NAT_T_SPORT, NAT_T_DPORT = 20, 21, 22
SA_REPLAY = 26

SATYPE_UNSPEC, SATYPE_AH, SATYPE_ESP, SATYPE_RSVP = 0, 2, 3, 5
SATYPE_IPCOMP = 9
AALG_SHA1HMAC, AALG_SHA2_256 = 3, 5
EALG_AESCBC, EALG_NULL = 12, 11
POLICY_DISCARD, POLICY_NONE, POLICY_IPSEC, POLICY_ENTRUST = 0, 1, 2, 3
POLICY_BYPASS = 4
DIR_IN, DIR_OUT = 1, 2
LEVEL_REQUIRE = 2

MSG_HDR = struct.Struct("=BBBBHHII")


def ext(etype, body):
    """An extension: the header plus body padded to 8 bytes."""
    body = bytes(body)
    body += b"\0" * (-(len(body) + 4) % 8)
    return struct.pack("=HH", (len(body) + 4) // 8, etype) + body


def sockaddr(addr, port=0):
    if ":" in addr:
        return struct.pack("=HHI16sI", socket.AF_INET6, socket.htons(port),
                           0, socket.inet_pton(socket.AF_INET6, addr), 0)
    return struct.pack("=HH4s8x", socket.AF_INET, socket.htons(port),
                       socket.inet_aton(addr))


def address(etype, addr, plen=None, proto=255, port=0):
    if plen is None:
        plen = 128 if ":" in addr else 32
    return ext(etype, struct.pack("=BBH", proto, plen, 0) +
               sockaddr(addr, port))


def sa(spi, auth=AALG_SHA1HMAC, enc=EALG_AESCBC, state=0, replay=0,
       flags=0):
    return ext(EXT_SA, struct.pack("!I", spi) +
               struct.pack("=BBBBI", replay, state, auth, enc, flags))


def key(etype, data):
    return ext(etype, struct.pack("=HH", len(data) * 8, 0) + data)


def lifetime(etype, alloc=0, nbytes=0, add=0, use=0):
    return ext(etype, struct.pack("=IQQQ", alloc, nbytes, add, use))


def spirange(lo, hi):
    return ext(SPIRANGE, struct.pack("=III", lo, hi, 0))


def sa2(mode=0, reqid=0):
    return ext(X_SA2, struct.pack("=BBHII", mode, 0, 0, 0, reqid))


def policy(ptype, direction, pid=0, requests=b"", priority=0):
    return ext(X_POLICY, struct.pack("=HBBII", ptype, direction, 0, pid,
                                     priority) + requests)


def ipsecrequest(proto=50, mode=1, level=LEVEL_REQUIRE, reqid=0):
    return struct.pack("=HHBBH", 8, proto, mode, level, reqid)


def msg(mtype, satype=0, exts=(), seq=0, pid=None, errno=0, version=2):
    body = b"".join(exts)
    if pid is None:
        pid = os.getpid()
    return MSG_HDR.pack(version, mtype, errno, satype,
                        (16 + len(body)) // 8, 0, seq, pid) + body


class Msg:
    """A parsed message: header fields and extensions by type."""

    def __init__(self, raw):
        self.raw = raw
        (self.version, self.type, self.errno, self.satype, self.len,
         self.reserved, self.seq, self.pid) = MSG_HDR.unpack_from(raw)
        self.exts = {}
        self.order = []
        off = 16
        while off + 4 <= len(raw):
            elen, etype = struct.unpack_from("=HH", raw, off)
            if elen == 0:
                break
            self.exts[etype] = raw[off:off + elen * 8]
            self.order.append(etype)
            off += elen * 8

    def spi(self):
        return struct.unpack_from("!I", self.exts[EXT_SA], 4)[0]

    def sa_state(self):
        return self.exts[EXT_SA][9]

    def lifetime(self, etype):
        return struct.unpack_from("=IQQQ", self.exts[etype], 4)

    def policy_id(self):
        return struct.unpack_from("=I", self.exts[X_POLICY], 8)[0]

    def __repr__(self):
        return "<msg type=%d errno=%d satype=%d seq=%d pid=%d exts=%s>" % (
            self.type, self.errno, self.satype, self.seq, self.pid,
            self.order)


class Client:
    """One PF_KEY socket: a connection to DIR/pfkey."""

    def __init__(self, sockdir):
        self.s = socket.socket(socket.AF_UNIX, socket.SOCK_SEQPACKET)
        self.s.connect(os.path.join(sockdir, "pfkey"))

    def close(self):
        self.s.close()

    def send(self, raw):
        self.s.send(raw)

    def recv(self, timeout=2.0):
        r, _, _ = select.select([self.s], [], [], timeout)
        if not r:
            return None
        raw = self.s.recv(1 << 17)
        return Msg(raw) if raw else None

    def recv_type(self, mtype, timeout=2.0):
        """The next message of one type, skipping others."""
        end = time.time() + timeout
        while True:
            left = end - time.time()
            if left <= 0:
                return None
            m = self.recv(left)
            if m is None or m.type == mtype:
                return m

    def drain(self, timeout=0.2):
        out = []
        while True:
            m = self.recv(timeout)
            if m is None:
                return out
            out.append(m)

    def call(self, raw, timeout=2.0):
        """Send a request and return the reply of the same type and seq."""
        req = Msg(raw)
        self.send(raw)
        end = time.time() + timeout
        while True:
            m = self.recv(max(0.0, end - time.time()))
            if m is None:
                return None
            if m.type == req.type and m.seq == req.seq and \
                    m.pid == req.pid:
                return m


class Daemon:
    """A foreground sockmgr in a private directory."""

    def __init__(self, binary, extra=()):
        self.dir = tempfile.mkdtemp(prefix="pfkey-interop-")
        self.sockdir = os.path.join(self.dir, "run")
        self.log = open(os.path.join(self.dir, "log"), "w+")
        self.p = subprocess.Popen([binary, "-d", "-S", self.sockdir] +
                                  list(extra), stdout=self.log,
                                  stderr=self.log)
        path = os.path.join(self.sockdir, "pfkey")
        for _ in range(200):
            if os.path.exists(path):
                return
            if self.p.poll() is not None:
                break
            time.sleep(0.02)
        raise RuntimeError("sockmgr did not start: " + self.logtext())

    def logtext(self):
        self.log.flush()
        with open(self.log.name) as f:
            return f.read()

    def client(self):
        return Client(self.sockdir)

    def alive(self):
        return self.p.poll() is None

    def stop(self):
        if self.p.poll() is None:
            self.p.terminate()
            try:
                self.p.wait(5)
            except subprocess.TimeoutExpired:
                self.p.kill()
                self.p.wait()
        self.log.close()
        subprocess.call(["rm", "-rf", self.dir])


class Results:
    """Counts checks and prints the runner's final line."""

    def __init__(self):
        self.passed = 0
        self.failed = 0

    def check(self, name, cond, detail=""):
        if cond:
            self.passed += 1
            print("ok   " + name)
        else:
            self.failed += 1
            print("FAIL " + name + ("  (" + str(detail) + ")"
                                    if detail != "" else ""))
        sys.stdout.flush()
        return cond

    def finish(self):
        print("%d passed, %d failed" % (self.passed, self.failed))
        return 1 if self.failed else 0


AUTH_KEY = bytes(range(20))
ENC_KEY = bytes(range(16))


def add_msg(spi, src="10.0.0.1", dst="10.0.0.2", satype=SATYPE_ESP,
            extra=(), seq=1, state=0, mtype=ADD):
    enc = EALG_AESCBC if satype == SATYPE_ESP else 0
    exts = [sa(spi, enc=enc, state=state, replay=4), address(A_SRC, src),
            address(A_DST, dst)]
    if satype == SATYPE_ESP:
        exts += [key(K_AUTH, AUTH_KEY), key(K_ENC, ENC_KEY)]
    else:
        exts += [key(K_AUTH, AUTH_KEY)]
    exts += list(extra)
    return msg(mtype, satype, exts, seq=seq)
