#!/bin/bash
# The relay's durability promise under kill -9: many concurrent senders
# (tests/relay/crash_load.py) stream messages — small and ~200 KB, lines
# that start with a dot, 8-bit octets — while the relay is killed with
# SIGKILL at random moments and restarted, CRASH_ROUNDS times (10).  Then
# the relay is stopped with SIGTERM, restarted once more (recovery on a
# clean start) and stopped again, and every message that got "250 ...
# queued as ID" must be in the queue: a queue_message row, its recipient,
# and spool_dir/queue/ID equal to the relay's Received: header plus the
# exact text sent.  Nothing may be left in incoming/, and no spool file
# may lack its queue row.  The ok lines carry the figures (acknowledged,
# refused, cut off).  No timing is asserted; every wait is bounded.  The
# primary is down meanwhile (nothing listens on its port yet), so the
# queue only grows, and no DNS query leaves the machine.
#
# Then the primary comes up (tests/relay/fake_primary.py): the relay is
# started again and, while it drains the queue, killed with SIGKILL
# CRASH_DRAIN_KILLS more times.  Once the queue is empty every
# acknowledged message must be at the primary, byte-identical, to its own
# recipient (matched by SHA-256; crash_load.py delivered), 0 lost;
# duplicate deliveries are counted and reported.
#
#   CRASH_ROUNDS=N   kill/restart rounds (bench/crash.sh runs 100)
#   CRASH_SENDERS=N  concurrent sending threads (8)
#   CRASH_DRAIN_KILLS=N  kills while the queue drains (3)
#   BMX_BUILD=build/san  the sanitizer build of the relay
set -u
cd "$(dirname "$0")/../.."
. tests/lib.sh
ROUNDS=${CRASH_ROUNDS:-10}
SENDERS=${CRASH_SENDERS:-8}
RELAY=$BMX_BUILD/backupmxd
CTL=$BMX_BUILD/backupmxctl
[ -x "$CTL" ] || CTL=build/backupmxctl	# the database tool needs no sanitizer
DOMAIN=crash.example

T=$(mktemp -d /tmp/bmx-crash.XXXXXX)
CONF=$T/backupmx.conf
LOG=$T/relay.log
relay_pid=
load_pid=
prim_pid=
starts=0

# wait_exit PID SECONDS: 0 once the process has ended (a zombie counts),
# 1 if it still runs after SECONDS.
wait_exit() {
	local n=$(($2 * 10)) st
	for (( ; ; n--)); do
		st=$(sed 's/.*) //' "/proc/$1/stat" 2>/dev/null | cut -d' ' -f1)
		{ [ -z "$st" ] || [ "$st" = Z ]; } && return 0
		[ "$n" -le 0 ] && return 1
		sleep 0.1
	done
}

# stop_pid PID SIGNAL: send it, SIGKILL after 10 s; reaped; its status.
stop_pid() {
	kill "-$2" "$1" 2>/dev/null
	wait_exit "$1" 10 || kill -KILL "$1" 2>/dev/null
	wait "$1" 2>/dev/null
}

cleanup() {
	touch "$T/stop"
	[ -n "$load_pid" ] && stop_pid "$load_pid" TERM
	[ -n "$relay_pid" ] && stop_pid "$relay_pid" KILL
	[ -n "$prim_pid" ] && stop_pid "$prim_pid" TERM
	rm -rf "$T"
}
trap cleanup EXIT
trap 'exit 1' INT TERM

bail() {
	not_ok "$*"
	sed 's/^/# /' "$LOG" 2>/dev/null | tail -n 20 >&2
	exit 1
}

# Start the relay and wait (bounded) until it says it listens.
start_relay() {
	starts=$((starts + 1))
	"$RELAY" -c "$CONF" -f >>"$LOG" 2>&1 &
	relay_pid=$!
	wait_for 10 listening "$starts"
}
listening() {
	[ "$(grep -c 'listening on' "$LOG")" -ge "$1" ] &&
	    kill -0 "$relay_pid"
}

# A random pause of 0.2 to 1.5 seconds.
pause() {
	local ms=$((200 + RANDOM % 1301))
	sleep "$((ms / 1000)).$(printf %03d $((ms % 1000)))"
}

[ -x "$RELAY" ] || bail "no relay binary at $RELAY"
# Private copies: a rebuild while the test runs must not change the
# binary between two restarts.
cp "$RELAY" "$T/backupmxd" && cp "$CTL" "$T/backupmxctl" ||
    bail "cannot copy the binaries"
