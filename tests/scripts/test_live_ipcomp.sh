#!/usr/bin/env bash
# Live mode with IPComp: two namespaces joined by a veth pair, a socket
# manager in each (tests/scripts/live_lib.sh), IPComp SAs in transport
# mode (IPv4 with the well-known CPI, IPv6 with raw CPIs, setkey -R) and
# `use' policies.  Compressible TCP transfers both ways and pings must
# arrive byte for byte; the wire must carry them as IPComp with the
# expected CPIs (tshark), in fewer bytes than the data; small packets
# (TCP handshakes and ACKs) go uncompressed and get through; both sides
# count ipcomps_output and ipcomps_input.
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
LIVE_DIR=$(mktemp -d /tmp/test_live_ipcomp.XXXXXX)
. tests/scripts/live_lib.sh
trap 'live_cleanup; rm -rf "$LIVE_DIR"' EXIT

# conf SIDE: the same SAs on both sides, the policies mirrored.
conf() {
	cat <<CONF
flush;
spdflush;
add 10.99.0.1 10.99.0.2 ipcomp 0x1001 -m transport -C deflate;
add 10.99.0.2 10.99.0.1 ipcomp 0x1002 -m transport -C deflate;
add fd99::1 fd99::2 ipcomp 0x1003 -m transport -R -C deflate;
add fd99::2 fd99::1 ipcomp 0x1004 -m transport -R -C deflate;
CONF
	local me=$1 a4=10.99.0.1 b4=10.99.0.2 a6=fd99::1 b6=fd99::2
	if [ "$me" = B ]; then
		a4=10.99.0.2 b4=10.99.0.1 a6=fd99::2 b6=fd99::1
	fi
	cat <<CONF
spdadd $a4 $b4 any -P out ipsec ipcomp/transport//use;
spdadd $b4 $a4 any -P in ipsec ipcomp/transport//use;
spdadd $a6 $b6 any -P out ipsec ipcomp/transport//use;
spdadd $b6 $a6 any -P in ipsec ipcomp/transport//use;
CONF
}

live_wire || { ko "namespaces"; echo "$pass passed, $fail failed"; exit 1; }
conf A >"$LIVE_DIR/A.conf"
conf B >"$LIVE_DIR/B.conf"
live_start A va -a 10.99.0.1/24 -a fd99::1/64 -f "$LIVE_DIR/A.conf" &&
    live_start B vb -a 10.99.0.2/24 -a fd99::2/64 -f "$LIVE_DIR/B.conf" &&
    ok || { ko "sockmgr start"; echo "$pass passed, $fail failed"; exit 1; }

ip netns exec "$LIVE_NS_A" tshark -a duration:60 -q -i va \
    -w "$LIVE_DIR/wire.pcap" 2>/dev/null &
cap=$!
LIVE_PIDS+=($cap)
sleep 1.5
# 1000 bytes of one repeated pattern: compressible both ways.
inA ping -c 3 -i 0.2 -W 2 -s 1000 -p 6970636f6d70 10.99.0.2 >/dev/null &&
    ok || ko "ping 10.99.0.2"
inA ping -6 -c 3 -i 0.2 -W 2 -s 1000 -p 6970636f6d70 fd99::2 >/dev/null &&
    ok || ko "ping fd99::2"
python3 - "$LIVE_DIR/data" <<'PYEOF'
import sys
with open(sys.argv[1], "w") as f:
    for i in range(40000):
        f.write("%06d GET /files/%d.html HTTP/1.1 200 %d\n" %
                (i, i % 257, i * 7 % 4096))
PYEOF
size=$(stat -c %s "$LIVE_DIR/data")
live_tcp A B 10.99.0.2 "$LIVE_DIR/data" && ok || ko "TCP A->B over IPv4"
live_tcp B A 10.99.0.1 "$LIVE_DIR/data" && ok || ko "TCP B->A over IPv4"
live_tcp A B fd99::2 "$LIVE_DIR/data" && ok || ko "TCP A->B over IPv6"
sleep 0.5
kill -INT "$cap" 2>/dev/null
timeout 10 tail --pid="$cap" -f /dev/null

# The wire: IPComp with the well-known CPI (2) over IPv4 and the SAs'
# own CPIs over IPv6, and far fewer bytes than the data.
n4=$(tshark -r "$LIVE_DIR/wire.pcap" -Y 'ip && ipcomp.cpi == 2' \
    2>/dev/null | wc -l)
n6=$(tshark -r "$LIVE_DIR/wire.pcap" -Y \
    'ipv6 && (ipcomp.cpi == 0x1003 || ipcomp.cpi == 0x1004)' 2>/dev/null |
    wc -l)
bad=$(tshark -r "$LIVE_DIR/wire.pcap" -Y 'ipcomp && ipcomp.flags != 0' \
    2>/dev/null | wc -l)
[ "$n4" -gt 50 ] && [ "$n6" -gt 20 ] && [ "$bad" = 0 ] && ok ||
    ko "wire: $n4 IPv4 IPComp, $n6 IPv6 IPComp, $bad with flags"
bytes=$(tshark -r "$LIVE_DIR/wire.pcap" -T fields -e frame.len -Y \
    'ip.src == 10.99.0.1 && ip.dst == 10.99.0.2' 2>/dev/null |
    awk '{ s += $1 } END { print s + 0 }')
echo "wire: $bytes bytes of frames A->B over IPv4 for $size bytes of data"
[ "$bytes" -gt 0 ] && [ "$bytes" -lt $((size / 2)) ] && ok ||
    ko "wire: $bytes bytes A->B over IPv4 for $size of data"

live_stop A
live_stop B
for side in A B; do
	for c in ipcomps_output ipcomps_input ipcomps_threshold; do
		n=$(live_counter "$LIVE_DIR/$side.out" ipcomp $c)
		[ "$n" -gt 0 ] && ok || ko "$side: $c is $n"
	done
	n=$(live_counter "$LIVE_DIR/$side.out" ipcomp ipcomps_crypto)
	[ "$n" = 0 ] && ok || ko "$side: ipcomps_crypto is $n"
done
live_cleanup
echo "$pass passed, $fail failed"
[ "$fail" = 0 ]
