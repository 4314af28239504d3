#!/usr/bin/env bash
# Golden tests of setkey(8).  For each tests/setkey/NAME.conf:
#   NAME.n.ok   setkey -n -f NAME.conf (the PF_KEY messages, kdebug format)
#   NAME.out.ok what setkey -f NAME.conf prints against a fresh sockmgr,
#               with its exit status on the last line
#   NAME.D.ok   setkey -D after it, NAME.DP.ok setkey -DP after it
# Process ids and times are masked with tests/setkey/mask.sed.  With
# SETKEY_GOLDEN_UPDATE=1 the .ok files are written instead of compared.
set -u
BUILD=${BUILD:-build}
cd "$(dirname "$0")/../.." || exit 2
SETKEY=$BUILD/sbin/setkey
SOCKMGR=$BUILD/sbin/sockmgr
DIR=tests/setkey
pass=0
fail=0

check() {	# name, file with the output
	local want=$DIR/$1
	if [ "${SETKEY_GOLDEN_UPDATE:-0}" = 1 ]; then
		cp "$2" "$want"
		pass=$((pass + 1))
	elif diff -u "$want" "$2"; then
		pass=$((pass + 1))
	else
		echo "FAIL: $1"
		fail=$((fail + 1))
	fi
}

tmp=$(mktemp -d)
sockmgr_pid=
cleanup() {
	[ -n "$sockmgr_pid" ] && kill "$sockmgr_pid" 2>/dev/null &&
	    wait "$sockmgr_pid" 2>/dev/null
	rm -rf "$tmp"
}
trap cleanup EXIT

start_sockmgr() {
	mkdir -p "$tmp/s"
	"$SOCKMGR" -d -S "$tmp/s" 2>"$tmp/sockmgr.log" &
	sockmgr_pid=$!
	for _ in $(seq 50); do
		[ -S "$tmp/s/pfkey" ] && return 0
		sleep 0.1
	done
	echo "sockmgr did not start"; cat "$tmp/sockmgr.log"
	return 1
}

for conf in "$DIR"/*.conf; do
	name=$(basename "$conf" .conf)
	{ "$SETKEY" -n -f "$conf" 2>&1; echo "exit $?"; } |
	    sed -f "$DIR/mask.sed" > "$tmp/out"
	check "$name.n.ok" "$tmp/out"
done

if ! start_sockmgr; then
	echo "$pass passed, $((fail + 1)) failed"
	exit 1
fi
export SOCK=$tmp/s
for conf in "$DIR"/*.conf; do
	name=$(basename "$conf" .conf)
	"$SETKEY" -F >/dev/null 2>&1
	"$SETKEY" -FP >/dev/null 2>&1
	{ "$SETKEY" -f "$conf" 2>&1; echo "exit $?"; } |
	    sed -f "$DIR/mask.sed" > "$tmp/out"
	check "$name.out.ok" "$tmp/out"
	"$SETKEY" -D 2>&1 | sed -f "$DIR/mask.sed" > "$tmp/out"
	check "$name.D.ok" "$tmp/out"
	"$SETKEY" -DP 2>&1 | sed -f "$DIR/mask.sed" > "$tmp/out"
	check "$name.DP.ok" "$tmp/out"
done
echo "$pass passed, $fail failed"
[ "$fail" = 0 ]
