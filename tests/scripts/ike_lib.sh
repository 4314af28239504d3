# Shared by the IKE daemon tests (sourced after live_lib.sh): the real
# daemons built from PEERS_DIR (tests/peers/build-peers.sh), run
# unmodified under the preload shim, each in its side's namespace with
# SOCK naming that side's socket manager, and the wire judged by tshark.
#
# Needs: BUILD, LIVE_DIR, and ok/ko from the caller.

# The peers are not our code: a sanitized build tree shares the plain
# tree's copy instead of building its own.
PEERS_OUT=${PEERS_OUT:-${BUILD%-asan}/peers}
SHIM=$PWD/$BUILD/lib/libpfkey_shim.so
IKE_PIDS=()
IKE_PRELOAD=$SHIM
_ike_asan=$(ldd "$SHIM" 2>/dev/null | awk '/libasan/ && /=>/ {print $3}')
[ -n "$_ike_asan" ] && IKE_PRELOAD=$_ike_asan:$SHIM
export ASAN_OPTIONS=detect_leaks=0:verify_asan_link_order=0

# ike_need SUITE: builds that suite once (cached in PEERS_OUT); with the
# archives absent, prints the skip line and a zero summary and exits.
ike_need() {
	local rc
	tests/peers/build-peers.sh "$PEERS_OUT" "$1"
	rc=$?
	if [ $rc = 77 ]; then
		echo "skipped: peers not found"
		echo "0 passed, 0 failed"
		exit 0
	fi
	[ $rc = 0 ] && return 0
	echo "FAIL: building $1 (log in $PEERS_OUT/$1.log)"
	echo "0 passed, 1 failed"
	exit 1
}

# ike_run SIDE NAME SECONDS CMD...: a daemon in that side's namespace
# against that side's socket manager, for at most SECONDS, output in
# LIVE_DIR/NAME.log; its pid is recorded for cleanup and left in
# IKE_PID_NAME.  CMD sets LD_PRELOAD=$IKE_PRELOAD on the daemon alone:
# timeout(1) with a sanitized shim's ASan runtime preloaded hangs.
ike_run() {
	local side=$1 name=$2 secs=$3
	shift 3
	ip netns exec "sml$side$$" env SOCK="$LIVE_DIR/run$side" \
	    timeout -k 5 "$secs" "$@" >"$LIVE_DIR/$name.log" 2>&1 &
	IKE_PIDS+=($!)
	eval "IKE_PID_$name=$!"
}

# ike_charon_start SIDE: charon from SW (set by the caller) in that
# side's namespace with LIVE_DIR/SIDE's strongswan.conf (ike_sw_conf),
# its compiled-in pid directory PIDDIR bound over by LIVE_DIR/SIDE/run
# in its own mount namespace, so that two charons can run.
ike_charon_start() {
	local d=$LIVE_DIR/$1
	ike_run "$1" "charon$1" 150 env STRONGSWAN_CONF="$d/strongswan.conf" \
	    sh -c 'mount --bind "$1" "$2" && exec env LD_PRELOAD="$4" "$3"' \
	    sh "$d/run" "$PIDDIR" "$SW/libexec/ipsec/charon" "$IKE_PRELOAD"
}

# ike_swanctl SIDE ARGS...: swanctl against that side's charon.
ike_swanctl() {
	local side=$1
	shift
	ip netns exec "sml$side$$" env \
	    STRONGSWAN_CONF="$LIVE_DIR/$side/strongswan.conf" timeout 20 \
	    "$SW/sbin/swanctl" "$@" --uri "unix://$LIVE_DIR/$side/charon.vici"
}

# ike_stop: every daemon ike_run started, before their socket managers
# stop: charon that finds its PF_KEY connection closed spins reading it
# and then may not finish on SIGTERM, hence SIGKILL after 5 s.
ike_stop() {
	local p
	for p in "${IKE_PIDS[@]}"; do
		kill -TERM "$p" 2>/dev/null
	done
	for p in "${IKE_PIDS[@]}"; do
		timeout 5 tail --pid="$p" -f /dev/null 2>/dev/null ||
		    kill -KILL "$p" 2>/dev/null
	done
	IKE_PIDS=()
}

# ike_wait_log FILE REGEX SECONDS: true once FILE has a line matching.
ike_wait_log() {
	local _
	for _ in $(seq $(($3 * 5))); do
		grep -Eq "$2" "$1" 2>/dev/null && return 0
		sleep 0.2
	done
	return 1
}

