#!/bin/sh
# Offline-mode interoperability: sockmgr -f -r -w against Scapy's IPsec
# layer and tshark's ESP dissector (tests/interop/offline_scapy.py).
# Debian's python3-scapy is installed for /usr/bin/python3, which need
# not be the python3 on PATH.  The last line is "N passed, N failed".
BUILD=${BUILD:-build}
cd "$(dirname "$0")/../.." || exit 2
sockmgr=$BUILD/sbin/sockmgr
if [ ! -x "$sockmgr" ]; then
	echo "no $sockmgr: build first"
	echo "0 passed, 1 failed"
	exit 1
fi
if ! /usr/bin/python3 -c 'import scapy.layers.ipsec' 2>/dev/null ||
    ! command -v tshark >/dev/null; then
	echo "need /usr/bin/python3 with scapy and tshark: make deps"
	echo "0 passed, 1 failed"
	exit 1
fi
exec timeout 600 /usr/bin/python3 tests/interop/offline_scapy.py "$sockmgr"
