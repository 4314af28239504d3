"""The Linux PF_KEY dialect, byte for byte, against a running sockmgr.

A raw client on DIR/pfkey.linux builds its messages with the layouts and
numbers of Linux's <linux/pfkeyv2.h> (16-byte sadb_x_ipsecrequest with a
32-bit reqid at offset 8, policy ids with the direction in id % 8,
IPSEC_DIR_FWD, extensions 24-26 = SEC_CTX, KMADDRESS, FILTER, Linux's
algorithm numbers, sadb_sa_replay in packets, ENOENT for a missing
policy), and a FreeBSD-dialect client on DIR/pfkey looks at the same
state in the FreeBSD ABI, so every translated field is seen from both
sides.  Last, the preload shim: a reply is readable as soon as send() or
write() returns, for blocking and non-blocking readers.
"""

import errno
import os
import socket
import struct
import subprocess
import sys

import pfkey_wire as w
from pfkey_wire import Daemon, Results

# linux/pfkeyv2.h numbers that differ from FreeBSD's.
LX_EXT_SEC_CTX, LX_EXT_KMADDRESS, LX_EXT_FILTER = 24, 25, 26
LX_EALG_AES_CCM_ICV12, LX_EALG_AES_GCM_ICV16 = 15, 20
LX_AALG_SM3_256HMAC = 10
LX_DIR_FWD = 3
# ipsec.h of both: IPSEC_MODE_TUNNEL, IPSEC_LEVEL_UNIQUE.
MODE_TRANSPORT, MODE_TUNNEL, LEVEL_UNIQUE = 1, 2, 3
# FreeBSD numbers with no Linux twin.
BSD_EALG_CHACHA20POLY1305 = 15


class LxClient(w.Client):
    """A PF_KEY socket of the Linux dialect."""

    def __init__(self, sockdir):
        self.s = socket.socket(socket.AF_UNIX, socket.SOCK_SEQPACKET)
        self.s.connect(os.path.join(sockdir, "pfkey.linux"))


def lx_request(proto=50, mode=MODE_TRANSPORT, level=w.LEVEL_REQUIRE,
               reqid=0, tsrc=None, tdst=None):
    """struct sadb_x_ipsecrequest of Linux: 16 bytes, reqid u32 at 8."""
    addrs = b""
    if tsrc is not None:
        addrs = w.sockaddr(tsrc) + w.sockaddr(tdst)
    return struct.pack("=HHBBHII", 16 + len(addrs), proto, mode, level, 0,
                       reqid, 0) + addrs


def lx_requests(pol):
    """(len, proto, mode, level, reqid) of each Linux request in pol."""
    out, off = [], 16
    while off < len(pol):
        ln, proto, mode, level, _, reqid, _ = struct.unpack_from(
            "=HHBBHII", pol, off)
        if ln < 16:
            break
        out.append((ln, proto, mode, level, reqid))
        off += ln
    return out


def bsd_requests(pol):
    out, off = [], 16
    while off < len(pol):
        ln, proto, mode, level, reqid = struct.unpack_from("=HHBBH", pol,
                                                           off)
        if ln < 8:
            break
        out.append((ln, proto, mode, level, reqid))
        off += ln
    return out


def pol_dir(m):
    return m.exts[w.X_POLICY][6]


def spd(mtype, direction, reqs=b"", src="10.1.0.1", dst="10.1.0.2",
        seq=1, pid_=0, ptype=w.POLICY_IPSEC, extra=()):
    exts = [w.address(w.A_SRC, src), w.address(w.A_DST, dst),
            w.policy(ptype, direction, pid_, reqs)] + list(extra)
    return w.msg(mtype, 0, exts, seq=seq)


def sa_add(spi, auth=w.AALG_SHA1HMAC, enc=w.EALG_AESCBC, replay=0,
           extra=(), seq=1, akey=w.AUTH_KEY, ekey=w.ENC_KEY):
    exts = [w.sa(spi, auth=auth, enc=enc, replay=replay, state=1),
            w.address(w.A_SRC, "10.2.0.1"), w.address(w.A_DST, "10.2.0.2")]
    if auth != 0:
        exts.append(w.key(w.K_AUTH, akey))
    exts.append(w.key(w.K_ENC, ekey))
    return w.msg(w.ADD, w.SATYPE_ESP, exts + list(extra), seq=seq)


