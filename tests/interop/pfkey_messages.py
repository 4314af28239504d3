"""PF_KEY v2 acceptance tests against a running sockmgr: every message
type's happy path, the errno of each refusal (RFC 2367 with KAME/FreeBSD
choices), delivery targets and promiscuous wrapping, spoken as raw bytes
by an independent client (pfkey_wire.py)."""

import os
import struct
import sys

from pfkey_wire import *  # noqa: F401,F403

SRC, DST = address(A_SRC, "10.0.0.1"), address(A_DST, "10.0.0.2")


def sel(s="10.1.0.0", d="10.2.0.0", plen=16):
    return [address(A_SRC, s, plen), address(A_DST, d, plen)]


def errno_of(c, raw):
    r = c.call(raw)
    return None if r is None else r.errno


def sa_errors(t, a):
    """Each refusal of the SA messages with its errno."""
    cases = [
        ("version 3", msg(GET, SATYPE_ESP, [sa(1), SRC, DST], version=3),
         22),
        ("type 0", msg(0, SATYPE_ESP), 22),
        ("type beyond SADB_MAX", msg(40, SATYPE_ESP), 22),
        ("X_PCHANGE not served", msg(X_PCHANGE, SATYPE_ESP, [SRC, DST]),
         22),
        ("duplicate extension",
         msg(GET, SATYPE_ESP, [sa(1), sa(1), SRC, DST]), 22),
        ("unknown extension",
         msg(GET, SATYPE_ESP, [sa(1), ext(29, b"\0" * 4), SRC, DST]), 22),
        ("extension type 0",
         msg(GET, SATYPE_ESP, [sa(1), SRC, DST, ext(0, b"\0" * 4)]), 22),
        ("address families differ",
         msg(GET, SATYPE_ESP, [sa(1), SRC, address(A_DST, "::1")]), 22),
        ("prefix length 33",
         msg(GET, SATYPE_ESP, [sa(1), address(A_SRC, "10.0.0.1", 33),
                               DST]), 22),
        ("AF_UNIX address",
         msg(GET, SATYPE_ESP, [sa(1), SRC, ext(A_DST, struct.pack(
             "=BBHH", 255, 0, 0, socket.AF_UNIX) + b"/x".ljust(14, b"\0"))]),
         97),
        ("RSVP satype", msg(GET, SATYPE_RSVP, [sa(1), SRC, DST]), 95),
        ("GETSPI without dst", msg(GETSPI, SATYPE_ESP, [SRC]), 22),
        ("GETSPI satype unspec", msg(GETSPI, 0, [SRC, DST]), 22),
        ("SPIRANGE min > max",
         msg(GETSPI, SATYPE_ESP, [SRC, DST, spirange(0x6000, 0x5000)]), 22),
        ("SPIRANGE reserved SPIs",
         msg(GETSPI, SATYPE_ESP, [SRC, DST, spirange(1, 255)]), 22),
        ("ADD SPI 0", add_msg(0), 22),
        ("ADD AES key of 10 bytes",
         msg(ADD, SATYPE_ESP, [sa(0x302), SRC, DST, key(K_AUTH, AUTH_KEY),
                               key(K_ENC, b"k" * 10)]), 22),
        ("ADD key bits 0",
         msg(ADD, SATYPE_ESP, [sa(0x303), SRC, DST, key(K_AUTH, AUTH_KEY),
                               ext(K_ENC, struct.pack("=HH", 0, 0) +
                                   ENC_KEY)]), 22),
        ("ADD unknown auth algorithm",
         msg(ADD, SATYPE_ESP, [sa(0x304, auth=77), SRC, DST,
                               key(K_AUTH, AUTH_KEY), key(K_ENC, ENC_KEY)]),
         22),
        ("ADD AH with an encryption key",
         msg(ADD, SATYPE_AH, [sa(0x305, enc=0), SRC, DST,
                              key(K_AUTH, AUTH_KEY), key(K_ENC, ENC_KEY)]),
         22),
        ("ADD IPComp CPI above 0xffff",
         msg(ADD, SATYPE_IPCOMP, [sa(0x10000, auth=0, enc=2), SRC, DST]),
         22),
        ("ADD with a CURRENT lifetime",
         add_msg(0x306, extra=[lifetime(LT_CUR, add=1)]), 22),
        ("user ACQUIRE without proposal",
         msg(ACQUIRE, SATYPE_ESP, [SRC, DST]), 22),
        ("user EXPIRE", msg(EXPIRE, SATYPE_ESP, [sa(1), SRC, DST]), 22),
        ("X_PROMISC satype 2", msg(X_PROMISC, 2), 22),
        ("FLUSH with an extension", msg(FLUSH, 0, [SRC]), 22),
        ("FLUSH RSVP", msg(FLUSH, SATYPE_RSVP), 95),
        ("GET of a missing SA", msg(GET, SATYPE_ESP, [sa(0x999), SRC, DST]),
         2),
        ("DELETE of a missing SA",
         msg(DELETE, SATYPE_ESP, [sa(0x999), SRC, DST]), 2),
        ("DUMP of an empty SAD", msg(DUMP, 0), 2),
        ("message above 64 KiB",
         msg(FLUSH, 0, [ext(KMPRIVATE, b"\0" * 70000)]), 105),
    ]
    for i, (name, raw, want) in enumerate(cases):
        raw = raw[:8] + struct.pack("=I", 1000 + i) + raw[12:]
        got = errno_of(a, raw)
        t.check("errno %d: %s" % (want, name), got == want, got)


