#!/bin/sh
# Frames the offline file reader skips (cut short, not IP, too big) are
# printed in the statistics (tests/interop/offline_skipped.py).
exec "$(dirname "$0")/../interop/offline_run.sh" offline_skipped
