#!/bin/bash
# relay/dns.c against a real DNS server: Knot DNS on a free loopback port
# (127.0.0.1 and, when the machine has it, ::1) serves
#
#   test.example    tests/relay/dns_test.zone (MX cut, loop, implicit MX,
#                   null MX, CNAMEs, a 30-record answer that needs TCP, ...)
#   broken.example  tests/relay/dns_broken.zone, which cannot load: SERVFAIL
#   anything else   not ours: REFUSED
#
# First dig checks that the server answers what the zone says (so a broken
# server cannot make the rest vacuous), then the Check suite
# $BMX_BUILD/tests/test_dns runs with BMX_TEST_DNS=127.0.0.1:PORT (and
# BMX_TEST_DNS6=[::1]:PORT); each of its tests becomes one ok / not ok line.
# The server is stopped on exit, by its pid.
set -u
cd "$(dirname "$0")/../.."
. tests/lib.sh
SUITE=$BMX_BUILD/tests/test_dns
ZONE=tests/relay/dns_test.zone
BROKEN=tests/relay/dns_broken.zone

T=$(mktemp -d /tmp/bmx-dns.XXXXXX)
knot_pid=
cleanup() {
	if [ -n "$knot_pid" ]; then
		kill "$knot_pid" 2>/dev/null
		wait "$knot_pid" 2>/dev/null
	fi
	rm -rf "$T"
}
trap cleanup EXIT

# ::1 is optional: without it the IPv6 resolver case is not run (said
# below, not counted as a pass).
have6=0
grep -q ' lo$' /proc/net/if_inet6 2>/dev/null && have6=1

write_conf() {	# port
	local listen="127.0.0.1@$1"
	[ "$have6" = 1 ] && listen="[ 127.0.0.1@$1, ::1@$1 ]"
	cat >"$T/knot.conf" <<EOF
server:
    rundir: $T
    listen: $listen
log:
  - target: $T/knot.log
    any: info
database:
    storage: $T/db
template:
  - id: default
    storage: $T
    zonefile-sync: -1
    zonefile-load: whole
    journal-content: none
zone:
  - domain: test.example
    file: $PWD/$ZONE
  - domain: broken.example
    file: $PWD/$BROKEN
EOF
}

soa_answers() {
	dig +time=1 +tries=1 @127.0.0.1 -p "$PORT" test.example SOA \
	    2>/dev/null | grep -q 'status: NOERROR'
}

# A free port can be taken between the check and the bind: try three.
start_knot() {
	local try
	for try in 1 2 3; do
		PORT=$(free_port)
		write_conf "$PORT"
		knotd -c "$T/knot.conf" >"$T/knotd.out" 2>&1 &
		knot_pid=$!
		wait_for 10 soa_answers && return 0
		kill "$knot_pid" 2>/dev/null
		wait "$knot_pid" 2>/dev/null
		knot_pid=
	done
	return 1
}

if ! command -v knotd >/dev/null || ! command -v dig >/dev/null; then
	not_ok "knotd and dig installed (make deps)"
	finish
fi
if ! start_knot; then
	not_ok "knotd serves test.example on a loopback port"
	sed 's/^/# /' "$T/knot.log" "$T/knotd.out" 2>/dev/null | tail -n 20
	finish
fi
ok "knotd serves test.example on 127.0.0.1:$PORT"

# ---- the server answers what the zone says ---------------------------

q() { dig +time=2 +tries=1 @127.0.0.1 -p "$PORT" "$@" 2>&1; }
status_is() {	# want name type
	q "$2" "$3" | grep -q "status: $1,"
}
short_is() {	# want name type: the sorted +short answer, one line each
	[ "$(q +short "$2" "$3" | sort | tr '\n' ' ')" = "$1" ]
}
nodata() {	# name type: NOERROR and no record
	status_is NOERROR "$1" "$2" && short_is "" "$1" "$2"
}

