#!/usr/bin/env bash
# The live benchmark (make bench-live; root; not a test, not run by CI).
# In one invocation, in the two-namespace topology of the live tests (a
# veth pair va/vb is the wire, 10.99.0.1 and .2 on it; the hosts talk
# between 10.98.1.1 in A and 10.98.2.1 in B), iperf3 TCP for
# BENCH_SECONDS (5) each way, one stream and -P 4, through:
#
#   esp      our ESP tunnel, AES-128-GCM, tunnel mode, two socket managers
#            (sockmgr -i/-t/-a); also with 1 and N workers when sockmgr's
#            usage offers "-w N"
#   clear    the same socket managers with no policy
#   naive    tests/bench/naive_fwd: a no-crypto TUN <-> UDP forwarder, one
#            thread, one read and one write per packet (the reference hop)
#   wg       wireguard-go (user space, TUN)
#   swan     strongSwan's charon with kernel-libipsec (user-space ESP on a
#            TUN), IKEv2 with a PSK, ESP AES-128-GCM in tunnel mode, UDP
#            encapsulated (libipsec sends ESP only in UDP), each charon
#            with its own strongswan.conf and swanctl.conf in a private
#            directory
#
# and prints each figure in Mbit/s with its ratio to our ESP tunnel's
# figure in the same column, plus each daemon's CPU use over its four
# runs (utime+stime from /proc/PID/stat, in % of one CPU).  Every peer's
# inner MTU is our TUN's.  BENCH_ONLY="esp naive ..." picks configurations.
# Every step is bounded by timeout; the namespaces and daemons go on exit.
set -u
BUILD=${BUILD:-build}
T=${BENCH_SECONDS:-5}
ONLY=${BENCH_ONLY:-esp clear naive wg swan}
cd "$(dirname "$0")/../.." || exit 2
if [ "$(id -u)" != 0 ]; then
	echo "bench_live: needs root (network namespaces); skipped"
	exit 0
fi
for p in iperf3 python3 ip; do
	if ! command -v "$p" >/dev/null; then
		echo "bench_live: needs $p; skipped"
		exit 0
	fi
done
if [ ! -x "$BUILD/sbin/sockmgr" ] || [ ! -x "$BUILD/bench/naive_fwd" ]; then
	echo "bench_live: build first (make bench-live); skipped"
	exit 0
fi
LIVE_DIR=$(mktemp -d /tmp/bench_live.XXXXXX)
. tests/scripts/live_lib.sh
EXTRA_PIDS=()
cleanup() {
	local p
	for p in "${EXTRA_PIDS[@]}"; do
		kill "$p" 2>/dev/null || true
	done
	for p in "${EXTRA_PIDS[@]}"; do
		timeout 5 tail --pid="$p" -f /dev/null 2>/dev/null || true
	done
	EXTRA_PIDS=()
	live_cleanup
}
trap 'cleanup; rm -rf "$LIVE_DIR"' EXIT
trap 'exit 1' INT TERM

IA=10.98.1.1 IB=10.98.2.1 WA=10.99.0.1 WB=10.99.0.2
K1=0x0102030405060708090a0b0c0d0e0f1011121314
K2=0x2122232425262728292a2b2c2d2e2f3031323334
HZ=$(getconf CLK_TCK)
MTU=1400
COLS="A->B:1 B->A:1 A->B:4 B->A:4"
declare -A RES CPU
LABELS=()

# cpu_ticks PID: utime + stime of a process, 0 when gone.
cpu_ticks() {
	awk '{ print $14 + $15 }' "/proc/$1/stat" 2>/dev/null || echo 0
}

