#!/usr/bin/env bash
# Live mode with two workers in each socket manager (-w 2): sixteen TCP
# connections at once through an ESP transport SA pair must arrive
# intact and spread over both of A's workers (its multi-queue TUN hands
# flows to both); the ESP sequence numbers of A's outbound SA, carried by
# both workers, must be unique on the wire (tshark); and the soft byte
# lifetime that a worker's packets cross must reach a PF_KEY monitor as
# one SADB_EXPIRE, which a worker cannot send itself (it is posted to the
# control thread).
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
LIVE_DIR=$(mktemp -d /tmp/test_live_workers.XXXXXX)
. tests/scripts/live_lib.sh
trap 'live_cleanup; [ -n "${KEEP:-}" ] || rm -rf "$LIVE_DIR"' EXIT

K1=0x0102030405060708090a0b0c0d0e0f101112131415161718191a1b1c
K2=0x2122232425262728292a2b2c2d2e2f303132333435363738393a3b3c
FLOWS=16
SOFT=1000000	# bytes: crossed about halfway through the transfer
conf() {
	local out=$1 in=$2
	cat <<CONF
flush;
spdflush;
add 10.99.0.1 10.99.0.2 esp 0x2001 -m transport -E aes-gcm-16 $K1 -bs $SOFT;
add 10.99.0.2 10.99.0.1 esp 0x2002 -m transport -E aes-gcm-16 $K2;
spdadd $out any -P out ipsec esp/transport//require;
spdadd $in any -P in ipsec esp/transport//require;
CONF
}
conf "10.99.0.1 10.99.0.2" "10.99.0.2 10.99.0.1" >"$LIVE_DIR/A.conf"
conf "10.99.0.2 10.99.0.1" "10.99.0.1 10.99.0.2" >"$LIVE_DIR/B.conf"

live_wire || { ko "namespaces"; echo "$pass passed, $fail failed"; exit 1; }
live_start A va -w 2 -a 10.99.0.1/24 -f "$LIVE_DIR/A.conf" &&
    live_start B vb -w 2 -a 10.99.0.2/24 -f "$LIVE_DIR/B.conf" && ok ||
    ko "sockmgr start"
grep -q "2 workers" "$LIVE_DIR/A.err" && ok || ko "A did not start 2 workers"

SOCK=$LIVE_DIR/runA ip netns exec "$LIVE_NS_A" timeout 60 \
    "$BUILD/sbin/setkey" -x >"$LIVE_DIR/monitor.out" 2>&1 &
LIVE_PIDS+=($!)
ip netns exec "$LIVE_NS_A" tshark -a duration:50 -q -i va \
    -f "ip proto 50 and src host 10.99.0.1" -w "$LIVE_DIR/esp.pcap" \
    2>/dev/null &
cap=$!
LIVE_PIDS+=($cap)
sleep 2

# The flows: 150 KB each, all at once.
head -c 150000 /dev/urandom >"$LIVE_DIR/data"
for i in $(seq $FLOWS); do
	cp "$LIVE_DIR/data" "$LIVE_DIR/f$i"
	live_tcp A B 10.99.0.2 "$LIVE_DIR/f$i" &
done
wait_ok=0
for j in $(jobs -p); do
	[ "$j" = "$cap" ] && continue
	case " ${LIVE_PIDS[*]} " in *" $j "*) continue ;; esac
	wait "$j" || wait_ok=1
done
good=0
for i in $(seq $FLOWS); do
	cmp -s "$LIVE_DIR/data" "$LIVE_DIR/f$i.got" && good=$((good + 1))
done
[ "$good" = "$FLOWS" ] && ok || ko "$good of $FLOWS flows arrived intact"

sleep 1
kill "$cap" 2>/dev/null
wait "$cap" 2>/dev/null
seqs=$(tshark -r "$LIVE_DIR/esp.pcap" -T fields -e esp.sequence \
    -Y "esp.spi == 0x2001" 2>/dev/null)
n=$(echo "$seqs" | grep -c .)
u=$(echo "$seqs" | grep . | sort -n | uniq | wc -l)
[ "$n" -gt 1000 ] && [ "$n" = "$u" ] && ok ||
    ko "A's ESP sequence numbers: $n sent, $u distinct"

n=$(grep -c "^sadb_msg{ version=2 type=8 " "$LIVE_DIR/monitor.out")
[ "$n" = 1 ] && ok || ko "$n SADB_EXPIRE seen by the monitor (want 1)"
n=$(live_setkey A -D | grep -c "state=dying")
[ "$n" = 1 ] && ok || ko "A: $n dying SAs (want 1)"

live_stop A
live_stop B
# The TUN picks a queue by flow hash for a flow's first packets (the
# SYNs), then the queue of the worker that wrote the flow's replies; so
# both of A's workers read from the host, and the per-worker lines add
# up to the TUN's total.
busy=$(grep -E '^worker [12]: ' "$LIVE_DIR/A.out" |
    awk '$3 > 0 { n++ } END { print n + 0 }')
[ "$busy" = 2 ] && ok || ko "A: $busy of 2 workers read from the host:" \
    "$(grep '^worker' "$LIVE_DIR/A.out" | tr '\n' ' ')"
for side in A B; do
	sum=$(awk '/^worker [0-9]+: / { n += $3 } END { print n + 0 }' \
	    "$LIVE_DIR/$side.out")
	tot=$(awk '/^tun0: [0-9]+ packets in/ { print $2 }' \
	    "$LIVE_DIR/$side.out")
	[ -n "$tot" ] && [ "$sum" = "$tot" ] && ok ||
	    ko "$side: workers read $sum packets from the host, tun0 $tot"
done
echo "$pass passed, $fail failed"
[ "$fail" = 0 ]
