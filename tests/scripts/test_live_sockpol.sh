#!/usr/bin/env bash
# Per-socket policies end to end: two namespaces, a socket manager in
# each (tests/scripts/live_lib.sh), ESP SAs between the hosts and, at
# first, no SPD at all.  Unmodified Python programs under the preload shim
# set IP_IPSEC_POLICY with buffers from libipsec (tests/interop/
# sockpol_peer.py):
#  - a TCP service whose socket has `in ipsec esp/transport//require'
#    refuses a clear client (its SYNs are dropped, in_polvio moves) and
#    serves one whose socket asks for ESP, while another port stays clear;
#  - the listener's policy is copied to the accepted socket;
#  - under a catch-all `require' SPD, UDP sockets with `in bypass' and
#    `out bypass' on both ends talk clear while other UDP goes as ESP;
#  - bypass by a non-root user is EACCES, discard, none and bad lengths
#    EINVAL, an IPsec policy by that user fine; getsockopt returns what
#    was set, and entrust for what was not;
#  - the same over IPv6 (IPV6_IPSEC_POLICY);
#  - idle connections to DIR/sockpol are closed after 5 s;
#  - setkey -DP shows the entries "(per-socket policy)" while the sockets
#    live, and nothing once they are closed; a descriptor handed on by
#    fork and exec keeps its entry until its last holder is killed;
#  - inetd's `#@' lines protect exactly the services below them (clear
#    clients refused, protected ones served, other services clear), a bad
#    policy is reported with its line and its service not started, and
#    SIGHUP applies a changed file.
# The wire capture (tshark) is the independent judge of what was clear.
set -u
BUILD=${BUILD:-build}
cd "$(dirname "$0")/../.." || exit 2
pass=0
fail=0
ok() { pass=$((pass + 1)); }
ko() { echo "FAIL: $*"; fail=$((fail + 1)); }

if [ "$(id -u)" != 0 ] || ! command -v nft >/dev/null ||
    ! command -v tshark >/dev/null; then
	echo "SKIP: needs root, nft and tshark (network namespaces)"
	echo "0 passed, 1 failed"
	exit 1
fi
LIVE_DIR=$(mktemp -d /tmp/test_sockpol.XXXXXX)
chmod 0711 "$LIVE_DIR"
. tests/scripts/live_lib.sh
trap 'live_cleanup; rm -rf "$LIVE_DIR"' EXIT

# The shim and libipsec for an uninstrumented python; a sanitized build
# needs its runtime loaded first, and only into python (timeout(1) with
# the ASan runtime preloaded hangs in its locale setup).
SHIM=$PWD/$BUILD/lib/libpfkey_shim.so
PRELOAD=$SHIM
asan=$(ldd "$SHIM" | awk '/libasan/ && /=>/ {print $3}')
[ -n "$asan" ] && PRELOAD=$asan:$SHIM
export ASAN_OPTIONS=detect_leaks=0:verify_asan_link_order=0
export LIBIPSEC=$PWD/$BUILD/lib/libipsec.so
PEER=$PWD/tests/interop/sockpol_peer.py

# peer SIDE ARGS...: the test program in that side's namespace, talking
# to that side's socket manager.
peer() {
	local side=$1
	shift
	ip netns exec "sml$side$$" timeout 30 env SOCK="$LIVE_DIR/run$side" \
	    LD_PRELOAD="$PRELOAD" /usr/bin/python3 "$PEER" "$@"
}

# serve SIDE PROTO PORT SECONDS POLICY...: a server in the background,
# returned once it listens.
serve() {
	local side=$1 port=$3
	shift
	peer "$side" server "$@" >"$LIVE_DIR/srv$port" 2>&1 &
	LIVE_PIDS+=($!)
	for _ in $(seq 50); do
		grep -qs ready "$LIVE_DIR/srv$port" && return 0
		sleep 0.1
	done
	cat "$LIVE_DIR/srv$port"
	return 1
}

