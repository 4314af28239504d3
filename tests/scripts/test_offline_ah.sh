#!/bin/sh
# AH through offline mode against Scapy's AH, Python's hmac/hashlib
# (RFC 1826 ah-old) and tshark's AH dissector (tests/interop/offline_ah.py).
exec "$(dirname "$0")/../interop/offline_run.sh" offline_ah tshark
