#!/usr/bin/env bash
# charon (IKEv2, strongSwan built from PEERS_DIR with kernel-pfkey,
# unmodified) against two live socket managers: each charon in its side's
# namespace under the preload shim, with its own strongswan.conf, pid
# directory (bound over the compiled-in one in that process's own mount
# namespace) and vici socket.  swanctl loads a PSK connection whose
# AES-GCM child is `start_action = trap': charon installs trap policies
# through PF_KEY, a ping makes the socket manager send an ACQUIRE, the
# IKE_SA and CHILD_SA come up, and traffic crosses protected (tshark sees
# only IKE and ESP between the hosts).  The child's soft lifetime then
# expires in the socket manager, charon rekeys on that EXPIRE, and a ping
# running across the rekey loses nothing.  Transport mode, then tunnel
# mode between 10.98.1/24 and 10.98.2/24.
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
LIVE_DIR=$(mktemp -d /tmp/test_charon.XXXXXX)
. tests/scripts/live_lib.sh
. tests/scripts/ike_lib.sh
. tests/scripts/ike_conf.sh
trap 'ike_stop; live_cleanup; [ -n "${KEEP:-}" ] || rm -rf "$LIVE_DIR"' EXIT
ike_need strongswan
SW=$PWD/$PEERS_OUT/strongswan
# The pid directory compiled into charon.
PIDDIR=$(strings "$SW/libexec/ipsec/charon" | sed -n 's|/charon\.pid$||p' |
    head -n 1)
REKEY=12

# sw_conf SIDE MODE: that side's strongswan.conf and swanctl.conf, the
# child trapped and rekeyed every REKEY seconds.
sw_conf() {
	local side=$1 mode=$2 me=10.99.0.1 peer=10.99.0.2
	local lts=10.99.0.1/32 rts=10.99.0.2/32 lid=a rid=b
	[ "$side" = B ] && me=10.99.0.2 peer=10.99.0.1 lts=10.99.0.2/32 \
	    rts=10.99.0.1/32 lid=b rid=a
	if [ "$mode" = tunnel ]; then
		lts=10.98.1.0/24 rts=10.98.2.0/24
		[ "$side" = B ] && lts=10.98.2.0/24 rts=10.98.1.0/24
	fi
	ike_sw_conf "$LIVE_DIR/$side" $me $peer $lid $rid "ike-psk-$$" \
	    "$mode" $lts $rts "start_action = trap
				rekey_time = ${REKEY}s
				life_time = $((REKEY * 4))s
				rand_time = 0"
}

# spis SIDE: the SPIs of that side's SAs, sorted.
spis() {
	live_setkey "$1" -D 2>/dev/null | sed -n 's/.*spi=\([0-9]*\)(.*/\1/p' |
	    sort | tr '\n' ' '
}

run_mode() {
	local mode=$1 dst=10.99.0.2 extraA= extraB= s n out
	if [ "$mode" = tunnel ]; then
		dst=10.98.2.1
		extraA="-a 10.98.1.1/16" extraB="-a 10.98.2.1/16"
	fi
	live_wire || { ko "$mode: namespaces"; return; }
	printf 'flush;\nspdflush;\n' >"$LIVE_DIR/empty.conf"
	# shellcheck disable=SC2086
	live_start A va -a 10.99.0.1/24 $extraA -f "$LIVE_DIR/empty.conf" &&
	    live_start B vb -a 10.99.0.2/24 $extraB \
	    -f "$LIVE_DIR/empty.conf" && ok ||
	    { ko "$mode: sockmgr start"; live_cleanup; return; }
	ike_capture va "$LIVE_DIR/$mode.pcap"
	for s in A B; do
		sw_conf $s "$mode"
		ike_charon_start $s
	done
	# A charon that could not start ends this mode (its complaints are
	# the failure).
	local up=1
	for s in A B; do
		ike_ready "charon$s" "$LIVE_DIR/$s/charon.log" \
		    'loaded plugins' 15 || up=0
	done
	[ $up = 1 ] || { ike_capture_stop; ike_stop; live_cleanup; return; }
	for s in A B; do
		for _ in $(seq 30); do
			[ -S "$LIVE_DIR/$s/charon.vici" ] && break
			sleep 0.2
		done
		out=$(ike_swanctl $s --load-all \
		    --file "$LIVE_DIR/$s/swanctl.conf" 2>&1) && ok ||
		    ko "$mode: $s: swanctl --load-all: $(echo "$out" | tail -3)"
	done
	# The trap policies are in the socket manager's SPD.
	for s in A B; do
		n=$(live_setkey $s -DP 2>/dev/null | grep -c 'esp/')
		[ "$n" -ge 2 ] && ok || ko "$mode: $s: $n trap policies"
	done
	# The first echo request waits in the hold queue for the SAs.
	ike_ping A "$dst" && ok ||
	    ko "$mode: first ping $dst (held) not answered in 8 s"
	echo "$mode: first ping answered after $IKE_PING_SECS s"
	grep -q 'creating acquire job\|received an SADB_ACQUIRE' \
	    "$LIVE_DIR/A/charon.log" && ok || ko "$mode: A: no ACQUIRE"
	grep -q "CHILD_SA k{[0-9]*} established" "$LIVE_DIR/A/charon.log" &&
	    ok || ko "$mode: A: no CHILD_SA established"
	for s in A B; do
		n=$(ike_sa_count $s)
		[ "$n" -ge 2 ] && ok || ko "$mode: $s: $n mature SAs (want 2)"
		live_setkey $s -D 2>/dev/null | grep -q 'aes-gcm-16' && ok ||
		    ko "$mode: $s: no AES-GCM SA"
	done
	# Across the soft expiry: the rekey happens, no ping is lost.
	local before after
	before=$(spis A)
	out=$(inA ping -c $((REKEY * 10)) -i 0.2 -W 1 "$dst" 2>&1)
	echo "$out" | grep -q ' 0% packet loss' && ok ||
	    ko "$mode: across the rekey: $(echo "$out" | tail -2 | head -1)"
	# charon has no CHILD_SA rekey timer of its own over PF_KEY: a second
	# CHILD_SA after an SADB_EXPIRE from the socket manager is its answer
	# to the soft lifetime, and the SAD holds new SPIs.
	after=$(spis A)
	n=$(cat "$LIVE_DIR/A/charon.log" "$LIVE_DIR/B/charon.log" |
	    grep -c "CHILD_SA k{[0-9]*} established")
	grep -q 'received an SADB_EXPIRE' "$LIVE_DIR/A/charon.log" \
	    "$LIVE_DIR/B/charon.log" && [ "$n" -ge 3 ] &&
	    [ -n "$after" ] && [ "$before" != "$after" ] && ok ||
	    ko "$mode: no rekey on soft expiry ($n CHILD_SAs; SPIs" \
	    "$before -> $after)"
	ike_capture_stop
	ike_wire_check "$LIVE_DIR/$mode.pcap" "$mode"
	if [ "$fail" != 0 ]; then
		for s in A B; do
			echo "--- charon $s ($mode), last lines"
			tail -n 25 "$LIVE_DIR/$s/charon.log"
			echo "--- sockmgr $s ($mode), last lines"
			tail -n 5 "$LIVE_DIR/$s.err"
		done
	fi
	ike_stop
	live_cleanup
}

[ -z "${IKE_MODES:-}" ] && IKE_MODES="transport tunnel"
for m in $IKE_MODES; do run_mode "$m"; done
echo "$pass passed, $fail failed"
[ "$fail" = 0 ]
