#!/usr/bin/env bash
# Live mode end to end: two namespaces joined by a veth pair, a socket
# manager in each between its veth and a TUN, ESP SAs and `require'
# policies from a setkey script.  Real traffic (ping over IPv4 and IPv6,
# TCP transfers both ways, checked byte for byte) must cross; a capture on
# the wire must show only ESP between the hosts (ARP and neighbour
# discovery aside); the SA byte counters must move; a clear packet
# injected on the wire must be dropped by policy (in_polvio).  Run once in
# transport mode and once in tunnel mode between other addresses.
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
LIVE_DIR=$(mktemp -d /tmp/test_live.XXXXXX)
. tests/scripts/live_lib.sh
trap 'live_cleanup; rm -rf "$LIVE_DIR"' EXIT

K1=0x0102030405060708090a0b0c0d0e0f101112131415161718191a1b1c
K2=0x2122232425262728292a2b2c2d2e2f303132333435363738393a3b3c
K3=0x4142434445464748494a4b4c4d4e4f505152535455565758595a5b5c
K4=0x6162636465666768696a6b6c6d6e6f707172737475767778797a7b7c

# conf MODE SIDE: the setkey script of one side.  Transport mode protects
# 10.99.0.1 <-> .2 and fd99::1 <-> ::2; tunnel mode protects the inner
# prefixes 10.98.1/24 <-> 10.98.2/24 and fd98:1::/48 <-> fd98:2::/48 over
# those addresses.
conf() {
	local mode=$1 me=$2 a4 b4 a6 b6 o4 i4 o6 i6
	if [ "$mode" = transport ]; then
		a4=10.99.0.1 b4=10.99.0.2 a6=fd99::1 b6=fd99::2
	else
		a4=10.98.1.0/24 b4=10.98.2.0/24 a6=fd98:1::/48 b6=fd98:2::/48
	fi
	cat <<CONF
flush;
spdflush;
add 10.99.0.1 10.99.0.2 esp 0x1001 -m $mode -E aes-gcm-16 $K1;
add 10.99.0.2 10.99.0.1 esp 0x1002 -m $mode -E aes-gcm-16 $K2;
add fd99::1 fd99::2 esp 0x1003 -m $mode -E aes-gcm-16 $K3;
add fd99::2 fd99::1 esp 0x1004 -m $mode -E aes-gcm-16 $K4;
CONF
	if [ "$me" = A ]; then o4="$a4 $b4" i4="$b4 $a4" o6="$a6 $b6" \
	    i6="$b6 $a6" t4=10.99.0.1-10.99.0.2 r4=10.99.0.2-10.99.0.1 \
	    t6=fd99::1-fd99::2 r6=fd99::2-fd99::1
	else o4="$b4 $a4" i4="$a4 $b4" o6="$b6 $a6" i6="$a6 $b6" \
	    t4=10.99.0.2-10.99.0.1 r4=10.99.0.1-10.99.0.2 \
	    t6=fd99::2-fd99::1 r6=fd99::1-fd99::2
	fi
	[ "$mode" = transport ] && t4= r4= t6= r6=
	cat <<CONF
spdadd $o4 any -P out ipsec esp/$mode/$t4/require;
spdadd $i4 any -P in ipsec esp/$mode/$r4/require;
spdadd $o6 any -P out ipsec esp/$mode/$t6/require;
spdadd $i6 any -P in ipsec esp/$mode/$r6/require;
CONF
}

