#!/usr/bin/env bash
# Runs every test program of one build flavour and adds up their summary
# lines.  A program that dies without a summary counts as one failure.  The
# last line printed is the total, "N passed, N failed".
set -u
BUILD=${BUILD:-build}
cd "$(dirname "$0")/.." || exit 2

total_pass=0
total_fail=0
for t in "$BUILD"/tests/bin/test_* tests/scripts/test_*.sh; do
	[ -x "$t" ] || continue
	out=$(BUILD="$BUILD" timeout 600 "$t" 2>&1)
	rc=$?
	line=$(printf '%s\n' "$out" | grep -E '^[0-9]+ passed, [0-9]+ failed' | tail -n 1)
	if [ -z "$line" ]; then
		printf '%s\n' "$out" | tail -n 20
		echo "$t: exited $rc with no summary"
		total_fail=$((total_fail + 1))
		continue
	fi
	pass=${line%% passed*}
	fail=${line#*passed, }
	fail=${fail%% failed*}
	if [ "$fail" != 0 ] || [ "$rc" != 0 ]; then
		printf '%s\n' "$out" | tail -n 40
		[ "$fail" = 0 ] && fail=1
	fi
	echo "$(basename "$t"): $pass passed, $fail failed"
	total_pass=$((total_pass + pass))
	total_fail=$((total_fail + fail))
done
echo "$total_pass passed, $total_fail failed"
[ "$total_fail" = 0 ]
