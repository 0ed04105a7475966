#!/bin/bash
# backupmxd spoken to over real sockets: the ESMTP conversation (replies
# and enhanced status codes), the recipient policy with tricky address
# forms, limits and timeouts, pipelining, SMTP smuggling, the spool and
# queue rows of accepted mail, STARTTLS, live policy changes, an
# unreadable database, SIGHUP, SIGTERM and the free-space floor.
#
# This script owns the daemon's life (config, database, start, stop); the
# conversations are in smtp_checks.py (one phase per daemon start; the
# checks live in smtp_protocol.py, smtp_queue.py and smtp_lifecycle.py,
# on the raw client smtpwire.py), which prints "ok - ..." / "not ok - ..."
# lines like everything here.  The relay's DNS resolver is a dead port, so
# the queue keeps what it accepted (deliveries are deferred).
set -u
cd "$(dirname "$0")/../.."
. tests/lib.sh
T=$(mktemp -d /tmp/bmx-smtp.XXXXXX)
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
DEAD_PORT=$(free_port)	# nothing listens here: the relay's DNS never answers
# A second listener on [::1] when this machine has IPv6 loopback.
PORT6=$(/usr/bin/python3 -c 'import socket
s = socket.socket(socket.AF_INET6)
s.bind(("::1", 0))
print(s.getsockname()[1])' 2>/dev/null)
LISTEN=127.0.0.1:$PORT${PORT6:+,[::1]:$PORT6}
CONF=$T/backupmx.conf
DB=$T/db/backupmx.db
CTL="$BMX_BUILD/backupmxctl -c $CONF"
export BMX_PORT=$PORT BMX_PORT6=$PORT6 BMX_CONF=$CONF BMX_DB=$DB
export BMX_SPOOL=$T/spool BMX_T=$T BMX_CTL=$CTL PYTHONDONTWRITEBYTECODE=1

# write_conf [extra "key = value" lines...]; MIN_FREE, MAX_RCPT and
# SIZE_LIMIT change the floor, max_recipients and message_size_limit.
write_conf() {
	{
		echo "db = $DB"
		echo "spool_dir = $T/spool"
		echo "smtp_listen = $LISTEN"
		echo "myhostname = mx.test.example"
		echo "min_free_space = ${MIN_FREE:-0}"
		echo "smtp_timeout = 2s"
		echo "smtp_data_timeout = 2s"
		echo "max_recipients = ${MAX_RCPT:-5}"
		echo "message_size_limit = ${SIZE_LIMIT:-100000}"
		echo "max_connections_per_client = 8"
		echo "dns_resolver = 127.0.0.1:$DEAD_PORT"
		printf '%s\n' "$@"
	} >"$CONF"
}

# The port answers, or the daemon died (then wait_for stops early and
# start_relay sees it gone).
port_open() {
	! kill -0 "$PID" 2>/dev/null ||
	    (exec 3<>"/dev/tcp/127.0.0.1/$PORT") 2>/dev/null
}

# start_relay "what": run the daemon in the background, wait for its port.
start_relay() {
	echo "=== start ($1)" >>"$T/relay.log"
	"$BMX_BUILD/backupmxd" -c "$CONF" -f 2>>"$T/relay.log" &
	PID=$!
	export BMX_PID=$PID
	if wait_for 10 port_open && kill -0 "$PID" 2>/dev/null; then
		ok "relay starts and listens ($1)"
	else
		not_ok "relay starts and listens ($1)"
		tail -n 20 "$T/relay.log" | sed 's/^/# /'
		finish
	fi
}

# wait_exit "what": the daemon must exit 0 within 15 s of a SIGTERM that
# was already sent; a hang is killed and reported.
wait_exit() {
	local i rc
	for i in $(seq 150); do
		kill -0 "$PID" 2>/dev/null || break
		sleep 0.1
	done
	if kill -0 "$PID" 2>/dev/null; then
		kill -KILL "$PID"
		wait "$PID" 2>/dev/null
		not_ok "relay exits after SIGTERM ($1): still running after 15 s"
	else
		wait "$PID"
		rc=$?
		[ "$rc" -eq 0 ] && ok "relay exits 0 on SIGTERM ($1)" ||
		    not_ok "relay exits 0 on SIGTERM ($1): status $rc"
	fi
	PID=
}

stop_relay() {
	kill -TERM "$PID"
	wait_exit "$1"
}

# phase NAME: run one phase of smtp_checks.py; status 3 means it printed
# a "not ok" line, anything else but 0 that it broke down.
phase() {
	/usr/bin/python3 tests/relay/smtp_checks.py "$1"
	local rc=$?
	if [ "$rc" -eq 3 ]; then
		TEST_FAILED=1
	elif [ "$rc" -ne 0 ]; then
		not_ok "smtp_checks.py $1 ran to its end (status $rc)"
	fi
}

# The customer carol and her domains: plain.example (any recipient),
# bücher.example (IDN), list.example (a recipient list), wild.example (a
# list holding only "*@wild.example"), empty.example (a list with no
# entry), inactive.example (a record switched off), later.example (in the
# portfolio, no BackupMX record yet).
write_conf
(
	$CTL init &&
	$CTL user add carol &&
	for dom in plain.example bücher.example list.example wild.example \
	    empty.example inactive.example later.example; do
		$CTL domain add "$dom" --owner carol || exit 1
	done &&
	for dom in plain.example bücher.example list.example wild.example \
	    empty.example inactive.example; do
		$CTL backupmx add "$dom" || exit 1
	done
) >"$T/setup.log" 2>&1
check "database and BackupMX records created with backupmxctl" [ $? -eq 0 ]
# backupmxctl has no verb for recipient lists or for switching a record
# off yet (the panel will have them), so those rows go in with sqlite3.
sqlite3 "$DB" >>"$T/setup.log" 2>&1 <<'SQL'
PRAGMA busy_timeout = 5000;
UPDATE backupmx SET recipient_policy = 'list'
    WHERE domain IN ('list.example', 'wild.example', 'empty.example');
INSERT INTO backupmx_recipient (backupmx_id, address)
    SELECT id, 'alice@list.example' FROM backupmx WHERE domain = 'list.example';
INSERT INTO backupmx_recipient (backupmx_id, address)
    SELECT id, 'bob@list.example' FROM backupmx WHERE domain = 'list.example';
INSERT INTO backupmx_recipient (backupmx_id, address)
    SELECT id, '*@wild.example' FROM backupmx WHERE domain = 'wild.example';
UPDATE backupmx SET active = 0 WHERE domain = 'inactive.example';
SQL
check "recipient lists written with sqlite3" [ $? -eq 0 ]

# Phase 1: the protocol, the policy, limits, the spool; SIGHUP last.
start_relay "plain"
phase main
stop_relay "idle"

# Phase 2: STARTTLS with a certificate made here, max_recipients 20, a
# 50 MB size limit; then SIGTERM with sessions open (idle, in TLS, in
# DATA, one that never reads).
openssl req -x509 -newkey rsa:2048 -nodes -subj /CN=mx.test.example \
    -days 1 -keyout "$T/key.pem" -out "$T/cert.pem" >"$T/openssl.log" 2>&1
check "self-signed certificate generated" [ -s "$T/cert.pem" ]
MAX_RCPT=20 SIZE_LIMIT=50000000 write_conf "tls_cert = $T/cert.pem" \
    "tls_key = $T/key.pem"
start_relay "STARTTLS"
phase tls
phase sigterm
wait_exit "with sessions open"
check "no partial message left in incoming/ after SIGTERM" \
    [ -z "$(ls -A "$T/spool/incoming")" ]

# Phase 3: a free-space floor no disk meets, a total connection limit;
# every acknowledged message is still queued after the restarts.
MIN_FREE=1000000000000000 write_conf "max_connections = 10"
start_relay "free-space floor"
phase freespace
stop_relay "after the free-space floor"

! grep -E -q "runtime error|Sanitizer" "$T/relay.log"
check "no sanitizer report in the relay's log" [ $? -eq 0 ]
if [ "$TEST_FAILED" -ne 0 ]; then
	echo "# relay log (last 40 lines):"
	tail -n 40 "$T/relay.log" | sed 's/^/# /'
fi
finish
