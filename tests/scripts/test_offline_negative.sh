#!/bin/sh
# Offline-mode negative cases: tampered, replayed, unknown-SPI, badly
# padded and truncated ESP, clear packets under require, the MTU cases
# and foreign addresses, each dropped or answered with the expected
# counter (tests/interop/offline_negative.py).  The last line is "N
# passed, N failed".
BUILD=${BUILD:-build}
cd "$(dirname "$0")/../.." || exit 2
sockmgr=$BUILD/sbin/sockmgr
if [ ! -x "$sockmgr" ]; then
	echo "no $sockmgr: build first"
	echo "0 passed, 1 failed"
	exit 1
fi
if ! /usr/bin/python3 -c 'import scapy.layers.ipsec' 2>/dev/null; then
	echo "/usr/bin/python3 has no scapy: make deps (python3-scapy)"
	echo "0 passed, 1 failed"
	exit 1
fi
exec timeout 300 /usr/bin/python3 tests/interop/offline_negative.py \
    "$sockmgr"
