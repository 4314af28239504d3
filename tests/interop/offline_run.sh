#!/bin/sh
# Runs one offline-mode test program (tests/interop/NAME.py) against
# $BUILD/sbin/sockmgr with Debian's /usr/bin/python3 (which has
# python3-scapy; the python3 on PATH need not).  Programs that use tshark
# say so with a second argument "tshark".  When something is missing the
# last line is still "N passed, N failed".
BUILD=${BUILD:-build}
cd "$(dirname "$0")/../.." || exit 2
sockmgr=$BUILD/sbin/sockmgr
missing=""
[ -x "$sockmgr" ] || missing="$sockmgr (build first)"
/usr/bin/python3 -c 'import scapy.layers.ipsec' 2>/dev/null ||
    missing="$missing /usr/bin/python3 with scapy (make deps)"
if [ "$2" = tshark ] && ! command -v tshark >/dev/null; then
	missing="$missing tshark (make deps)"
fi
if [ -n "$missing" ]; then
	echo "missing: $missing"
	echo "0 passed, 1 failed"
	exit 1
fi
exec timeout 600 /usr/bin/python3 "tests/interop/$1.py" "$sockmgr"
