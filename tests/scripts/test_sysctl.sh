#!/usr/bin/env bash
# sysctl(8) against a running sockmgr: every form (name, prefix, -a, -n,
# -d, -w, name=value, -f), both net.key spellings, and each error BSD
# sysctl gives (unknown oid, invalid integer, out of range, read only,
# permission) with a non-zero exit and no variable changed; names outside
# the MIB answered by the system's procps sysctl.
set -u
cd "$(dirname "$0")/../.." || exit 2
. tests/scripts/setkey_lib.sh
SYSCTL=$BUILD/sbin/sysctl
for _ in $(seq 50); do
	[ -S "$tmp/s/ctl" ] && break
	sleep 0.1
done

# expect NAME STATUS EXPECTED-OUTPUT -- COMMAND...: stdout+stderr and exit.
expect() {
	local what=$1 want_rc=$2 want=$3 out rc
	shift 4
	out=$("$@" 2>&1)
	rc=$?
	if [ "$rc" = "$want_rc" ] && [ "$out" = "$want" ]; then
		ok
	else
		ko "$what: rc $rc, got [$out], want [$want]"
	fi
}

expect "read" 0 "net.inet.ipsec.dfbit: 0" -- "$SYSCTL" net.inet.ipsec.dfbit
expect "-n" 0 "1000" -- "$SYSCTL" -n net.key.spi_trycnt
expect "NetBSD spelling" 0 "net.key.spi_try: 1000" -- \
    "$SYSCTL" net.key.spi_try
expect "-d" 0 "net.inet.ipsec.def_policy: Policy when no SP matches: 0 discard, 1 none (bypass)" -- \
    "$SYSCTL" -d net.inet.ipsec.def_policy
n=$("$SYSCTL" net.inet6.ipsec6 | wc -l)
[ "$n" = 8 ] && ok || ko "prefix net.inet6.ipsec6: $n lines"
"$SYSCTL" net.inet6.ipsec6 | grep -q '^net.inet6.ipsec6.esp_randpad: -1$' &&
    ok || ko "prefix lists esp_randpad"
# -a: every integer node of ours, then the system's own.
"$SYSCTL" -a > "$tmp/all" 2>&1
for v in net.inet.ipsec.ah_cleartos net.inet.esp.esp_enable \
    net.key.blockacq_lifetime net.key.recvspace; do
	grep -q "^$v: " "$tmp/all" && ok || ko "-a lists $v"
done
grep -q "^kernel.ostype = Linux$" "$tmp/all" && ok || ko "-a runs procps -a"

# The seed's table, as its users wrote it: each read, and written back.
for v in net.inet.ipsec.ah_cleartos=1 net.inet.ipsec.ah_offsetmask=0 \
    net.inet.ipsec.dfbit=0 net.inet.ipsec.ecn=0 net.inet.ipsec.debug=0 \
    net.inet6.ipsec6.ecn=0 net.inet6.ipsec6.debug=0 \
    net.inet6.ipsec6.def_policy=1 net.inet.ah.ah_cleartos=1; do
	expect "seed table: ${v%=*}" 0 "${v%=*}: ${v#*=}" -- \
	    "$SYSCTL" "${v%=*}"
	expect "seed table: $v" 0 "${v%=*}: ${v#*=} -> ${v#*=}" -- \
	    "$SYSCTL" -w "$v"
done

# Every node the MIB lists can be read back by name, with its -d text.
for v in $("$SYSCTL" -a 2>/dev/null | sed -n 's/^\(net\.[a-z0-9_.]*\): .*/\1/p'); do
	"$SYSCTL" -n "$v" | grep -qE '^-?[0-9]+$' &&
	    [ -n "$("$SYSCTL" -d "$v" | sed 's/^[^:]*: //')" ] && ok ||
	    ko "read back $v"
done

# Writes, both forms and both spellings.
expect "-w" 0 "net.inet.ipsec.dfbit: 0 -> 2" -- \
    "$SYSCTL" -w net.inet.ipsec.dfbit=2
expect "name=value" 0 "net.key.prefered_oldsa: 1 -> 0
net.key.spi_min_value: 256 -> 4096" -- \
    "$SYSCTL" net.key.prefered_oldsa=0 net.key.spi_min_value=0x1000
