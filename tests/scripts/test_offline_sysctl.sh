#!/bin/sh
# The MIB's variables seen on packets in offline mode (def_policy, dfbit,
# ecn, esp_randpad, refusals) and netstat after a known run served with
# sockmgr -k (tests/interop/offline_sysctl.py).
exec "$(dirname "$0")/../interop/offline_run.sh" offline_sysctl
