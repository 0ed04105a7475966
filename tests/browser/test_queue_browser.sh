#!/bin/bash
# The queue dashboard and its "Deliver now" button in a real browser
# (tests/browser/queue_flow.mjs): the relay holds two messages for a
# domain whose fake primary is down; the primary comes back (the relay
# would wait 300 s for its next probe); the customer presses Deliver now
# and the queue empties into the primary.  Screenshots go to
# $BMX_ARTIFACTS (default /tmp/bmx-artifacts/browser), never the repository.
set -u
cd "$(dirname "$0")/../.."
. tests/lib.sh
. tests/web/web_lib.sh
PY=/usr/bin/python3
SHOTS=${BMX_ARTIFACTS:-/tmp/bmx-artifacts}/browser
mkdir -p "$SHOTS"
if [ ! -x /usr/bin/chromium ] || [ ! -d tests/browser/node_modules/playwright-core ]; then
	not_ok "chromium and playwright-core are installed (make deps)"
	finish
fi
SMTP=$(free_port) PRIM=$(free_port)
web_start "smtp_listen = 127.0.0.1:$SMTP
min_free_space = 0
dns_resolver = 127.0.0.1:9
probe_interval = 300"
web_user alice
$CTL domain add shop.example --owner alice >/dev/null
$CTL backupmx add shop.example --deliver-to 127.0.0.1:$PRIM >/dev/null
"$BMX_BUILD/backupmxd" -c "$CONF" -f 2>"$T/relay.log" &
WEB_PIDS+=($!)
wait_for 10 bash -c "echo >/dev/tcp/127.0.0.1/$SMTP" 2>/dev/null
for i in 1 2; do
	swaks --server 127.0.0.1:$SMTP --from "s$i@sender.example" \
	    --to "user$i@shop.example" --body "message $i" >/dev/null 2>&1
done
failed() {
	[ "$(sqlite3 "$DB" "SELECT count(*) FROM queue_recipient WHERE
	    last_error IS NOT NULL")" = 2 ]
}
wait_for 20 failed && ok "two messages wait for the primary" ||
    not_ok "two messages wait for the primary"
$PY tests/relay/fake_primary.py "$PRIM" "$T/primary" >>"$T/primary.log" 2>&1 &
WEB_PIDS+=($!)
wait_for 10 bash -c "echo >/dev/tcp/127.0.0.1/$PRIM" 2>/dev/null
(cd tests/browser && node queue_flow.mjs "$B" alice "alice pw 123" shop.example 2 "$SHOTS")
check "the primary received both" test "$(ls "$T"/primary/*.eml 2>/dev/null | wc -l)" = 2
finish
