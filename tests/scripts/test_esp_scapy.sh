#!/bin/sh
# ESP interoperability with Scapy's IPsec layer (an independent
# implementation): tests/interop/esp_scapy.py drives our esp_tool both
# ways for every algorithm both support.  Debian's python3-scapy is
# installed for /usr/bin/python3, which need not be the python3 on PATH.
# The last line is "N passed, N failed".
BUILD=${BUILD:-build}
cd "$(dirname "$0")/../.." || exit 2
tool=$BUILD/tests/progbin/esp_tool
if [ ! -x "$tool" ]; then
	echo "no $tool: build first"
	echo "0 passed, 1 failed"
	exit 1
fi
if ! /usr/bin/python3 -c 'import scapy.layers.ipsec' 2>/dev/null; then
	echo "/usr/bin/python3 has no scapy: make deps (python3-scapy)"
	echo "0 passed, 1 failed"
	exit 1
fi
exec timeout 300 /usr/bin/python3 tests/interop/esp_scapy.py "$tool"
