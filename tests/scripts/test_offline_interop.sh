#!/bin/sh
# Offline-mode interoperability: sockmgr -f -r -w against Scapy's IPsec
# layer and tshark's ESP dissector (tests/interop/offline_scapy.py).
exec "$(dirname "$0")/../interop/offline_run.sh" offline_scapy tshark