K1=0x0102030405060708090a0b0c0d0e0f101112131415161718191a1b1c
K2=0x2122232425262728292a2b2c2d2e2f303132333435363738393a3b3c
cat >"$LIVE_DIR/sa.conf" <<CONF
add 10.99.0.1 10.99.0.2 esp 0x1001 -m transport -E aes-gcm-16 $K1;
add 10.99.0.2 10.99.0.1 esp 0x1002 -m transport -E aes-gcm-16 $K2;
add fd99::1 fd99::2 esp 0x1003 -m transport -E aes-gcm-16 $K1;
add fd99::2 fd99::1 esp 0x1004 -m transport -E aes-gcm-16 $K2;
CONF

live_wire || { ko namespaces; echo "$pass passed, $fail failed"; exit 1; }
live_start A va -a 10.99.0.1/24 -a fd99::1/64 -f "$LIVE_DIR/sa.conf" &&
    live_start B vb -a 10.99.0.2/24 -a fd99::2/64 -f "$LIVE_DIR/sa.conf" &&
    ok ||
    { ko "sockmgr start"; echo "$pass passed, $fail failed"; exit 1; }
ip netns exec "$LIVE_NS_A" tshark -a duration:150 -q -i va \
    -w "$LIVE_DIR/wire.pcap" 2>/dev/null &
cap=$!
LIVE_PIDS+=($cap)
sleep 1.5

# TCP: port 5001 requires ESP inbound, 5002 has no policy.
serve B tcp 5001 12 "in ipsec esp/transport//require" && ok ||
    ko "server 5001"
serve B tcp 5002 12 && ok || ko "server 5002"
r=$(peer A client tcp 10.99.0.2 5001)
[ "$r" = timeout ] && ok || ko "clear client of 5001: $r (want timeout)"
r=$(peer A client tcp 10.99.0.2 5001 "out ipsec esp/transport//require")
[ "$r" = hello ] && ok || ko "protected client of 5001: $r"
sleep 1.2
grep -q 'per-socket policies: 1 inherited' "$LIVE_DIR/B.err" && ok ||
    { ko "accepted socket did not inherit the listener's policy";
    grep per-socket "$LIVE_DIR/B.err"; }
r=$(peer A client tcp 10.99.0.2 5002)
[ "$r" = hello ] && ok || ko "clear client of 5002: $r"
n=$(live_setkey B -DP | grep -c 'per-socket policy')
[ "$n" -ge 1 ] && ok || ko "setkey -DP shows $n per-socket entries"
live_setkey B -DP | grep -A2 'per-socket policy' |
    grep -q 'esp/transport//require' && ok || ko "-DP: the policy"

# IPv6: IPV6_IPSEC_POLICY on a TCP6 listener.
serve B tcp6 5006 8 "in ipsec esp/transport//require" && ok ||
    ko "server 5006"
r=$(peer A client tcp6 fd99::2 5006)
[ "$r" = timeout ] && ok || ko "IPv6: clear client of 5006: $r"
r=$(peer A client tcp6 fd99::2 5006 "out ipsec esp/transport//require")
[ "$r" = hello ] && ok || ko "IPv6: protected client of 5006: $r"

# A descriptor passed on by fork and exec keeps the entry; it goes when
# the last holder dies, even by SIGKILL.
holder=$(peer A hold 30 "in ipsec esp/transport//require")
sleep 1.5
n=$(live_setkey A -DP | grep -c 'per-socket policy')
[ "$n" = 1 ] && ok || ko "fork/exec: $n entries while the child holds it"
kill -KILL "$holder"
sleep 1.5
n=$(live_setkey A -DP | grep -c 'per-socket policy')
[ "$n" = 0 ] && ok || ko "fork/exec: $n entries after SIGKILL"

# getsockopt returns what was set; errors.
r=$(peer A getset "in ipsec esp/transport//require" "out bypass")
[ "$r" = "in ipsec esp/transport//require | out bypass" ] && ok ||
    ko "getsockopt: $r"
