#!/bin/sh
# ipsec-tools' own setkey, built unmodified from PEERS_DIR against Linux's
# linux/pfkeyv2.h, run under the preload shim against our sockmgr (the
# Linux dialect): every statement of our setkey corpus (tests/setkey/*.conf)
# that its grammar understands must have the outcome our setkey has for
# it on a second socket manager, and its -D and -DP of the resulting state
# must equal ours.  Before the Linux dialect it failed every spdadd with
# an ipsec request (EAFNOSUPPORT), printed garbage for -DP and "Invalid
# extension type" for large replay windows.
#
# The peers are built once into the build tree by tests/peers/build-peers.sh
# (PEERS_DIR, default ../shared/peers from the project root); without the
# archives the test says "skipped: peers not found".
BUILD=${BUILD:-build}
cd "$(dirname "$0")/../.." || exit 2
ROOT=$PWD
PEERS_DIR=${PEERS_DIR:-$ROOT/../shared/peers}
PEERS_OUT=${PEERS_OUT:-${BUILD%-asan}/peers}
SHIM=$ROOT/$BUILD/lib/libpfkey_shim.so
OURS=$BUILD/sbin/setkey
SOCKMGR=$BUILD/sbin/sockmgr
pass=0
fail=0
skipped=0

finish() {
	echo "$pass passed, $fail failed"
	[ "$fail" = 0 ]
	exit
}

if [ ! -f "$PEERS_DIR/ipsec-tools-0.9.1.tar.gz" ] ||
    [ ! -x tests/peers/build-peers.sh ]; then
	echo "skipped: peers not found"
	finish
fi
PEERS_DIR=$PEERS_DIR tests/peers/build-peers.sh "$PEERS_OUT" ipsec-tools
case $? in
0) ;;
77) echo "skipped: peers not found"; finish ;;
*) echo "FAIL: ipsec-tools did not build"; fail=1; finish ;;
esac
ITS=$PEERS_OUT/ipsec-tools/sbin/setkey

ok() { pass=$((pass + 1)); }
ko() { echo "FAIL: $*"; fail=$((fail + 1)); }

tmp=$(mktemp -d)
pids=
cleanup() {
	for p in $pids; do
		kill "$p" 2>/dev/null && wait "$p" 2>/dev/null
	done
	rm -rf "$tmp"
}
trap cleanup EXIT

# A: the state ipsec-tools builds; B: the same statements from our setkey.
for s in A B; do
	mkdir -p "$tmp/$s"
	"$SOCKMGR" -d -S "$tmp/$s" 2>"$tmp/$s.log" &
	pids="$pids $!"
done
for _ in $(seq 50); do
	[ -S "$tmp/A/pfkey.linux" ] && [ -S "$tmp/B/pfkey" ] && break
	sleep 0.1
done

# The preload goes to ipsec-tools' setkey alone; a sanitized shim needs
# the ASan runtime before it in an uninstrumented program.
preload=$SHIM
asan=$(ldd "$SHIM" | awk '/libasan/ { print $3 }')
[ -n "$asan" ] && preload=$asan:$SHIM
# The preload goes on ipsec-tools' setkey alone: timeout(1) with the ASan
# runtime preloaded hangs in its locale set-up.
its() {
	timeout 20 env SOCK="$tmp/A" LD_PRELOAD="$preload" \
	    ASAN_OPTIONS=detect_leaks=0:verify_asan_link_order=0 \
	    "$ITS" "$@" 2>&1
}

# Statements one a line: comments off, whitespace folded, split at ';'.
statements() {
	awk 'BEGIN { RS = ";" } {
		gsub(/#[^\n]*/, ""); gsub(/[ \t\n]+/, " ")
		sub(/^ /, ""); sub(/ $/, "")
		if ($0 != "") print $0 " ;"
	}' "$1"
}

# What ipsec-tools' grammar refuses before any PF_KEY message is sent.
not_understood() {
	printf '%s\n' "$1" | grep -qE 'syntax error|Syntax error|Not supported|parse failed'
}

# A statement that failed in the socket manager (either setkey).
failed() {
	printf '%s\n' "$1" | grep -qE 'Invalid argument|No entry|No such|File exists|not supported|Address family|Operation|No buffer|Resource'
}

# Run-to-run noise, and the replay window: Linux counts packets, ours
# bytes of bitmap (pfkey(4)), so ipsec-tools' R is our ceil(R / 8).
normalize() {
	sed -f tests/setkey/mask.sed | awk '{
		while (match($0, /replay=[0-9]+/)) {
			r = substr($0, RSTART + 7, RLENGTH - 7) + 0
			$0 = substr($0, 1, RSTART - 1) "REPLAY=" int((r + 7) / 8) \
			    substr($0, RSTART + RLENGTH)
		}
		print
	}'
}

ours_norm() {
	sed -f tests/setkey/mask.sed | sed 's/replay=/REPLAY=/g'
}

total=0
for conf in tests/setkey/*.conf; do
	name=$(basename "$conf" .conf)
	SOCK=$tmp/A "$OURS" -F && SOCK=$tmp/A "$OURS" -FP &&
	    SOCK=$tmp/B "$OURS" -F && SOCK=$tmp/B "$OURS" -FP ||
	    ko "$name: flush"
	statements "$conf" >"$tmp/st"
	n=0
	while IFS= read -r st; do
		n=$((n + 1))
		out=$(printf '%s\n' "$st" | its -c)
		if not_understood "$out"; then
			skipped=$((skipped + 1))
			continue
		fi
		total=$((total + 1))
		mine=$(printf '%s\n' "$st" | SOCK=$tmp/B "$OURS" -c 2>&1)
		a=ok; b=ok
		failed "$out" && a=failed
		failed "$mine" && b=failed
		if [ $a = $b ]; then
			ok
		else
			ko "$name #$n: ipsec-tools $a, ours $b: $st" \
			    "=> $(printf '%s' "$out" | head -c 200)" \
			    "| $(printf '%s' "$mine" | head -c 200)"
		fi
	done <"$tmp/st"
	its -D >"$tmp/its.D"
	its -DP >"$tmp/its.DP"
	SOCK=$tmp/A "$OURS" -D >"$tmp/ours.D" 2>&1
	SOCK=$tmp/A "$OURS" -DP >"$tmp/ours.DP" 2>&1
	for d in D DP; do
		normalize <"$tmp/its.$d" >"$tmp/its.$d.n"
		ours_norm <"$tmp/ours.$d" >"$tmp/ours.$d.n"
		if cmp -s "$tmp/its.$d.n" "$tmp/ours.$d.n"; then
			ok
		else
			ko "$name: ipsec-tools -$d differs from ours"
			diff "$tmp/its.$d.n" "$tmp/ours.$d.n" | head -n 20
		fi
	done
	if grep -qE 'Invalid extension|Invalid address|(require|use|default)#' \
	    "$tmp/its.D" "$tmp/its.DP"; then
		ko "$name: ipsec-tools complains of our dump"
		grep -E 'Invalid extension|Invalid address|(require|use|default)#' \
		    "$tmp/its.D" "$tmp/its.DP" | head -n 5
	else
		ok
	fi
done
if [ "$total" -gt 0 ]; then ok; else ko "no statement was understood"; fi
echo "ipsec-tools setkey understood $total statements of the corpus," \
    "left $skipped to its grammar"
kill -0 $pids 2>/dev/null && ok || ko "a socket manager died"
finish
