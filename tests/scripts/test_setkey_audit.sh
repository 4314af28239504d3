#!/usr/bin/env bash
# setkey(8) against a running sockmgr, checked line by line against what
# ipsec-tools' setkey prints: the -x monitor's timestamp and hex dump
# lines, and other output corners found by the acceptance audit.
set -u
cd "$(dirname "$0")/../.." || exit 2
. tests/scripts/setkey_lib.sh

# Run the monitor with flags $1 while another client adds SA $2.
monitor() {
	"$SETKEY" $1 > "$tmp/mon" 2>&1 &
	monitor_pid=$!
	sleep 0.3
	"$SETKEY" -e "add 10.8.0.1 10.8.0.2 esp $2 -E null;"
	sleep 0.3
	kill "$monitor_pid" 2>/dev/null
	wait "$monitor_pid" 2>/dev/null
	monitor_pid=
}

# -x: "HH:MM:SS.uuuuuu " with ipsec-tools' trailing blank; the bare
# answer to the monitor's own PROMISC toggle shows only its timestamp.
monitor -x 0x801
grep -Eq '^[0-9]{2}:[0-9]{2}:[0-9]{2}\.[0-9]{6} $' "$tmp/mon" && ok ||
    ko "-x timestamp: $(head -3 "$tmp/mon")"
awk '/^[0-9:.]+ $/ { if (prev) bare = 1; prev = 1; next } { prev = 0 }
    END { exit !bare }' "$tmp/mon" && ok || ko "-x: bare PROMISC not bare"
grep -q 'spi=2049' "$tmp/mon" && ok || ko "-x misses the ADD"

# -xx: raw seconds, same trailing blank.
monitor -xx 0x802
grep -Eq '^[0-9]+\.[0-9]{6} $' "$tmp/mon" && ok ||
    ko "-xx timestamp: $(head -3 "$tmp/mon")"

# -x -H: offset and sixteen bytes a line of the message as received (the
# PROMISC wrapper first: version 2, type 11).
monitor "-x -H" 0x803
grep -Eq '^00000000: 02 0b ([0-9a-f]{2} ){14}$' "$tmp/mon" && ok ||
    ko "-x -H dump: $(head -5 "$tmp/mon")"
grep -Eq '^00000010: ' "$tmp/mon" && ok || ko "-x -H second line"

# -f - reads the script from the standard input.
out=$(printf 'spdflush;\nget 10.9.0.1 10.9.0.2 esp 0x901;\n' |
    "$SETKEY" -f - 2>&1)
[ $? != 0 ] && [ "$out" = "The result of line 2: No entry." ] && ok ||
    ko "-f -: $out"

# -c on a terminal: a statement may span lines, several may share one,
# and what follows a line's last ';' waits for the next line.
if command -v script >/dev/null; then
	"$SETKEY" -F
	out=$( (printf 'add 10.9.1.1 # no ; here\n10.9.1.2 esp 0x911 -E null;'
	    printf ' add 10.9.1.1\n10.9.1.2 esp 0x912 -E null;\n\n'
	    printf 'get 10.9.1.1 10.9.1.2 esp 0x913;\nquit\n'; sleep 1) |
	    timeout 10 script -qec "$SETKEY -c" /dev/null 2>&1 | tr -d '\r')
	echo "$out" | grep -q '^The result of line 5: No entry.$' && ok ||
	    ko "-c lines: $out"
	[ "$("$SETKEY" -D | grep -c 'spi=232[12]')" = 2 ] && ok ||
	    ko "-c multi-line statements: $("$SETKEY" -D)"
fi

# -D -l on an empty SAD says so every second, as ipsec-tools does.
"$SETKEY" -F
timeout 1.5 "$SETKEY" -D -l > "$tmp/short"
head -2 "$tmp/short" | tail -1 | grep -qx 'No SAD entries.' && ok ||
    ko "-D -l empty: $(cat "$tmp/short")"

# -v: each message exchanged, then a blank line (request and reply).
"$SETKEY" -v -e 'spdflush;' > "$tmp/v"
[ "$(grep -c '^$' "$tmp/v")" = 2 ] && ok || ko "-v blank lines: $(cat "$tmp/v")"

echo "$pass passed, $fail failed"
[ "$fail" = 0 ]
