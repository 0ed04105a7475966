#!/bin/bash
# Outbound: the relay holds mail while the primary is down, probes it once
# per interval, delivers everything when it is back (byte-identical),
# handles per-recipient 250/451/550, bounces with an RFC 3464 DSN, never
# bounces the null sender, expires after max_queue_lifetime, obeys queue
# flush/delete, and uses STARTTLS when the primary offers it.
#
# Real parts: build/backupmxd, aiosmtpd fake primaries (fake_primary.py),
# swaks as the sending MTA.  Intervals are shrunk through the config.
set -u
cd "$(dirname "$0")/../.."
. tests/lib.sh
PY=/usr/bin/python3
T=$(mktemp -d /tmp/bmx-deliver.XXXXXX)
RELAY_PID= PRIM_PID= SEND_PID=
cleanup() {
	for p in $RELAY_PID $PRIM_PID $SEND_PID; do kill "$p" 2>/dev/null; done
	wait 2>/dev/null
	rm -rf "$T"
}
trap cleanup EXIT

SMTP=$(free_port) PRIM=$(free_port) SEND=$(free_port)
CONF=$T/backupmx.conf
CTL="$BMX_BUILD/backupmxctl -c $CONF"
write_conf() {	# probe_interval max_queue_lifetime [extra lines]
	cat >"$CONF" <<EOF
db = $T/db
spool_dir = $T/spool
smtp_listen = 127.0.0.1:$SMTP
myhostname = mx.test.example
min_free_space = 0
# Every destination here has a delivery host; should anything still ask
# DNS, it asks a dead loopback port, never the machine's resolver.
dns_resolver = 127.0.0.1:9
probe_interval = $1
max_queue_lifetime = $2
${3:-}
EOF
}
write_conf 1 1d
$CTL init >/dev/null
echo 'customer password' | $CTL user add cust --password-stdin >/dev/null
$CTL domain add primary.test --owner cust >/dev/null
$CTL domain add sender.test --owner cust --external >/dev/null
$CTL backupmx add primary.test --deliver-to 127.0.0.1:$PRIM >/dev/null
# Bounces go to the sender's domain; here that domain's mail goes to a
# second fake server standing for the sender's own mail system.
$CTL backupmx add sender.test --deliver-to 127.0.0.1:$SEND >/dev/null

