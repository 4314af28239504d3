#!/usr/bin/env bash
# setkey(8) against a running sockmgr: modes and flags, exit statuses,
# malformed statements and every invalid key length of every algorithm
# (each rejected with a line-numbered message, a non-zero exit, and the
# databases as they were), and -x showing another client's traffic.
set -u
cd "$(dirname "$0")/../.." || exit 2
. tests/scripts/setkey_lib.sh

# Usage, version, and -n without any socket manager.
"$SETKEY" >/dev/null 2>&1; [ $? = 64 ] && ok || ko "no mode: usage"
"$SETKEY" -V | grep -q setkey && ok || ko "-V"
SOCK=/nonexistent "$SETKEY" -n -e 'flush; spddump;' >/dev/null &&
    ok || ko "-n talks to nobody"
SOCK=/nonexistent "$SETKEY" -D >/dev/null 2>&1 && ko "-D without sockmgr" ||
    ok

# Empty databases.
[ "$("$SETKEY" -D)" = "No SAD entries." ] && ok || ko "-D empty"
[ "$("$SETKEY" -DP)" = "No SPD entries." ] && ok || ko "-DP empty"

# -e, -c (a pipe: one script), get, and the result lines of refusals.
"$SETKEY" -e 'add 10.5.0.1 10.5.0.2 esp 0x777 -E aes-cbc
    0x00112233445566778899aabbccddeeff;' && ok || ko "-e add"
printf 'get 10.5.0.1 10.5.0.2 esp 0x777;\n' | "$SETKEY" -c > "$tmp/get"
grep -q 'spi=1911(0x00000777)' "$tmp/get" && ok || ko "-c get: $(cat "$tmp/get")"
out=$(printf 'flush;\nget 10.5.0.1 10.5.0.2 esp 0x777;\n' | "$SETKEY" -c)
[ $? != 0 ] && [ "$out" = "The result of line 2: No entry." ] && ok ||
    ko "No entry: $out"
printf 'flush;\nexit\nbogus;\n' | "$SETKEY" -c && ok || ko "exit in -c"

# -c on a terminal: line by line, an error does not end the session,
# quit does.
if command -v script >/dev/null; then
	out=$(printf 'bogus;\nspddump;\nquit\nflush;\n' |
	    timeout 10 script -qec "$SETKEY -c" /dev/null 2>&1 | tr -d '\r')
	echo "$out" | grep -q 'line 1: unknown statement at \[bogus\]' &&
	    echo "$out" | grep -q 'The result of line 2: No SPD entries.' &&
	    ok || ko "-c on a terminal: $out"
fi

# -v shows the messages exchanged.
"$SETKEY" -v -e 'spdflush;' | grep -q 'sadb_msg' && ok || ko "-v"

# Malformed statements and invalid keys: nothing changes.
"$SETKEY" -f tests/setkey/racoon-unique.conf >/dev/null 2>&1
"$SETKEY" -D | sed -f tests/setkey/mask.sed > "$tmp/D.before"
"$SETKEY" -DP | sed -f tests/setkey/mask.sed > "$tmp/DP.before"
reject() {	# script: must fail, name a line, change nothing
	printf '%s\n' "$1" > "$tmp/bad.conf"
	"$SETKEY" -f "$tmp/bad.conf" > "$tmp/bad.out" 2>&1
	local rc=$?
	if [ $rc = 0 ] || ! grep -q 'line [0-9]' "$tmp/bad.out"; then
		ko "accepted or no line number: $1"
		cat "$tmp/bad.out"
		return
	fi
	ok
}
while IFS= read -r stmt; do
	[ -n "$stmt" ] && reject "$stmt"