def sa_get(spi, seq=2):
    return w.msg(w.GET, w.SATYPE_ESP, [
        w.sa(spi, auth=0, enc=0), w.address(w.A_SRC, "10.2.0.1"),
        w.address(w.A_DST, "10.2.0.2")], seq=seq)


def dump(c, req):
    """Every record of a dump (the last has seq 0)."""
    c.drain(0.05)
    c.send(req)
    return [m for m in c.drain(0.3) if m.errno == 0]


def sa_field(m, off):
    return m.exts[w.EXT_SA][off]


def supported(m, etype):
    body = m.exts.get(etype, b"")
    return [body[i] for i in range(8, len(body), 8)]


def register_checks(t, lx, bsd):
    r = lx.call(w.msg(w.REGISTER, w.SATYPE_ESP, seq=1))
    enc = supported(r, w.SUP_ENC)
    auth = supported(r, w.SUP_AUTH)
    rb = bsd.call(w.msg(w.REGISTER, w.SATYPE_ESP, seq=1))
    t.check("linux REGISTER: AES-CBC and AES-GCM-16 listed",
            12 in enc and LX_EALG_AES_GCM_ICV16 in enc, enc)
    t.check("linux REGISTER: no 15 (CCM-ICV12 there, ChaCha20 here)",
            LX_EALG_AES_CCM_ICV12 not in enc and
            BSD_EALG_CHACHA20POLY1305 in supported(rb, w.SUP_ENC), enc)
    t.check("linux REGISTER: no FreeBSD-only GMAC/ChaCha auth ids 11-14",
            not set(auth) & {11, 12, 13, 14} and 3 in auth, auth)


