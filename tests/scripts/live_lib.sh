# Shared by the live-mode namespace tests and the demo (sourced, not run):
# two namespaces joined by a veth pair (the wire), a socket manager in each
# between its veth and a TUN, and helpers for traffic and checks.  Every
# name carries the shell's pid, so runs do not collide; live_cleanup
# removes everything, and callers trap it on EXIT.
#
# Needs: BUILD, and a directory in LIVE_DIR.

LIVE_NS_A=smlA$$
LIVE_NS_B=smlB$$
LIVE_NS_N=smlN$$
LIVE_PIDS=()

# Every step may find its object gone already (a daemon stopped by the
# caller, a namespace never made); under "set -e" in an EXIT trap such a
# failure would become the script's exit status, so none counts.
live_cleanup() {
	local p
	for p in "${LIVE_PIDS[@]}"; do
		kill "$p" 2>/dev/null || true
	done
	for p in "${LIVE_PIDS[@]}"; do
		timeout 5 tail --pid="$p" -f /dev/null 2>/dev/null || true
	done
	LIVE_PIDS=()
	ip netns del "$LIVE_NS_A" 2>/dev/null || true
	ip netns del "$LIVE_NS_B" 2>/dev/null || true
	ip netns del "$LIVE_NS_N" 2>/dev/null || true
}

# Only for commands waited for: "inA cmd &" leaves $! naming a subshell,
# whose death leaves cmd running (and holding the namespace); a job to be
# killed later is started with ip netns exec itself.
inA() { ip netns exec "$LIVE_NS_A" "$@"; }
inB() { ip netns exec "$LIVE_NS_B" "$@"; }
inN() { ip netns exec "$LIVE_NS_N" "$@"; }

# The wire: va in A, vb in B, up, with no kernel IPv6 on either (the
# kernel's own router solicitations would only be noise there).
live_wire() {
	ip netns add "$LIVE_NS_A" && ip netns add "$LIVE_NS_B" || return 1
	ip link add va netns "$LIVE_NS_A" type veth peer name vb \
	    netns "$LIVE_NS_B" || return 1
	local ns
	for ns in "$LIVE_NS_A" "$LIVE_NS_B"; do
		ip netns exec "$ns" ip link set lo up
	done
	inA sysctl -qw net.ipv6.conf.va.disable_ipv6=1
	inB sysctl -qw net.ipv6.conf.vb.disable_ipv6=1
	inA ip link set va up && inB ip link set vb up
}

# The wire through a NAT: va in A to na in N (10.99.0.254/24), nb in N
# (10.97.0.254/24) to vb in B.  N is a plain Linux router that
# masquerades what leaves toward B (live_nat_ports); the socket managers
# reach each other through it with -g.
live_nat_wire() {
	local ns
	ip netns add "$LIVE_NS_A" && ip netns add "$LIVE_NS_B" &&
	    ip netns add "$LIVE_NS_N" || return 1
	ip link add va netns "$LIVE_NS_A" type veth peer name na \
	    netns "$LIVE_NS_N" &&
	    ip link add vb netns "$LIVE_NS_B" type veth peer name nb \
	    netns "$LIVE_NS_N" || return 1
	for ns in "$LIVE_NS_A" "$LIVE_NS_B" "$LIVE_NS_N"; do
		ip netns exec "$ns" ip link set lo up
	done
	inA sysctl -qw net.ipv6.conf.va.disable_ipv6=1
	inB sysctl -qw net.ipv6.conf.vb.disable_ipv6=1
	inN sysctl -qw net.ipv6.conf.all.disable_ipv6=1
	inN sysctl -qw net.ipv4.ip_forward=1
	inN ip addr add 10.99.0.254/24 dev na &&
	    inN ip addr add 10.97.0.254/24 dev nb || return 1
	inA ip link set va up && inB ip link set vb up &&
	    inN ip link set na up && inN ip link set nb up &&
	    live_nat_ports "$1"
}

# live_nat_ports PORTS: N masquerades toward B to source ports PORTS
# (LOW-HIGH) and forgets its mappings, so that the next packet of every
# flow gets a new one (a NAT that rebooted or timed the flow out).
live_nat_ports() {
	inN nft -f - <<NFT || return 1
table ip livenat
delete table ip livenat
table ip livenat {
	chain post {
		type nat hook postrouting priority srcnat;
		oifname "nb" meta l4proto { tcp, udp } masquerade to :$1
		oifname "nb" masquerade
	}
}
NFT
	inN conntrack -F >/dev/null 2>&1
}

