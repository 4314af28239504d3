#!/bin/sh
# Source-routed IPv4 is dropped and counted by default, end to end in
# offline mode (tests/interop/offline_srcroute.py).
exec "$(dirname "$0")/../interop/offline_run.sh" offline_srcroute