done <<'BAD'
add 10.6.0.1 10.6.0.2 esp 0x900 -E nosuchalg 0x00112233;
add 10.6.0.1 10.6.0.2 esp 0x900 -A hmac-sha1 0x00112233445566778899aabbccddeeff00112233;
add 10.6.0.1 10.6.0.2 ah 0x900 -E aes-cbc 0x00112233445566778899aabbccddeeff;
add 10.6.0.1 10.6.0.2 esp 0x900 -E aes-gcm-16 0x00112233445566778899aabbccddeeff00112233 -A hmac-sha1 0x00112233445566778899aabbccddeeff00112233;
add 10.6.0.1 10.6.0.2 esp 0x900 -m sideways -E null;
add 10.6.0.1 10.6.0.2 esp 0x900 -E null
add 10.6.0.1 ::1 esp 0x900 -E null;
add 10.6.0.1 10.6.0.2 ipcomp 0x12345 -C deflate;
add 10.6.0.1 10.6.0.2 esp 0x900 -E null -lh;
add 10.6.0.1 10.6.0.2 esp 0x900 -E aes-cbc "short";
add 10.6.0.1 10.6.0.2 esp 0x900 -E aes-cbc 0x0011zz;
add 10.6.0.1 10.6.0.2 esp 0x900 -E null 0x00;
add 10.6.0.1 10.6.0.2 esp 0x10 -E null;
add 10.6.0.1 10.6.0.2 esp 0x901 -E null -x;
get 10.6.0.1 10.6.0.2 esp 0x900 -E null;
delete 10.6.0.1 10.6.0.2 esp 0x900;
spdadd 10.6.0.0/33 10.6.1.0/24 any -P out none;
spdadd 10.6.0.0/24 10.6.1.0/24 nosuch -P out none;
spdadd 10.6.0.0/24 10.6.1.0/24 any -P out bypass;
spdadd 10.6.0.0/24 10.6.1.0/24 any -P out ipsec esp/tunnel//require;
spdadd 10.6.0.0/24 10.6.1.0/24 any -P out ipsec esp/transport//require
spdadd 10.6.0.0/24 10.6.1.0/24 any;
spddelete 10.6.0.0/24 10.6.1.0/24 any -P out;
spdadd 10.6.0.0/24[80 10.6.1.0/24 tcp -P out none;
frobnicate;
"unterminated;
BAD
# Every invalid key length of every algorithm (bytes 1 .. max + 2).
while read -r kind proto alg valid max; do
	for ((n = 1; n <= max + 2; n++)); do
		case ",$valid," in *",$((n * 8)),"*) continue ;; esac
		key=0x$(head -c "$n" /dev/zero | od -An -tx1 -v | tr -d ' \n' |
		    tr 0 5)
		spi=0x1000
		reject "add 10.6.2.1 10.6.2.2 $proto $spi $kind $alg $key;"
	done
done <<'ALGS'
-E esp des-cbc 64 8
-E esp 3des-cbc 192 24
-E esp cast128-cbc 40,48,56,64,72,80,88,96,104,112,120,128 16
-E esp aes-cbc 128,192,256 32
-E esp aes-ctr 160,224,288 36
-E esp aes-gcm-8 160,224,288 36
-E esp aes-gcm-12 160,224,288 36
-E esp aes-gcm-16 160,224,288 36
-E esp aes-gmac 160,224,288 36
-E esp chacha20-poly1305 288 36
-E esp camellia-cbc 128,192,256 32
-A ah hmac-md5 128 16
-A ah hmac-sha1 160 20
-A ah hmac-sha2-256 256 32
-A ah hmac-sha2-384 384 48
-A ah hmac-sha2-512 512 64
-A ah hmac-ripemd160 160 20
-A ah aes-xcbc-mac 128 16
-A ah keyed-md5 128 16
-A ah keyed-sha1 160 20
ALGS
# Blowfish (40..448 bits) and TCP-MD5 (8..640): just outside the range.
for k in 0x00112233 0x$(printf '%0114d' 0); do
	reject "add 10.6.2.1 10.6.2.2 esp 0x1000 -E blowfish-cbc $k;"
done
reject "add 10.6.2.1 10.6.2.2 tcp 0x1000 -A tcp-md5 0x$(printf '%0162d' 0);"
"$SETKEY" -D | sed -f tests/setkey/mask.sed > "$tmp/D.after"
"$SETKEY" -DP | sed -f tests/setkey/mask.sed > "$tmp/DP.after"
cmp -s "$tmp/D.before" "$tmp/D.after" && ok || ko "SAD changed"
cmp -s "$tmp/DP.before" "$tmp/DP.after" && ok || ko "SPD changed"

# -x: another client's ADD shows up in the monitor.
"$SETKEY" -x > "$tmp/mon" 2>&1 &
monitor_pid=$!
sleep 0.3
"$SETKEY" -e 'add 10.7.0.1 10.7.0.2 esp 0xabcd -E null;'
sleep 0.3
kill "$monitor_pid" 2>/dev/null
wait "$monitor_pid" 2>/dev/null
monitor_pid=
grep -q 'spi=43981' "$tmp/mon" && grep -Eq '^[0-9]{2}:[0-9]{2}:[0-9]{2}\.' \
    "$tmp/mon" && ok || { ko "-x"; cat "$tmp/mon"; }

# -D -l: the short form, forever; one second of it.
timeout 1.5 "$SETKEY" -D -l > "$tmp/short"
grep -q 'spi' "$tmp/short" && ok || ko "-D -l: $(cat "$tmp/short")"

echo "$pass passed, $fail failed"
[ "$fail" = 0 ]
