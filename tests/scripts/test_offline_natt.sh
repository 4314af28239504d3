#!/bin/sh
# Offline-mode ESP in UDP (RFC 3948) against Scapy's UDP-encapsulated
# ESP, both directions, transport and tunnel, the NAT's port; IKE marker
# and keepalives delivered, ESP to a wrong port and a bad ICV dropped and
# counted (tests/interop/offline_natt.py).
exec "$(dirname "$0")/../interop/offline_run.sh" offline_natt
