#!/usr/bin/env bash
# NAT traversal with the real IKE daemons (built from PEERS_DIR,
# unmodified, under the preload shim): A's socket manager (10.99.0.1,
# tunnel 10.98.1/24) reaches B's (10.97.0.2, tunnel 10.98.2/24) through a
# third namespace N, a plain Linux router that masquerades toward B to
# source ports 40000-40999 (live_nat_wire).  racoon (IKEv1, nat_traversal
# on) and then charon (IKEv2, NAT detection on by itself) must each:
# answer the first ping (one echo request, held while the ACQUIRE is
# negotiated), detect the NAT and float IKE to 4500, install esp-udp SAs
# in both socket managers (B's naming the NAT's 10.97.0.254 and its
# port), and carry pings and a TCP transfer; tshark on both sides of the
# NAT sees only UDP 500 and 4500 between the hosts (ESP in UDP, no raw
# ESP, nothing clear, and only the NAT's address on B's side).
#
# Then N forgets its mappings and moves to ports 41000-41999: the next
# packet from A reaches B from a new port, B's socket manager sends
# SADB_X_NAT_T_NEW_MAPPING (udpencap_mapping) and the daemon logs it.
# What follows is each daemon's own: racoon has no handler for the
# message ("unsupported PF_KEY message") and keeps its phase 1 on the
# old port, so only A->B still crosses (B accepts ESP from the new
# port); charon 5.9.8's kernel-pfkey drops the message (it wants an SA2
# extension neither af_key nor KAME sends) and learns the new port from
# A's next IKE request instead (DPD; RFC 7296 section 2.23, MOBIKE off),
# moving its SAs there with SADB_UPDATE, after which B's SA names the new
# port and pings cross both ways again.
set -u
BUILD=${BUILD:-build}
cd "$(dirname "$0")/../.." || exit 2
pass=0
fail=0
ok() { pass=$((pass + 1)); }
ko() { echo "FAIL: $*"; fail=$((fail + 1)); }

if [ "$(id -u)" != 0 ] || ! command -v nft >/dev/null ||
    ! command -v tshark >/dev/null || ! command -v conntrack >/dev/null; then
	echo "SKIP: needs root, nft, conntrack and tshark (network namespaces)"
	echo "0 passed, 1 failed"
	exit 1
fi
LIVE_DIR=$(mktemp -d /tmp/test_ike_natt.XXXXXX)
. tests/scripts/live_lib.sh
. tests/scripts/ike_lib.sh
. tests/scripts/ike_conf.sh
trap 'ike_stop; live_cleanup; [ -n "${KEEP:-}" ] || rm -rf "$LIVE_DIR"' EXIT
ike_need ipsec-tools
ike_need strongswan
RACOON=$PWD/$PEERS_OUT/ipsec-tools/sbin/racoon
SW=$PWD/$PEERS_OUT/strongswan
PIDDIR=$(strings "$SW/libexec/ipsec/charon" | sed -n 's|/charon\.pid$||p' |
    head -n 1)
NAT=10.97.0.254
PSK=ike-natt-$$

# racoon_conf SIDE: that side's racoon.conf, NAT traversal on.
racoon_conf() {
	if [ "$1" = A ]; then
		ike_racoon_conf "$LIVE_DIR/A" 10.99.0.1 10.97.0.2 "$PSK" \
		    "address 10.98.1.0/24 any address 10.98.2.0/24 any" natt
	else
		ike_racoon_conf "$LIVE_DIR/B" 10.97.0.2 $NAT "$PSK" \
		    "address 10.98.2.0/24 any address 10.98.1.0/24 any" natt
	fi
}

# racoon_spd SIDE: the tunnel policies racoon negotiates for, B's toward
# the NAT's address (the only one of A that B sees).
racoon_spd() {
	local o="10.98.1.0/24 10.98.2.0/24" i="10.98.2.0/24 10.98.1.0/24"
	local t=10.99.0.1-10.97.0.2 r=10.97.0.2-10.99.0.1
	[ "$1" = B ] && o="10.98.2.0/24 10.98.1.0/24" \
	    i="10.98.1.0/24 10.98.2.0/24" t=10.97.0.2-$NAT r=$NAT-10.97.0.2
	cat <<CONF
flush;
spdflush;
spdadd $o any -P out ipsec esp/tunnel/$t/require;
spdadd $i any -P in ipsec esp/tunnel/$r/require;
CONF
}

# sw_conf SIDE: that side's strongswan.conf and swanctl.conf; A traps
# 10.98.1/24 <-> 10.98.2/24, B answers whoever comes.  Without MOBIKE
# charon moves an IKE_SA to the address and port an authenticated
# request comes from (RFC 7296 section 2.23); DPD makes A send one.
sw_conf() {
	local conn="mobike = no
		dpd_delay = 2s"
	if [ "$1" = A ]; then
		ike_sw_conf "$LIVE_DIR/A" 10.99.0.1 10.97.0.2 a b "$PSK" tunnel \
		    10.98.1.0/24 10.98.2.0/24 "start_action = trap" "$conn"
	else
		ike_sw_conf "$LIVE_DIR/B" 10.97.0.2 %any b a "$PSK" tunnel \
		    10.98.2.0/24 10.98.1.0/24 "" "$conn"
	fi
}