def framing(t, a):
    """Bad framing is answered, never fatal."""
    a.send(b"\x02\x01")
    r = a.recv()
    t.check("2-byte write answered EINVAL", r is not None and
            r.errno == 22, r)
    raw = msg(FLUSH, 0, seq=7)
    a.send(raw + b"\0" * 8)
    r = a.recv()
    t.check("length field short of the write: EINVAL", r is not None and
            r.errno == 22, r)
    raw = msg(GET, SATYPE_ESP, [sa(1), SRC, DST], seq=8)
    a.send(raw[:16] + struct.pack("=H", 0) + raw[18:])
    r = a.recv()
    t.check("extension length 0: EINVAL", r is not None and r.errno == 22)
    a.send(raw[:16] + struct.pack("=H", 200) + raw[18:])
    r = a.recv()
    t.check("extension past the end: EINVAL", r is not None and
            r.errno == 22)
    a.send(raw[:6] + b"\1\0" + raw[8:])
    r = a.recv()
    t.check("sadb_msg_reserved set: EINVAL", r is not None and
            r.errno == 22)


def sa_flow(t, a, b, c):
    """ADD/GET/UPDATE/GETSPI/DELETE/DUMP/FLUSH and their targets."""
    r = a.call(add_msg(0x1000, seq=1))
    t.check("ADD with sadb_sa_state 0 accepted", r is not None and
            r.errno == 0 and EXT_SA in r.exts, r)
    t.check("ADD reply carries no keys", r is not None and
            K_AUTH not in r.exts and K_ENC not in r.exts)
    got = b.drain()
    t.check("ADD copy reaches every socket, without keys",
            [m.type for m in got] == [ADD] and K_ENC not in got[0].exts,
            got)
    t.check("ADD twice: EEXIST", errno_of(a, add_msg(0x1000, seq=2)) == 17)
    b.drain()
    r = a.call(msg(GET, SATYPE_ESP, [sa(0x1000), SRC, DST], seq=3))
    t.check("GET returns keys and current lifetime", r is not None and
            r.errno == 0 and r.exts.get(K_ENC, b"")[8:24] == ENC_KEY and
            LT_CUR in r.exts, r)
    t.check("GET goes to the sender only", b.drain() == [])
    r = a.call(msg(GETSPI, SATYPE_ESP, [SRC, DST, spirange(0x5000, 0x5000)],
                   seq=4))
    t.check("GETSPI single-SPI range", r is not None and r.errno == 0 and
            r.spi() == 0x5000, r)
    t.check("GETSPI goes to the sender only", b.drain() == [])
    t.check("GETSPI of a taken SPI: EINVAL", errno_of(
        a, msg(GETSPI, SATYPE_ESP, [SRC, DST, spirange(0x5000, 0x5000)],
               seq=5)) == 22)
    r = a.call(msg(GETSPI, SATYPE_ESP, [SRC, DST], seq=6))
    t.check("GETSPI default range is spi_minval..spi_maxval",
            r is not None and r.errno == 0 and
            0x100 <= r.spi() <= 0x0fffffff, r)
    r = a.call(msg(GETSPI, SATYPE_IPCOMP, [SRC, DST], seq=7))
    t.check("GETSPI for IPComp gives a 16-bit CPI", r is not None and
            r.errno == 0 and 0x100 <= r.spi() <= 0xffff, r)
    upd = msg(UPDATE, SATYPE_ESP, [add_msg(0x5000)[16:]], seq=8, pid=4242)
    t.check("UPDATE from another pid: EINVAL", errno_of(b, upd) == 22)
    r = b.call(add_msg(0x5000, seq=9, mtype=UPDATE))
    t.check("UPDATE with the creator's pid from another socket (KAME)",
            r is not None and r.errno == 0, r)
    t.check("UPDATE of a mature SA: EINVAL",
            errno_of(a, add_msg(0x5000, seq=91, mtype=UPDATE)) == 22)
    r = a.call(msg(GET, SATYPE_ESP, [sa(0x5000), SRC, DST], seq=90))
    t.check("UPDATE made the larval SA mature", r is not None and
            r.errno == 0 and r.sa_state() == 1, r)
    t.check("UPDATE of a missing SA: ENOENT",
            errno_of(a, add_msg(0x5001, seq=10, mtype=UPDATE)) == 2)
    r = a.call(add_msg(0x1001, seq=11,
                       extra=[ext(SA_REPLAY, struct.pack("=I", 4096))]))
    r = a.call(msg(GET, SATYPE_ESP, [sa(0x1001), SRC, DST], seq=12))
    t.check("SA_REPLAY window of 4096 packets kept",
            r is not None and r.errno == 0 and
            struct.unpack_from("=I", r.exts.get(SA_REPLAY, b"\0" * 8),
                               4)[0] == 4096, r)
    b.drain()
    a.send(msg(DUMP, 0, seq=13))
    ms = [m for m in a.drain() if m.type == DUMP]
    t.check("DUMP: every SA, seq counting down to 0, requester pid",
            [m.seq for m in ms] == list(range(len(ms) - 1, -1, -1)) and
            len(ms) == 5 and all(m.pid == os.getpid() for m in ms),
            [(m.seq, m.pid) for m in ms])
    t.check("DUMP goes to the sender only", b.drain() == [])
    r = a.call(msg(DELETE, SATYPE_ESP, [sa(0x1000), SRC, DST], seq=14))
    t.check("DELETE reply to every socket", r is not None and
            r.errno == 0 and [m.type for m in b.drain()] == [DELETE])
    r = a.call(msg(DELETE, SATYPE_ESP, [SRC, DST], seq=15))
    t.check("DELETE without SA (delete-all) answers base+addresses",
            r is not None and r.errno == 0 and
            sorted(r.exts) == [A_SRC, A_DST], r)
    r = a.call(msg(GET, SATYPE_ESP, [sa(0x1001), SRC, DST], seq=16))
    t.check("delete-all removed the mature SAs", r is not None and
            r.errno == 2)
    r = a.call(msg(FLUSH, 0, seq=17))
    t.check("FLUSH", r is not None and r.errno == 0)
    t.check("FLUSH reply to every socket",
            FLUSH in [m.type for m in b.drain()])
    t.check("unregistered socket saw no ACQUIRE/EXPIRE",
            not [m for m in c.drain() if m.type in (ACQUIRE, EXPIRE)])