def sa_checks(t, lx, bsd):
    r = lx.call(sa_add(0x1001, replay=32))
    t.check("linux ADD replay 32 packets", r is not None and r.errno == 0,
            r)
    g = lx.call(sa_get(0x1001))
    t.check("linux GET: replay counted in packets (32)",
            g is not None and sa_field(g, 8) == 32, g)
    gb = bsd.call(sa_get(0x1001))
    t.check("freebsd GET of the same SA: 4 bytes of bitmap",
            sa_field(gb, 8) == 4 and w.SA_REPLAY not in gb.exts, gb)
    r = lx.call(sa_add(0x1002, replay=5))
    gb = bsd.call(sa_get(0x1002))
    t.check("linux replay 5: an exact window (FreeBSD SA_REPLAY 5)",
            r.errno == 0 and gb.exts.get(w.SA_REPLAY, b"")[4:5] == b"\x05",
            gb)
    t.check("linux GET replay 5 back as 5",
            sa_field(lx.call(sa_get(0x1002)), 8) == 5)
    bsd.drain(0.05)
    r = bsd.call(sa_add(0x1003, extra=[w.ext(w.SA_REPLAY,
                                              struct.pack("=I", 1024))]))
    g = lx.call(sa_get(0x1003))
    t.check("1024-packet window shown to Linux as 255, no extension 26",
            r.errno == 0 and sa_field(g, 8) == 255 and
            not [e for e in g.order if e > 23], (r, g))
    r = lx.call(sa_add(0x1004, auth=0, enc=LX_EALG_AES_CCM_ICV12))
    t.check("linux enc 15 (AES-CCM-ICV12) is ENOSYS, not ChaCha20",
            r.errno == errno.ENOSYS, r)
    r = lx.call(w.msg(w.REGISTER, 11, seq=6))
    t.check("linux satype 11 (FreeBSD's TCP-MD5) is EINVAL",
            r.errno == errno.EINVAL, r)
    r = lx.call(sa_add(0x1005, auth=LX_AALG_SM3_256HMAC))
    t.check("linux auth 10 (SM3) is ENOSYS", r.errno == errno.ENOSYS, r)
    r = lx.call(sa_add(0x1006, auth=0, enc=LX_EALG_AES_GCM_ICV16,
                       ekey=bytes(range(20))))
    gb = bsd.call(sa_get(0x1006))
    t.check("linux AES-GCM-16 with no auth: stored as FreeBSD's 20",
            r.errno == 0 and sa_field(gb, 11) == 20, (r, gb))
    bsd.drain(0.05)
    r = bsd.call(sa_add(0x1007, auth=0, enc=BSD_EALG_CHACHA20POLY1305,
                        ekey=bytes(range(36))))
    g = lx.call(sa_get(0x1007))
    t.check("FreeBSD ChaCha20 SA shown to Linux as unpaired 255, not 15",
            r.errno == 0 and sa_field(g, 11) == 255, (r, g))
    r = lx.call(w.msg(w.GETSPI, w.SATYPE_ESP, [
        w.spirange(0x600, 0x600), w.sa(0x600, auth=0, enc=0),
        w.sa2(MODE_TUNNEL, 5), w.address(w.A_SRC, "10.3.0.1"),
        w.address(w.A_DST, "10.3.0.2")], seq=3))
    t.check("linux GETSPI with an SA extension (ipsec-tools) gets 0x600",
            r.errno == 0 and r.spi() == 0x600, r)
    r = lx.call(w.msg(w.ADD, w.SATYPE_ESP, [
        w.key(w.K_ENC, b""), w.sa(0x1008, auth=0, enc=w.EALG_NULL,
                                  state=1),
        w.address(w.A_SRC, "10.2.0.1"), w.address(w.A_DST, "10.2.0.2")],
        seq=4))
    t.check("linux null cipher with a 0-bit key (ipsec-tools) is added",
            r.errno == 0, r)
    bsd.drain(0.05)
    r = bsd.call(w.msg(w.ADD, w.SATYPE_ESP, [
        w.key(w.K_ENC, b""), w.sa(0x1009, auth=0, enc=w.EALG_NULL,
                                  state=1),
        w.address(w.A_SRC, "10.2.0.1"), w.address(w.A_DST, "10.2.0.2")],
        seq=5))
    t.check("freebsd null cipher with a 0-bit key is still EINVAL (KAME)",
            r.errno == errno.EINVAL, r)
    recs = dump(lx, w.msg(w.DUMP, w.SATYPE_ESP, seq=9))
    t.check("linux DUMP: no extension numbered 24-28 in any record",
            recs and all(not [e for e in m.order if e >= 24]
                         for m in recs + [g]), [m.order for m in recs])


