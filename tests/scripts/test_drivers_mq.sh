#!/usr/bin/env bash
# The drivers' multi-worker capabilities, through their own API
# (tests/progs/drivers_mq.c) in a fresh network namespace: a multi-queue
# TUN whose two queues together receive every packet of 32 host flows,
# each flow out of one queue, and whose queues detach in either order
# without taking the device or its address before the last; and two wire
# instances in one PACKET_FANOUT group on a veth, split by the driver's
# classic-BPF classifier, which together receive every frame of 32 flows,
# each flow on one member and the flows on both, the IPv4 and IPv6
# fragments of each fragmented datagram as sent (not reassembled) on one
# member, each frame on the member the classifier's hash picks, every ARP
# frame on member 0, and transmit each on its own socket.
# Needs root (skipped otherwise, not failed).
set -u
BUILD=${BUILD:-build}
cd "$(dirname "$0")/../.." || exit 2
pass=0
fail=0
PROG=$BUILD/tests/progbin/drivers_mq

if [ "$(id -u)" != 0 ] || [ ! -c /dev/net/tun ]; then
	echo "skipped: needs root and /dev/net/tun (network namespaces)"
	echo "0 passed, 0 failed"
	exit 0
fi
if [ ! -x "$PROG" ]; then
	echo "FAIL: $PROG not built"
	echo "0 passed, 1 failed"
	exit 1
fi
NS=smmq$$
cleanup() {
	ip netns del "$NS" 2>/dev/null || true
}
trap cleanup EXIT
in_ns() { ip netns exec "$NS" "$@"; }

ip netns add "$NS" &&
    in_ns ip link set lo up &&
    in_ns sysctl -qw net.ipv6.conf.all.disable_ipv6=1 &&
    in_ns sysctl -qw net.ipv6.conf.default.disable_ipv6=1 &&
    in_ns ip link add wa type veth peer name wb &&
    in_ns ip link set wa up && in_ns ip link set wb up ||
    { echo "namespace failed"; echo "0 passed, 1 failed"; exit 1; }

# run MODE ARGS...: one run of the program, its checks counted.
run() {
	local out rc
	out=$(timeout 60 ip netns exec "$NS" "$PROG" "$@" 2>&1)
	rc=$?
	printf '%s\n' "$out" | sed "s/^/$1: /"
	pass=$((pass + $(printf '%s\n' "$out" | grep -c '^ok:')))
	fail=$((fail + $(printf '%s\n' "$out" | grep -c '^FAIL')))
	if [ "$rc" != 0 ] && ! printf '%s\n' "$out" | grep -q '^FAIL'; then
		echo "FAIL: drivers_mq $1 exited $rc"
		fail=$((fail + 1))
	fi
}

run tun
run wire wa wb

echo "$pass passed, $fail failed"
[ "$fail" = 0 ]
