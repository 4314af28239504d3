#!/usr/bin/env bash
# The main job (make demo): a socket manager configured by a stock setkey
# script, shown as an administrator would see it.  Runs as root in a
# temporary directory and removes everything it made.
set -euo pipefail
BUILD=${1:-build}
cd "$(dirname "$0")/.."
dir=$(mktemp -d /tmp/sockmgr-demo.XXXXXX)
pid=
cleanup() {
	[ -n "$pid" ] && kill "$pid" 2>/dev/null && wait "$pid" 2>/dev/null
	rm -rf "$dir"
}
trap cleanup EXIT

echo "== starting sockmgr -d -S $dir/run"
"$BUILD"/sbin/sockmgr -d -S "$dir/run" 2>"$dir/log" &
pid=$!
export SOCK=$dir/run
for _ in $(seq 50); do [ -S "$SOCK/pfkey" ] && break; sleep 0.1; done

echo "== setkey -c: two ESP SAs and the policies that use them"
tee /dev/stderr <<'CONF' | "$BUILD"/sbin/setkey -c
flush;
spdflush;
add 192.0.2.1 192.0.2.2 esp 0x1001 -m transport
	-E aes-gcm-16 0x00112233445566778899aabbccddeeff01020304;
add 192.0.2.2 192.0.2.1 esp 0x1002 -m transport
	-E aes-cbc 0x000102030405060708090a0b0c0d0e0f
	-A hmac-sha256 0x000102030405060708090a0b0c0d0e0f000102030405060708090a0b0c0d0e0f;
spdadd 192.0.2.1 192.0.2.2 any -P out ipsec esp/transport//require;
spdadd 192.0.2.2 192.0.2.1 any -P in ipsec esp/transport//require;
CONF

echo "== setkey -D"
"$BUILD"/sbin/setkey -D
echo "== setkey -DP"
"$BUILD"/sbin/setkey -DP
echo "== sockmgr log"
kill "$pid"; wait "$pid" || true; pid=
cat "$dir/log"