run_mode() {
	local mode=$1 pa4=10.99.0.2 pa6=fd99::2 extraA= extraB=
	if [ "$mode" = tunnel ]; then
		pa4=10.98.2.1 pa6=fd98:2::1
		extraA="-a 10.98.1.1/16 -a fd98:1::1/16"
		extraB="-a 10.98.2.1/16 -a fd98:2::1/16"
	fi
	live_wire || { ko "$mode: namespaces"; return; }
	conf "$mode" A >"$LIVE_DIR/A.conf"
	conf "$mode" B >"$LIVE_DIR/B.conf"
	# shellcheck disable=SC2086
	live_start A va -a 10.99.0.1/24 -a fd99::1/64 $extraA \
	    -f "$LIVE_DIR/A.conf" && live_start B vb -a 10.99.0.2/24 \
	    -a fd99::2/64 $extraB -f "$LIVE_DIR/B.conf" &&
	    ok || { ko "$mode: sockmgr start"; live_cleanup; return; }
	inA nft list tables | grep -q sockmgr_va && ok ||
	    ko "$mode: nft ingress table on va"

	ip netns exec "$LIVE_NS_A" tshark -a duration:60 -q -i va \
	    -w "$LIVE_DIR/$mode.pcap" 2>/dev/null &
	local cap=$!
	LIVE_PIDS+=($cap)
	sleep 1.5
	inA ping -c 3 -i 0.2 -W 2 "$pa4" >/dev/null && ok ||
	    ko "$mode: ping $pa4"
	inA ping -6 -c 3 -i 0.2 -W 2 "$pa6" >/dev/null && ok ||
	    ko "$mode: ping $pa6"
	head -c 3000000 /dev/urandom >"$LIVE_DIR/data"
	live_tcp A B "$pa4" "$LIVE_DIR/data" && ok ||
	    ko "$mode: TCP A->B over IPv4"
	live_tcp A B "$pa6" "$LIVE_DIR/data" && ok ||
	    ko "$mode: TCP A->B over IPv6"
	local back4=10.99.0.1
	[ "$mode" = tunnel ] && back4=10.98.1.1
	live_tcp B A "$back4" "$LIVE_DIR/data" && ok ||
	    ko "$mode: TCP B->A over IPv4"
	sleep 0.5
	kill -INT "$cap" 2>/dev/null
	timeout 10 tail --pid="$cap" -f /dev/null

	# Only ESP between the hosts: nothing else with both addresses.
	local clear esp
	clear=$(tshark -r "$LIVE_DIR/$mode.pcap" -Y '((ip.addr==10.99.0.1
	    && ip.addr==10.99.0.2) || (ipv6.addr==fd99::1 &&
	    ipv6.addr==fd99::2) || ip.addr==10.98.0.0/16 ||
	    ipv6.addr==fd98::/16) && !esp && !(icmpv6.type==135 ||
	    icmpv6.type==136)' 2>/dev/null | wc -l)
	esp=$(tshark -r "$LIVE_DIR/$mode.pcap" -Y esp 2>/dev/null | wc -l)
	[ "$clear" = 0 ] && [ "$esp" -gt 100 ] && ok ||
	    ko "$mode: wire shows $clear clear and $esp ESP packets"

	# The SA byte counters moved on both sides.
	local side n
	for side in A B; do
		n=$(live_setkey $side -D |
		    grep -c 'current: [1-9][0-9]*(bytes)')
		[ "$n" = 4 ] && ok ||
		    ko "$mode: $side: $n SAs with bytes counted (want 4)"
	done

	# A clear echo request injected on the wire toward A is dropped by
	# A's inbound policy; A's host never answers it.
	if [ "$mode" = transport ]; then
		live_inject B vb "$(live_mac A va)"
		sleep 0.5
	fi
	live_stop A
	live_stop B
	if [ "$mode" = transport ]; then
		n=$(live_counter "$LIVE_DIR/A.out" ipsec in_polvio)
		[ "$n" -ge 3 ] && ok ||
		    ko "transport: injected clear packets: in_polvio $n"
	fi
	inA nft list tables | grep -q sockmgr && ko "$mode: nft table left" ||
	    ok
	# The host's TCP used segmentation offload; the segments got through.
	grep -q 'tun0: [1-9][0-9]* segmentation offloads cut' \
	    "$LIVE_DIR/A.out" && ok || ko "$mode: no TSO super-packets"
	grep -q 'tun0: [1-9]' "$LIVE_DIR/A.out" && ok ||
	    { ko "$mode: no statistics"; cat "$LIVE_DIR/A.out"; }
	live_cleanup
}

run_mode transport
run_mode tunnel
echo "$pass passed, $fail failed"
[ "$fail" = 0 ]
