#!/bin/sh
# PF_KEY v2 acceptance tests against a running sockmgr, by an independent
# client written from RFC 2367 (tests/interop/pfkey_*.py): messages and
# errnos, delivery targets, lifetimes in real time, larval reaping, dumps
# at size, the daemon's options and the preload shim; the Linux dialect
# byte for byte (pfkey_linux.py).
BUILD=${BUILD:-build}
cd "$(dirname "$0")/../.." || exit 2
sockmgr=$BUILD/sbin/sockmgr
if [ ! -x "$sockmgr" ] || [ ! -x /usr/bin/python3 ]; then
	echo "missing: $sockmgr or /usr/bin/python3"
	echo "0 passed, 1 failed"
	exit 1
fi
pass=0
fail=0
for p in pfkey_messages pfkey_daemon pfkey_timers pfkey_linux; do
	out=$(timeout 300 /usr/bin/python3 "tests/interop/$p.py" "$sockmgr" 2>&1)
	line=$(printf '%s\n' "$out" | grep -E '^[0-9]+ passed, [0-9]+ failed' |
	    tail -n 1)
	printf '%s\n' "$out" | grep -v '^ok '
	if [ -z "$line" ]; then
		fail=$((fail + 1))
		continue
	fi
	pass=$((pass + ${line%% passed*}))
	f=${line#*passed, }
	fail=$((fail + ${f%% failed*}))
done
echo "$pass passed, $fail failed"
[ "$fail" = 0 ]
