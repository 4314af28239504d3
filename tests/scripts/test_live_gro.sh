#!/usr/bin/env bash
# Coalescing toward the host (GRO on the TUN side) end to end: two socket
# managers in namespaces, with AES-GCM ESP in transport mode and then
# without policy.  4 MiB of random bytes cross over TCP each way, over
# IPv4 and IPv6, and must arrive byte for byte (cmp).  The receiving
# socket manager must report segments coalesced into super-packets; the
# receiving host's tun0, captured by tshark, must show TCP packets longer
# than the TUN's MTU coming in (what the kernel was handed), of both
# families.
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
LIVE_DIR=$(mktemp -d /tmp/test_live_gro.XXXXXX)
. tests/scripts/live_lib.sh
trap 'live_cleanup; rm -rf "$LIVE_DIR"' EXIT

K1=0x0102030405060708090a0b0c0d0e0f101112131415161718191a1b1c
K2=0x2122232425262728292a2b2c2d2e2f303132333435363738393a3b3c
K3=0x4142434445464748494a4b4c4d4e4f505152535455565758595a5b5c
K4=0x6162636465666768696a6b6c6d6e6f707172737475767778797a7b7c
conf() {
	cat <<CONF
add 10.99.0.1 10.99.0.2 esp 0x1001 -m transport -E aes-gcm-16 $K1;
add 10.99.0.2 10.99.0.1 esp 0x1002 -m transport -E aes-gcm-16 $K2;
add fd99::1 fd99::2 esp 0x1003 -m transport -E aes-gcm-16 $K3;
add fd99::2 fd99::1 esp 0x1004 -m transport -E aes-gcm-16 $K4;
spdadd 10.99.0.$1 10.99.0.$2 any -P out ipsec esp/transport//require;
spdadd 10.99.0.$2 10.99.0.$1 any -P in ipsec esp/transport//require;
spdadd fd99::$1 fd99::$2 any -P out ipsec esp/transport//require;
spdadd fd99::$2 fd99::$1 any -P in ipsec esp/transport//require;
CONF
}
conf 1 2 >"$LIVE_DIR/A.conf"
conf 2 1 >"$LIVE_DIR/B.conf"
head -c 4194304 /dev/urandom >"$LIVE_DIR/data"

# coalesced FILE: "MERGED WRITTEN" from a socket manager's report.
coalesced() {
	awk '$1 == "tun0:" && $3 == "segments" && $4 == "coalesced" {
		print $2, $6 }' "$1"
}

# run LABEL [CONFDIR]: with CONFDIR, each side runs its setkey script.
run() {
	local label=$1 merged written big fa= fb=
	[ $# -gt 1 ] && fa="-f $2/A.conf" fb="-f $2/B.conf"
	live_wire || { ko "$label: namespaces"; return; }
	# shellcheck disable=SC2086
	live_start A va -a 10.99.0.1/24 -a fd99::1/64 $fa &&
	    live_start B vb -a 10.99.0.2/24 -a fd99::2/64 $fb ||
	    { ko "$label: sockmgr start"; live_cleanup; return; }
	ip netns exec "$LIVE_NS_B" tshark -a duration:120 -q -i tun0 \
	    -w "$LIVE_DIR/$label.pcap" >/dev/null 2>&1 &
	local cap=$!
	sleep 1.5
	live_tcp A B 10.99.0.2 "$LIVE_DIR/data" && ok ||
	    ko "$label: TCP A->B over IPv4 not byte for byte"
	live_tcp A B fd99::2 "$LIVE_DIR/data" && ok ||
	    ko "$label: TCP A->B over IPv6 not byte for byte"
	live_tcp B A 10.99.0.1 "$LIVE_DIR/data" && ok ||
	    ko "$label: TCP B->A over IPv4 not byte for byte"
	sleep 0.5
	kill -TERM "$cap" 2>/dev/null
	timeout 10 tail --pid="$cap" -f /dev/null
	live_stop A
	live_stop B
	read -r merged written <<<"$(coalesced "$LIVE_DIR/B.out")"
	echo "info $label: B coalesced ${merged:-?} segments into" \
	    "${written:-?} super-packets; ESP packets in: $(live_counter \
	    "$LIVE_DIR/B.out" ipsec in_success)"
	[ "${written:-0}" -gt 0 ] && [ "${merged:-0}" -gt "${written:-0}" ] &&
	    ok || ko "$label: B coalesced ${merged:-?} into ${written:-?}"
	read -r merged written <<<"$(coalesced "$LIVE_DIR/A.out")"
	[ "${written:-0}" -gt 0 ] && ok ||
	    ko "$label: A coalesced ${merged:-?} into ${written:-?}"
	grep -q 'tun0: .* 0 refused' "$LIVE_DIR/B.out" && ok ||
	    ko "$label: super-packets refused by the kernel"
	# What B's kernel received on tun0: TCP longer than the MTU.
	for f in ip.dst==10.99.0.2 ipv6.dst==fd99::2; do
		big=$(tshark -r "$LIVE_DIR/$label.pcap" \
		    -Y "$f && tcp && frame.len > 1400" 2>/dev/null | wc -l)
		echo "info $label: $big $f super-packets into B's tun0"
		[ "$big" -gt 0 ] && ok ||
		    ko "$label: no $f super-packets into B's tun0"
	done
	live_cleanup
}

run esp "$LIVE_DIR"
run clear
echo "$pass passed, $fail failed"
[ "$fail" = 0 ]