# start_racoon: both racoons, true once both listen.
start_racoon() {
	local s up=0
	for s in A B; do
		racoon_conf $s
		ike_run $s "racoon$s" 150 \
		    env LD_PRELOAD="$IKE_PRELOAD" "$RACOON" -F -ddd -v \
		    -f "$LIVE_DIR/$s/racoon.conf"
	done
	for s in A B; do
		ike_ready "racoon$s" "$LIVE_DIR/racoon$s.log" \
		    'used as isakmp port' 10 && up=$((up + 1))
	done
	[ $up = 2 ]
}

# start_charon: both charons with their connection loaded, true once A
# has its trap policies in its socket manager.
start_charon() {
	local s up=0 out
	for s in A B; do
		sw_conf $s
		ike_charon_start $s
	done
	for s in A B; do
		ike_ready "charon$s" "$LIVE_DIR/$s/charon.log" \
		    'loaded plugins' 15 || continue
		for _ in $(seq 30); do
			[ -S "$LIVE_DIR/$s/charon.vici" ] && break
			sleep 0.2
		done
		out=$(ike_swanctl $s --load-all \
		    --file "$LIVE_DIR/$s/swanctl.conf" 2>&1) && up=$((up + 1)) ||
		    ko "charon: $s: swanctl --load-all: $(echo "$out" | tail -3)"
	done
	[ $up = 2 ] || return 1
	for _ in $(seq 25); do
		[ "$(live_setkey A -DP 2>/dev/null | grep -c 'esp/')" -ge 2 ] &&
		    return 0
		sleep 0.2
	done
	ko "charon: A: no trap policies"
	return 1
}

# log_of DAEMON SIDE: where that daemon writes its log.
log_of() {
	if [ "$1" = racoon ]; then
		echo "$LIVE_DIR/racoon$2.log"
	else
		echo "$LIVE_DIR/$2/charon.log"
	fi
}

# esp_udp_check SIDE PEER: that side's SAs are ESP in UDP with PEER (the
# address it sees), both ways, on 4500 at least at its own end.
esp_udp_check() {
	local d=$1 sad n
	sad=$(live_setkey "$1" -D 2>/dev/null)
	n=$(echo "$sad" | grep -c "esp-udp mode=tunnel")
	echo "$sad" | grep -q "^$2\[[0-9]*\] " &&
	    echo "$sad" | grep -q "\[4500\] $2\[[0-9]*\]" && [ "$n" -ge 2 ] &&
	    ok || ko "$D: $d: $n esp-udp SAs with $2: $(echo "$sad" |
	    grep -E '^[0-9]' | tr '\n' ' ')"
}

# nat_port: the NAT-T port of B's SA from the NAT (the mapping).
nat_port() {
	live_setkey B -D 2>/dev/null |
	    sed -n "s/^$NAT\[\([0-9]*\)\] 10.97.0.2\[4500\].*/\1/p" | head -n 1
}

