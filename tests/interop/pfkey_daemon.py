"""sockmgr as an administrator meets it: the PF_KEY socket's directory
and pid file, daemon mode, a second instance, usage errors, non-root
peers, and the preload shim under an unmodified /usr/bin/python3."""

import os
import stat
import subprocess
import sys
import tempfile
import time

from pfkey_wire import Daemon, Results

SHIM_PROG = r"""
import os, socket, struct, sys
s = socket.socket(15, socket.SOCK_RAW, 2)
s.send(struct.pack("=BBBBHHII", 2, 7, 0, 3, 2, 0, 1, os.getpid()))
r = s.recv(4096)
print("reply", r[1], r[2], len(r))
for ty, proto in ((socket.SOCK_RAW, 3), (socket.SOCK_DGRAM, 2)):
    try:
        socket.socket(15, ty, proto)
        print("opened", ty, proto)
    except OSError as e:
        print("errno", e.errno)
u = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
print("inet", u.family == socket.AF_INET)
"""

NOBODY = ["setpriv", "--reuid", "65534", "--regid", "65534",
          "--clear-groups"]


def run(argv, env=None, timeout=60):
    return subprocess.run(argv, env=env, capture_output=True, text=True,
                          timeout=timeout)


def preload_env(sockdir, shim):
    """The shim in LD_PRELOAD; a sanitized build's shim needs the ASan
    runtime loaded before it in an uninstrumented program."""
    env = dict(os.environ, SOCK=sockdir, LD_PRELOAD=shim)
    ldd = run(["ldd", shim]).stdout
    for line in ldd.splitlines():
        if "libasan" in line and "=>" in line:
            env["LD_PRELOAD"] = line.split("=>")[1].split()[0] + ":" + shim
            env["ASAN_OPTIONS"] = "detect_leaks=0:verify_asan_link_order=0"
    return env


def shim_checks(t, d, shim):
    env = preload_env(d.sockdir, shim)
    r = run(["/usr/bin/python3", "-c", SHIM_PROG], env)
    out = r.stdout.split("\n")
    t.check("shim: socket(PF_KEY, SOCK_RAW, PF_KEY_V2) reaches sockmgr",
            "reply 7 0 224" in out or any(
                x.startswith("reply 7 0 ") for x in out), r.stdout + r.stderr)
    t.check("shim: wrong protocol fails EPROTONOSUPPORT",
            out[1:2] == ["errno 93"], out)
    t.check("shim: SOCK_DGRAM fails ESOCKTNOSUPPORT",
            out[2:3] == ["errno 94"], out)
    t.check("shim: other families pass through", "inet True" in out)
    env = preload_env(d.dir + "/none", shim)
    r = run(["/usr/bin/python3", "-c", SHIM_PROG], env)
    t.check("shim: no socket manager is an error, not a crash",
            r.returncode == 1 and "FileNotFoundError" in r.stderr,
            r.stderr[-200:])
    os.chmod(d.dir, 0o755)
    os.chmod(d.sockdir, 0o755)
    # The preload goes to python alone, not to setpriv before it.
    env = preload_env(d.sockdir, shim)
    r = run(NOBODY + ["env", "SOCK=" + d.sockdir,
                      "LD_PRELOAD=" + env["LD_PRELOAD"],
                      "ASAN_OPTIONS=" + env.get("ASAN_OPTIONS", ""),
                      "/usr/bin/python3", "-c", SHIM_PROG])
    t.check("shim: non-root caller refused with EPERM",
            "PermissionError" in r.stderr and "Errno 1]" in r.stderr,
            r.stdout + r.stderr[-300:])
    prog = ("import socket\ns = socket.socket(socket.AF_UNIX, "
            "socket.SOCK_SEQPACKET)\ns.connect(%r)\n"
            "s.send(bytes([2, 7, 0, 3, 2, 0, 0, 0]) + bytes(8))\n"
            "print(len(s.recv(100)))\n") % (d.sockdir + "/pfkey")
    r = run(NOBODY + ["/usr/bin/python3", "-c", prog])
    t.check("raw non-root peer gets no PF_KEY service",
            r.returncode != 0 or r.stdout.strip() == "0",
            r.stdout + r.stderr[-200:])
    t.check("refusal is logged", "refused connection of uid 65534" in
            d.logtext(), d.logtext()[-300:])
    r = d.client().call(
        __import__("pfkey_wire").msg(9, 0, seq=1))
    t.check("root still served after the refusals",
            r is not None and r.errno == 0)


