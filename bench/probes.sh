#!/bin/bash
# Probes per hour with many destinations down (issue 4, Benchmark): a
# destination that is down must cost one probe per probe_interval, not
# one attempt per message.
#
# N domains (10,000) get BackupMX records delivering to dead loopback
# addresses (127.1.X.Y:1, nothing listens: the connection is refused at
# once); one 1 KB message is queued for each.  probe_interval is shrunk
# (10 s) so that a few intervals are quick to watch; each attempt on a
# destination that is down logs one "DEST: destination unreachable" line.
# bench/drain_probes.py injects the mail, waits until every destination
# has had its first attempt, then counts attempts per destination over
# ROUNDS intervals, next to the kernel's count of TCP connection attempts:
# the relay runs in a private network namespace (unshare -n, loopback
# only), so that count is the relay's alone and no packet can leave.
#
#   BENCH_PROBES_N=10000         destinations down
#   BENCH_PROBES_INTERVAL=10     probe_interval during the run (s)
#   BENCH_PROBES_ROUNDS=3        intervals in the counting window
#   BENCH_PROBES_FIRST_MAX=60    longest wait for the first attempts (s)
#   BENCH_PROBES_CHECK=1         then a second run with fewer destinations,
#                                sized to fit the measured probe rate (0:
#                                skip it)
#   BENCH_TMPDIR=/tmp            where the relay spools
#   BENCH_KEEP=1                 keep the temporary directory (logs)
#   BMX_BUILD=build              which binaries
set -u
cd "$(dirname "$0")/.." || exit 1
. tests/lib.sh
N=${BENCH_PROBES_N:-10000}
INTERVAL=${BENCH_PROBES_INTERVAL:-10}
ROUNDS=${BENCH_PROBES_ROUNDS:-3}
FIRST_MAX=${BENCH_PROBES_FIRST_MAX:-60}
CHECK=${BENCH_PROBES_CHECK:-1}
FMT='d%05d.probes.example'
# Inside the relay's own network namespace every port is free.
PORT=2525

T=$(mktemp -d "${BENCH_TMPDIR:-/tmp}/bmx-probes.XXXXXX")
relay_pid=

cleanup() {
	relay_stop
	if [ "${BENCH_KEEP:-0}" = 1 ]; then
		echo "probes: kept $T" >&2
	else
		rm -rf "$T"
	fi
}
trap cleanup EXIT
trap 'exit 1' INT TERM

die() { echo "probes: $*" >&2; exit 1; }

[ "$N" -ge 2 ] && [ "$N" -le 60000 ] || die "BENCH_PROBES_N: 2 to 60000"
[ -x "$BMX_BUILD/backupmxd" ] || die "no $BMX_BUILD/backupmxd (make all)"
for x in sqlite3 unshare nsenter ip; do
	command -v "$x" >/dev/null || die "no $x"
done
mkdir "$T/bin" && cp "$BMX_BUILD/backupmxd" "$BMX_BUILD/backupmxctl" \
    "$T/bin/" || die "cannot copy the binaries"

