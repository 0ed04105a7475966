#!/bin/bash
# Delivery by MX through a real DNS server: Knot serves a test zone on a
# free loopback port, the relay's dns_resolver points at it and its
# delivery_port at a fake primary.  Checks that mail goes to the host the
# MX record names, the implicit MX of a domain without MX, that a domain
# whose best MX is ours is deferred ("loops back to myself") and that a
# domain that does not exist is bounced with a DSN.
set -u
cd "$(dirname "$0")/../.."
. tests/lib.sh
PY=/usr/bin/python3
T=$(mktemp -d /tmp/bmx-mx.XXXXXX)
pids=()
cleanup() {
	for p in "${pids[@]}"; do kill "$p" 2>/dev/null; done
	wait 2>/dev/null
	rm -rf "$T"
}
trap cleanup EXIT

cat >"$T/mxt.zone" <<'EOF'
$ORIGIN mxt.example.
$TTL 60
@	SOA	ns hostmaster 1 3600 600 86400 60
@	NS	ns
ns	A	127.0.0.1
prim	A	127.0.0.1
good	MX	10 prim
good	MX	20 mx.ours.example.
good	MX	30 mx2.ours.example.
loop	MX	10 mx.ours.example.
loop	MX	20 prim
nomx	A	127.0.0.1
EOF
start_knot() {
	local try
	for try in 1 2 3; do
		DNS=$(free_port)
		cat >"$T/knot.conf" <<EOF
server:
    rundir: $T
    listen: 127.0.0.1@$DNS
log:
  - target: $T/knot.log
    any: info
database:
    storage: $T/kdb
template:
  - id: default
    storage: $T
    zonefile-sync: -1
    journal-content: none
zone:
  - domain: mxt.example
    file: $T/mxt.zone
EOF
		knotd -c "$T/knot.conf" >"$T/knotd.out" 2>&1 &
		KNOT=$!
		if wait_for 10 bash -c "dig +time=1 +tries=1 @127.0.0.1 -p $DNS good.mxt.example MX | grep -q 'status: NOERROR'"; then
			pids+=("$KNOT")
			return 0
		fi
		kill "$KNOT" 2>/dev/null
	done
	return 1
}
start_knot && ok "knotd serves mxt.example" || { not_ok "knotd start: $(tail -5 "$T/knot.log")"; finish; }
[ "$(dig +short @127.0.0.1 -p "$DNS" good.mxt.example MX | sort | head -1)" = "10 prim.mxt.example." ] &&
    ok "dig: good.mxt.example MX 10 prim" || not_ok "dig good MX"

SMTP=$(free_port) PRIM=$(free_port) SEND=$(free_port)
CONF=$T/backupmx.conf
cat >"$CONF" <<EOF
db = $T/db
spool_dir = $T/spool
smtp_listen = 127.0.0.1:$SMTP
myhostname = mx.ours.example
mx_names = mx.ours.example mx2.ours.example
dns_resolver = 127.0.0.1:$DNS
delivery_port = $PRIM
min_free_space = 0
probe_interval = 1
EOF
CTL="$BMX_BUILD/backupmxctl -c $CONF"
$CTL init >/dev/null
echo 'customer password' | $CTL user add cust --password-stdin >/dev/null
for d in good nomx loop gone; do
	$CTL domain add $d.mxt.example --owner cust --external >/dev/null
	$CTL backupmx add $d.mxt.example >/dev/null
done
$CTL domain add sender.test --owner cust --external >/dev/null
$CTL backupmx add sender.test --deliver-to 127.0.0.1:$SEND >/dev/null

$PY tests/relay/fake_primary.py "$PRIM" "$T/primary" >"$T/prim.log" 2>&1 &
pids+=($!)
$PY tests/relay/fake_primary.py "$SEND" "$T/sender" >"$T/send.log" 2>&1 &
pids+=($!)
$BMX_BUILD/backupmxd -c "$CONF" -f 2>"$T/relay.log" &
pids+=($!)
wait_for 10 bash -c "echo >/dev/tcp/127.0.0.1/$SMTP && echo >/dev/tcp/127.0.0.1/$PRIM && echo >/dev/tcp/127.0.0.1/$SEND" 2>/dev/null

send() {	# to
	swaks --server 127.0.0.1:$SMTP --from someone@sender.test --to "$1" \
	    --body "for $1" 2>&1 | sed -n 's/^<-  250 2.0.0 Ok: queued as \(.*\)$/\1/p'
}
g=$(send user@good.mxt.example)
n=$(send user@nomx.mxt.example)
l=$(send user@loop.mxt.example)
x=$(send user@gone.mxt.example)
[ -n "$g" ] && [ -n "$n" ] && [ -n "$l" ] && [ -n "$x" ] && ok "four messages accepted" || not_ok "accepted: $g $n $l $x"
wait_for 15 bash -c "grep -q '$g: to=<user@good.mxt.example>.*status=sent' '$T/relay.log' && grep -q '$n: to=<user@nomx.mxt.example>.*status=sent' '$T/relay.log' && grep -q '$x: to=<user@gone.mxt.example>.*status=bounced' '$T/relay.log' && grep -q '$l: to=<user@loop.mxt.example>.*status=deferred' '$T/relay.log'"
grep -q "$g: to=<user@good.mxt.example>, relay=prim.mxt.example\[127.0.0.1\]:$PRIM,.*status=sent" "$T/relay.log" &&
    ok "delivered to the MX host the zone names (prim.mxt.example)" || not_ok "good: $(grep "$g" "$T/relay.log")"
grep -q "$n: to=<user@nomx.mxt.example>, relay=nomx.mxt.example\[127.0.0.1\]:$PRIM,.*status=sent" "$T/relay.log" &&
    ok "no MX: delivered to the domain's address (implicit MX)" || not_ok "nomx: $(grep "$n" "$T/relay.log")"
grep -q "$l: to=<user@loop.mxt.example>.*dsn=4.4.6, status=deferred (mail for loop.mxt.example loops back to myself)" "$T/relay.log" &&
    ok "best MX is ours: deferred, loops back to myself" || not_ok "loop: $(grep "$l" "$T/relay.log")"
grep -q "$x: to=<user@gone.mxt.example>.*dsn=5.1.2, status=bounced" "$T/relay.log" &&
    ok "NXDOMAIN: bounced (5.1.2)" || not_ok "gone: $(grep "$x" "$T/relay.log")"
wait_for 10 bash -c "ls '$T'/sender/*.eml >/dev/null 2>&1"
f=$(ls "$T"/sender/*.eml 2>/dev/null | head -1)
[ -n "$f" ] && $PY tests/relay/check_dsn.py "$f" user@gone.mxt.example failed '5\.1\.2' someone@sender.test &&
    ok "NXDOMAIN DSN reached the sender" || not_ok "NXDOMAIN DSN"
[ "$(ls "$T"/primary/*.eml 2>/dev/null | wc -l)" = 2 ] && ok "the primary got exactly the two deliverable messages" || not_ok "primary has $(ls "$T"/primary/*.eml 2>/dev/null | wc -l)"
finish