# iperf DIR STREAMS: Mbit/s received, A -> B (fwd) or B -> A (rev).
iperf() {
	local port=$((20000 + RANDOM % 20000)) rev= sp r
	[ "$1" = rev ] && rev=-R
	inB timeout $((T + 20)) iperf3 -s -1 -B "$IB" -p "$port" \
	    >/dev/null 2>&1 &
	sp=$!
	sleep 0.5
	r=$(inA timeout $((T + 15)) iperf3 -c "$IB" -B "$IA" -p "$port" \
	    -t "$T" -P "$2" $rev -J 2>/dev/null | python3 -c '
import json, sys
try:
    d = json.load(sys.stdin)
    print("%.0f" % (d["end"]["sum_received"]["bits_per_second"] / 1e6))
except Exception:
    print("-")')
	wait "$sp" 2>/dev/null
	echo "${r:--}"
}

# measure LABEL PIDS...: the four runs, and the CPU use of each PID.
measure() {
	local label=$1 p t0 t1 c
	shift
	local -A c0
	LABELS+=("$label")
	if ! inA timeout 5 ping -c 2 -W 1 -I "$IA" "$IB" >/dev/null 2>&1 &&
	    ! inA timeout 5 ping -c 2 -W 1 -I "$IA" "$IB" >/dev/null 2>&1; then
		CPU[$label]="no connectivity: not measured"
		return
	fi
	for p in "$@"; do c0[$p]=$(cpu_ticks "$p"); done
	t0=$(date +%s.%N)
	RES[$label,A-\>B:1]=$(iperf fwd 1)
	RES[$label,B-\>A:1]=$(iperf rev 1)
	RES[$label,A-\>B:4]=$(iperf fwd 4)
	RES[$label,B-\>A:4]=$(iperf rev 4)
	t1=$(date +%s.%N)
	c=""
	for p in "$@"; do
		c="$c $(awk -v a="${c0[$p]}" -v b="$(cpu_ticks "$p")" \
		    -v hz="$HZ" -v t0="$t0" -v t1="$t1" \
		    'BEGIN { printf "%.0f%%", (b - a) / hz / (t1 - t0) * 100 }')"
	done
	CPU[$label]="cpu (A B):$c"
}

# The socket managers' ESP tunnel configuration of one side.
esp_conf() {
	cat <<CONF
flush;
spdflush;
add $WA $WB esp 0x1001 -m tunnel -E aes-gcm-16 $K1;
add $WB $WA esp 0x1002 -m tunnel -E aes-gcm-16 $K2;
CONF
	if [ "$1" = A ]; then
		echo "spdadd 10.98.1.0/24 10.98.2.0/24 any -P out ipsec" \
		    "esp/tunnel/$WA-$WB/require;"
		echo "spdadd 10.98.2.0/24 10.98.1.0/24 any -P in ipsec" \
		    "esp/tunnel/$WB-$WA/require;"
	else
		echo "spdadd 10.98.2.0/24 10.98.1.0/24 any -P out ipsec" \
		    "esp/tunnel/$WB-$WA/require;"
		echo "spdadd 10.98.1.0/24 10.98.2.0/24 any -P in ipsec" \
		    "esp/tunnel/$WA-$WB/require;"
	fi
}

# run_sockmgr LABEL CONF(yes|no) EXTRA_ARGS...: both socket managers.
run_sockmgr() {
	local label=$1 conf=$2 fa= fb=
	shift 2
	live_wire || { CPU[$label]="namespaces failed"; return; }
	if [ "$conf" = yes ]; then
		esp_conf A >"$LIVE_DIR/A.conf"
		esp_conf B >"$LIVE_DIR/B.conf"
		fa="-f $LIVE_DIR/A.conf" fb="-f $LIVE_DIR/B.conf"
	fi
	# shellcheck disable=SC2086
	if live_start A va -a "$WA/24" -a "$IA/16" $fa "$@" &&
	    live_start B vb -a "$WB/24" -a "$IB/16" $fb "$@"; then
		MTU=$(inA cat /sys/class/net/tun0/mtu)
		measure "$label" "$LIVE_PID_A" "$LIVE_PID_B"
	else
		LABELS+=("$label")
		CPU[$label]="sockmgr did not start"
	fi
	cleanup
}

# Kernel addresses on the wire, for the peers that use the host's UDP.
wire_addrs() {
	live_wire || return 1
	inA ip addr add "$WA/24" dev va && inB ip addr add "$WB/24" dev vb
}

# wait_link SIDE IF: until the interface exists (5 s).
wait_link() {
	local _
	for _ in $(seq 50); do
		ip netns exec "sml$1$$" ip link show "$2" >/dev/null 2>&1 &&
		    return 0
		sleep 0.1
	done
	return 1
}

run_naive() {
	local s pa pb
	wire_addrs || return
	# Not through inA (a function: $! would be a subshell's).
	ip netns exec "$LIVE_NS_A" "$BUILD/bench/naive_fwd" nf0 "$WA" 5555 "$WB" 5555 \
	    >"$LIVE_DIR/nA.out" 2>&1 &
	pa=$!
	ip netns exec "$LIVE_NS_B" "$BUILD/bench/naive_fwd" nf0 "$WB" 5555 "$WA" 5555 \
	    >"$LIVE_DIR/nB.out" 2>&1 &
	pb=$!
	EXTRA_PIDS+=("$pa" "$pb")
	for s in A B; do
		wait_link "$s" nf0 || true
	done
	inA ip addr add "$IA/16" dev nf0
	inB ip addr add "$IB/16" dev nf0
	inA ip link set nf0 mtu "$MTU" up
	inB ip link set nf0 mtu "$MTU" up
	measure "naive TUN/UDP forwarder" "$pa" "$pb"
	cleanup
}

run_wg() {
	local label="wireguard-go" s pa pb ka kb
	if ! command -v wireguard-go >/dev/null || ! command -v wg >/dev/null
	then
		LABELS+=("$label")
		CPU[$label]="skipped: wireguard-go or wg missing"
		return
	fi
	wire_addrs || return
	ka=$(wg genkey) kb=$(wg genkey)
	echo "$ka" >"$LIVE_DIR/wgA.key"
	echo "$kb" >"$LIVE_DIR/wgB.key"
	# The UAPI socket is named after the interface in /var/run/wireguard,
	# which both namespaces share: the names carry our pid.
	ip netns exec "$LIVE_NS_A" env WG_PROCESS_FOREGROUND=1 \
	    timeout 600 wireguard-go "wgA$$" >"$LIVE_DIR/wgA.out" 2>&1 &
	pa=$!
	ip netns exec "$LIVE_NS_B" env WG_PROCESS_FOREGROUND=1 \
	    timeout 600 wireguard-go "wgB$$" >"$LIVE_DIR/wgB.out" 2>&1 &
	pb=$!
	EXTRA_PIDS+=("$pa" "$pb")
	wait_link A "wgA$$" && wait_link B "wgB$$" || {
		LABELS+=("$label"); CPU[$label]="wireguard-go did not start"
		cleanup; return; }
	inA timeout 10 wg set "wgA$$" private-key "$LIVE_DIR/wgA.key" \
	    listen-port 51820 peer "$(echo "$kb" | wg pubkey)" \
	    endpoint "$WB:51820" allowed-ips 10.98.2.0/24
	inB timeout 10 wg set "wgB$$" private-key "$LIVE_DIR/wgB.key" \
	    listen-port 51820 peer "$(echo "$ka" | wg pubkey)" \
	    endpoint "$WA:51820" allowed-ips 10.98.1.0/24
	inA ip addr add "$IA/16" dev "wgA$$"
	inB ip addr add "$IB/16" dev "wgB$$"
	inA ip link set "wgA$$" mtu "$MTU" up
	inB ip link set "wgB$$" mtu "$MTU" up
	# timeout's child is wireguard-go; its CPU is what counts.
	measure "$label" "$(pgrep -P "$pa" | head -1)" \
	    "$(pgrep -P "$pb" | head -1)"
	cleanup
}

SWAN_PLUGINS="random nonce openssl aes sha1 sha2 hmac gcm pem pkcs1 x509"
SWAN_PLUGINS="$SWAN_PLUGINS pubkey kdf kernel-libipsec kernel-netlink"
SWAN_PLUGINS="$SWAN_PLUGINS socket-default vici"

# swan_conf SIDE ME PEER LOCAL_TS REMOTE_TS: one charon's private config.
swan_conf() {
	local d="$LIVE_DIR/swan$1"
	mkdir -p "$d"
	cat >"$d/strongswan.conf" <<CONF
charon-systemd {
	load = $SWAN_PLUGINS
	install_routes = yes
	plugins {
		vici {
			socket = unix://$d/charon.vici
		}
	}
	filelog {
		log {
			path = $d/charon.log
			default = 1
		}
	}
	journal {
		default = -1
	}
}
CONF
	cat >"$d/swanctl.conf" <<CONF
connections {
	bench {
		version = 2
		local_addrs = $2
		remote_addrs = $3
		encap = yes
		proposals = aes128-sha256-modp2048
		local {
			auth = psk
			id = $2
		}
		remote {
			auth = psk
			id = $3
		}
		children {
			net {
				local_ts = $4
				remote_ts = $5
				esp_proposals = aes128gcm16
				mode = tunnel
			}
		}
	}
}
secrets {
	ike-bench {
		id-a = $WA
		id-b = $WB
		secret = "bench-live-preshared-key"
	}
}
CONF
}

# swan_start SIDE: charon in that namespace, waiting for its vici socket.
swan_start() {
	local d="$LIVE_DIR/swan$1" _
	ip netns exec "sml$1$$" env STRONGSWAN_CONF="$d/strongswan.conf" \
	    timeout 600 "$CHARON" >"$d/charon.out" 2>&1 &
	EXTRA_PIDS+=("$!")
	eval "SWAN_PID_$1=$!"
	for _ in $(seq 100); do
		[ -S "$d/charon.vici" ] && break
		sleep 0.1
	done
	ip netns exec "sml$1$$" timeout 10 swanctl --load-all \
	    --file "$d/swanctl.conf" --uri "unix://$d/charon.vici" \
	    >>"$d/swanctl.out" 2>&1
}

run_swan() {
	local label="strongSwan kernel-libipsec" _ ok=
	CHARON=/usr/sbin/charon-systemd
	[ -x "$CHARON" ] || CHARON=/usr/lib/ipsec/charon
	if [ ! -x "$CHARON" ] || ! command -v swanctl >/dev/null ||
	    ! ls /usr/lib/ipsec/plugins/libstrongswan-kernel-libipsec.so \
	    >/dev/null 2>&1; then
		LABELS+=("$label")
		CPU[$label]="skipped: charon, swanctl or kernel-libipsec missing"
		return
	fi
	wire_addrs || return
	inA ip addr add "$IA/32" dev lo
	inB ip addr add "$IB/32" dev lo
	swan_conf A "$WA" "$WB" 10.98.1.0/24 10.98.2.0/24
	swan_conf B "$WB" "$WA" 10.98.2.0/24 10.98.1.0/24
	swan_start A && swan_start B &&
	    inA timeout 20 swanctl --initiate --child net \
	    --uri "unix://$LIVE_DIR/swanA/charon.vici" \
	    >>"$LIVE_DIR/swanA/swanctl.out" 2>&1 && ok=yes
	for _ in $(seq 50); do
		wait_link A ipsec0 && wait_link B ipsec0 && break
	done
	if [ -z "$ok" ] || ! wait_link A ipsec0; then
		LABELS+=("$label")
		CPU[$label]="IKE failed (see charon.log)"
		tail -5 "$LIVE_DIR/swanA/charon.log" \
		    "$LIVE_DIR/swanA/swanctl.out" >&2 2>/dev/null
		cleanup
		return
	fi
	# The figures are for the cipher asked for, nothing weaker.
	if ! inA timeout 10 swanctl --list-sas \
	    --uri "unix://$LIVE_DIR/swanA/charon.vici" 2>/dev/null |
	    grep -q 'AES_GCM_16-128'; then
		LABELS+=("$label")
		CPU[$label]="the CHILD_SA is not AES-GCM-128: not measured"
		cleanup
		return
	fi
	inA ip link set ipsec0 mtu "$MTU"
	inB ip link set ipsec0 mtu "$MTU"
	measure "$label" "$(pgrep -P "$SWAN_PID_A" | head -1)" \
	    "$(pgrep -P "$SWAN_PID_B" | head -1)"
	cleanup
}

# The workers option, only when sockmgr's usage shows one.
WORKERS=
if "$BUILD/sbin/sockmgr" -h 2>&1 | grep -Eq -- '-w (N|n|nworkers|workers)\b'
then
	WORKERS=$(nproc)
fi
for c in $ONLY; do
	case $c in
	esp)
		if [ -n "$WORKERS" ]; then
			run_sockmgr "ESP aes-128-gcm tunnel, 1 worker" yes -w 1
			run_sockmgr "ESP aes-128-gcm tunnel, $WORKERS workers" \
			    yes -w "$WORKERS"
		else
			run_sockmgr "ESP aes-128-gcm tunnel" yes
		fi ;;
	clear)	run_sockmgr "clear through sockmgr (no policy)" no ;;
	naive)	run_naive ;;
	wg)	run_wg ;;
	swan)	run_swan ;;
	esac
