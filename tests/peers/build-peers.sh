#!/usr/bin/env bash
# Builds the real PF_KEY peers the IKE tests drive, once per output tree:
# ipsec-tools (racoon, setkey) and strongSwan (charon with kernel-pfkey,
# swanctl), unmodified, from the archives in PEERS_DIR.  They are test
# peers, never part of the product; nothing here patches them.
#
#   build-peers.sh [OUT [SUITE...]]
#
# OUT defaults to $PEERS_OUT, then build/peers; SUITE is ipsec-tools or
# strongswan, both when none is named.
#
# Each suite is installed under OUT/<name> and marked done with
# OUT/<name>.done only after "make install" succeeded, so an interrupted
# build starts over instead of leaving half a tree that looks finished.
# Exit status: 0 built (or already built), 77 archives absent (the caller
# prints "skipped: peers not found"), 1 a build failed (its log is in
# OUT/<name>.log).
set -u
cd "$(dirname "$0")/../.." || exit 1
ROOT=$PWD
PEERS_DIR=${PEERS_DIR:-$ROOT/../shared/peers}
OUT=${1:-${PEERS_OUT:-build/peers}}
JOBS=${JOBS:-2}
IT=ipsec-tools-0.9.1
SW=strongswan-5.9.8

mkdir -p "$OUT" || exit 1
OUT=$(cd "$OUT" && pwd)

peers_present()
{
	[ -f "$PEERS_DIR/$IT.tar.gz" ] && [ -f "$PEERS_DIR/$SW.tar.gz" ]
}

# Unpacks archive $1 into a fresh OUT/src/$2 and prints that path.
unpack()
{
	local name=$1 src=$OUT/src/$2

	rm -rf "$src" && mkdir -p "$src" || return 1
	tar -xzf "$PEERS_DIR/$name.tar.gz" -C "$src" --strip-components=1 ||
	    return 1
	echo "$src"
}

# Its configure looks for flex's yywrap library (libfl-dev); without it,
# it takes no lexer at all and the build fails on policy_token.c.
build_ipsec_tools()
{
	local p=$OUT/ipsec-tools src

	src=$(unpack $IT ipsec-tools) || return 1
	cd "$src" || return 1
	./bootstrap &&
	./configure --prefix="$p" --sysconfdir="$p/etc" \
	    --localstatedir="$p/var" --enable-ipv6 \
	    --disable-security-context --enable-dpd --enable-frag \
	    --enable-natt --enable-hybrid=no --with-readline=no &&
	make -j"$JOBS" && make install
}

# charon without the plugins the tests do not use; kernel-pfkey carries the
# IPsec state, kernel-netlink still serves addresses and routes.  Its pid
# directory is in the tree (a test binds a private one over it for each
# charon), not the host's /run.
build_strongswan()
{
	local p=$OUT/strongswan src

	src=$(unpack $SW strongswan) || return 1
	cd "$src" || return 1
	./autogen.sh &&
	./configure --prefix="$p" --sysconfdir="$p/etc" \
	    --enable-kernel-pfkey --enable-kernel-netlink --enable-openssl \
	    --with-piddir="$p/var/run" \
	    --enable-swanctl --enable-vici --disable-stroke \
	    --disable-scepclient --disable-pki --disable-gmp \
	    --disable-charon-systemd --disable-systemd --disable-updown \
	    --disable-resolve --disable-attr --disable-xauth-generic \
	    --disable-eap-identity --disable-eap-md5 --disable-eap-mschapv2 \
	    --disable-eap-tls --disable-ldap --disable-curl --disable-des \
	    --disable-rc2 --disable-md5 --disable-dnskey --disable-sshkey \
	    --disable-pgp --disable-revocation --disable-constraints \
	    --disable-xcbc --disable-cmac --disable-fips-prf \
	    --disable-static --enable-shared &&
	make -j"$JOBS" && make install && mkdir -p "$p/var/run"
}

# Builds suite $1 with function $2 unless already done; times it.  One
# builder per suite and tree: two test scripts may start together, and
# one needing only ipsec-tools must not wait for strongSwan.
build_one()
{
	local name=$1 fn=$2 t0 rc

	exec 9>"$OUT/$name.lock" && flock 9 || return 1
	[ -f "$OUT/$name.done" ] && return 0
	echo "building $name into $OUT/$name (log $OUT/$name.log)"
	rm -rf "${OUT:?}/$name"
	t0=$(date +%s)
	( $fn ) >"$OUT/$name.log" 2>&1
	rc=$?
	if [ $rc != 0 ]; then
		tail -n 30 "$OUT/$name.log"
		echo "$name: build failed (rc $rc)"
		return 1
	fi
	echo "$name: built in $(( $(date +%s) - t0 )) s" |
	    tee "$OUT/$name.done"
	rm -rf "${OUT:?}/src/$name"
}

if ! peers_present; then
	echo "skipped: peers not found in $PEERS_DIR"
	exit 77
fi
shift $(($# > 0))
[ $# = 0 ] && set -- ipsec-tools strongswan
for s in "$@"; do
	case $s in
	ipsec-tools)	build_one ipsec-tools build_ipsec_tools || exit 1 ;;
	strongswan)	build_one strongswan build_strongswan || exit 1 ;;
	*)		echo "unknown suite: $s" >&2; exit 1 ;;
	esac
done
exit 0
