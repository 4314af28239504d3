"""An unmodified socket program for the per-socket policy tests: run under
the preload shim, it sets IP_IPSEC_POLICY / IPV6_IPSEC_POLICY with plain
setsockopt() and buffers from libipsec's ipsec_set_policy() (ctypes, the
library named by $LIBIPSEC), then serves or talks.  One line of output per
result, for tests/scripts/test_live_sockpol.sh.

  server tcp|udp PORT SECONDS [POLICY...]   echo what arrives
  client tcp|udp ADDR PORT [POLICY...]      send, print the answer, or
                                            timeout, silent (connected, no
                                            answer) or the errno
  set POLICY                                print the setsockopt errno
  badlen POLICY                             the errnos of a buffer cut to
                                            8 bytes, one whose x_policy
                                            length disagrees with the
                                            option length, and one past it
  hold SECONDS POLICY...                    a UDP socket with the policies,
                                            bound, handed to a forked child
                                            that execs sleep SECONDS; the
                                            parent closes it and exits
  getset POLICY...                          set, print getsockopt's dump
"""
import ctypes
import os
import socket
import sys
import time

IP_IPSEC_POLICY = 16
IPV6_IPSEC_POLICY = 34
LIB = ctypes.CDLL(os.environ["LIBIPSEC"])
LIB.ipsec_set_policy.restype = ctypes.c_void_p
LIB.ipsec_set_policy.argtypes = [ctypes.c_char_p, ctypes.c_int]
LIB.ipsec_get_policylen.argtypes = [ctypes.c_void_p]
LIB.ipsec_dump_policy.restype = ctypes.c_void_p
LIB.ipsec_dump_policy.argtypes = [ctypes.c_void_p, ctypes.c_char_p]
LIBC = ctypes.CDLL(None, use_errno=True)
LIBC.free.argtypes = [ctypes.c_void_p]


def policy(text):
    b = text.encode()
    p = LIB.ipsec_set_policy(b, len(b))
    if not p:
        raise ValueError("bad policy " + text)
    buf = ctypes.string_at(p, LIB.ipsec_get_policylen(p))
    LIBC.free(p)
    return buf


def set_policies(s, policies):
    for text in policies:
        if s.family == socket.AF_INET6:
            s.setsockopt(socket.IPPROTO_IPV6, IPV6_IPSEC_POLICY,
                         policy(text))
        else:
            s.setsockopt(socket.IPPROTO_IP, IP_IPSEC_POLICY, policy(text))


def get_policy(s, direction):
    buf = ctypes.create_string_buffer(policy(direction + " entrust"), 512)
    n = ctypes.c_uint(512)
    if LIBC.getsockopt(s.fileno(), socket.IPPROTO_IP, IP_IPSEC_POLICY,
                       buf, ctypes.byref(n)) != 0:
        return "errno %d" % ctypes.get_errno()
    p = LIB.ipsec_dump_policy(buf, None)
    text = ctypes.string_at(p).decode()
    LIBC.free(p)
    return text


def kind(name):
    return socket.SOCK_STREAM if name.startswith("tcp") else socket.SOCK_DGRAM


def family(name):
    return socket.AF_INET6 if name.endswith("6") else socket.AF_INET


def server(proto, port, seconds, policies):
    s = socket.socket(family(proto), kind(proto))
    s.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    set_policies(s, policies)
    s.bind(("::" if family(proto) == socket.AF_INET6 else "0.0.0.0", port))
    if kind(proto) == socket.SOCK_STREAM:
        s.listen(8)
    print("ready", flush=True)
    end = time.time() + seconds
    while time.time() < end:
        s.settimeout(max(0.1, end - time.time()))
        try:
            if kind(proto) == socket.SOCK_STREAM:
                c, _ = s.accept()
                c.settimeout(3)
                c.sendall(c.recv(100))
                time.sleep(1.5)     # the sweep copies the policy
                c.close()
            else:
                data, peer = s.recvfrom(100)
                s.sendto(data, peer)
        except (socket.timeout, OSError):
            pass


def client(proto, addr, port, policies):
    s = socket.socket(family(proto), kind(proto))
    s.settimeout(3)
    set_policies(s, policies)
    try:
        s.connect((addr, port))
    except socket.timeout:
        print("timeout")
        return
    except OSError as e:
        print("errno %d" % e.errno)
        return
    try:
        s.send(b"hello")
        print(s.recv(100).decode().strip() or "eof")
    except socket.timeout:
        # Connected (TCP) but no answer; for UDP the same as no server.
        print("silent" if kind(proto) == socket.SOCK_STREAM else "timeout")
    except OSError as e:
        print("errno %d" % e.errno)


def main(argv):
    if argv[0] == "server":
        server(argv[1], int(argv[2]), float(argv[3]), argv[4:])
    elif argv[0] == "client":
        client(argv[1], argv[2], int(argv[3]), argv[4:])
    elif argv[0] == "set":
        s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
        try:
            set_policies(s, argv[1:])
            print("errno 0")
        except OSError as e:
            print("errno %d" % e.errno)
    elif argv[0] == "badlen":
        s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
        buf = policy(argv[1])
        out = []
        for b in (buf[:8], buf[:16], buf + bytes(8)):
            try:
                s.setsockopt(socket.IPPROTO_IP, IP_IPSEC_POLICY, b)
                out.append("0")
            except OSError as e:
                out.append(str(e.errno))
        print(" ".join(out))
    elif argv[0] == "hold":
        s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
        set_policies(s, argv[2:])
        s.bind(("0.0.0.0", 0))
        s.set_inheritable(True)
        pid = os.fork()
        if pid == 0:
            null = os.open(os.devnull, os.O_WRONLY)
            os.dup2(null, 1)
            os.dup2(null, 2)
            os.execv("/bin/sleep", ["sleep", argv[1]])
        s.close()
        print(pid, flush=True)
    elif argv[0] == "getset":
        s = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
        set_policies(s, argv[1:])
        print(get_policy(s, "in") + " | " + get_policy(s, "out"))
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
