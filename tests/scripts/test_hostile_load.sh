#!/usr/bin/env bash
# Hostile load (issue 12): two socket managers A and B protect a TCP flow
# with ESP (require policies) across a shared wire, a bridge in hub mode
# in its own namespace, while a third host C on the same wire floods B
# with ESP under unknown SPIs, ESP whose ICV cannot verify, replays of
# genuine ESP sniffed off the wire, fragments that never complete and
# clear packets (tests/interop/hostile_flood.py, Scapy).  Checked:
#  - the flow keeps at least half its unflooded throughput (iperf3);
#  - B's resident memory stays bounded during the flood;
#  - B's counters account for the flood: an nftables counter on B's
#    ingress (ahead of the one sockmgr installs) counts the frames from C
#    that reached B; all of them are in
#    B's drop counters (less what its wire driver reported lost), and for
#    each kind the counter that names its drop moved by at least what C
#    sent of it minus what the kernel lost on the way;
#  - B still serves PF_KEY and the flow's data arrives intact afterwards.
# HOSTILE_PPS (default 8000) sets the flood rate, HOSTILE_SECONDS (5) its
# length.  Namespace names carry the shell's pid; everything is removed
# on exit.
set -u
BUILD=${BUILD:-build}
cd "$(dirname "$0")/../.." || exit 2
pass=0
fail=0
ok() { pass=$((pass + 1)); }
ko() { echo "FAIL: $*"; fail=$((fail + 1)); }

PPS=${HOSTILE_PPS:-8000}
SECS=${HOSTILE_SECONDS:-5}
if [ "$(id -u)" != 0 ] || ! command -v iperf3 >/dev/null ||
    ! command -v nft >/dev/null ||
    ! /usr/bin/python3 -c 'import scapy.layers.ipsec' 2>/dev/null; then
	echo "SKIP: needs root, iperf3 and python3-scapy (network namespaces)"
	echo "0 passed, 1 failed"
	exit 1
fi
LIVE_DIR=$(mktemp -d /tmp/test_hostile.XXXXXX)
. tests/scripts/live_lib.sh
NS_W=smlW$$
NS_C=smlC$$
hostile_cleanup() {
	live_cleanup
	ip netns del "$NS_W" 2>/dev/null || true
	ip netns del "$NS_C" 2>/dev/null || true
	rm -rf "$LIVE_DIR"
}
trap hostile_cleanup EXIT
inC() { ip netns exec "$NS_C" "$@"; }

K1=0x0102030405060708090a0b0c0d0e0f101112131415161718191a1b1c
K2=0x2122232425262728292a2b2c2d2e2f303132333435363738393a3b3c
conf() {
	cat <<CONF
flush;
spdflush;
add 10.99.0.1 10.99.0.2 esp 0x1001 -m transport -r 64 -E aes-gcm-16 $K1;
add 10.99.0.2 10.99.0.1 esp 0x1002 -m transport -r 64 -E aes-gcm-16 $K2;
spdadd 10.99.0.$1 10.99.0.$2 any -P out ipsec esp/transport//require;
spdadd 10.99.0.$2 10.99.0.$1 any -P in ipsec esp/transport//require;
CONF
}

# The wire: a bridge in W with a port for each of A, B and C; ageing 0
# makes it a hub, so C sees the traffic between A and B.
wire() {
	local s
	for s in "$LIVE_NS_A" "$LIVE_NS_B" "$NS_W" "$NS_C"; do
		ip netns add "$s" || return 1
		ip netns exec "$s" ip link set lo up
	done
	ip netns exec "$NS_W" ip link add br0 type bridge ageing_time 0 ||
	    return 1
	for s in A:va B:vb C:vc; do
		ip link add "${s#*:}" netns "sml${s%:*}$$" type veth peer \
		    name "w${s#*:}" netns "$NS_W" || return 1
		ip netns exec "$NS_W" ip link set "w${s#*:}" master br0 up
		ip netns exec "sml${s%:*}$$" sysctl -qw \
		    "net.ipv6.conf.${s#*:}.disable_ipv6=1"
		ip netns exec "sml${s%:*}$$" ip link set "${s#*:}" up
	done
	ip netns exec "$NS_W" ip link set br0 up
}

# iperf3 A -> B for SECS seconds: Mbit/s received.
tput() {
	local port=$1
	inB iperf3 -s -D -1 -p "$port" >/dev/null 2>&1
	sleep 0.5
	inA timeout $((SECS + 20)) iperf3 -c 10.99.0.2 -p "$port" -t "$SECS" \
	    -J 2>/dev/null | python3 -c 'import json,sys
try:
    d = json.load(sys.stdin)
    print("%.1f" % (d["end"]["sum_received"]["bits_per_second"] / 1e6))
except Exception:
    print("0")'
}

rss() { awk '/^VmRSS/ { print $2 }' "/proc/$1/status" 2>/dev/null || echo 0; }

wire || { ko "namespaces"; echo "$pass passed, $fail failed"; exit 1; }
conf 1 2 >"$LIVE_DIR/A.conf"
conf 2 1 >"$LIVE_DIR/B.conf"
live_start A va -a 10.99.0.1/24 -f "$LIVE_DIR/A.conf" &&
    live_start B vb -a 10.99.0.2/24 -f "$LIVE_DIR/B.conf" ||
    { ko "socket managers did not start"; echo "$pass passed, $fail failed"; exit 1; }
