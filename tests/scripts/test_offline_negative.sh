#!/bin/sh
# Offline-mode negative cases: tampered, replayed, unknown-SPI, badly
# padded and truncated ESP, clear packets under require, the MTU cases
# and foreign addresses, each dropped or answered with the expected
# counter (tests/interop/offline_negative.py).
exec "$(dirname "$0")/../interop/offline_run.sh" offline_negative
