#!/usr/bin/env bash
# racoon (IKEv1, ipsec-tools built from PEERS_DIR, unmodified) against two
# live socket managers: each racoon in its side's namespace under the
# preload shim, with its own configuration, pre-shared key and log.  Only
# `require' policies are loaded (by our setkey); no SA.  A ping must
# trigger an ACQUIRE, main mode and quick mode must complete, racoon must
# have GETSPI, UPDATE and ADD answered, and then pings and a TCP transfer
# cross protected: the wire capture (tshark) shows only IKE and ESP
# between the hosts.  racoon exempts its own IKE socket with a per-socket
# bypass policy, as it does on a kernel.  Transport mode between the
# hosts, then tunnel mode between 10.98.1/24 and 10.98.2/24.
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
LIVE_DIR=$(mktemp -d /tmp/test_racoon.XXXXXX)
. tests/scripts/live_lib.sh
. tests/scripts/ike_lib.sh
. tests/scripts/ike_conf.sh
trap 'ike_stop; live_cleanup; [ -n "${KEEP:-}" ] || rm -rf "$LIVE_DIR"' EXIT
ike_need ipsec-tools
RACOON=$PWD/$PEERS_OUT/ipsec-tools/sbin/racoon

# racoon_conf SIDE MODE: that side's racoon.conf and key in LIVE_DIR/SIDE.
racoon_conf() {
	local side=$1 mode=$2 me=10.99.0.1 peer=10.99.0.2 sa
	[ "$side" = B ] && me=10.99.0.2 peer=10.99.0.1
	if [ "$mode" = transport ]; then
		sa=anonymous
	elif [ "$side" = A ]; then
		sa="address 10.98.1.0/24 any address 10.98.2.0/24 any"
	else
		sa="address 10.98.2.0/24 any address 10.98.1.0/24 any"
	fi
	ike_racoon_conf "$LIVE_DIR/$side" $me $peer "ike-psk-$$" "$sa"
}

# spd SIDE MODE: that side's policies, for our setkey.
spd() {
	local o="10.99.0.1 10.99.0.2" i="10.99.0.2 10.99.0.1"
	local t=10.99.0.1-10.99.0.2 r=10.99.0.2-10.99.0.1
	[ "$1" = B ] && o="10.99.0.2 10.99.0.1" i="10.99.0.1 10.99.0.2" \
	    t=10.99.0.2-10.99.0.1 r=10.99.0.1-10.99.0.2
	if [ "$2" = tunnel ]; then
		o="10.98.1.0/24 10.98.2.0/24" i="10.98.2.0/24 10.98.1.0/24"
		[ "$1" = B ] && o="10.98.2.0/24 10.98.1.0/24" \
		    i="10.98.1.0/24 10.98.2.0/24"
	else
		t= r=
	fi
	cat <<CONF
flush;
spdflush;
spdadd $o any -P out ipsec esp/$2/$t/require;
spdadd $i any -P in ipsec esp/$2/$r/require;
CONF
}

run_mode() {
	local mode=$1 dst=10.99.0.2 back=10.99.0.1 extraA= extraB= s
	if [ "$mode" = tunnel ]; then
		dst=10.98.2.1 back=10.98.1.1
		extraA="-a 10.98.1.1/16" extraB="-a 10.98.2.1/16"
	fi
	live_wire || { ko "$mode: namespaces"; return; }
	for s in A B; do
		spd $s "$mode" >"$LIVE_DIR/$s.conf"
		racoon_conf $s "$mode"
	done
	# shellcheck disable=SC2086
	live_start A va -a 10.99.0.1/24 $extraA -f "$LIVE_DIR/A.conf" &&
	    live_start B vb -a 10.99.0.2/24 $extraB -f "$LIVE_DIR/B.conf" &&
	    ok || { ko "$mode: sockmgr start"; live_cleanup; return; }
	ike_capture va "$LIVE_DIR/$mode.pcap"
	for s in A B; do
		ike_run $s "racoon$s" 120 \
		    env LD_PRELOAD="$IKE_PRELOAD" "$RACOON" -F -ddd -v \
		    -f "$LIVE_DIR/$s/racoon.conf"
	done
	# Both listen before the first packet asks for an SA; a racoon that
	# could not start ends this mode (its complaints are the failure).
	local up=1
	for s in A B; do
		ike_ready "racoon$s" "$LIVE_DIR/racoon$s.log" \
		    'used as isakmp port' 10 || up=0
	done
	[ $up = 1 ] || { ike_capture_stop; ike_stop; live_cleanup; return; }
	# The first echo request waits in the hold queue for the SAs.
	ike_ping A "$dst" && ok ||
	    ko "$mode: first ping $dst (held) not answered in 8 s"
	echo "$mode: first ping answered after $IKE_PING_SECS s"
	grep -q 'ISAKMP-SA established' "$LIVE_DIR/racoonA.log" && ok ||
	    ko "$mode: A: no ISAKMP-SA (main mode)"
	grep -q 'IPsec-SA established' "$LIVE_DIR/racoonA.log" && ok ||
	    ko "$mode: A: no IPsec-SA (quick mode)"
	grep -q 'pfkey ACQUIRE\|get pfkey ACQUIRE' "$LIVE_DIR/racoonA.log" &&
	    ok || ko "$mode: A: racoon saw no ACQUIRE"
	for s in GETSPI UPDATE; do
		grep -q "pfkey $s succeeded" "$LIVE_DIR/racoonB.log" && ok ||
		    ko "$mode: B: no pfkey $s succeeded"
	done
	grep -q 'pfkey ADD\|IPsec-SA established' "$LIVE_DIR/racoonB.log" &&
	    ok || ko "$mode: B: no ADD"
	ping_out=$(inA ping -c 5 -i 0.2 -W 2 "$dst" 2>&1)
	echo "$ping_out" | grep -q ' 5 received' && ok ||
	    ko "$mode: after negotiation: $(echo "$ping_out" | tail -2)"
	head -c 300000 /dev/urandom >"$LIVE_DIR/data"
	live_tcp B A "$back" "$LIVE_DIR/data" && ok ||
	    ko "$mode: TCP B->A"
	for s in A B; do
		n=$(ike_sa_count $s)
		[ "$n" -ge 2 ] && ok || ko "$mode: $s: $n mature SAs (want 2)"
	done
	ike_capture_stop
	ike_wire_check "$LIVE_DIR/$mode.pcap" "$mode"
	if [ "$fail" != 0 ]; then
		for s in A B; do
			echo "--- racoon $s ($mode), last lines"
			tail -n 25 "$LIVE_DIR/racoon$s.log"
		done
	fi
	ike_stop
	live_cleanup
}

[ -z "${IKE_MODES:-}" ] && IKE_MODES="transport tunnel"
for m in $IKE_MODES; do run_mode "$m"; done
echo "$pass passed, $fail failed"
[ "$fail" = 0 ]