def spd_checks(t, lx, bsd):
    r = lx.call(spd(w.X_SPDADD, w.DIR_OUT, lx_request(reqid=70000)))
    t.check("linux reqid over 16 bits is EINVAL",
            r.errno == errno.EINVAL, r)
    r = lx.call(spd(w.X_SPDADD, w.DIR_OUT, lx_request(
        level=LEVEL_UNIQUE, reqid=5)))
    t.check("linux SPDADD with a 16-byte request", r.errno == 0, r)
    lid = r.policy_id()
    t.check("linux policy id carries the direction (id % 8 == 1: out)",
            lid % 8 == 1 and lid >= 8, lid)
    t.check("linux SPDADD reply: request 16 bytes, reqid 5 at offset 8",
            lx_requests(r.exts[w.X_POLICY]) == [(16, 50, 1, 3, 5)],
            r.exts[w.X_POLICY].hex())
    recs = dump(bsd, w.msg(w.X_SPDDUMP, 0, seq=3))
    mine = [m for m in recs if m.policy_id() == lid >> 3]
    t.check("freebsd sees it: id / 8, an 8-byte request, reqid at 6",
            len(mine) == 1 and bsd_requests(mine[0].exts[w.X_POLICY]) ==
            [(8, 50, 1, 3, 5)], [m.exts[w.X_POLICY].hex() for m in recs])
    r = lx.call(spd(w.X_SPDADD, LX_DIR_FWD, lx_request(
        mode=MODE_TUNNEL, level=LEVEL_UNIQUE, reqid=7, tsrc="192.0.2.1",
        tdst="192.0.2.2"),
        src="10.9.0.0", dst="10.8.0.0",
        extra=[w.ext(LX_EXT_SEC_CTX, bytes(4))]))
    t.check("linux SPDADD fwd tunnel (with a SEC_CTX, ignored)",
            r.errno == 0 and pol_dir(r) == LX_DIR_FWD, r)
    fid = r.policy_id()
    t.check("linux fwd id % 8 == 2, tunnel request 48 bytes",
            fid % 8 == 2 and lx_requests(r.exts[w.X_POLICY]) ==
            [(48, 50, 2, 3, 7)], (fid, r.exts[w.X_POLICY].hex()))
    recs = dump(bsd, w.msg(w.X_SPDDUMP, 0, seq=4))
    fw = [m for m in recs if m.policy_id() == fid >> 3]
    t.check("freebsd dump shows the fwd policy, request 40 bytes",
            len(fw) == 1 and pol_dir(fw[0]) == LX_DIR_FWD and
            bsd_requests(fw[0].exts[w.X_POLICY]) == [(40, 50, 2, 3, 7)],
            [m.exts[w.X_POLICY].hex() for m in fw])
    r = bsd.call(spd(w.X_SPDADD, LX_DIR_FWD, w.ipsecrequest(),
                     src="10.7.0.0"))
    t.check("freebsd SPDADD fwd is still EINVAL", r.errno == errno.EINVAL,
            r)
    g = lx.call(w.msg(w.X_SPDGET, 0, [w.policy(w.POLICY_IPSEC, 0, fid)],
                      seq=5))
    t.check("linux SPDGET by its id", g.errno == 0 and
            g.policy_id() == fid and pol_dir(g) == LX_DIR_FWD, g)
    # charon's query_policy(): the id with its direction, type and the
    # selector's addresses, which af_key's SPDGET ignores.
    g = lx.call(w.msg(w.X_SPDGET, 0, [
        w.policy(w.POLICY_IPSEC, LX_DIR_FWD, fid),
        w.address(w.A_SRC, "10.9.0.0", 16),
        w.address(w.A_DST, "10.8.0.0", 16)], seq=5))
    t.check("linux SPDGET with the selector's addresses (charon)",
            g.errno == 0 and g.policy_id() == fid, g)
    g = bsd.call(w.msg(w.X_SPDGET, 0, [
        w.policy(w.POLICY_IPSEC, 0, fid >> 3),
        w.address(w.A_SRC, "10.9.0.0", 16),
        w.address(w.A_DST, "10.8.0.0", 16)], seq=5))
    t.check("freebsd SPDGET with addresses is still EINVAL",
            g.errno == errno.EINVAL, g)
    recs = dump(lx, w.msg(w.X_SPDDUMP, 0, seq=6))
    t.check("linux SPDDUMP: every request 16 bytes, ids with dirs",
            len(recs) >= 2 and all(
                rq[0] >= 16 for m in recs
                for rq in lx_requests(m.exts[w.X_POLICY])) and
            all(m.policy_id() % 8 == pol_dir(m) - 1 for m in recs),
            [(m.policy_id(), m.exts[w.X_POLICY].hex()) for m in recs])
    r = lx.call(w.msg(w.X_SPDDELETE2, 0, [w.policy(w.POLICY_IPSEC, 0,
                                                   fid)], seq=7))
    t.check("linux SPDDELETE2 by id, echoed with that id",
            r.errno == 0 and r.policy_id() == fid, r)
    r = lx.call(w.msg(w.X_SPDDELETE2, 0, [w.policy(w.POLICY_IPSEC, 0,
                                                   fid)], seq=8))
    t.check("linux SPDDELETE2 of a missing id is ENOENT",
            r.errno == errno.ENOENT, r)
    r = bsd.call(w.msg(w.X_SPDDELETE2, 0, [w.policy(w.POLICY_IPSEC, 0,
                                                    fid >> 3)], seq=8))
    t.check("freebsd SPDDELETE2 of a missing id is EINVAL",
            r.errno == errno.EINVAL, r)
    r = lx.call(spd(w.X_SPDDELETE, w.DIR_IN, src="10.5.0.1"))
    t.check("linux SPDDELETE of a missing policy is ENOENT",
            r.errno == errno.ENOENT, r)
    r = bsd.call(spd(w.X_SPDDELETE, w.DIR_IN, src="10.5.0.1"))
    t.check("freebsd SPDDELETE of a missing policy is EINVAL",
            r.errno == errno.EINVAL, r)
    r = lx.call(spd(w.X_SPDDELETE, w.DIR_OUT, lx_request(
        level=LEVEL_UNIQUE, reqid=5), seq=9))
    t.check("linux SPDDELETE by selector, reply id with direction",
            r.errno == 0 and r.policy_id() == lid, r)
    bad = spd(w.X_SPDADD, w.DIR_OUT, struct.pack("=HHBBHII", 12, 50, 1, 2,
                                                 0, 0, 0), seq=10)
    r = lx.call(bad)
    t.check("linux request shorter than 16 bytes is EINVAL",
            r.errno == errno.EINVAL, r)