r=$(peer A set "in discard")
[ "$r" = "errno 22" ] && ok || ko "discard: $r (want EINVAL)"
r=$(peer A badlen "in ipsec esp/transport//require")
[ "$r" = "22 22 22" ] && ok || ko "bad lengths: $r (want EINVAL each)"
r=$(peer A getset)
[ "$r" = "in entrust | out entrust" ] && ok || ko "getsockopt unset: $r"
r=$(peer A set "out none")
[ "$r" = "errno 22" ] && ok || ko "none: $r (want EINVAL)"
r=$(ip netns exec "smlA$$" setpriv --reuid=65534 --regid=65534 \
    --clear-groups env SOCK="$LIVE_DIR/runA" LD_PRELOAD="$PRELOAD" \
    LIBIPSEC="$LIBIPSEC" /usr/bin/python3 "$PEER" set "out bypass")
[ "$r" = "errno 13" ] && ok || ko "non-root bypass: $r (want EACCES)"
r=$(ip netns exec "smlA$$" setpriv --reuid=65534 --regid=65534 \
    --clear-groups env SOCK="$LIVE_DIR/runA" LD_PRELOAD="$PRELOAD" \
    LIBIPSEC="$LIBIPSEC" /usr/bin/python3 "$PEER" set \
    "out ipsec esp/transport//require")
[ "$r" = "errno 0" ] && ok || ko "non-root ipsec policy: $r"

# Idle connections to the channel cannot keep requests out for long.
ip netns exec "smlA$$" timeout 20 /usr/bin/python3 -c '
import socket, sys, time
held = []
for _ in range(80):
    s = socket.socket(socket.AF_UNIX, socket.SOCK_SEQPACKET)
    s.connect(sys.argv[1])
    held.append(s)
time.sleep(9)
' "$LIVE_DIR/runA/sockpol" &
idle=$!
sleep 0.5
r=$(peer A set "out ipsec esp/transport//require")
[ "$r" != "errno 0" ] && ok || ko "channel full: the 81st connection served"
sleep 6.5
r=$(peer A set "out ipsec esp/transport//require")
[ "$r" = "errno 0" ] && ok || ko "idle connections still block: $r"
kill "$idle" 2>/dev/null

# The servers end; their entries go with their sockets.
sleep 13
n=$(live_setkey B -DP | grep -c 'per-socket policy')
[ "$n" = 0 ] && ok || ko "$n per-socket entries left after close"

# inetd in B: `#@' lines protect exactly the services below them.
cat >"$LIVE_DIR/inetd.conf" <<'CONF'
# Protected both ways.
#@ in ipsec esp/transport//require; out ipsec esp/transport//require
echo	stream	tcp	nowait	root	internal
daytime	dgram	udp	wait	root	internal
#@
discard	stream	tcp	nowait	root	internal
7100	stream	tcp	nowait	nobody	/bin/cat	cat
#@ in ipsec esp/transport//bogus
daytime	stream	tcp	nowait	root	internal
CONF
start_inetd() {
	ip netns exec "smlB$$" env SOCK="$LIVE_DIR/runB" \
	    "$BUILD/sbin/inetd" -d "$LIVE_DIR/inetd.conf" \
	    2>>"$LIVE_DIR/inetd.err" &
	LIVE_PIDS+=($!)
	inetd_pid=$!
	for _ in $(seq 50); do
		grep -q 'discard: listening' "$LIVE_DIR/inetd.err" && return 0
		sleep 0.1
	done
	cat "$LIVE_DIR/inetd.err"
	return 1
}
start_inetd && ok || ko "inetd start"
PROT="out ipsec esp/transport//require"
r=$(peer A client tcp 10.99.0.2 7)
[ "$r" = timeout ] && ok || ko "inetd: clear echo: $r (want timeout)"
r=$(peer A client tcp 10.99.0.2 7 "$PROT")
[ "$r" = hello ] && ok || ko "inetd: protected echo: $r"
r=$(peer A client udp 10.99.0.2 13)
[ "$r" = timeout ] && ok || ko "inetd: clear udp daytime: $r"
r=$(peer A client udp 10.99.0.2 13 "$PROT")
[[ "$r" =~ ^[A-Z][a-z][a-z]\ [A-Z][a-z][a-z]\ .*[0-9]{4}$ ]] && ok ||
    ko "inetd: protected udp daytime: $r"