RELAY=$T/backupmxd
CTL=$T/backupmxctl
PORT=$(free_port)
PRIM=$(free_port)
cat >"$CONF" <<EOF
db = $T/db/backupmx.db
spool_dir = $T/spool
smtp_listen = 127.0.0.1:$PORT
myhostname = mx.crash.example
min_free_space = 0
max_connections_per_client = 100
dns_resolver = 127.0.0.1:1
probe_interval = 1
EOF
{ $CTL -c "$CONF" init && $CTL -c "$CONF" user add crash &&
    $CTL -c "$CONF" domain add "$DOMAIN" --owner crash &&
    $CTL -c "$CONF" backupmx add "$DOMAIN" --deliver-to "127.0.0.1:$PRIM"; } \
    >"$T/setup.log" 2>&1 ||
    bail "setup: $(tail -n 1 "$T/setup.log")"

start_relay || bail "relay did not start"
/usr/bin/python3 tests/relay/crash_load.py send "$PORT" "$SENDERS" \
    "$DOMAIN" "$T/acked.json" "$T/stop" 2>"$T/load.err" &
load_pid=$!

killed=0
for r in $(seq 1 "$ROUNDS"); do
	pause
	wait_exit "$relay_pid" 0 && bail "round $r: the relay died by itself"
	kill -KILL "$relay_pid" 2>/dev/null && killed=$((killed + 1))
	wait "$relay_pid" 2>/dev/null
	start_relay || bail "round $r: the relay did not come back after kill -9"
done
pause		# some mail after the last restart too
touch "$T/stop"
if wait_exit "$load_pid" 60; then
	wait "$load_pid"
	check "the senders stopped cleanly" [ $? -eq 0 ]
else
	not_ok "the senders did not stop within 60 s"
fi
load_pid=
if [ -s "$T/load.err" ]; then
	sed 's/^/# /' "$T/load.err" | tail -n 30 >&2
	sed 's/^/# /' "$LOG" | tail -n 30 >&2
fi

stop_pid "$relay_pid" TERM
check "SIGTERM after the load: exit 0" [ $? -eq 0 ]
relay_pid=
start_relay || bail "relay did not start after the clean stop"
stop_pid "$relay_pid" TERM
check "clean restart and stop: exit 0" [ $? -eq 0 ]
relay_pid=
check "$killed kill -9 at random moments, $starts starts" \
    [ "$killed" -eq "$ROUNDS" ]
removed=$(sed -n 's/.*recovery: removed \([0-9]*\) unacknowledged.*/\1/p' \
    "$LOG" | awk '{ s += $1 } END { print s + 0 }')
ok "recovery removed $removed unacknowledged spool files in all"
grep 'Sanitizer\|runtime error' "$LOG" | head | sed 's/^/# /' >&2
if grep -q 'Sanitizer\|runtime error' "$LOG"; then
	not_ok "sanitizer reports in the relay log"
else
	ok "no sanitizer reports in the relay log"
fi

/usr/bin/python3 tests/relay/crash_load.py verify "$T/acked.json" \
    "$T/spool" "$T/db/backupmx.db" || TEST_FAILED=1

# --- the primary comes up; the relay drains, killed now and then --------
queued() { sqlite3 "$T/db/backupmx.db" 'SELECT count(*) FROM queue_message'; }
empty() { [ "$(queued)" = 0 ]; }
backlog=$(queued)
/usr/bin/python3 tests/relay/fake_primary.py "$PRIM" "$T/primary" \
    >"$T/primary.log" 2>&1 &
prim_pid=$!
wait_for 10 bash -c "echo >/dev/tcp/127.0.0.1/$PRIM" ||
    bail "the fake primary did not start"
start_relay || bail "relay did not start for the drain"
drain_kills=0
for _ in $(seq 1 "${CRASH_DRAIN_KILLS:-3}"); do
	pause
	empty && break
	kill -KILL "$relay_pid" 2>/dev/null && drain_kills=$((drain_kills + 1))
	wait "$relay_pid" 2>/dev/null
	start_relay || bail "the relay did not come back during the drain"
done
# Bounded: a generous rate for aiosmtpd on a shared machine.
wait_for $((60 + backlog / 20)) empty
check "the queue drained ($backlog messages, $drain_kills kill -9 during the drain)" empty
stop_pid "$relay_pid" TERM
relay_pid=
check "nothing left in spool_dir/queue after the drain" \
    [ -z "$(ls "$T/spool/queue")" ]
/usr/bin/python3 tests/relay/crash_load.py delivered "$T/acked.json" \
    "$T/primary" || TEST_FAILED=1
finish
