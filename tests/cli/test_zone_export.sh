#!/bin/bash
# backupmxctl zone export DOMAIN: the RFC 1035 master file of a managed
# zone on stdout (exit 0), refused with one line on stderr for a domain
# that is not in any portfolio or whose zone is external (exit 1), bad
# usage (exit 2).  The zone follows "backupmx add/del" (provisioning),
# its serial grows on every change, kzonecheck finds it clean, and IDN
# zones are written as A-labels.
set -u
cd "$(dirname "$0")/../.."
. tests/lib.sh
T=$(mktemp -d /tmp/bmx-zctl.XXXXXX)
trap 'rm -rf "$T"' EXIT
CONF=$T/backupmx.conf
cat >"$CONF" <<EOF2
db = $T/backupmx.db
spool_dir = $T/spool
mx_names = mx.ours.example mx2.ours.example
zone_nameservers = ns1.ours.example ns2.ours.example
zone_hostmaster = hostmaster.ours.example
EOF2
CTL="$BMX_BUILD/backupmxctl -c $CONF"

expect() {	# STATUS "description" args...
	local want=$1 what=$2 rc lines
	shift 2
	$CTL "$@" >"$T/out" 2>"$T/err" </dev/null
	rc=$?
	lines=$(wc -l <"$T/err")
	if [ "$rc" -ne "$want" ]; then
		not_ok "$what: exit $rc, want $want ($(head -c 200 "$T/err"))"
	elif [ "$want" -eq 1 ] && [ "$lines" -ne 1 ]; then
		not_ok "$what: $lines lines on stderr, want one reason"
	elif [ "$want" -eq 0 ] && [ -s "$T/err" ]; then
		not_ok "$what: stderr not empty: $(head -c 200 "$T/err")"
	else
		ok "$what"
	fi
}
serial() { sed -n 's/^@	3600	IN	SOA	[^ ]* [^ ]* \([0-9]*\) .*/\1/p' "$T/out"; }

$CTL init >/dev/null
echo 'customer password' | $CTL user add cust --password-stdin >/dev/null
$CTL domain add shop.example --owner cust >/dev/null
$CTL domain add bücher.example --owner cust >/dev/null
$CTL domain add ext.example --owner cust --external >/dev/null

expect 0 "zone export of a managed zone" zone export shop.example
grep -q '^\$ORIGIN shop.example.$' "$T/out" && ok "... \$ORIGIN" || not_ok "origin"
grep -q '^@	3600	IN	SOA	ns1.ours.example. hostmaster.ours.example. 1 ' "$T/out" &&
    ok "... SOA from zone_nameservers/zone_hostmaster, serial 1 before any change" || not_ok "SOA: $(grep SOA "$T/out")"
[ "$(grep -c '	NS	' "$T/out")" = 2 ] && ok "... both NS records" || not_ok "NS"
s0=$(serial)
expect 0 "backupmx add" backupmx add shop.example
expect 0 "zone export after activation" zone export shop.example
grep -q '^@	3600	IN	MX	20 mx.ours.example.$' "$T/out" &&
    grep -q '^@	3600	IN	MX	30 mx2.ours.example.$' "$T/out" &&
    ok "... the provisioned MX records" || not_ok "MX: $(grep MX "$T/out")"
s1=$(serial)
[ "$s1" -gt "$s0" ] && ok "... the serial grew ($s0 -> $s1)" || not_ok "serial $s0 -> $s1"
kzonecheck -o shop.example "$T/out" >"$T/kz" 2>&1 && ok "kzonecheck: clean" ||
    not_ok "kzonecheck: $(head -3 "$T/kz")"
expect 0 "backupmx del" backupmx del shop.example
expect 0 "zone export after deactivation" zone export shop.example
! grep -q '	MX	' "$T/out" && ok "... the provisioned records are gone" || not_ok "MX left"
[ "$(serial)" -gt "$s1" ] && ok "... the serial grew again" || not_ok "serial"
expect 0 "an IDN zone, given in Unicode" zone export bücher.example
grep -q '^\$ORIGIN xn--bcher-kva.example.$' "$T/out" && ok "... written as its A-label" || not_ok "IDN"
expect 0 "the same zone by its A-label" zone export XN--BCHER-KVA.example
expect 1 "an external domain: refused" zone export ext.example
grep -q 'not managed here' "$T/err" && ok "... saying why" || not_ok "reason: $(cat "$T/err")"
expect 1 "a domain in no portfolio: refused" zone export nope.example
expect 1 "not a domain name: refused" zone export 'bad..example'
expect 2 "no domain: usage" zone export
expect 2 "two domains: usage" zone export a.example b.example
expect 2 "an option: usage" zone export --json
finish
