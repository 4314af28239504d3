#!/usr/bin/env bash
# netstat -s against a running sockmgr: FreeBSD's and KAME's sentences
# for every protocol, the PF_KEY message histogram after known setkey
# traffic, JSON (--libxo json and -j) that parses and says what the text
# says, -ss leaving out zeros, -z (root only) zeroing, and other uses
# handed to the system's netstat.
set -u
cd "$(dirname "$0")/../.." || exit 2
. tests/scripts/setkey_lib.sh
NETSTAT=$BUILD/sbin/netstat
PY=/usr/bin/python3
for _ in $(seq 50); do
	[ -S "$tmp/s/ctl" ] && break
	sleep 0.1
done

"$SETKEY" -c >/dev/null <<'CONF'
add 10.1.0.1 10.1.0.2 esp 0x100 -E aes-gcm-16 0x0102030405060708090a0b0c0d0e0f1011121314;
add 10.1.0.2 10.1.0.1 esp 0x101 -E aes-gcm-16 0x0102030405060708090a0b0c0d0e0f1011121314;
add 10.1.0.1 10.1.0.3 esp 0x102 -E aes-gcm-16 0x0102030405060708090a0b0c0d0e0f1011121314;
spdadd 10.1.0.1 10.1.0.2 any -P out ipsec esp/transport//require;
delete 10.1.0.1 10.1.0.3 esp 0x102;
CONF
"$NETSTAT" -s -p pfkey > "$tmp/pfkey"
grep -q '^pfkey:$' "$tmp/pfkey" && ok || ko "pfkey heading"
grep -qx $'\t\tadd: 3' "$tmp/pfkey" && ok || ko "add histogram: $(cat "$tmp/pfkey")"
grep -qx $'\t\tx_spdadd: 1' "$tmp/pfkey" && ok || ko "x_spdadd histogram"
grep -qx $'\t\tdelete: 1' "$tmp/pfkey" && ok || ko "delete histogram"
grep -qx $'\t0 messages with invalid version field' "$tmp/pfkey" && ok ||
    ko "zero lines shown with one -s"
grep -qE $'^\t[0-9]+ requests sent from userland$' "$tmp/pfkey" && ok ||
    ko "requests sent"
"$NETSTAT" -ss -p pfkey | grep -q 'invalid version' && ko "-ss shows zeros" ||
    ok

# The ESP and IPsec tables in FreeBSD's and KAME's words.
"$NETSTAT" -s -p esp > "$tmp/esp"
[ "$(head -1 "$tmp/esp")" = "esp:" ] && ok || ko "esp heading"
for s in "0 packets shorter than header shows" \
    "0 packets dropped; bad authentication detected" \
    "0 possible replay packets detected" "0 packets in" "0 bytes out" \
    "0 tunnel sanity check failures"; do
	grep -qxF "	$s" "$tmp/esp" && ok || ko "esp: $s"
done
"$NETSTAT" -s -p ipsec6 | grep -qxF \
    "	0 inbound packets processed successfully" && ok || ko "ipsec6"
"$NETSTAT" -s > "$tmp/all"
[ "$(grep -c '^[a-z0-9]*:$' "$tmp/all")" = 8 ] && ok ||
    ko "-s: ipsec ipsec6 esp ah ipcomp udpencap hold pfkey: $(grep '^[a-z0-9]*:$' "$tmp/all")"
"$NETSTAT" -s -p ipcomp | grep -qxF \
    "	0 packets sent uncompressed; compression was useless" && ok ||
    ko "ipcomp"

# JSON parses and carries the text's numbers, in both spellings.
"$NETSTAT" --libxo json -s -p pfkey > "$tmp/json" &&
    $PY - "$tmp/json" "$tmp/pfkey" <<'PYEOF' && ok || ko "pfkey JSON"
import json, re, sys
doc = json.load(open(sys.argv[1]))["statistics"]["pfkey"]
text = open(sys.argv[2]).read()
sent = int(re.search(r"\t(\d+) requests sent from userland", text).group(1))
assert doc["sent-requests"] == sent, (doc["sent-requests"], sent)
hist = {h["name"]: h["count"] for h in doc["output-histogram"]}
assert hist["add"] == 3 and hist["x_spdadd"] == 1, hist
assert doc["dropped-bad-version"] == 0
PYEOF
"$NETSTAT" -j -s | $PY -c 'import json,sys
d = json.load(sys.stdin)["statistics"]
assert set(d) == {"ipsec", "ipsec6", "esp", "ah", "ipcomp", "udpencap",
                  "hold", "pfkey"}, d.keys()
assert d["esp"]["received-packets"] == 0
assert d["ipsec"]["esp-input-histogram"] == []' && ok || ko "-j -s"
"$NETSTAT" --libxo=json -ss -p esp | $PY -c 'import json,sys
assert json.load(sys.stdin) == {"statistics": {"esp": {"esp-histogram": []}}}' &&
    ok || ko "--libxo=json -ss"

# -z: refused for others, zeroes for root.
chmod 0755 "$tmp" "$tmp/s"
out=$(setpriv --reuid 65534 --regid 65534 --clear-groups env SOCK="$tmp/s" \
    "$NETSTAT" -z -p pfkey 2>&1)
[ $? = 1 ] && [ "$out" = "netstat: zeroing net.key.stats: Operation not permitted" ] &&
    ok || ko "nobody -z: $out"
"$NETSTAT" -ss -p pfkey | grep -q 'add: 3' && ok || ko "not zeroed by nobody"
"$NETSTAT" -s -z -p pfkey | grep -q 'add: 3' && ok || ko "-s -z prints first"
[ "$("$NETSTAT" -ss -p pfkey)" = "pfkey:" ] && ok ||
    ko "zeroed: $("$NETSTAT" -ss -p pfkey)"

# Not ours: the system's netstat, or a clear message.
if [ -x /bin/netstat ] || [ -x /usr/bin/netstat ]; then
	"$NETSTAT" -rn | grep -q 'Kernel IP routing table' && ok ||
	    ko "netstat -rn handed over"
fi
"$NETSTAT" -s -p ah | grep -qxF "	0 packets dropped; bad authentication length" &&
    ok || ko "-p ah: $("$NETSTAT" -s -p ah 2>&1 | head -3)"

echo "$pass passed, $fail failed"
[ "$fail" = 0 ]