expect "other spelling sees it" 0 "0" -- \
    "$SYSCTL" -n net.key.preferred_oldsa

# Errors: nothing of the same invocation is changed.
expect "unknown oid" 1 "sysctl: unknown oid 'net.inet.ipsec.bogus'" -- \
    "$SYSCTL" net.inet.ipsec.dfbit=1 net.inet.ipsec.bogus=1
expect "out of range" 1 "sysctl: net.inet.ipsec.def_policy=2: Invalid argument" -- \
    "$SYSCTL" net.inet.ipsec.dfbit=1 net.inet.ipsec.def_policy=2
expect "invalid integer" 1 "sysctl: invalid integer 'one'" -- \
    "$SYSCTL" -w net.inet.ipsec.dfbit=1 net.inet.ipsec.ecn=one
expect "read only" 1 "sysctl: oid 'net.inet.esp.stats' is read only" -- \
    "$SYSCTL" net.inet.ipsec.dfbit=1 net.inet.esp.stats=0
expect "unknown read" 1 "sysctl: unknown oid 'net.key.nothing'" -- \
    "$SYSCTL" net.key.nothing
expect "old values kept" 0 "2
1" -- "$SYSCTL" -n net.inet.ipsec.dfbit net.inet.ipsec.def_policy

# Not root: reads allowed once the directory lets the user in; writes
# and their errors refused by the socket manager (SO_PEERCRED).
chmod 0755 "$tmp" "$tmp/s"
NOBODY="setpriv --reuid 65534 --regid 65534 --clear-groups"
expect "nobody reads" 0 "net.inet.ipsec.dfbit: 2" -- \
    env SOCK="$tmp/s" $NOBODY "$SYSCTL" net.inet.ipsec.dfbit
expect "nobody writes" 1 "sysctl: net.inet.ipsec.dfbit=0: Operation not permitted" -- \
    env SOCK="$tmp/s" $NOBODY "$SYSCTL" net.inet.ipsec.dfbit=0
expect "still 2" 0 "2" -- "$SYSCTL" -n net.inet.ipsec.dfbit

# -f: comments, blank lines, blanks around '='; one bad line changes
# nothing and names its line.
cat > "$tmp/conf" <<'CONF'
# boot-time settings, as in /etc/sysctl.conf
net.inet.ipsec.def_policy=0

  net.inet6.ipsec6.esp_randpad = 64   # pad IPv6 ESP
net.key.blockacq_count=3
CONF
expect "-f" 0 "net.inet.ipsec.def_policy: 1 -> 0
net.inet6.ipsec6.esp_randpad: -1 -> 64
net.key.blockacq_count: 10 -> 3" -- "$SYSCTL" -f "$tmp/conf"
printf 'net.inet.ipsec.ecn=1\nnet.inet.ipsec.ecm=1\n' > "$tmp/bad"
expect "-f bad line" 1 "sysctl: unknown oid 'net.inet.ipsec.ecm' at line 2" -- \
    "$SYSCTL" -f "$tmp/bad"
printf 'net.inet.ipsec.ecn=1\njunk\n' > "$tmp/bad"
expect "-f syntax" 1 "sysctl: $tmp/bad: line 2: expected name=value, got 'junk'" -- \
    "$SYSCTL" -f "$tmp/bad"
expect "ecn unchanged" 0 "0" -- "$SYSCTL" -n net.inet.ipsec.ecn

# Outside our MIB: procps answers, and its errors are its own.
expect "procps" 0 "Linux" -- "$SYSCTL" -n kernel.ostype
"$SYSCTL" no.such.name >/dev/null 2>&1 && ko "procps unknown" || ok
# Statistics read through sysctl, one line per counter.
"$SYSCTL" net.key.stats | grep -q '^net.key.stats.out_total: [0-9]*$' &&
    ok || ko "net.key.stats"
# No socket manager: our names fail, with the path.
SOCK=/nonexistent "$SYSCTL" net.key.debug > "$tmp/o" 2>&1 &&
    ko "no sockmgr" || grep -q '/nonexistent/ctl' "$tmp/o" && ok ||
    ko "no sockmgr message: $(cat "$tmp/o")"

echo "$pass passed, $fail failed"
[ "$fail" = 0 ]
