# Shared by the setkey tests that talk to a running socket manager
# (sourced, not run): a sockmgr of BUILD in a temporary directory with
# SOCK pointing at it, pass/fail counting, and clean-up on exit.  A
# monitor the caller starts goes in monitor_pid so clean-up stops it too.

BUILD=${BUILD:-build}
SETKEY=$BUILD/sbin/setkey
SOCKMGR=$BUILD/sbin/sockmgr
pass=0
fail=0

ok() { pass=$((pass + 1)); }
ko() { echo "FAIL: $*"; fail=$((fail + 1)); }

tmp=$(mktemp -d)
sockmgr_pid=
monitor_pid=
cleanup() {
	[ -n "$monitor_pid" ] && kill "$monitor_pid" 2>/dev/null
	[ -n "$sockmgr_pid" ] && kill "$sockmgr_pid" 2>/dev/null &&
	    wait "$sockmgr_pid" 2>/dev/null
	rm -rf "$tmp"
}
trap cleanup EXIT

mkdir -p "$tmp/s"
"$SOCKMGR" -d -S "$tmp/s" 2>"$tmp/sockmgr.log" &
sockmgr_pid=$!
for _ in $(seq 50); do
	[ -S "$tmp/s/pfkey" ] && break
	sleep 0.1
done
export SOCK=$tmp/s
