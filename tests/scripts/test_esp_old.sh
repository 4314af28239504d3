#!/bin/sh
# RFC 1827 ESP (esp-old) with DES-CBC and 3DES-CBC through offline mode,
# against packets built and opened with python3-cryptography, and the
# SAs the ESP transform refuses at ADD (tests/interop/esp_old.py).
exec "$(dirname "$0")/../interop/offline_run.sh" esp_old
