#!/usr/bin/env bash
# Throughput of the protected tunnel through two socket managers (not a
# test): the live-mode namespace setup of tests/scripts/test_live_esp.sh
# with AES-GCM ESP in transport mode, iperf3 TCP for 5 s each way, then
# the same with the policies removed (clear, through the same drivers) to
# show what the drivers alone allow.  Runs as root; needs iperf3.
set -u
BUILD=${1:-${BUILD:-build}}
cd "$(dirname "$0")/../.." || exit 2
if [ "$(id -u)" != 0 ] || ! command -v iperf3 >/dev/null; then
	echo "bench_live: needs root and iperf3; skipped"
	exit 0
fi
LIVE_DIR=$(mktemp -d /tmp/bench_live.XXXXXX)
. tests/scripts/live_lib.sh
trap 'live_cleanup; rm -rf "$LIVE_DIR"' EXIT

K1=0x0102030405060708090a0b0c0d0e0f101112131415161718191a1b1c
K2=0x2122232425262728292a2b2c2d2e2f303132333435363738393a3b3c
conf() {
	cat <<CONF
flush;
spdflush;
add 10.99.0.1 10.99.0.2 esp 0x1001 -m transport -E aes-gcm-16 $K1;
add 10.99.0.2 10.99.0.1 esp 0x1002 -m transport -E aes-gcm-16 $K2;
spdadd 10.99.0.$1 10.99.0.$2 any -P out ipsec esp/transport//require;
spdadd 10.99.0.$2 10.99.0.$1 any -P in ipsec esp/transport//require;
CONF
}

# run LABEL: iperf3 from A to B and back, in Mbit/s.
run() {
	local r
	inB iperf3 -s -D -1 -p 5201 >/dev/null 2>&1
	sleep 0.5
	r=$(inA iperf3 -c 10.99.0.2 -p 5201 -t 5 -J 2>/dev/null |
	    python3 -c 'import json,sys; d=json.load(sys.stdin);
print("%.0f" % (d["end"]["sum_received"]["bits_per_second"] / 1e6))')
	inB iperf3 -s -D -1 -p 5202 >/dev/null 2>&1
	sleep 0.5
	local b
	b=$(inA iperf3 -c 10.99.0.2 -p 5202 -t 5 -R -J 2>/dev/null |
	    python3 -c 'import json,sys; d=json.load(sys.stdin);
print("%.0f" % (d["end"]["sum_received"]["bits_per_second"] / 1e6))')
	printf '%-28s A->B %6s Mbit/s   B->A %6s Mbit/s\n' "$1" "$r" "$b"
}

live_wire
conf 1 2 >"$LIVE_DIR/A.conf"
conf 2 1 >"$LIVE_DIR/B.conf"
live_start A va -a 10.99.0.1/24 -f "$LIVE_DIR/A.conf" &&
    live_start B vb -a 10.99.0.2/24 -f "$LIVE_DIR/B.conf" || exit 1
run "ESP aes-gcm-16 transport"
live_stop A
live_stop B
live_start A va -a 10.99.0.1/24 && live_start B vb -a 10.99.0.2/24 ||
    exit 1
run "clear (no policy)"