def daemon_checks(t, sockmgr):
    top = tempfile.mkdtemp(prefix="pfkey-daemon-")
    run_dir = os.path.join(top, "run")
    try:
        r = run([sockmgr, "-S", run_dir])
        t.check("daemon mode returns 0 to the caller", r.returncode == 0,
                r.stderr)
        pidf = os.path.join(run_dir, "sockmgr.pid")
        # Sanitized builds start slowly: wait up to 10 s for the pid file.
        for _ in range(500):
            if os.path.exists(pidf):
                break
            time.sleep(0.02)
        pid = int(open(pidf).read().strip() or 0) if \
            os.path.exists(pidf) else 0
        t.check("pid file names a live sockmgr", pid > 0 and
                os.path.exists("/proc/%d" % pid) and
                "sockmgr" in open("/proc/%d/cmdline" % pid).read())
        mode = stat.S_IMODE(os.stat(run_dir).st_mode)
        t.check("directory created with mode 0711", mode == 0o711, oct(mode))
        t.check("detached: parent is init or a subreaper",
                pid > 0 and open("/proc/%d/stat" % pid).read().split()[3]
                != str(os.getpid()))
        r = run([sockmgr, "-d", "-S", run_dir])
        t.check("second instance on the same directory exits 69",
                r.returncode == 69, (r.returncode, r.stderr))
        if pid > 0:
            os.kill(pid, 15)
            for _ in range(100):
                if not os.path.exists("/proc/%d" % pid):
                    break
                time.sleep(0.05)
        t.check("SIGTERM removes socket and pid file",
                not os.path.exists(os.path.join(run_dir, "pfkey")) and
                not os.path.exists(pidf), os.listdir(run_dir))
        p = subprocess.Popen([sockmgr, "-d", "-S", run_dir],
                             stderr=subprocess.DEVNULL)
        for _ in range(100):
            if os.path.exists(os.path.join(run_dir, "pfkey")):
                break
            time.sleep(0.02)
        p.kill()
        p.wait()
        d = Daemon(sockmgr)
        d.stop()
        p = subprocess.Popen([sockmgr, "-d", "-S", run_dir],
                             stderr=subprocess.PIPE, text=True)
        time.sleep(0.5)
        alive = p.poll() is None
        p.terminate()
        _, err = p.communicate(timeout=5)
        t.check("stale socket of a killed instance is replaced",
                alive and p.returncode == 0, err)
        r = run([sockmgr, "-x"])
        t.check("unknown option exits 64 with usage",
                r.returncode == 64 and "usage:" in r.stderr)
        r = run([sockmgr, "-d", "stray"])
        t.check("stray operand exits 64", r.returncode == 64)
    finally:
        subprocess.call(["rm", "-rf", top])


def cpu_ticks(pid):
    f = open("/proc/%d/stat" % pid).read().rsplit(")", 1)[1].split()
    return int(f[11]) + int(f[12])


def fd_exhaustion(t, sockmgr):
    """More connections than descriptors: no busy loop, a clear close."""
    import socket
    d = Daemon(sockmgr)
    try:
        subprocess.check_call(["prlimit", "--pid", str(d.p.pid),
                               "--nofile=32:32"])
        conns = []
        for _ in range(60):
            s = socket.socket(socket.AF_UNIX, socket.SOCK_SEQPACKET)
            s.settimeout(2)
            s.connect(os.path.join(d.sockdir, "pfkey"))
            conns.append(s)
        time.sleep(0.3)
        before = cpu_ticks(d.p.pid)
        time.sleep(1)
        used = cpu_ticks(d.p.pid) - before
        t.check("out of descriptors: the daemon does not spin",
                used < 30, "%d ticks in 1 s" % used)
        try:
            eof = conns[-1].recv(100) == b""
        except OSError:
            eof = False
        t.check("a connection beyond the limit is closed at once", eof)
        t.check("the shed connection is logged",
                "out of descriptors" in d.logtext())
        for s in conns:
            s.close()
        time.sleep(0.3)
        r = d.client().call(__import__("pfkey_wire").msg(9, 0, seq=1))
        t.check("served again once descriptors are free",
                r is not None and r.errno == 0)
    finally:
        d.stop()


def main():
    sockmgr = sys.argv[1]
    shim = os.path.join(os.path.dirname(os.path.dirname(sockmgr)), "lib",
                        "libpfkey_shim.so")
    t = Results()
    d = Daemon(sockmgr)
    try:
        shim_checks(t, d, os.path.abspath(shim))
    finally:
        d.stop()
    daemon_checks(t, sockmgr)
    fd_exhaustion(t, sockmgr)
    return t.finish()


if __name__ == "__main__":
    sys.exit(main())