done

# The report: each figure, and its ratio to the first (our ESP) line.
REF=${LABELS[0]:-}
printf '%s s per run, inner MTU %s, Mbit/s (ratio to "%s")\n' "$T" "$MTU" \
    "$REF"
printf '%-38s' "configuration"
for col in $COLS; do printf ' %15s' "$col"; done
echo
for l in "${LABELS[@]}"; do
	printf '%-38s' "$l"
	for col in $COLS; do
		v=${RES[$l,$col]:--} r=${RES[$REF,$col]:--}
		if [ "$v" != - ] && [ "$r" != - ] && [ "$r" != 0 ]; then
			printf ' %7s (%5.2fx)' "$v" \
			    "$(awk -v v="$v" -v r="$r" 'BEGIN { print v / r }')"
		else
			printf ' %15s' "$v"
		fi
	done
	printf '  %s\n' "${CPU[$l]:-}"
done

# Issue 13's targets, one stream each way: our tunnel over each peer.
target() {
	local l c v r
	for l in "${LABELS[@]}"; do
		case $l in "$1"*) ;; *) continue ;; esac
		for c in A-\>B:1 B-\>A:1; do
			v=${RES[$l,$c]:--} r=${RES[$REF,$c]:--}
			[ "$v" = - ] || [ "$r" = - ] || [ "$v" = 0 ] && continue
			printf 'target: ours / %s %s = %.2f (want >= %s)\n' \
			    "$l" "$c" "$(awk -v v="$v" -v r="$r" \
			    'BEGIN { print r / v }')" "$2"
		done
	done
}
target naive 1.5
target wireguard 3
target strongSwan 3
target clear 0.85
