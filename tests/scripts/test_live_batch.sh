#!/usr/bin/env bash
# The wire driver's batched transmit path against what tshark captures:
# Scapy writes 150 frames of every kind the Ethernet link sends (IPv4 and
# IPv6 of random sizes up to the MTU, ARP) and one frame too long for the
# MTU; tests/progs/wire_tx sends them through the driver's queue (one
# sendmmsg() per 64 frames and at the end of the wakeup) out of one end of
# a veth pair.  tshark on the other end must receive exactly the frames of
# the capture, byte for byte and in order, as one sendmsg() per frame
# would deliver them, the long one refused and counted.  tshark on the
# sending end must see them too through the qdisc, and must not with
# PACKET_QDISC_BYPASS (-B), while the peer still receives them.
set -u
BUILD=${BUILD:-build}
cd "$(dirname "$0")/../.." || exit 2
pass=0
fail=0
ok() { pass=$((pass + 1)); }
ko() { echo "FAIL: $*"; fail=$((fail + 1)); }
PY=/usr/bin/python3

if [ "$(id -u)" != 0 ] || ! command -v tshark >/dev/null ||
    ! $PY -c 'import scapy' 2>/dev/null; then
	echo "SKIP: needs root, tshark and Scapy"
	echo "0 passed, 1 failed"
	exit 1
fi
NS=smbt$$
DIR=$(mktemp -d /tmp/test_live_batch.XXXXXX)
cleanup() {
	[ -n "${CAPS:-}" ] && kill $CAPS 2>/dev/null
	ip netns del "$NS" 2>/dev/null
	rm -rf "$DIR"
}
trap cleanup EXIT
in_ns() { ip netns exec "$NS" "$@"; }

ip netns add "$NS" &&
    in_ns ip link add ta type veth peer name tb &&
    in_ns sysctl -qw net.ipv6.conf.all.disable_ipv6=1 &&
    in_ns ip link set ta up && in_ns ip link set tb up ||
    { echo "namespace failed"; echo "0 passed, 1 failed"; exit 1; }

$PY - "$DIR/frames.pcap" <<'PY'
import random, sys
from scapy.all import ARP, Ether, IP, IPv6, UDP, Raw, wrpcap
random.seed(13)
src = "02:00:00:00:13:aa"
out = []
for i in range(150):
    e = Ether(src=src, dst="02:00:00:00:13:bb")
    k = i % 5
    if k == 4:
        f = e / ARP(op=1, hwsrc=src, psrc="10.13.0.1",
                    pdst="10.13.0.%d" % (i % 250 + 2))
    elif k == 3:
        n = random.randint(0, 1500 - 48)
        f = (e / IPv6(src="fd13::1", dst="fd13::2") /
             UDP(sport=1000 + i, dport=9) / Raw(random.randbytes(n)))
    else:
        n = random.randint(0, 1500 - 28)
        f = (e / IP(src="10.13.0.1", dst="10.13.0.2", id=i) /
             UDP(sport=1000 + i, dport=9) / Raw(random.randbytes(n)))
    out.append(f)
    if i == 70:
        # One frame beyond the MTU: refused by the driver, never sent.
        out.append(e / IP(src="10.13.0.1", dst="10.13.0.2") /
                   Raw(b"x" * 1500))
wrpcap(sys.argv[1], out)
PY
[ -s "$DIR/frames.pcap" ] && ok || ko "scapy wrote no frames"

# run NAME [-B]: capture on both ends while wire_tx sends the frames.
run() {
	local name=$1
	shift
	local filter="ether src 02:00:00:00:13:aa"
	# Not through in_ns: $! must be tshark itself (ip netns exec execs
	# it), not a subshell whose death leaves tshark holding the
	# namespace, and its veths, after ip netns del.
	ip netns exec "$NS" tshark -a duration:60 -q -i tb \
	    -w "$DIR/$name.rx.pcap" -f "$filter" >/dev/null 2>&1 &
	CAPS=$!
	ip netns exec "$NS" tshark -a duration:60 -q -i ta \
	    -w "$DIR/$name.tx.pcap" -f "$filter" >/dev/null 2>&1 &
	CAPS="$CAPS $!"
	local _
	for _ in $(seq 100); do
		[ -s "$DIR/$name.rx.pcap" ] && [ -s "$DIR/$name.tx.pcap" ] &&
		    break
		sleep 0.1
	done
	sleep 0.5
	timeout 20 ip netns exec "$NS" "$BUILD/tests/progbin/wire_tx" "$@" ta \
	    "$DIR/frames.pcap" >"$DIR/$name.out" 2>&1
	sleep 1
	kill -TERM $CAPS 2>/dev/null
	timeout 10 tail --pid="${CAPS%% *}" -f /dev/null
	timeout 10 tail --pid="${CAPS##* }" -f /dev/null
	CAPS=
}

# compare NAME FILE: the frames of FILE equal those sent, in order.
compare() {
	$PY - "$DIR/frames.pcap" "$DIR/$1" <<'PY'
import sys
from scapy.all import rdpcap
want = [bytes(p) for p in rdpcap(sys.argv[1]) if len(p) <= 1514]
got = [bytes(p) for p in rdpcap(sys.argv[2])]
if got != want:
    first = next((i for i, (a, b) in enumerate(zip(want, got)) if a != b),
                 min(len(want), len(got)))
    print("frames differ: sent %d, captured %d, first difference at %d" %
          (len(want), len(got), first))
    sys.exit(1)
PY
}

run qdisc
read -r _ nread _ nsent _ ncalls _ nerr <"$DIR/qdisc.out"
[ "${nread:-}" = 151 ] && ok || ko "frames read: $(cat "$DIR/qdisc.out")"
[ "${nsent:-}" = 150 ] && ok || ko "frames sent: ${nsent:-none}"
[ "${nerr:-}" = 1 ] && ok || ko "oversize frame not counted: ${nerr:-none}"
# 150 frames in batches of at most 64: three calls, not 150.
[ "${ncalls:-0}" -ge 3 ] && [ "${ncalls:-99}" -le 4 ] && ok ||
    ko "sendmmsg calls: ${ncalls:-none}"
compare qdisc.rx.pcap && ok || ko "peer received other frames"
compare qdisc.tx.pcap && ok || ko "tap on the sending NIC saw other frames"

run bypass -B
read -r _ _ _ nsent _ _ _ _ <"$DIR/bypass.out"
[ "${nsent:-}" = 150 ] && ok || ko "bypass: frames sent: ${nsent:-none}"
compare bypass.rx.pcap && ok || ko "bypass: peer received other frames"
n=$($PY -c 'import sys; from scapy.all import rdpcap
print(len(rdpcap(sys.argv[1])))' "$DIR/bypass.tx.pcap" 2>/dev/null)
[ "${n:-x}" = 0 ] && ok || ko "bypass: the sending NIC's tap saw ${n:-?} frames"

echo "$pass passed, $fail failed"
[ "$fail" = 0 ]
