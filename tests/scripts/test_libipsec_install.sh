#!/usr/bin/env bash
# libipsec as a user gets it: `make install` into a temporary prefix, a
# client built with nothing but `pkg-config ipsec` against that prefix
# (shared and static), nm checks that the installed library exports the
# client API of libipsec.map and nothing else (no key_*, crypto_*,
# setkey_* or pfkeystat), the soname, and the client's run against a
# socket manager, setsockopt(IP_IPSEC_POLICY) through the library
# included.
set -u
cd "$(dirname "$0")/../.." || exit 2
. tests/scripts/setkey_lib.sh

# A sanitized build is installed with the flags it was built with, so
# that whatever make rebuilds matches the rest (make asan's flags).
prefix=$tmp/prefix
flags=()
nm "$BUILD/sbin/sockmgr" 2>/dev/null | grep -q __asan_init &&
    flags=(EXTRA_CFLAGS="-fsanitize=address,undefined -fno-omit-frame-pointer -fno-sanitize-recover=undefined" CFLAGS="-O1 -g")
make -s --no-print-directory BUILD="$BUILD" PREFIX="$prefix" "${flags[@]}" \
    install >"$tmp/install.log" 2>&1 ||
    { cat "$tmp/install.log"; ko "make install"; }
lib=$prefix/lib
export PKG_CONFIG_PATH=$lib/pkgconfig

# The API names, as the version script lists them.
sed -n '/^global:/,/^local:/s/^\t\([a-z0-9_]*\);$/\1/p' \
    lib/libipsec/libipsec.map | sort >"$tmp/api"
[ "$(wc -l <"$tmp/api")" -ge 60 ] && ok || ko "API list too short"

nm -D --defined-only "$lib/libipsec.so" | awk '$3 != "LIBIPSEC_0" {print $3}' |
    sed 's/@.*//' | sort >"$tmp/so.syms"
if cmp -s "$tmp/api" "$tmp/so.syms"; then ok; else
	diff "$tmp/api" "$tmp/so.syms" | head; ko "libipsec.so exports"; fi
nm -g --defined-only "$lib/libipsec.a" | awk 'NF == 3 {print $3}' | sort \
    >"$tmp/a.syms"
if cmp -s "$tmp/api" "$tmp/a.syms"; then ok; else
	diff "$tmp/api" "$tmp/a.syms" | head; ko "libipsec.a globals"; fi
grep -qE '^(key|crypto|setkey)_|^pfkeystat$' "$tmp/so.syms" "$tmp/a.syms" &&
    ko "engine symbols exported" || ok

soname=$(readelf -d "$lib/libipsec.so" | sed -n 's/.*SONAME.*\[\(.*\)\]/\1/p')
[ "$soname" = libipsec.so.0 ] && ok || ko "soname '$soname'"
[ "$(readlink "$lib/libipsec.so")" = libipsec.so.0 ] &&
    [ -f "$lib/libipsec.so.0.1" ] && ok || ko "library links"

# Sanitized builds need the client linked with the same runtime.
san=
nm -D "$lib/libipsec.so" | grep -q __asan_ &&
    san="-fsanitize=address,undefined"
cc $san -Wall -Wextra -Werror $(pkg-config --cflags ipsec) \
    -o "$tmp/consumer" tests/install/consumer.c $(pkg-config --libs ipsec) \
    -Wl,-rpath,"$lib" 2>"$tmp/cc.log" && ok || { cat "$tmp/cc.log"; ko "cc shared"; }
cc $san -Wall -Wextra -Werror $(pkg-config --cflags ipsec) \
    -o "$tmp/consumer.static" tests/install/consumer.c "$lib/libipsec.a" \
    $(pkg-config --libs-only-other --static ipsec | sed 's/-lipsec//') \
    -lcrypto -lz 2>"$tmp/cc2.log" && ok || { cat "$tmp/cc2.log"; ko "cc static"; }
ldd "$tmp/consumer" | grep -q "libipsec.so.0 => $lib/libipsec.so.0" &&
    ok || ko "consumer does not load the installed library"
ldd "$tmp/consumer.static" | grep -q libipsec && ko "static links .so" || ok

cat >"$tmp/expect" <<'EOT'
policy 16 in discard
policy 24 out ipsec esp/transport//require
policy 56 out ipsec esp/tunnel/10.1.1.2-10.1.1.1/use
policy 32 in ipsec ipcomp/transport//use esp/transport//use
policy 16 in bypass
policy 16 out entrust
error NULL: Invalid ipsec mode
check add/unspec -1: Invalid SA type
check add/esp 0: Success
buffer raised
spdadd: type 14 errno 0
align 0 check 0
migrate: type 24 errno 22
spddump: type 18 errno 0
10.0.0.1[any] 10.0.0.2[any] 255
	out ipsec
	esp/transport//require
setsockopt 0
getsockopt 0 in bypass
discard -1 Invalid argument
EOT
for c in consumer consumer.static; do
	"$tmp/$c" >"$tmp/$c.out" 2>&1
	grep -v -e '^	created:' -e '^	lifetime:' -e '^	spid=' \
	    -e '^	refcnt=' "$tmp/$c.out" >"$tmp/$c.head"
	if cmp -s "$tmp/expect" "$tmp/$c.head"; then ok; else
		diff "$tmp/expect" "$tmp/$c.head"; ko "$c output"; fi
	"$SETKEY" -FP >/dev/null 2>&1
done

echo "$pass passed, $fail failed"