# live_start SIDE(A|B) IF ARGS...: sockmgr -d in that namespace, output
# in LIVE_DIR/SIDE.out and .err, control directory LIVE_DIR/runSIDE;
# waits until the TUN is up.  With LIVE_WORKERS (default 2) worker
# threads, unless ARGS give -w themselves.
live_start() {
	local side=$1 ifn=$2 w=(-w "${LIVE_WORKERS:-2}") a
	shift 2
	for a in "$@"; do
		[ "$a" = -w ] && w=()
	done
	ip netns exec "sml$side$$" "$BUILD/sbin/sockmgr" -d \
	    -S "$LIVE_DIR/run$side" -i "$ifn" -t tun0 "${w[@]}" "$@" \
	    >"$LIVE_DIR/$side.out" 2>"$LIVE_DIR/$side.err" &
	LIVE_PIDS+=($!)
	eval "LIVE_PID_$side=$!"
	local _
	for _ in $(seq 50); do
		ip netns exec "sml$side$$" ip link show tun0 2>/dev/null |
		    grep -q ',UP' && return 0
		kill -0 "$!" 2>/dev/null || break
		sleep 0.1
	done
	cat "$LIVE_DIR/$side.err" >&2
	return 1
}

# live_stop SIDE: SIGTERM, and wait for the statistics.
live_stop() {
	local pid
	eval "pid=\$LIVE_PID_$1"
	kill -TERM "$pid" 2>/dev/null
	timeout 10 tail --pid="$pid" -f /dev/null
}

# live_setkey SIDE ARGS...: setkey against that side's socket manager.
live_setkey() {
	local side=$1
	shift
	SOCK=$LIVE_DIR/run$side ip netns exec "sml$side$$" \
	    "$BUILD/sbin/setkey" "$@"
}

# live_tcp FROMSIDE TOSIDE ADDR FILE: send FILE over TCP from one side's
# host stack to a listener on the other, which stores what arrives in
# FILE.got.  Bounded by timeout.
live_tcp() {
	local from=$1 to=$2 addr=$3 file=$4 port=$((20000 + RANDOM % 20000))
	rm -f "$file.got" "$file.ready"
	ip netns exec "sml$to$$" timeout 30 python3 -c '
import socket, sys
s = socket.socket(socket.AF_INET6, socket.SOCK_STREAM)
s.setsockopt(socket.IPPROTO_IPV6, socket.IPV6_V6ONLY, 0)
s.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
s.bind(("::", int(sys.argv[1])))
s.listen(1)
open(sys.argv[2] + ".ready", "w").close()
c, _ = s.accept()
with open(sys.argv[2], "wb") as f:
    while True:
        b = c.recv(65536)
        if not b:
            break
        f.write(b)
' "$port" "$file.got" &
	local srv=$! _
	# The client starts once the server listens, however loaded the
	# machine (a fixed pause was seen to lose the race).
	for _ in $(seq 200); do
		[ -e "$file.ready" ] && break
		kill -0 "$srv" 2>/dev/null || break
		sleep 0.05
	done
	ip netns exec "sml$from$$" timeout 30 python3 -c '
import socket, sys
s = socket.create_connection((sys.argv[1], int(sys.argv[2])), timeout=20)
with open(sys.argv[3], "rb") as f:
    s.sendall(f.read())
s.shutdown(socket.SHUT_WR)
s.recv(1)
' "$addr" "$port" "$file"
	wait "$srv"
	cmp -s "$file" "$file.got"
}

# live_inject SIDE IF DSTMAC: from SIDE's wire interface, a clear ICMP
# echo request 10.99.0.2 -> 10.99.0.1 in an Ethernet frame to DSTMAC.
live_inject() {
	ip netns exec "sml$1$$" python3 -c '
import socket, struct, sys
def cksum(b):
    s = sum(struct.unpack("!%dH" % (len(b) // 2), b))
    s = (s >> 16) + (s & 0xffff)
    s += s >> 16
    return ~s & 0xffff
icmp = struct.pack("!BBHHH", 8, 0, 0, 0x4242, 1) + b"clear" * 8
icmp = icmp[:2] + struct.pack("!H", cksum(icmp)) + icmp[4:]
ip = struct.pack("!BBHHHBBH4s4s", 0x45, 0, 20 + len(icmp), 1, 0, 64, 1,
    0, socket.inet_aton("10.99.0.2"), socket.inet_aton("10.99.0.1"))
ip = ip[:10] + struct.pack("!H", cksum(ip)) + ip[12:]
s = socket.socket(socket.AF_PACKET, socket.SOCK_RAW)
s.bind((sys.argv[1], 0))
src = s.getsockname()[4]
dst = bytes.fromhex(sys.argv[2].replace(":", ""))
for _ in range(3):
    s.send(dst + src + b"\x08\x00" + ip + icmp)
' "$2" "$3"
}

# live_mac SIDE IF: the interface's MAC.
live_mac() {
	ip netns exec "sml$1$$" cat "/sys/class/net/$2/address"
}

# live_counter FILE SECTION NAME: a counter from the statistics a socket
# manager printed on exit (0 when absent).
live_counter() {
	awk -v sec="$2:" -v name="$3" '
		/^[^\t]/ { cur = $1 }
		cur == sec && $2 == name { print $1; found = 1 }
		END { if (!found) print 0 }' "$1"
}
