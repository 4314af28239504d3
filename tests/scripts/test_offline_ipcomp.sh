#!/bin/sh
# Offline-mode IPComp against Python's zlib (raw deflate, window bits -12)
# with the IPComp header built by hand, both directions, transport and
# tunnel, IPv4 and IPv6, well-known and raw CPIs; the negative cases with
# their counters; tshark decodes our headers
# (tests/interop/offline_ipcomp.py).
exec "$(dirname "$0")/../interop/offline_run.sh" offline_ipcomp tshark
