#!/bin/bash
# The order flow in a real browser (headless Chromium via playwright-core)
# through nginx, then a real SMTP check: the relay accepts mail for the
# domain just ordered.  Screenshots go to $BMX_ARTIFACTS (default
# /tmp/bmx-artifacts/browser), never into the repository.
set -u
cd "$(dirname "$0")/../.."
. tests/lib.sh
. tests/web/web_lib.sh
SHOTS=${BMX_ARTIFACTS:-/tmp/bmx-artifacts}/browser
mkdir -p "$SHOTS"
if [ ! -x /usr/bin/chromium ] || [ ! -d tests/browser/node_modules/playwright-core ]; then
	not_ok "chromium and playwright-core are installed (make deps)"
	finish
fi
web_start
web_user alice
SMTP=$(free_port)
cat >"$T/relay.conf" <<EOF2
db = $DB
spool_dir = $T/spool
smtp_listen = 127.0.0.1:$SMTP
min_free_space = 0
dns_resolver = 127.0.0.1:9
EOF2
"$BMX_BUILD/backupmxd" -c "$T/relay.conf" -f 2>"$T/relay.log" &
WEB_PIDS+=($!)
wait_for 10 bash -c "echo >/dev/tcp/127.0.0.1/$SMTP" 2>/dev/null

rcpt() {	# the relay's reply code to RCPT for postmaster@DOMAIN
	/usr/bin/python3 - "$SMTP" "$1" <<'PY'
import smtplib, sys
s = smtplib.SMTP("127.0.0.1", int(sys.argv[1]), timeout=10)
s.ehlo("client.example")
s.mail("someone@example.org")
print(s.rcpt("postmaster@" + sys.argv[2])[0])
s.quit()
PY
}
[ "$(rcpt shop.example)" = 550 ] && ok "before the order the relay refuses shop.example" || not_ok "before: $(rcpt shop.example)"
(cd tests/browser && node order_flow.mjs "$B" alice "alice pw 123" shop.example "$SHOTS")
for i in $(seq 1 20); do
	[ "$(rcpt shop.example)" = 250 ] && break
	sleep 0.1
done
[ "$(rcpt shop.example)" = 250 ] && ok "after the order the relay accepts mail for shop.example" || not_ok "after: $(rcpt shop.example)"
ls "$SHOTS"/*.png >/dev/null 2>&1 && ok "screenshots saved in $SHOTS" || not_ok "no screenshots"
finish
