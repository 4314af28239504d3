#!/usr/bin/env bash
# Issue 12, finding 3: no copy of an SA's key may stay in the socket
# manager's memory once the SA is gone.  A running sockmgr gets SAs with
# random keys through setkey; after DELETE, after FLUSH and after a hard
# expiry its whole memory (/proc/PID/mem, every readable mapping: heap,
# stacks, data) is scanned for the key bytes, expecting zero hits.  While
# an SA lives, its keys must be found (so the scan can see them at all).
set -u
cd "$(dirname "$0")/../.." || exit 2
. tests/scripts/setkey_lib.sh
SCAN="/usr/bin/python3 tests/interop/memscan.py"

hex() { od -An -tx1 -N"$1" /dev/urandom | tr -d ' \n'; }
hits() {	# total hits of the keys given
	$SCAN "$sockmgr_pid" "$@" | awk '{ n += $2 } END { print n + 0 }'
}
where() { $SCAN "$sockmgr_pid" "$@" | awk '$2 > 0'; }

[ -S "$SOCK/pfkey" ] || { ko "sockmgr did not start"; echo "$pass passed, $fail failed"; exit 1; }

# The daemon is linked to resolve every symbol at start (no lazy binding
# spilling registers that held keys) with a read-only GOT.
readelf -d "$SOCKMGR" | grep -q 'FLAGS.*NOW' && ok || ko "sockmgr not -z now"
readelf -l "$SOCKMGR" | grep -q GNU_RELRO && ok || ko "sockmgr not -z relro"

# ADD then DELETE: the first SA the daemon sees, as in the probe.
ek=$(hex 16); ak=$(hex 20)
"$SETKEY" -e "add 10.9.0.1 10.9.0.2 esp 0x1001 -E aes-cbc 0x$ek
    -A hmac-sha1 0x$ak;" && ok || ko "add"
n=$(hits "$ek" "$ak")
[ "$n" -ge 2 ] && ok || ko "live SA's keys not visible to the scan ($n)"
"$SETKEY" -e "delete 10.9.0.1 10.9.0.2 esp 0x1001;" && ok || ko "delete"
n=$(hits "$ek" "$ak")
[ "$n" = 0 ] && ok || ko "after DELETE: $n copies: $(where "$ek" "$ak")"

# FLUSH of several SAs, one of them also read back with GET.
keys=
script=
for i in 1 2 3 4; do
	e=$(hex 32); a=$(hex 32)
	keys="$keys $e $a"
	script="$script add 10.9.1.1 10.9.1.2 esp 0x200$i -E aes-cbc 0x$e
	    -A hmac-sha256 0x$a;"
done
"$SETKEY" -e "$script" && ok || ko "add 4"
"$SETKEY" -e "get 10.9.1.1 10.9.1.2 esp 0x2001;" | grep -q "(0x00002001)" &&
    ok || ko "get"
"$SETKEY" -D >/dev/null && ok || ko "dump"
"$SETKEY" -e "flush;" && ok || ko "flush"
# shellcheck disable=SC2086
n=$(hits $keys)
[ "$n" = 0 ] && ok || ko "after FLUSH: $n copies: $(where $keys)"

# Hard expiry after 1 second.
ek=$(hex 16); ak=$(hex 20)
"$SETKEY" -e "add 10.9.2.1 10.9.2.2 esp 0x3001 -lh 1 -E aes-cbc 0x$ek
    -A hmac-sha1 0x$ak;" && ok || ko "add -lh 1"
# Dumps run across the expiry, so that some hold the SA when it goes.
dumps=
for _ in $(seq 30); do
	"$SETKEY" -D >/dev/null 2>&1 &
	dumps="$dumps $!"
	sleep 0.05
done
# shellcheck disable=SC2086
wait $dumps
for _ in $(seq 50); do
	"$SETKEY" -D | grep -q "(0x00003001)" || break
	sleep 0.1
done
"$SETKEY" -D | grep -q "(0x00003001)" && ko "SA did not expire" || ok
n=$(hits "$ek" "$ak")
[ "$n" = 0 ] && ok || ko "after hard expiry: $n copies: $(where "$ek" "$ak")"

echo "$pass passed, $fail failed"
[ "$fail" = 0 ]