# run_daemon racoon|charon
run_daemon() {
	D=$1
	local s n out log port1 port2
	live_nat_wire 40000-40999 || { ko "$D: namespaces"; return; }
	if [ "$D" = racoon ]; then
		racoon_spd A >"$LIVE_DIR/A.conf"
		racoon_spd B >"$LIVE_DIR/B.conf"
	else
		printf 'flush;\nspdflush;\n' >"$LIVE_DIR/A.conf"
		cp "$LIVE_DIR/A.conf" "$LIVE_DIR/B.conf"
	fi
	live_start A va -a 10.99.0.1/24 -a 10.98.1.1/16 -g 10.99.0.254 \
	    -f "$LIVE_DIR/A.conf" &&
	    live_start B vb -a 10.97.0.2/24 -a 10.98.2.1/16 -g $NAT \
	    -f "$LIVE_DIR/B.conf" && ok ||
	    { ko "$D: sockmgr start"; live_cleanup; return; }
	# The TUN gives the host only its on-link prefixes; what lies past
	# the gateway is routed into the TUN as well.
	inA ip route add default dev tun0 && inB ip route add default dev tun0 ||
	    ko "$D: default routes"
	ike_capture na "$LIVE_DIR/$D.a.pcap" "$LIVE_NS_N"
	ike_capture nb "$LIVE_DIR/$D.b.pcap" "$LIVE_NS_N"
	if ! "start_$D"; then
		ike_capture_stop; ike_stop; live_cleanup
		return
	fi
	log=$(log_of "$D" B)

	# One echo request, no retry: answered only if A's socket manager
	# held it while the daemons negotiated.
	ike_ping A 10.98.2.1 && ok ||
	    ko "$D: first ping (held) not answered in 8 s"
	echo "$D: first ping answered after $IKE_PING_SECS s"
	if [ "$D" = racoon ]; then
		grep -q 'NAT detected' "$(log_of racoon A)" && ok ||
		    ko "racoon: A: no NAT detected"
		grep -q 'NAT-T: ports changed to' "$log" && ok ||
		    ko "racoon: B: IKE did not float to 4500"
		grep -q 'IPsec-SA established' "$(log_of racoon A)" && ok ||
		    ko "racoon: A: no IPsec-SA"
	else
		grep -q 'local host is behind NAT' "$(log_of charon A)" && ok ||
		    ko "charon: A: no NAT detected"
		grep -q "CHILD_SA k{[0-9]*} established" "$(log_of charon A)" &&
		    ok || ko "charon: A: no CHILD_SA"
	fi
	esp_udp_check A 10.97.0.2
	esp_udp_check B $NAT
	port1=$(nat_port)
	case "$port1" in
	40[0-9][0-9][0-9]) ok ;;
	*) ko "$D: B's SA from the NAT names port '$port1' (want 40000-40999)" ;;
	esac
	out=$(inA ping -c 5 -i 0.2 -W 2 10.98.2.1 2>&1)
	echo "$out" | grep -q ' 5 received' && ok ||
	    ko "$D: pings: $(echo "$out" | tail -2 | head -1)"
	head -c 300000 /dev/urandom >"$LIVE_DIR/data"
	live_tcp B A 10.98.1.1 "$LIVE_DIR/data" && ok || ko "$D: TCP B->A"

	# The NAT loses its mappings and moves to other ports.
	live_nat_ports 41000-41999 || ko "$D: NAT port change"
	inA ping -c 3 -i 0.3 -W 1 10.98.2.1 >/dev/null 2>&1
	ike_wait_log "$log" 'X_NAT_T_NEW_MAPPING' 10 && ok ||
	    ko "$D: B's daemon logged no NEW_MAPPING"
	if [ "$D" = racoon ]; then
		grep -q 'unsupported PF_KEY message X_NAT_T_NEW_MAPPING' "$log" &&
		    ok || ko "racoon: B: NEW_MAPPING not reported unsupported"
	else
		# DPD (2 s without inbound traffic) carries A's next request
		# through the new mapping; B moves its IKE_SA and CHILD_SA.
		ike_wait_log "$log" 'remote endpoint changed' 15 && ok ||
		    ko "charon: B: IKE_SA not moved to the new mapping"
		port2=
		for _ in $(seq 25); do
			port2=$(nat_port)
			[ -n "$port2" ] && [ "$port2" != "$port1" ] && break
			sleep 0.2
		done
		case "$port2" in
		41[0-9][0-9][0-9]) ok ;;
		*) ko "charon: B's SA names port '$port2' after the NAT" \
		    "moved (was $port1; want 41000-41999)" ;;
		esac
		out=$(inA ping -c 5 -i 0.2 -W 2 10.98.2.1 2>&1)
		echo "$out" | grep -q ' 5 received' && ok ||
		    ko "charon: pings after the new mapping:" \
		    "$(echo "$out" | tail -2 | head -1)"
	fi
	ike_capture_stop
	ike_nat_wire_check "$LIVE_DIR/$D.a.pcap" 10.99.0.1 10.97.0.2 \
	    "$D: A's side"
	ike_nat_wire_check "$LIVE_DIR/$D.b.pcap" $NAT 10.97.0.2 "$D: B's side"
	# On B's side the ESP of A's SA came from the new mapping too.
	n=$(tshark -r "$LIVE_DIR/$D.b.pcap" -Y "ip.src==$NAT &&
	    udp.srcport>=41000 && udp.srcport<=41999 && udp.dstport==4500 &&
	    esp" 2>/dev/null | wc -l)
	[ "$n" -gt 0 ] && ok || ko "$D: no ESP in UDP from the new mapping"
	ike_stop
	live_stop A
	live_stop B
	n=$(live_counter "$LIVE_DIR/B.out" udpencap udpencap_mapping)
	[ "$n" -ge 1 ] && ok || ko "$D: B: udpencap_mapping $n"
	n=$(live_counter "$LIVE_DIR/A.out" hold hold_sent)
	[ "$n" -ge 1 ] && ok || ko "$D: A: hold_sent $n"
	echo "$D: B sent $(live_counter "$LIVE_DIR/B.out" udpencap \
	    udpencap_mapping) NEW_MAPPING, received" \
	    "$(live_counter "$LIVE_DIR/B.out" udpencap udpencap_input) ESP in UDP"
	if [ "$fail" != 0 ]; then
		for s in A B; do
			echo "--- $D $s, last lines"
			tail -n 25 "$(log_of "$D" $s)"
			echo "--- sockmgr $s, last lines"
			tail -n 5 "$LIVE_DIR/$s.err"
		done
	fi
	live_cleanup
}

[ -z "${IKE_DAEMONS:-}" ] && IKE_DAEMONS="racoon charon"
for d in $IKE_DAEMONS; do run_daemon "$d"; done
echo "$pass passed, $fail failed"
[ "$fail" = 0 ]
