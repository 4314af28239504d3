#!/bin/sh
# Offline-mode cases from the issue 5 acceptance audit: capture time
# drives SA lifetimes and reassembly timeouts, and a replay window too
# large for the transform is refused at ADD
# (tests/interop/offline_audit.py).
exec "$(dirname "$0")/../interop/offline_run.sh" offline_audit