r=$(peer A client tcp 10.99.0.2 9)
[ "$r" = silent ] && ok || ko "inetd: clear discard: $r (want silent)"
r=$(peer A client tcp 10.99.0.2 7100)
[ "$r" = hello ] && ok || ko "inetd: clear cat as nobody: $r"
r=$(peer A client tcp 10.99.0.2 13)
[ "$r" = "errno 111" ] && ok || ko "inetd: daytime under a bad policy: $r"
grep -q 'line 8: invalid ipsec policy "in ipsec esp/transport//bogus"' \
    "$LIVE_DIR/inetd.err" && grep -q 'line 9: daytime: the ipsec policy' \
    "$LIVE_DIR/inetd.err" && ok || { ko "inetd: bad policy not reported";
    cat "$LIVE_DIR/inetd.err"; }
n=$(live_setkey B -DP | grep -c 'per-socket policy')
[ "$n" = 4 ] && ok || ko "inetd: $n per-socket entries (want 4)"
# SIGHUP with the echo line's policy gone: echo is clear, entries go.
sed -i '2d' "$LIVE_DIR/inetd.conf"
kill -HUP "$inetd_pid"
sleep 1.5
r=$(peer A client tcp 10.99.0.2 7)
[ "$r" = hello ] && ok || ko "inetd: clear echo after SIGHUP: $r"
n=$(live_setkey B -DP | grep -c 'per-socket policy')
[ "$n" = 0 ] && ok || ko "inetd: $n per-socket entries after SIGHUP"
kill "$inetd_pid"

# UDP under a catch-all require SPD on both sides.
for side in A B; do
	if [ $side = A ]; then me=10.99.0.1 him=10.99.0.2; else
		me=10.99.0.2 him=10.99.0.1; fi
	live_setkey $side -c <<CONF
spdadd $me $him any -P out ipsec esp/transport//require;
spdadd $him $me any -P in ipsec esp/transport//require;
CONF
done
serve B udp 5003 6 "in bypass" "out bypass" && ok || ko "server 5003"
serve B udp 5004 6 && ok || ko "server 5004"
r=$(peer A client udp 10.99.0.2 5003 "in bypass" "out bypass")
[ "$r" = hello ] && ok || ko "bypass UDP: $r"
r=$(peer A client udp 10.99.0.2 5004)
[ "$r" = hello ] && ok || ko "SPD-protected UDP: $r"
r=$(peer A client udp 10.99.0.2 5003)
[ "$r" = timeout ] && ok || ko "bypass server, ESP client: $r"
sleep 0.5
kill -INT "$cap" 2>/dev/null
timeout 10 tail --pid="$cap" -f /dev/null

count() { tshark -r "$LIVE_DIR/wire.pcap" -Y "$1" 2>/dev/null | wc -l; }
n=$(count 'ip.dst==10.99.0.2 && tcp.dstport==5001 && tcp.len>0')
[ "$n" = 0 ] && ok || ko "$n clear data segments to port 5001"
n=$(count 'ip.dst==10.99.0.2 && tcp.dstport==5001 && tcp.flags.syn==1')
[ "$n" -ge 1 ] && ok || ko "the clear client's SYNs are not on the wire"
n=$(count 'tcp.port==5002 && tcp.len>0')
[ "$n" -ge 2 ] && ok || ko "port 5002 not clear ($n segments)"
n=$(count 'udp.port==5003')
[ "$n" -ge 2 ] && ok || ko "bypass UDP not clear ($n datagrams)"
n=$(count 'udp.port==5004')
[ "$n" = 0 ] && ok || ko "$n clear datagrams on port 5004"

live_stop A
live_stop B
n=$(live_counter "$LIVE_DIR/B.out" ipsec in_polvio)
[ "$n" -ge 1 ] && ok || ko "B in_polvio $n (the clear SYNs)"
echo "$pass passed, $fail failed"
[ "$fail" = 0 ]
