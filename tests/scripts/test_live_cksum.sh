#!/usr/bin/env bash
# Live mode against a plain kernel host on the wire, with transmit
# checksum offload left ON on its veth: its TCP segments reach the socket
# manager's packet ring with partial checksums (TP_STATUS_CSUMNOTREADY),
# which the wire driver must complete before the host's TUN accepts them.
# Also exercises ARP and neighbour discovery both ways (the kernel
# resolves the socket manager's addresses, the socket manager the
# kernel's).  No IPsec policy: everything goes clear.
set -u
BUILD=${BUILD:-build}
cd "$(dirname "$0")/../.." || exit 2
pass=0
fail=0
ok() { pass=$((pass + 1)); }
ko() { echo "FAIL: $*"; fail=$((fail + 1)); }

if [ "$(id -u)" != 0 ] || ! command -v nft >/dev/null ||
    ! command -v ethtool >/dev/null || ! command -v ping >/dev/null; then
	echo "SKIP: needs root, nft, ethtool and ping (network namespaces)"
	echo "0 passed, 1 failed"
	exit 1
fi
LIVE_DIR=$(mktemp -d /tmp/test_live.XXXXXX)
. tests/scripts/live_lib.sh
trap 'live_cleanup; rm -rf "$LIVE_DIR"' EXIT

live_wire || { echo "namespaces failed"; echo "0 passed, 1 failed"; exit 1; }
# B is an ordinary host: its kernel owns vb.  Checksum offload on,
# segmentation offload off (a veth would otherwise hand over 64 KiB
# super-frames, which no real NIC delivers).
inB sysctl -qw net.ipv6.conf.vb.disable_ipv6=0
inB ip addr add 10.99.0.2/24 dev vb
inB ip addr add fd99::2/64 dev vb nodad
inB ethtool -K vb tx on tso off gso off >/dev/null 2>&1
inB ethtool -k vb | grep -q '^tx-checksumming: on' && ok ||
    ko "tx checksum offload not on"
live_start A va -a 10.99.0.1/24 -a fd99::1/64 && ok ||
    { ko "sockmgr start"; echo "$pass passed, $fail failed"; exit 1; }

# The kernel host asks first: the socket manager must answer ARP and NS.
inB ping -c 2 -i 0.2 -W 2 10.99.0.1 >/dev/null && ok ||
    ko "ping IPv4 from the kernel host"
inB ping -6 -c 2 -i 0.2 -W 2 fd99::1 >/dev/null && ok ||
    ko "ping IPv6 from the kernel host"
inA ping -c 3 -i 0.2 -W 2 10.99.0.2 >/dev/null && ok || ko "ping IPv4"
inA ping -6 -c 3 -i 0.2 -W 2 fd99::2 >/dev/null && ok || ko "ping IPv6"
head -c 2000000 /dev/urandom >"$LIVE_DIR/data"
live_tcp B A 10.99.0.1 "$LIVE_DIR/data" && ok || ko "TCP B->A IPv4"
live_tcp B A fd99::1 "$LIVE_DIR/data" && ok || ko "TCP B->A IPv6"
live_tcp A B 10.99.0.2 "$LIVE_DIR/data" && ok || ko "TCP A->B IPv4"
live_stop A

out=$LIVE_DIR/A.out
n=$(sed -n 's/^va: \([0-9]*\) checksums completed.*/\1/p' "$out")
[ "${n:-0}" -gt 100 ] && ok || ko "checksums completed: ${n:-none}"
for c in arp_replied nd_answered; do
	[ "$(live_counter "$out" ether $c)" -gt 0 ] && ok || ko "ether $c"
done
[ "$(live_counter "$out" ether arp_bad)" = 0 ] && ok || ko "arp_bad"
[ "$(live_counter "$out" ether nd_bad)" = 0 ] && ok || ko "nd_bad"
grep -q 'tun0: [1-9][0-9]* packets in' "$out" && ok ||
    { ko "stats"; cat "$out"; }
echo "$pass passed, $fail failed"
[ "$fail" = 0 ]