start_relay() {
	$BMX_BUILD/backupmxd -c "$CONF" -f 2>>"$T/relay.log" &
	RELAY_PID=$!
	wait_for 10 bash -c "echo >/dev/tcp/127.0.0.1/$SMTP" 2>/dev/null
}
stop_relay() {
	kill -TERM "$RELAY_PID" 2>/dev/null
	wait "$RELAY_PID" 2>/dev/null
	RELAY_PID=
}
start_primary() {	# [--tls cert key]
	$PY tests/relay/fake_primary.py "$PRIM" "$T/primary" "$@" \
	    >>"$T/primary.log" 2>&1 &
	PRIM_PID=$!
	wait_for 10 bash -c "echo >/dev/tcp/127.0.0.1/$PRIM" 2>/dev/null
}
stop_primary() {
	kill "$PRIM_PID" 2>/dev/null
	wait "$PRIM_PID" 2>/dev/null
	PRIM_PID=
}
send() {	# from to [body]
	swaks --server 127.0.0.1:$SMTP --from "$1" --to "$2" \
	    --header "Subject: test $RANDOM" --body "${3:-hello from the test}" \
	    2>&1 | sed -n 's/^<-  250 2.0.0 Ok: queued as \(.*\)$/\1/p'
}
queued() { $CTL queue list --json | $PY -c "import json,sys; print(len(json.load(sys.stdin)))"; }
delivered() { ls "$T/primary"/*.eml 2>/dev/null | wc -l; }
returned() { ls "$T/sender"/*.eml 2>/dev/null | wc -l; }

$PY tests/relay/fake_primary.py "$SEND" "$T/sender" >>"$T/sender.log" 2>&1 &
SEND_PID=$!
wait_for 10 bash -c "echo >/dev/tcp/127.0.0.1/$SEND" 2>/dev/null

# 1. Primary down: mail is queued, and the destination costs one probe
#    per interval, not one attempt per message.
start_relay
t0=$(date +%s)
ids=""
for i in 1 2 3; do ids="$ids $(send someone@sender.test user$i@primary.test "message $i")"; done
[ "$(echo $ids | wc -w)" = 3 ] && ok "three messages accepted while the primary is down" || not_ok "accepted: $ids"
mkdir -p "$T/copies"
for id in $ids; do cp "$T/spool/queue/$id" "$T/copies/$id"; done
sleep 4
[ "$(queued)" = 3 ] && ok "they stay queued" || not_ok "queued: $(queued)"
# Bounds from the elapsed time the test measured itself (interval 1 s):
# never more than one connection per interval, whatever the queue holds.
probes=$(grep -c 'destination unreachable' "$T/relay.log")
elapsed=$(( $(date +%s) - t0 + 1 ))
[ "$probes" -ge 2 ] && [ "$probes" -le $((elapsed + 1)) ] && ok "down primary probed once per interval ($probes in ${elapsed} s)" || not_ok "probes: $probes in ${elapsed} s"
tries=$(sqlite3 "$T/db" "SELECT sum(attempts) FROM queue_recipient")
[ "$tries" -le 2 ] && ok "messages waiting for a down primary are not each tried ($tries attempts for 3)" || not_ok "attempts: $tries"
$CTL queue list | grep -q 'Connection refused\|connect to' && ok "queue list shows the reason" || not_ok "reason: $($CTL queue list)"
check "queue_domain sums what was queued" queue_summary_exact "$T/db"

# 2. Primary up: everything is delivered within an interval or two.
start_primary
wait_for 15 bash -c "[ \$($CTL queue list --json | $PY -c 'import json,sys; print(len(json.load(sys.stdin)))') = 0 ]"
[ "$(queued)" = 0 ] && ok "queue drained once the primary is up" || not_ok "still queued: $(queued)"
[ "$(delivered)" = 3 ] && ok "the primary has all three" || not_ok "delivered: $(delivered)"
check "queue_domain is empty once drained" test "$(sqlite3 "$T/db" \
    "SELECT count(*) FROM queue_domain")" = 0
same=0
for id in $ids; do
	for f in "$T"/primary/*.eml; do cmp -s "$f" "$T/copies/$id" && same=$((same + 1)); done
done
[ "$same" = 3 ] && ok "delivered byte-identical to the spooled text" || not_ok "identical: $same of 3"
n=$(grep -c 'status=sent (250 2.0.0 Ok: stored)' "$T/relay.log")
[ "$n" = 3 ] && ok "Postfix-style sent lines ($n)" || not_ok "sent lines: $n"
grep -qE ': to=<user1@primary.test>, relay=127.0.0.1\[127.0.0.1\]:[0-9]+, delay=[0-9.]+, delays=[0-9.]+/0/[0-9.e-]+/[0-9.e-]+, dsn=2.0.0, status=sent' "$T/relay.log" && ok "log line has relay, delay, delays, dsn, status" || not_ok "log line format: $(grep 'to=<user1' "$T/relay.log" | head -1)"
n=$(grep -c ': removed$' "$T/relay.log")
[ "$n" = 3 ] && ok "'removed' logged per message" || not_ok "removed lines: $n"
[ -z "$(ls "$T/spool/queue")" ] && ok "spool is empty" || not_ok "spool: $(ls "$T/spool/queue")"
grep -q '"helo": "mx.test.example"' "$T"/primary/*.json && ok "EHLO with myhostname" || not_ok "helo: $(cat "$T"/primary/*.json | head -c 300)"

# 3. Mixed per-recipient outcomes in one message.
rm -f "$T"/primary/*
id=$(swaks --server 127.0.0.1:$SMTP --from someone@sender.test \
    --to ok@primary.test,r451@primary.test,r550@primary.test 2>&1 |
    sed -n 's/^<-  250 2.0.0 Ok: queued as \(.*\)$/\1/p')
wait_for 10 bash -c "grep -q 'to=<r550@primary.test>.*status=bounced' '$T/relay.log'"
wait_for 10 bash -c "ls '$T'/sender/*.eml >/dev/null 2>&1"
grep -q "$id: to=<ok@primary.test>.*status=sent" "$T/relay.log" && ok "250 recipient sent" || not_ok "250 recipient"
grep -q "$id: to=<r451@primary.test>.*dsn=4.2.1, status=deferred" "$T/relay.log" && ok "451 recipient deferred" || not_ok "451 recipient"
grep -q "$id: to=<r550@primary.test>.*dsn=5.1.1, status=bounced" "$T/relay.log" && ok "550 recipient bounced" || not_ok "550 recipient"
st=$($CTL queue show "$id" | grep '^recipient:')
echo "$st" | grep -qE '<r451@primary.test> state=queued attempts=[1-9]' && echo "$st" | grep -q '<ok@primary.test> state=sent' && ok "queue show: per-recipient state" || not_ok "queue show: $st"
$PY tests/relay/check_dsn.py "$T"/sender/*.eml r550@primary.test failed 5.1.1 someone@sender.test &&
    ok "DSN to the sender is a valid RFC 3464 multipart/report" || not_ok "DSN check"
check "queue_domain exact after sent, deferred, bounced and the DSN" \
    queue_summary_exact "$T/db"

# 4. Expiry: with the primary down past max_queue_lifetime the sender gets
#    a DSN; mail from the null sender is dropped with a log line instead.
stop_relay
stop_primary
rm -f "$T"/sender/*
write_conf 1 3s
start_relay
exp=$(send someone@sender.test late@primary.test "too late")
nul=$(send '<>' late2@primary.test "a bounce that cannot bounce")
wait_for 20 bash -c "ls '$T'/sender/*.eml >/dev/null 2>&1 && grep -q '$nul: sender is the null sender' '$T/relay.log'"
[ "$(returned)" = 1 ] && ok "expired message returned to its sender" || not_ok "returned: $(returned)"
$PY tests/relay/check_dsn.py "$T"/sender/*.eml late@primary.test failed '4\.4\.[0-9]' someone@sender.test &&
    ok "expiry DSN: Action failed, a 4.4.x status, parses" || not_ok "expiry DSN"
grep -q "$nul: sender is the null sender: no delivery status notification" "$T/relay.log" &&
    ok "null sender: no DSN, logged" || not_ok "null sender log"
wait_for 5 bash -c "[ ! -e '$T/spool/queue/$exp' ] && [ ! -e '$T/spool/queue/$nul' ]"
[ ! -e "$T/spool/queue/$exp" ] && [ ! -e "$T/spool/queue/$nul" ] && ! $CTL queue show "$exp" >/dev/null 2>&1 &&
    ok "expired messages left the queue" || not_ok "expired still there: $($CTL queue list)"
# The 451 recipient of step 3 arrived under a 1-day lifetime: still queued.
$CTL queue list | grep -q 'r451@primary.test (queued)' && ok "lifetime is fixed at arrival" || not_ok "r451 message gone"
check "queue_domain exact after expiry" queue_summary_exact "$T/db"

# 5. queue flush: with a long probe interval, a flush delivers at once.
stop_relay
write_conf 3600 1d
start_relay
before=$(grep -c 'destination unreachable' "$T/relay.log")
fl=$(send someone@sender.test flush@primary.test "flushed")
# The log goes on from the steps before: wait for a new "unreachable".
wait_for 10 bash -c "[ \$(grep -c 'destination unreachable' '$T/relay.log') -gt $before ]"
rm -f "$T"/primary/*
start_primary
sleep 1
[ "$(delivered)" = 0 ] && ok "no retry before the probe interval" || not_ok "delivered early"
$CTL queue flush primary.test >/dev/null
wait_for 10 bash -c "ls '$T'/primary/*.eml >/dev/null 2>&1"
[ "$(delivered)" = 1 ] && ok "queue flush DOMAIN delivers within seconds" || not_ok "after flush: $(delivered)"

# 6. A primary that drops the connection during DATA: deferred, then
#    delivered exactly once when it behaves.
rm -f "$T"/primary/*
touch "$T/primary/DROP"
dr=$(send someone@sender.test drop@primary.test "dropped once")
wait_for 10 bash -c "grep -q '$dr: to=<drop@primary.test>.*status=deferred' '$T/relay.log'"
grep -q "$dr: to=<drop@primary.test>.*status=deferred" "$T/relay.log" && ok "dropped connection: deferred" || not_ok "drop: $(grep "$dr" "$T/relay.log")"
rm -f "$T/primary/DROP"
$CTL queue flush >/dev/null
wait_for 10 bash -c "grep -q '$dr: to=<drop@primary.test>.*status=sent' '$T/relay.log'"
[ "$(delivered)" = 1 ] && ok "delivered once after the primary recovered" || not_ok "after recovery: $(delivered)"

# 7. queue delete.
stop_primary
de=$(send someone@sender.test del@primary.test "to be deleted")
wait_for 10 bash -c "grep -q '$de: to=<del@primary.test>.*status=deferred' '$T/relay.log' || grep -q 'destination unreachable' '$T/relay.log'"
$CTL queue delete "$de" >/dev/null
wait_for 10 bash -c "[ ! -e '$T/spool/queue/$de' ]"
[ ! -e "$T/spool/queue/$de" ] && ! $CTL queue show "$de" >/dev/null 2>&1 && ok "queue delete removes row and file" || not_ok "delete"
n=$(sqlite3 "$T/db" "SELECT count(*) FROM audit_log WHERE action IN ('queue.delete','queue.flush')")
[ "$n" -ge 3 ] && ok "flush and delete are audited ($n)" || not_ok "audit: $n"
$CTL queue delete NOSUCHID0000000 >/dev/null 2>&1; [ $? = 1 ] && ok "delete of an unknown id is refused" || not_ok "delete unknown"
check "queue_domain exact after backupmxctl queue flush and delete" \
    queue_summary_exact "$T/db"

# 8. STARTTLS when the primary offers it (self-signed: opportunistic).
openssl req -x509 -newkey rsa:2048 -nodes -subj /CN=primary.test -days 1 \
    -keyout "$T/key.pem" -out "$T/cert.pem" >/dev/null 2>&1
rm -f "$T"/primary/*
start_primary --tls "$T/cert.pem" "$T/key.pem"
tl=$(send someone@sender.test tls@primary.test "over tls")
$CTL queue flush >/dev/null
wait_for 10 bash -c "ls '$T'/primary/*.json >/dev/null 2>&1"
grep -q '"tls": true' "$T"/primary/*.json 2>/dev/null && ok "delivered over STARTTLS" || not_ok "tls: $(cat "$T"/primary/*.json 2>/dev/null)"

# 9. "Accept only while the primary is down": the relay watches the
#    primary and answers 450 while it is up, 250 once it is down.
stop_relay
write_conf 1 1d
start_relay
sqlite3 "$T/db" "UPDATE backupmx SET only_when_down = 1 WHERE domain = 'primary.test'"
rcpt_reply() {	# the reply to RCPT for rcpt@primary.test
	$PY - "$SMTP" <<'PY'
import smtplib, sys
s = smtplib.SMTP("127.0.0.1", int(sys.argv[1]), timeout=10)
s.ehlo("test.example")
s.mail("someone@sender.test")
print(s.rcpt("rcpt@primary.test")[0])
s.quit()
PY
}
poll_rcpt() {	# want: poll for up to 10 s
	local i
	for i in $(seq 1 50); do
		[ "$(rcpt_reply)" = "$1" ] && return 0
		sleep 0.2
	done
	return 1
}
poll_rcpt 450 && ok "primary up: RCPT deferred with 450 (only while down)" || not_ok "primary up: $(rcpt_reply)"
stop_primary
poll_rcpt 250 && ok "primary down: RCPT accepted" || not_ok "primary down: $(rcpt_reply)"
stop_relay
grep -q 'stopped' "$T/relay.log" && ok "relay stops cleanly" || not_ok "relay stop"
finish
