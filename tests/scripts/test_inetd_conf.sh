#!/usr/bin/env bash
# inetd's configuration reader, without a socket manager (services
# without a `#@' line make no policy call): every kind of bad line is
# logged with its number and skipped, the good ones listen, a bad `#@'
# policy keeps the services below it (and only those) from starting, and
# a bare `#@' ends a block.  Run in a private network namespace so that
# the ports are ours.
set -u
BUILD=${BUILD:-build}
cd "$(dirname "$0")/../.." || exit 2
pass=0
fail=0
ok() { pass=$((pass + 1)); }
ko() { echo "FAIL: $*"; fail=$((fail + 1)); }

if [ "$(id -u)" != 0 ] || ! command -v unshare >/dev/null; then
	echo "SKIP: needs root and unshare"
	echo "0 passed, 1 failed"
	exit 1
fi
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT

cat >"$tmp/inetd.conf" <<'CONF'
# A comment, then a blank line.

echo	stream	tcp	nowait	root	internal
discard
discard	seqpacket	tcp	nowait	root	internal
discard	stream	sctp	nowait	root	internal
discard	dgram	tcp	wait	root	internal
no-such-service	stream	tcp	nowait	root	internal
discard	stream	tcp	sometimes	root	internal
discard	stream	tcp	nowait	no-such-user	internal
discard	stream	tcp	nowait	root	bin/cat
7101	stream	tcp	nowait	root	internal
7102	dgram	udp	nowait	root	/bin/cat	cat
#@ in bypass; ; out bypass
7103	stream	tcp	nowait	root:root	/bin/cat	cat
#@ out ipsec esp/transport//require; in ipsec ah/nonsense//require
7104	stream	tcp	wait	root	/bin/cat	cat
7105	stream	tcp	nowait	root	/bin/cat	cat
#@
7106	stream	tcp6	nowait.10	root	/bin/cat	cat
daytime	dgram	udp	wait	root	internal
CONF

timeout 10 unshare -n sh -c '
	ip link set lo up
	"$1" -d "$2" 2>"$3" & p=$!
	sleep 1
	ss -ltnuH > "$4"
	kill $p' sh "$BUILD/sbin/inetd" "$tmp/inetd.conf" "$tmp/log" \
    "$tmp/ss"

expect() { grep -q -- "$1" "$tmp/log" && ok || ko "no log line: $1"; }
expect 'line 4: too few fields'
expect 'line 5: discard: unknown socket type, not started'
expect 'line 6: discard: unknown protocol for the socket type'
expect 'line 7: discard: unknown protocol for the socket type'
expect 'line 8: no-such-service: unknown service'
expect 'line 9: discard: neither wait nor nowait'
expect 'line 10: discard: unknown user or group'
expect 'line 11: discard: server is not an absolute path'
expect 'line 12: 7101: no such internal service'
expect 'line 13: 7102: a datagram server must be wait'
expect 'line 16: invalid ipsec policy "in ipsec ah/nonsense//require"'
expect 'line 17: 7104: the ipsec policy above it is invalid'
expect 'line 18: 7105: the ipsec policy above it is invalid'
expect 'echo: listening (line 3)'
expect '7106: listening (line 20)'
expect 'daytime: listening (line 21)'
# 7103's policies need a socket manager: set up fails and says so.
expect '7103 (line 15): ipsec setup failed'
grep -c 'not started' "$tmp/log" | grep -qx 11 && ok ||
    ko "$(grep -c 'not started' "$tmp/log") services not started (want 11)"
for p in ':7 ' ':7106 ' ':13 '; do
	grep -q "$p" "$tmp/ss" && ok || ko "nothing listens on port $p"
done
grep -qE ':710[1-5] ' "$tmp/ss" && ko "a refused service listens" || ok
echo "$pass passed, $fail failed"
[ "$fail" = 0 ]