SYNC_PROG = r"""
import os, socket, sys
fam = 15
s = socket.socket(fam, socket.SOCK_RAW | socket.SOCK_NONBLOCK, 2)
req = lambda seq: bytes([2, 9, 0, 0, 2, 0, 0, 0]) + seq.to_bytes(4,
    "little") + os.getpid().to_bytes(4, "little")
bad = 0
for i in range(200):
    if i % 2:
        s.send(req(i))
    else:
        os.write(s.fileno(), req(i))
    try:
        r = s.recv(65536)
        if r[1] != 9 or int.from_bytes(r[8:12], "little") != i:
            bad += 1
    except BlockingIOError:
        bad += 1
s.setblocking(True)
s.send(req(999))
r = s.recv(65536)
print("nonblocking misses", bad, "blocking", r[1],
      int.from_bytes(r[8:12], "little"))
"""


def shim_checks(t, d, shim):
    env = dict(os.environ, SOCK=d.sockdir, LD_PRELOAD=shim)
    ldd = subprocess.run(["ldd", shim], capture_output=True,
                         text=True).stdout
    for line in ldd.splitlines():
        if "libasan" in line and "=>" in line:
            env["LD_PRELOAD"] = line.split("=>")[1].split()[0] + ":" + shim
            env["ASAN_OPTIONS"] = "detect_leaks=0:verify_asan_link_order=0"
    r = subprocess.run(["/usr/bin/python3", "-c", SYNC_PROG], env=env,
                       capture_output=True, text=True, timeout=120)
    t.check("shim: reply readable when send()/write() returns "
            "(200 non-blocking reads, no EAGAIN)",
            "nonblocking misses 0 " in r.stdout, r.stdout + r.stderr[-300:])
    t.check("shim: blocking reader gets its reply",
            r.stdout.strip().endswith("blocking 9 999"), r.stdout)
    t.check("shim connects to the Linux dialect's endpoint",
            "(Linux dialect)" in d.logtext(), d.logtext()[-300:])


def main():
    sockmgr = sys.argv[1]
    shim = os.path.abspath(os.path.join(os.path.dirname(os.path.dirname(
        sockmgr)), "lib", "libpfkey_shim.so"))
    t = Results()
    d = Daemon(sockmgr)
    try:
        lx, bsd = LxClient(d.sockdir), d.client()
        register_checks(t, lx, bsd)
        sa_checks(t, lx, bsd)
        spd_checks(t, lx, bsd)
        shim_checks(t, d, shim)
        t.check("daemon alive", d.alive(), d.logtext()[-300:])
    finally:
        d.stop()
    return t.finish()


if __name__ == "__main__":
    sys.exit(main())
