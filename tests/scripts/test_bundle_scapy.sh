#!/bin/sh
# SA bundles (transport inside tunnel, tunnel inside tunnel, transport
# over a tunnel; AH and IPComp layers where they exist) through offline
# mode, layer by layer against Scapy and zlib
# (tests/interop/bundle_scapy.py).
exec "$(dirname "$0")/../interop/offline_run.sh" bundle_scapy