# ike_ready NAME FILE REGEX SECONDS: true once the daemon NAME logged a
# line matching in FILE; otherwise false, after a failure that quotes
# what the daemon complained about (it may have exited already).
ike_ready() {
	local pid
	eval "pid=\$IKE_PID_$1"
	if ike_wait_log "$2" "$3" "$4" && kill -0 "$pid" 2>/dev/null; then
		ok
		return 0
	fi
	ko "${mode:-}: $1 not ready: $(grep -Eih 'error|warning|fail|unable' "$2" |
	    tail -n 6 | cut -c1-160)"
	echo "--- $1, last lines"
	tail -n 8 "$2"
	tail -n 8 "$LIVE_DIR/$1.log" 2>/dev/null
	return 1
}

# ike_ping SIDE ADDR: one echo request, no retry, that triggers the
# negotiation: true if answered within 8 s, i.e. the socket manager held
# it while the daemons negotiated and sent it on the new SA.  The time
# it took is left in IKE_PING_SECS.
ike_ping() {
	local t0 rc
	t0=$(date +%s%N)
	ip netns exec "sml$1$$" ping -c 1 -W 8 "$2" >/dev/null 2>&1
	rc=$?
	IKE_PING_SECS=$(awk -v d=$(($(date +%s%N) - t0)) \
	    'BEGIN { printf "%.2f", d / 1e9 }')
	return $rc
}

# ike_capture IF FILE [NS]: tshark on that interface of namespace NS
# (side A's by default), returning once it says it is capturing (a
# loaded machine may take seconds, and the IKE exchange must not pass
# before); several may run, ike_capture_stop ends them all.
IKE_CAPS=()
ike_capture() {
	ip netns exec "${3:-$LIVE_NS_A}" tshark -a duration:240 -q -i "$1" \
	    -w "$2" 2>"$2.err" &
	IKE_CAPS+=($!)
	LIVE_PIDS+=($!)
	ike_wait_log "$2.err" 'Capturing on' 30
	sleep 0.5
}

ike_capture_stop() {
	local p
	sleep 0.5
	for p in "${IKE_CAPS[@]}"; do
		kill -INT "$p" 2>/dev/null
		timeout 10 tail --pid="$p" -f /dev/null
	done
	IKE_CAPS=()
}

# ike_wire_check PCAP LABEL: between 10.99.0.1 and .2 only IKE (UDP 500
# or 4500, including ESP in UDP) and ESP; some of each; nothing of the
# inner prefixes in the clear.
ike_wire_check() {
	local f=$1 clear esp ike
	clear=$(tshark -r "$f" -Y '((ip.addr==10.99.0.1 && ip.addr==10.99.0.2)
	    || ip.addr==10.98.0.0/16) && !esp && !isakmp &&
	    !(udp.port==500 || udp.port==4500)' 2>/dev/null | wc -l)
	esp=$(tshark -r "$f" -Y esp 2>/dev/null | wc -l)
	ike=$(tshark -r "$f" -Y isakmp 2>/dev/null | wc -l)
	[ "$clear" = 0 ] && [ "$esp" -gt 0 ] && [ "$ike" -gt 0 ] && ok ||
	    ko "$2: wire shows $clear clear, $ike IKE, $esp ESP packets"
}

# ike_nat_wire_check PCAP HOST1 HOST2 LABEL: between the two addresses
# (one side of a NAT) only UDP 500 and 4500, with some IKE on each and
# some ESP in UDP on 4500; no raw ESP, nothing else, and nothing of the
# inner prefixes or of the other side's addresses (10.99.0.1 must not
# be seen where the NAT hides it, HOST1 names what is expected).
ike_nat_wire_check() {
	local f=$1 pair="ip.addr==$2 && ip.addr==$3" other raw ike500 ike4500 encap
	other=$(tshark -r "$f" -Y "(($pair) && !(udp.port==500 ||
	    udp.port==4500)) || ip.addr==10.98.0.0/16 ||
	    (ip && !($pair) && !arp)" 2>/dev/null | wc -l)
	raw=$(tshark -r "$f" -Y "$pair && esp && !udp" 2>/dev/null | wc -l)
	ike500=$(tshark -r "$f" -Y "$pair && isakmp && udp.port==500" \
	    2>/dev/null | wc -l)
	ike4500=$(tshark -r "$f" -Y "$pair && isakmp && udp.port==4500" \
	    2>/dev/null | wc -l)
	encap=$(tshark -r "$f" -Y "$pair && udp.port==4500 && esp" \
	    2>/dev/null | wc -l)
	[ "$other" = 0 ] && [ "$raw" = 0 ] && [ "$ike500" -gt 0 ] &&
	    [ "$ike4500" -gt 0 ] && [ "$encap" -gt 0 ] && ok ||
	    ko "$4: wire $2-$3 shows $other other, $raw raw ESP, IKE" \
	    "$ike500 on 500 and $ike4500 on 4500, $encap ESP in UDP"
}

# ike_sa_count SIDE: the mature ESP SAs that side's socket manager holds.
ike_sa_count() {
	live_setkey "$1" -D 2>/dev/null | grep -c 'state=mature'
}