check "dig: good MX is 10 mail1, 20 mail2, 20 mx.ours, 30 mx2.ours" \
    short_is "10 mail1.test.example. 20 mail2.test.example. \
20 mx.ours.example. 30 mx2.ours.example. " good.test.example MX
check "dig: loop MX is 10 mx.ours, 20 mail1" \
    short_is "10 mx.ours.example. 20 mail1.test.example. " loop.test.example MX
check "dig: nomx has an A record and no MX (NOERROR)" \
    nodata nomx.test.example MX
check "dig: nomx A is 127.0.0.4" short_is "127.0.0.4 " nomx.test.example A
check "dig: nullmx MX is 0 ." short_is "0 . " nullmx.test.example MX
check "dig: mail1 A is 127.0.0.2" short_is "127.0.0.2 " mail1.test.example A
check "dig: mail1 AAAA is ::1" short_is "::1 " mail1.test.example AAAA
check "dig: noaddr has no A (NOERROR)" nodata noaddr.test.example A
check "dig: alias is a CNAME for good" \
    short_is "good.test.example. " alias.test.example CNAME
check "dig: nope.test.example is NXDOMAIN" \
    status_is NXDOMAIN nope.test.example MX
check "dig: x.broken.example is SERVFAIL" \
    status_is SERVFAIL x.broken.example MX
check "dig: x.other.example is REFUSED" \
    status_is REFUSED x.other.example MX
check "dig: big MX over UDP without EDNS is truncated" \
    bash -c "dig +noedns +ignore +time=2 +tries=1 @127.0.0.1 -p $PORT \
	big.test.example MX | grep -q 'flags:.* tc'"
check "dig: big MX over TCP has 30 records" \
    bash -c "[ \"\$(dig +tcp +short @127.0.0.1 -p $PORT big.test.example MX |
	wc -l)\" = 30 ]"
if [ "$have6" = 1 ]; then
	check "dig: the server answers on [::1]:$PORT" \
	    bash -c "dig +short @::1 -p $PORT mail1.test.example A |
		grep -qx 127.0.0.2"
fi

# ---- the Check suite, one line per test ------------------------------

if [ ! -x "$SUITE" ]; then
	not_ok "$SUITE built (make unit)"
	finish
fi
export BMX_TEST_DNS=127.0.0.1:$PORT
if [ "$have6" = 1 ]; then
	export BMX_TEST_DNS6="[::1]:$PORT"
else
	echo "# no ::1 on this machine: the IPv6 resolver case is not run"
fi
CK_VERBOSITY=verbose CK_DEFAULT_TIMEOUT=60 "$SUITE" >"$T/suite.out" 2>&1
rc=$?
# file:line:P|F|E:tcase:test:iteration: message
pat='^[^:]*:[0-9]*:\([PFE]\):\([^:]*\):\([^:]*\):\([0-9]*\): \(.*\)$'
sed -n "s/$pat/\\1 \\2 \\3 \\4 \\5/p" "$T/suite.out" >"$T/results"
while read -r res tcase test iter msg; do
	if [ "$res" = P ]; then
		ok "test_dns: $tcase/$test[$iter]"
	else
		not_ok "test_dns: $tcase/$test[$iter]: $msg"
	fi
done <"$T/results"
pat='.*Checks: \([0-9]*\), Failures: \([0-9]*\), Errors: \([0-9]*\).*'
summary=$(sed -n "s/$pat/\\1 \\2 \\3/p" "$T/suite.out" | tail -n 1)
read -r checks fails errors <<<"${summary:-x x x}"
check "test_dns finished with a summary and status 0 (status $rc)" \
    test -n "$summary" -a "$rc" = 0 -a "$fails" = 0 -a "$errors" = 0
check "test_dns: every test reported ($checks in the summary)" \
    test "$(wc -l <"$T/results")" = "$checks"
check "test_dns ran its live tests against the server" \
    grep -q '^P live_' "$T/results"
if [ "$TEST_FAILED" != 0 ]; then
	sed 's/^/# /' "$T/suite.out" | grep -v ':P:' | tail -n 40
fi
finish
