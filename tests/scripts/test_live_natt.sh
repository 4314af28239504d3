#!/usr/bin/env bash
# Live mode, ESP in UDP and the ACQUIRE hold queue end to end: two
# namespaces joined by a veth pair, a socket manager in each.  B has its
# esp-udp SAs from a setkey script; A has only the policies, and a key
# management daemon (tests/interop/natt_daemon.py, the independent
# PF_KEY client) that answers A's ACQUIRE by adding the esp-udp SAs.
# The first ping from A must be answered (it waited in the hold queue);
# tshark must see only UDP-encapsulated ESP between the hosts, on port
# 4500 (no raw ESP, nothing clear); when B's SA moves to source port 4600
# (a NAT's new mapping, as A sees it), A's daemon must get
# SADB_X_NAT_T_NEW_MAPPING with the new port, and traffic goes on.
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
LIVE_DIR=$(mktemp -d /tmp/test_live_natt.XXXXXX)
. tests/scripts/live_lib.sh
trap 'live_cleanup; [ -n "${KEEP:-}" ] || rm -rf "$LIVE_DIR"' EXIT

# The keys of pfkey_wire.py's add_msg(): HMAC-SHA1 0..19, AES 0..15.
AK=0x000102030405060708090a0b0c0d0e0f10111213
EK=0x000102030405060708090a0b0c0d0e0f
POL='spdadd 10.99.0.1 10.99.0.2 any -P out ipsec esp/transport//require;
spdadd 10.99.0.2 10.99.0.1 any -P in ipsec esp/transport//require;'
SA_AB="add 10.99.0.1[4500] 10.99.0.2[4500] esp-udp 0x5001 -E aes-cbc $EK -A hmac-sha1 $AK;"
sa_ba() {
	echo "add 10.99.0.2[$1] 10.99.0.1[4500] esp-udp 0x5002 -E aes-cbc $EK -A hmac-sha1 $AK;"
}

printf 'flush;\nspdflush;\n%s\n' "$POL" >"$LIVE_DIR/A.conf"
{
	printf 'flush;\nspdflush;\n%s\n%s\n' "$SA_AB" "$(sa_ba 4500)"
	echo "spdadd 10.99.0.2 10.99.0.1 any -P out ipsec esp/transport//require;"
	echo "spdadd 10.99.0.1 10.99.0.2 any -P in ipsec esp/transport//require;"
} >"$LIVE_DIR/B.conf"

live_wire || { ko "namespaces"; echo "$pass passed, $fail failed"; exit 1; }
live_start A va -a 10.99.0.1/24 -f "$LIVE_DIR/A.conf" &&
    live_start B vb -a 10.99.0.2/24 -f "$LIVE_DIR/B.conf" && ok ||
    ko "sockmgr start"

ip netns exec "$LIVE_NS_A" tshark -a duration:60 -q -i va \
    -w "$LIVE_DIR/natt.pcap" 2>/dev/null &
cap=$!
LIVE_PIDS+=($cap)
inA env PYTHONPATH=tests/interop timeout 40 /usr/bin/python3 \
    tests/interop/natt_daemon.py "$LIVE_DIR/runA" 30 \
    >"$LIVE_DIR/daemon.out" 2>&1 &
daemon=$!
LIVE_PIDS+=($daemon)
for _ in $(seq 50); do
	grep -q registered "$LIVE_DIR/daemon.out" && break
	sleep 0.1
done
sleep 1.5

# One echo request, no retry: answered only if the hold queue kept it.
inA ping -c 1 -W 5 10.99.0.2 >/dev/null && ok ||
    ko "first ping lost ($(tr '\n' ' ' <"$LIVE_DIR/daemon.out"))"
grep -qx "acquire 10.99.0.1 10.99.0.2" "$LIVE_DIR/daemon.out" && ok ||
    ko "daemon saw no ACQUIRE"
inA ping -c 3 -i 0.2 -W 2 10.99.0.2 >/dev/null && ok || ko "ping"

# B now sends from port 4600, as a NAT that changed its mapping would.
live_setkey B -c <<EOF2 >/dev/null && ok || ko "setkey B port change"
delete 10.99.0.2 10.99.0.1 esp-udp 0x5002;
$(sa_ba 4600)
EOF2
# The SA re-added on B starts its sequence numbers again: A's window
# refuses seq 1-4, which it has seen (esps_replay); 5-8 are answered.
inA ping -c 8 -i 0.2 -W 2 10.99.0.2 >"$LIVE_DIR/ping8" 2>&1
grep -q ' 4 received' "$LIVE_DIR/ping8" && ok ||
    ko "ping after the new mapping: $(grep received "$LIVE_DIR/ping8")"
timeout 10 tail --pid="$daemon" -f /dev/null
grep -qx "new_mapping 0x5002 10.99.0.2 4600 4600 4500" \
    "$LIVE_DIR/daemon.out" && ok ||
    ko "NEW_MAPPING: $(tr '\n' ' ' <"$LIVE_DIR/daemon.out")"
sleep 0.5
kill -INT "$cap" 2>/dev/null
timeout 10 tail --pid="$cap" -f /dev/null

# Between the hosts only UDP-encapsulated ESP, as tshark decodes it.
f='ip.addr==10.99.0.1 && ip.addr==10.99.0.2'
clear=$(tshark -r "$LIVE_DIR/natt.pcap" -Y "$f && !(udp && esp)" \
    2>/dev/null | wc -l)
encap=$(tshark -r "$LIVE_DIR/natt.pcap" -Y "$f && udp.srcport==4500 &&
    udp.dstport==4500 && esp" 2>/dev/null | wc -l)
moved=$(tshark -r "$LIVE_DIR/natt.pcap" -Y "$f && udp.srcport==4600 &&
    esp.spi==0x5002" 2>/dev/null | wc -l)
[ "$clear" = 0 ] && [ "$encap" -ge 8 ] && [ "$moved" -ge 3 ] && ok ||
    ko "wire: $clear other, $encap ESP-in-UDP 4500, $moved from 4600"

live_stop A
live_stop B
n=$(live_counter "$LIVE_DIR/A.out" hold hold_sent)
[ "$n" -ge 1 ] && ok || ko "A: hold_sent $n"
n=$(live_counter "$LIVE_DIR/A.out" esp esps_replay)
[ "$n" = 4 ] && ok || ko "A: esps_replay $n (want 4)"
n=$(live_counter "$LIVE_DIR/A.out" udpencap udpencap_mapping)
[ "$n" = 1 ] && ok || ko "A: udpencap_mapping $n (want 1)"
n=$(live_counter "$LIVE_DIR/B.out" udpencap udpencap_input)
[ "$n" -ge 7 ] && ok || ko "B: udpencap_input $n"
live_cleanup
echo "$pass passed, $fail failed"
[ "$fail" = 0 ]