macB=$(live_mac B vb)
macC=$(inC cat /sys/class/net/vc/address)
inB nft -f - <<NFT || ko "nft counter"
table netdev hostile {
	chain in {
		type filter hook ingress device vb priority -1000;
		ether saddr $macC counter
	}
}
NFT

# Unflooded throughput, while C sniffs genuine ESP for the replays.
inC timeout 20 /usr/bin/python3 tests/interop/hostile_flood.py sniff vc \
    "$LIVE_DIR/genuine.json" &
sniffer=$!
base=$(tput 5201)
wait "$sniffer"
echo "unflooded: $base Mbit/s"
[ "${base%.*}" -gt 0 ] && ok || ko "no unflooded throughput"

# The same flow under the flood; B's memory sampled meanwhile.
rss0=$(rss "$LIVE_PID_B")
inC timeout $((SECS + 30)) /usr/bin/python3 tests/interop/hostile_flood.py \
    flood vc "$macB" $((SECS + 2)) "$PPS" "$LIVE_DIR/genuine.json" \
    "$LIVE_DIR/sent.json" &
flooder=$!
sleep 1
( max=0; while kill -0 "$flooder" 2>/dev/null; do
	r=$(rss "$LIVE_PID_B"); [ "$r" -gt "$max" ] && max=$r
	echo "$max" >"$LIVE_DIR/rssmax"; sleep 0.2; done ) &
sampler=$!
flooded=$(tput 5202)
wait "$flooder"
wait "$sampler" 2>/dev/null
rssmax=$(cat "$LIVE_DIR/rssmax" 2>/dev/null || echo "$rss0")
echo "flooded: $flooded Mbit/s; C sent $(cat "$LIVE_DIR/sent.json")"
echo "B resident memory: $rss0 KiB before, at most $rssmax KiB during"
python3 -c 'import sys; b, f = float(sys.argv[1]), float(sys.argv[2]);
sys.exit(0 if b > 0 and f >= 0.5 * b else 1)' "$base" "$flooded" &&
    ok || ko "throughput under flood $flooded < half of $base Mbit/s"
[ $((rssmax - rss0)) -lt 65536 ] && ok ||
    ko "B grew by $((rssmax - rss0)) KiB under the flood"

# B still answers PF_KEY, and a transfer after the flood is intact.
live_setkey B -D | grep -q 'spi=4097' && ok || ko "B's PF_KEY after flood"
head -c 300000 /dev/urandom >"$LIVE_DIR/data"
live_tcp A B 10.99.0.2 "$LIVE_DIR/data" && ok || ko "TCP after flood"

# The counters B prints on exit account for every kind C sent.
arrived=$(inB nft list table netdev hostile | awk '/counter packets/ {
	for (i = 1; i < NF; i++) if ($i == "packets") print $(i + 1) }')
arrived=${arrived:-0}
live_stop B
out=$LIVE_DIR/B.out
c() { live_counter "$out" "$1" "$2"; }
sent() { python3 -c 'import json,sys; print(json.load(open(sys.argv[1])).get(sys.argv[2], 0))' \
    "$LIVE_DIR/sent.json" "$1"; }
# The wire's lines (the frames and, above them, the Ethernet layer).
lost=$(awk '/^vb: / && / dropped/ { for (i = 1; i < NF; i++)
	if ($(i + 1) ~ /^dropped/) n += $i } END { print n + 0 }' "$out")
lost=${lost:-0}
total=$(( $(sent badspi) + $(sent badicv) + $(sent replay) + $(sent frag) +
    $(sent clear) ))
onway=$((total - arrived))
echo "C sent $total frames, $arrived reached B ($onway lost by the kernel" \
    "on the way), B's wire driver lost $lost"
account() {	# NAME SENT COUNTED
	if [ "$3" -ge $(($2 - onway - lost)) ] && [ "$2" -gt 0 ]; then
		ok
	else
		ko "$1: sent $2, counted $3 (lost: $onway on the way, $lost" \
		    "in the driver)"
	fi
}
account "unknown SPI (esps_notdb)" "$(sent badspi)" "$(c esp esps_notdb)"
account "bad ICV (esps_badauth)" "$(sent badicv)" "$(c esp esps_badauth)"
account "replays (esps_replay)" "$(sent replay)" "$(c esp esps_replay)"
account "fragments (ips_fragments)" "$(sent frag)" "$(c ip ips_fragments)"
account "clear under require (in_polvio)" "$(sent clear)" \
    "$(c ipsec in_polvio)"
counted=$(( $(c esp esps_notdb) + $(c esp esps_badauth) +
    $(c esp esps_replay) + $(c ip ips_fragments) + $(c ipsec in_polvio) ))
[ "$counted" -ge $((arrived - lost)) ] && [ "$arrived" -gt 0 ] && ok ||
    ko "$arrived frames from C reached B, $counted counted"
echo "fragments: $(c ip ips_fragments) in, $(c ip ips_fragdropped) dropped," \
    "$(c ip ips_fragtimeout) timed out, $(c ip ips_fragoverflow) overflow"

echo "$pass passed, $fail failed"
[ "$fail" = 0 ]