# relay_setup DIR N: configuration, database with N domains down.
relay_setup() {
	local dir=$1 n=$2
	local ctl=("$T/bin/backupmxctl" -c "$1/backupmx.conf")
	mkdir -p "$dir"
	cat >"$dir/backupmx.conf" <<EOF
db = $dir/backupmx.db
spool_dir = $dir/spool
smtp_listen = 127.0.0.1:$PORT
myhostname = mx.probes.example
min_free_space = 0
max_connections_per_client = 1000
dns_resolver = 127.0.0.1:1
probe_interval = $INTERVAL
EOF
	# The first domain through backupmxctl, the rest copied from it in
	# SQL (20,000 backupmxctl runs would take minutes).
	# shellcheck disable=SC2059
	{ "${ctl[@]}" init && "${ctl[@]}" user add bench &&
	    "${ctl[@]}" domain add "$(printf "$FMT" 0)" --owner bench &&
	    "${ctl[@]}" backupmx add "$(printf "$FMT" 0)" \
	    --deliver-to 127.1.0.1:1; } \
	    >"$dir/setup.log" 2>&1 ||
	    die "relay setup: $(tail -n 1 "$dir/setup.log")"
	sqlite3 "$dir/backupmx.db" >>"$dir/setup.log" 2>&1 <<EOF || die \
	    "cannot add the domains: $(tail -n 1 "$dir/setup.log")"
BEGIN;
WITH RECURSIVE s(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM s
    WHERE i < $n - 1)
INSERT INTO domain (name, idn, account_id, external, created, updated)
    SELECT printf('$FMT', i), printf('$FMT', i), d.account_id, 0,
    d.created, d.updated FROM s, domain d WHERE d.name = printf('$FMT', 0);
INSERT INTO backupmx (domain_id, domain, idn, created, updated, owner_id,
    delivery_host)
    SELECT d.id, d.name, d.idn, d.created, d.updated, d.account_id,
    printf('127.1.%d.%d:1', d.id2 / 250, d.id2 % 250 + 1)
    FROM (SELECT *, CAST(substr(name, 2, 5) AS INTEGER) AS id2 FROM domain)
    d WHERE d.name <> printf('$FMT', 0);
COMMIT;
EOF
	[ "$(sqlite3 "$dir/backupmx.db" 'SELECT count(*) FROM backupmx')" \
	    -eq "$n" ] || die "BackupMX records: not $n"
}

relay_listening() {
	grep -q 'listening on' "$1/relay.log" && kill -0 "$relay_pid"
}

# relay_start DIR: backupmxd in a network namespace of its own.
relay_start() {
	unshare -n sh -c 'ip link set lo up && exec "$@"' sh \
	    "$T/bin/backupmxd" -c "$1/backupmx.conf" -f >>"$1/relay.log" 2>&1 &
	relay_pid=$!
	wait_for 10 relay_listening "$1" ||
	    die "relay did not start: $(tail -n 3 "$1/relay.log")"
	[ "$(cat "/proc/$relay_pid/comm")" = backupmxd ] ||
	    die "pid $relay_pid is not the relay"
}

relay_gone() { ! kill -0 "$relay_pid" 2>/dev/null; }

relay_stop() {
	[ -n "$relay_pid" ] || return 0
	kill -TERM "$relay_pid" 2>/dev/null
	wait_for 40 relay_gone || kill -KILL "$relay_pid" 2>/dev/null
	wait "$relay_pid" 2>/dev/null
	relay_pid=
}

# run NAME N: one case; its table goes to $T/NAME.out.
run() {
	local dir=$T/$1 n=$2
	echo "  $1: $n destinations..." >&2
	relay_setup "$dir" "$n"
	relay_start "$dir"
	nsenter -t "$relay_pid" -n /usr/bin/python3 bench/drain_probes.py \
	    --pid "$relay_pid" --log "$dir/relay.log" --port "$PORT" \
	    --n "$n" --fmt "$FMT" --interval "$INTERVAL" --rounds "$ROUNDS" \
	    --first-max "$FIRST_MAX" --raw "$dir/attempts" >"$T/$1.out" ||
	    die "drain_probes.py failed"
	relay_stop
	# Every message still queued: nothing delivered, nothing lost.
	echo "messages still queued at the end: $(sqlite3 "$dir/backupmx.db" \
	    'SELECT count(*) FROM queue_message') of $n" >>"$T/$1.out"
}

echo "Probes with destinations down: backupmxd, probe_interval" \
    "$INTERVAL s (stands for 300), private network namespace;" \
    "$(nproc) CPUs, load average $(cut -d' ' -f1-3 /proc/loadavg)"
run main "$N"
echo
cat "$T/main.out"
if [ "$CHECK" = 1 ]; then
	# Half of what the measured probe rate allows per interval.
	rate=$(sed -n 's/^probe rate in window (per s) *| *\([0-9.]*\).*/\1/p' \
	    "$T/main.out")
	m=$(awk -v r="$rate" -v i="$INTERVAL" -v n="$N" 'BEGIN {
	    m = int(r * i / 2); if (m > n / 2) m = int(n / 2)
	    print m < 10 ? 10 : m }')
	run check "$m"
	echo
	echo "Check: $m destinations, half of what the measured rate allows" \
	    "per interval"
	cat "$T/check.out"
fi