def register_flow(t, a, b, c, d_only):
    r = a.call(msg(REGISTER, SATYPE_ESP, seq=20))
    ok = r is not None and r.errno == 0 and SUP_AUTH in r.exts and \
        SUP_ENC in r.exts
    t.check("REGISTER answers SUPPORTED_AUTH and SUPPORTED_ENCRYPT", ok, r)
    if ok:
        e = r.exts[SUP_ENC]
        algs = [struct.unpack_from("=BBHH", e, 8 + 8 * i)
                for i in range((len(e) - 8) // 8)]
        t.check("AES-CBC offered: iv 16, 128..256 bits",
                (EALG_AESCBC, 16, 128, 256) in algs, algs)
    t.check("REGISTER twice: EEXIST",
            errno_of(a, msg(REGISTER, SATYPE_ESP, seq=21)) == 17)
    b.call(msg(REGISTER, SATYPE_AH, seq=22))
    a.drain()
    r = c.call(msg(REGISTER, 0, seq=23))
    t.check("REGISTER satype 0 only lists", r is not None and
            r.errno == 0 and SUP_ENC in r.exts)
    t.check("... and, as in KAME, reaches the registered sockets too",
            [m.type for m in a.drain()] == [REGISTER])
    comb = struct.pack("=BBHHHHHIIIQQQQQQ", AALG_SHA1HMAC, EALG_AESCBC, 0,
                       160, 160, 128, 256, 0, 0, 0, 0, 0, 0, 0, 0, 0)
    prop = ext(PROP, b"\0" * 4 + comb)
    c.send(msg(ACQUIRE, SATYPE_ESP, [SRC, DST, prop], seq=24))
    got_a = [m for m in a.drain() if m.type == ACQUIRE]
    got_c = c.drain()
    t.check("user ACQUIRE reaches registered sockets",
            any(m.seq == 24 for m in got_a) and
            any(m.pid == 0 and EXT_SA not in m.exts and PROP in m.exts
                for m in got_a), got_a)
    t.check("... and the sending socket, not other unregistered ones",
            [m.seq for m in got_c if m.type == ACQUIRE] == [24] and
            not [m for m in d_only.drain() if m.type == ACQUIRE], got_c)
    kseq = [m.seq for m in got_a if m.pid == 0]
    a.send(msg(ACQUIRE, SATYPE_ESP, seq=kseq[0] if kseq else 1, errno=22))
    t.check("errno-form ACQUIRE gets no reply", a.drain() == [])


def promisc_flow(t, a, b, p):
    r = p.call(msg(X_PROMISC, 1, seq=30))
    t.check("X_PROMISC on", r is not None and r.errno == 0)
    a.drain()
    b.drain()
    r = a.call(add_msg(0x7000, seq=31))
    got = p.drain()
    wrapped = [m for m in got if m.type == X_PROMISC]
    ok = len(wrapped) == 1
    if ok:
        w = wrapped[0]
        inner = Msg(w.raw[16:])
        ok = (w.version == 2 and w.len * 8 == len(w.raw) and w.seq == 0 and
              w.pid == 0 and inner.type == ADD and inner.seq == 31)
    t.check("promiscuous socket gets the ADD wrapped in X_PROMISC", ok, got)
    t.check("... and its own broadcast copy",
            [m.type for m in got].count(ADD) == 1)
    a.call(msg(GET, SATYPE_ESP, [sa(0x7000), SRC, DST], seq=32))
    got = [Msg(m.raw[16:]) for m in p.drain() if m.type == X_PROMISC]
    t.check("promiscuous socket sees the sender's GET reply",
            [m.type for m in got] == [GET])
    b.drain()
    inner = msg(FLUSH, SATYPE_AH, seq=33, pid=1234)
    a.send(msg(X_PROMISC, 0, [inner], seq=34))
    got_b = b.drain()
    t.check("X_PROMISC data form is delivered raw to every socket",
            [(m.type, m.pid) for m in got_b] == [(FLUSH, 1234)], got_b)
    r = p.call(msg(X_PROMISC, 0, seq=35))
    a.call(msg(FLUSH, 0, seq=36))
    t.check("X_PROMISC off", not [m for m in p.drain()
                                   if m.type == X_PROMISC])


def spd_flow(t, a, b):
    """The SPD messages, their errnos and targets."""
    req = ipsecrequest()
    b.drain()
    r = a.call(msg(X_SPDADD, 0, sel() + [policy(POLICY_IPSEC, DIR_OUT,
                                                requests=req)], seq=40))
    ok = r is not None and r.errno == 0 and X_POLICY in r.exts
    t.check("SPDADD answers the policy id", ok and r.policy_id() > 0, r)
    t.check("SPDADD reply to every socket",
            [m.type for m in b.drain()] == [X_SPDADD])
    cases = [
        ("SPDADD twice", X_SPDADD, 0,
         sel() + [policy(POLICY_IPSEC, DIR_OUT, requests=req)], 17),
        ("SPDADD bypass", X_SPDADD, 0,
         sel("10.3.0.0") + [policy(POLICY_BYPASS, DIR_IN)], 22),
        ("SPDADD entrust", X_SPDADD, 0,
         sel("10.3.0.0") + [policy(POLICY_ENTRUST, DIR_IN)], 22),
        ("SPDADD ipsec without request", X_SPDADD, 0,
         sel("10.3.0.0") + [policy(POLICY_IPSEC, DIR_IN)], 22),
        ("SPDADD direction any", X_SPDADD, 0,
         sel("10.3.0.0") + [policy(POLICY_NONE, 0)], 22),
        ("SPDADD with satype ESP", X_SPDADD, SATYPE_ESP,
         sel("10.3.0.0") + [policy(POLICY_NONE, DIR_IN)], 22),
        ("SPDADD request protocol 99", X_SPDADD, 0,
         sel("10.3.0.0") + [policy(POLICY_IPSEC, DIR_IN,
                                   requests=ipsecrequest(proto=99))], 93),
        ("SPDADD five requests", X_SPDADD, 0,
         sel("10.3.0.0") + [policy(POLICY_IPSEC, DIR_IN,
                                   requests=req * 5)], 22),
        ("SPDADD tunnel request without endpoints", X_SPDADD, 0,
         sel("10.3.0.0") + [policy(POLICY_IPSEC, DIR_IN,
                                   requests=ipsecrequest(mode=2))], 22),
        ("SPDADD without addresses", X_SPDADD, 0,
         [policy(POLICY_NONE, DIR_IN)], 22),
        ("SPDGET of a missing id", X_SPDGET, 0,
         [policy(0, 0, pid=99999)], 2),
        ("SPDDELETE of a missing policy", X_SPDDELETE, 0,
         sel("10.9.0.0") + [policy(POLICY_NONE, DIR_IN)], 22),
        ("SPDDELETE2 of a missing id", X_SPDDELETE2, 0,
         [policy(0, 0, pid=99999)], 22),
        ("SPDFLUSH with an extension", X_SPDFLUSH, 0,
         [policy(0, 0)], 22),
    ]
    for i, (name, mtype, satype, exts, want) in enumerate(cases):
        got = errno_of(a, msg(mtype, satype, exts, seq=400 + i))
        t.check("errno %d: %s" % (want, name), got == want, got)
    r = a.call(msg(X_SPDUPDATE, 0, sel() + [policy(POLICY_DISCARD,
                                                   DIR_OUT)], seq=41))
    t.check("SPDUPDATE replaces the policy", r is not None and
            r.errno == 0, r)
    r = a.call(msg(X_SPDSETIDX, 0, sel() + [policy(POLICY_IPSEC, DIR_IN)],
                   seq=42))
    t.check("SPDSETIDX takes ipsec without requests", r is not None and
            r.errno == 0, r)
    pid = r.policy_id() if r is not None and r.errno == 0 else 0
    r = a.call(msg(X_SPDGET, 0, [policy(0, 0, pid=pid)], seq=43))
    t.check("SPDGET by id", r is not None and r.errno == 0 and
            r.policy_id() == pid, r)
    b.drain()
    a.send(msg(X_SPDDUMP, 0, seq=44))
    ms = [m for m in a.drain() if m.type == X_SPDDUMP]
    t.check("SPDDUMP: both policies, seq down to 0, sender only",
            [m.seq for m in ms] == [1, 0] and b.drain() == [], ms)
    r = a.call(msg(X_SPDDELETE2, 0, [policy(0, 0, pid=pid)], seq=45))
    t.check("SPDDELETE2 by id, reply to every socket",
            r is not None and r.errno == 0 and
            [m.type for m in b.drain()] == [X_SPDDELETE2])
    r = a.call(msg(X_SPDDELETE, 0, sel() + [policy(POLICY_NONE, DIR_OUT)],
                   seq=46))
    t.check("SPDDELETE by selector and direction", r is not None and
            r.errno == 0, r)
    r = a.call(msg(X_SPDFLUSH, 0, seq=47))
    t.check("SPDFLUSH", r is not None and r.errno == 0)
    t.check("SPDDUMP of an empty SPD: ENOENT",
            errno_of(a, msg(X_SPDDUMP, 0, seq=48)) == 2)


def main():
    t = Results()
    d = Daemon(sys.argv[1])
    try:
        a, b, c, p = d.client(), d.client(), d.client(), d.client()
        sa_errors(t, a)
        framing(t, a)
        sa_flow(t, a, b, c)
        register_flow(t, a, b, c, d.client())
        promisc_flow(t, a, b, p)
        spd_flow(t, a, b)
        t.check("daemon still up after the hostile input", d.alive())
        r = d.client().call(msg(FLUSH, 0, seq=99))
        t.check("a new client is served", r is not None and r.errno == 0)
    finally:
        d.stop()
    return t.finish()


if __name__ == "__main__":
    sys.exit(main())
