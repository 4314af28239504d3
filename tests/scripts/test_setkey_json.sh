#!/usr/bin/env bash
# setkey -j -D and -j -DP against a running sockmgr: the JSON parses
# (python3's json), is [] for empty databases, and says what the
# ipsec-tools text of -D and -DP says about every SA and policy (addresses,
# SPI, mode, algorithms and keys, state, selectors, direction, action,
# requests); -j with anything but -D is a usage error.
set -u
cd "$(dirname "$0")/../.." || exit 2
. tests/scripts/setkey_lib.sh
PY=/usr/bin/python3

[ "$("$SETKEY" -j -D)" = "[]" ] && ok || ko "empty SAD"
[ "$("$SETKEY" -j -DP)" = "[]" ] && ok || ko "empty SPD"
"$SETKEY" -j -F >/dev/null 2>&1; [ $? = 64 ] && ok || ko "-j -F usage"
"$SETKEY" -j -D -l >/dev/null 2>&1; [ $? = 64 ] && ok || ko "-j -D -l usage"

"$SETKEY" -c >/dev/null <<'CONF' && ok || ko "script"
add 10.1.0.1 10.1.0.2 esp 0x100 -m tunnel -E aes-gcm-16 0x0102030405060708090a0b0c0d0e0f1011121314 -lh 100 -ls 80;
add 10.1.0.2 10.1.0.1 esp 0x101 -E aes-cbc 0x00112233445566778899aabbccddeeff -A hmac-sha256 0x000102030405060708090a0b0c0d0e0f101112131415161718191a1b1c1d1e1f;
add fd00::1 fd00::2 ah 0x102 -A hmac-sha1 0x0102030405060708090a0b0c0d0e0f1011121314;
add 10.1.0.1 10.1.0.3 ipcomp 0x103 -C deflate;
spdadd 10.1.0.0/24 10.2.0.0/24[80] tcp -P out ipsec esp/tunnel/192.0.2.1-192.0.2.2/require ah/transport//use;
spdadd fd00::/64 fd01::1 any -P in discard;
spdadd 10.3.0.1 10.3.0.2 any -P out ipsec esp/transport//unique:7;
CONF
"$SETKEY" -D > "$tmp/sad.txt"
"$SETKEY" -j -D > "$tmp/sad.json"
"$SETKEY" -DP > "$tmp/spd.txt"
"$SETKEY" -j -DP > "$tmp/spd.json"
$PY - "$tmp" <<'PYEOF' && ok || ko "JSON against the text"
import json, re, sys
d = sys.argv[1]
sad = json.load(open(d + "/sad.json"))
spd = json.load(open(d + "/spd.json"))
assert len(sad) == 4 and len(spd) == 3, (len(sad), len(spd))
text = open(d + "/sad.txt").read()
# One text record per SA: "src dst \n\tproto mode=M spi=N(0x...) ...";
# IPComp's "C: deflate " runs into "seq=" as in ipsec-tools.
recs = re.findall(r"^(\S+) (\S+) \n\t(\S+) mode=(\S+) spi=(\d+)\(.*?\n"
                  r"((?:\t[EA]: .*\n)*)\t(?:C: \S+ \t)?seq=0x[0-9a-f]+ replay=(\d+) "
                  r"flags=0x([0-9a-f]+) state=(\S+)", text, re.M)
assert len(recs) == 4, recs
for (src, dst, proto, mode, spi, keys, replay, flags, state), j in \
        zip(recs, sad):
    assert j["src"]["address"] == src and j["dst"]["address"] == dst
    assert j["satype"] == proto and j["mode"] == mode, (j, proto, mode)
    assert j["spi"] == int(spi) and j["state"] == state
    assert j["replay"] == int(replay) and j["flags"] == int(flags, 16)
    for tag, field in (("E", "enc"), ("A", "auth")):
        m = re.search(r"\t%s: \S+  ([0-9a-f ]+)\n" % tag, keys)
        if m:
            assert j[field]["key"] == m.group(1).replace(" ", ""), j
        else:
            assert field not in j or "key" not in j[field], j
    if proto == "ipcomp":
        assert j["comp"]["algorithm"] == "deflate"
gcm = [j for j in sad if j["spi"] == 0x100][0]
assert gcm["hard"]["addtime"] == 100 and gcm["soft"]["addtime"] == 80
assert gcm["enc"]["algorithm"] == "aes-gcm-16" and gcm["enc"]["bits"] == 160

text = open(d + "/spd.txt").read()
heads = re.findall(r"^(\S+) (\S+) (\S+)\n\t(\S+) (\S+)\n", text, re.M)
assert len(heads) == 3, heads
for (src, dst, ulp, dirn, action), j in zip(heads, spd):
    a = j["src"]["address"] + ("" if j["src"]["prefixlen"] in (32, 128)
                               else "/%d" % j["src"]["prefixlen"])
    assert src.startswith(a + "["), (src, a)
    assert j["dir"] == dirn and j["action"] == action, (j, dirn, action)
out = [j for j in spd if j["dst"]["port"] == 80][0]
assert out["upperspec"] == 6
r = out["requests"]
assert [(x["proto"], x["mode"], x["level"]) for x in r] == \
    [("esp", "tunnel", "require"), ("ah", "transport", "use")], r
assert r[0]["src"]["address"] == "192.0.2.1" and "src" not in r[1]
uniq = [j for j in spd if j["dst"]["address"] == "10.3.0.2"][0]
assert uniq["requests"][0]["level"] == "unique"
assert uniq["requests"][0]["reqid"] == 7
PYEOF

echo "$pass passed, $fail failed"
[ "$fail" = 0 ]
