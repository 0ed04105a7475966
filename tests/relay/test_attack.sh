#!/bin/bash
# The relay attack battery (tests/relay/attack_checks.py): open-relay
# address forms, SMTP smuggling variants, STARTTLS command injection,
# slow-loris sessions and connection floods against a real backupmxd
# with STARTTLS, each case with its exact reply and an unchanged queue.
# Forms already in test_smtp.sh are not repeated here.
set -u
cd "$(dirname "$0")/../.."
. tests/lib.sh
T=$(mktemp -d /tmp/bmx-attack.XXXXXX)
PID=
cleanup() {
	if [ -n "$PID" ]; then
		kill -KILL "$PID" 2>/dev/null
		wait "$PID" 2>/dev/null
	fi
	rm -rf "$T"
}
trap cleanup EXIT

PORT=$(free_port)
DEAD=$(free_port)
CONF=$T/backupmx.conf
CTL="$BMX_BUILD/backupmxctl -c $CONF"
[ -x "$BMX_BUILD/backupmxctl" ] || CTL="build/backupmxctl -c $CONF"
openssl req -x509 -newkey rsa:2048 -nodes -subj /CN=mx.test.example \
    -days 1 -keyout "$T/key.pem" -out "$T/cert.pem" >"$T/openssl.log" 2>&1
cat >"$CONF" <<CONF
db = $T/db/backupmx.db
spool_dir = $T/spool
smtp_listen = 127.0.0.1:$PORT
myhostname = mx.test.example
min_free_space = 0
smtp_timeout = 2s
smtp_data_timeout = 2s
max_connections_per_client = 6
max_connections = 40
dns_resolver = 127.0.0.1:$DEAD
tls_cert = $T/cert.pem
tls_key = $T/key.pem
CONF
{ $CTL init && $CTL user add eve && for d in plain.example bücher.example; do
	$CTL domain add "$d" --owner eve && $CTL backupmx add "$d" \
	    --deliver-to "127.0.0.1:$DEAD" || exit 1; done; } >"$T/setup.log" 2>&1
check "test domains set up with backupmxctl" [ $? -eq 0 ]

"$BMX_BUILD/backupmxd" -c "$CONF" -f 2>"$T/relay.log" &
PID=$!
if ! wait_for 10 bash -c "exec 3<>/dev/tcp/127.0.0.1/$PORT"; then
	not_ok "relay starts"
	tail -n 20 "$T/relay.log" | sed 's/^/# /'
	finish
fi
BMX_PORT=$PORT BMX_T=$T BMX_DB=$T/db/backupmx.db BMX_SPOOL=$T/spool \
    BMX_CTL="$CTL" BMX_TIMEOUT=2 BMX_PER_CLIENT=6 PYTHONDONTWRITEBYTECODE=1 \
    /usr/bin/python3 tests/relay/attack_checks.py
rc=$?
[ "$rc" -eq 0 ] || [ "$rc" -eq 3 ] || not_ok "attack_checks.py ran to its end (status $rc)"
[ "$rc" -eq 3 ] && TEST_FAILED=1
kill -0 "$PID" 2>/dev/null
check "the relay is still running after the battery" [ $? -eq 0 ]
kill -TERM "$PID"
wait "$PID"
check "and exits 0 on SIGTERM" [ $? -eq 0 ]
PID=
! grep -E -q "runtime error|Sanitizer" "$T/relay.log"
check "no sanitizer report in the relay's log" [ $? -eq 0 ]
[ "$TEST_FAILED" -ne 0 ] && tail -n 30 "$T/relay.log" | sed 's/^/# /'
finish
