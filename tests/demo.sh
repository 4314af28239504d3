#!/usr/bin/env bash
# The main job (make demo): two socket managers protecting real traffic.
#
# Two network namespaces, A and B, joined by a veth pair: the wire.  In
# each, sockmgr sits between the wire interface and a TUN interface that
# carries the host's addresses, configured by a stock setkey script: ESP
# (AES-GCM) in transport mode between 10.99.0.1 and 10.99.0.2 and between
# fd99::1 and fd99::2, with `require' policies both ways.  The hosts'
# ordinary ping and a TCP transfer go through; the wire shows only ESP,
# which tshark decrypts with the SA keys; setkey -D shows the byte
# counters.  Runs as root, removes everything it made, takes ~20 s.
set -eu
BUILD=${1:-build}
cd "$(dirname "$0")/.."
if [ "$(id -u)" != 0 ]; then
	echo "demo: needs root (network namespaces)" >&2
	exit 1
fi
LIVE_DIR=$(mktemp -d /tmp/sockmgr-demo.XXXXXX)
. tests/scripts/live_lib.sh
trap 'live_cleanup; rm -rf "$LIVE_DIR"' EXIT

say() { printf '\n== %s\n' "$*"; }

KA=0x0102030405060708090a0b0c0d0e0f101112131415161718191a1b1c
KB=0x2122232425262728292a2b2c2d2e2f303132333435363738393a3b3c
K6A=0x4142434445464748494a4b4c4d4e4f505152535455565758595a5b5c
K6B=0x6162636465666768696a6b6c6d6e6f707172737475767778797a7b7c

# One script for both hosts: the SAs, and policies written from A's side
# (B's are the mirror image, made by swapping in/out).
cat >"$LIVE_DIR/A.conf" <<CONF
flush;
spdflush;
add 10.99.0.1 10.99.0.2 esp 0x1001 -m transport -E aes-gcm-16 $KA;
add 10.99.0.2 10.99.0.1 esp 0x1002 -m transport -E aes-gcm-16 $KB;
add fd99::1 fd99::2 esp 0x1003 -m transport -E aes-gcm-16 $K6A;
add fd99::2 fd99::1 esp 0x1004 -m transport -E aes-gcm-16 $K6B;
spdadd 10.99.0.1 10.99.0.2 any -P out ipsec esp/transport//require;
spdadd 10.99.0.2 10.99.0.1 any -P in ipsec esp/transport//require;
spdadd fd99::1 fd99::2 any -P out ipsec esp/transport//require;
spdadd fd99::2 fd99::1 any -P in ipsec esp/transport//require;
CONF
sed -e 's/-P out/-P XX/; s/-P in/-P out/; s/-P XX/-P in/' \
    "$LIVE_DIR/A.conf" >"$LIVE_DIR/B.conf"

say "the wire: namespaces $LIVE_NS_A and $LIVE_NS_B joined by veth va <-> vb"
live_wire
say "host A's setkey script (B's has in and out swapped)"
cat "$LIVE_DIR/A.conf"

say "sockmgr -w 2 -i va -t tun0 -a 10.99.0.1/24 -a fd99::1/64 -f A.conf  (in A)"
live_start A va -a 10.99.0.1/24 -a fd99::1/64 -f "$LIVE_DIR/A.conf"
say "sockmgr -w 2 -i vb -t tun0 -a 10.99.0.2/24 -a fd99::2/64 -f B.conf  (in B)"
live_start B vb -a 10.99.0.2/24 -a fd99::2/64 -f "$LIVE_DIR/B.conf"
echo "A's host stack sees:"
inA ip -brief addr show tun0
inA ip route show dev tun0
echo "A's wire interface carries no address; the kernel is kept off it:"
inA nft list ruleset | sed 's/^/    /'

ip netns exec "$LIVE_NS_A" tshark -a duration:60 -q -n -i va \
    -w "$LIVE_DIR/wire.pcap" 2>/dev/null &
LIVE_PIDS+=($!)
cap=$!
sleep 1.5

say "ping from A's host stack, IPv4 and IPv6"
inA ping -c 3 -i 0.2 10.99.0.2
inA ping -6 -c 3 -i 0.2 fd99::2

say "a 1 MB TCP transfer from A to B, checked byte for byte"
head -c 1000000 /dev/urandom >"$LIVE_DIR/data"
if live_tcp A B 10.99.0.2 "$LIVE_DIR/data"; then
	sha256sum "$LIVE_DIR/data" "$LIVE_DIR/data.got" | sed "s|$LIVE_DIR/||"
	echo "identical"
else
	echo "TRANSFER FAILED"
	exit 1
fi
sleep 0.5
kill -INT "$cap"
timeout 10 tail --pid="$cap" -f /dev/null || true

say "what the wire saw (tshark on va): the first lines"
tshark -n -r "$LIVE_DIR/wire.pcap" 2>/dev/null | head -12
printf 'frames: %s ESP, %s clear ICMP/TCP between the hosts\n' \
    "$(tshark -n -r "$LIVE_DIR/wire.pcap" -Y esp 2>/dev/null | wc -l)" \
    "$(tshark -n -r "$LIVE_DIR/wire.pcap" -Y '(icmp || tcp ||
	icmpv6.type==128 || icmpv6.type==129) && !esp' 2>/dev/null | wc -l)"

say "the same frames decrypted by tshark with the SA keys"
uat() {
	printf '"%s","%s","%s","%s","AES-GCM with 16 octet ICV [RFC4106]",'\
'"%s","NULL","",""' "$1" "$2" "$3" "$4" "$5"
}
HOME=$LIVE_DIR tshark -n -r "$LIVE_DIR/wire.pcap" \
    -o esp.enable_encryption_decode:TRUE \
    -o "uat:esp_sa:$(uat IPv4 10.99.0.1 10.99.0.2 0x00001001 $KA)" \
    -o "uat:esp_sa:$(uat IPv4 10.99.0.2 10.99.0.1 0x00001002 $KB)" \
    -o "uat:esp_sa:$(uat IPv6 fd99::1 fd99::2 0x00001003 $K6A)" \
    -o "uat:esp_sa:$(uat IPv6 fd99::2 fd99::1 0x00001004 $K6B)" \
    -Y esp 2>/dev/null | head -12

say "setkey -D on A: the byte counters of the SAs"
live_setkey A -D | grep -E '^[0-9a-f]|esp mode|current: .*bytes'

say "a clear ping injected on the wire toward A is refused by policy"
live_inject B vb "$(live_mac A va)"
sleep 0.3
live_stop A
live_stop B
echo "A's statistics at exit (SIGTERM):"
sed 's/^/    /' "$LIVE_DIR/A.out"
say "cleaned up: namespaces, TUNs and nftables tables go with the trap"
