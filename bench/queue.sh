#!/bin/bash
# The queue dashboards under load: 100,000 queued messages across 1,000
# domains of one customer (written straight into the database with
# sqlite3, with 14 days of hourly history, probe results and counters),
# then wrk through the project's nginx against the overview and a
# domain's page, at 10 (wrk's default) and at 50 connections, and single
# timed requests of /metrics and the pictures.  Prints one table and the
# issue's target (p99 < 50 ms for the overview and a domain page).  Stops what it
# started and removes its temporary directory, also when interrupted.
#
#   BENCH_QUEUE_SECONDS=8     length of each wrk run
#   BENCH_QUEUE_MESSAGES=100000
#   BENCH_QUEUE_DOMAINS=1000
#   BENCH_QUEUE_ROUNDS=3      runs of each page at 50 connections; the
#                             verdict takes each page's median p99
#   BMX_BUILD=build           which binaries (copied first)
set -u
cd "$(dirname "$0")/.."
. tests/lib.sh
. tests/web/web_lib.sh

SECS=${BENCH_QUEUE_SECONDS:-8}
MSGS=${BENCH_QUEUE_MESSAGES:-100000}
DOMS=${BENCH_QUEUE_DOMAINS:-1000}

die() { echo "bench/queue: $*" >&2; exit 1; }

command -v wrk >/dev/null || die "no wrk (Debian package wrk: .ci/deps)"
[ -x "$BMX_BUILD/backupmx.fcgi" ] || die "no $BMX_BUILD/backupmx.fcgi (make all)"
BIN=$(mktemp -d /tmp/bmx-bench-queue.XXXXXX)
cp "$BMX_BUILD/backupmx.fcgi" "$BMX_BUILD/backupmxctl" "$BIN/" ||
    die "cannot copy the binaries"
BMX_BUILD=$BIN
web_start >"$BIN/start.log" || die "panel or nginx did not start: $(tail -n 3 "$BIN/start.log")"
trap 'web_stop; rm -rf "$BIN"' EXIT
trap 'exit 1' INT TERM

# --- the data ----------------------------------------------------------------

web_user bench || die "cannot create the customer"
web_user boss --admin || die "cannot create the admin"
t0=$(date +%s.%N)
sqlite3 "$DB" >/dev/null <<EOF || die "cannot fill the database"
PRAGMA journal_mode = WAL;
BEGIN;
WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n WHERE i < $DOMS)
INSERT INTO domain (name, idn, account_id, external, created, updated)
SELECT printf('bench%04d.example', i), printf('bench%04d.example', i),
    (SELECT id FROM account WHERE name = 'bench'), 1, 0, 0 FROM n;
INSERT INTO backupmx (domain_id, domain, idn, created, updated, owner_id)
SELECT id, name, idn, 0, 0, account_id FROM domain;
WITH RECURSIVE n(i) AS (SELECT 0 UNION ALL SELECT i + 1 FROM n WHERE i < $MSGS - 1)
INSERT INTO queue_message (id, node, domain, sender, size, arrival, expires,
    client, helo)
SELECT printf('B%015d', i), 'bench.node', printf('bench%04d.example', i % $DOMS + 1),
    printf('sender%d@example.org', i % 997), 2000 + i % 5000,
    strftime('%s', 'now') - i % 1000000, strftime('%s', 'now') - i % 1000000 + 1209600,
    '192.0.2.1', 'client.example.org' FROM n;
INSERT INTO queue_recipient (message_id, address, next_attempt, attempts,
    last_attempt, last_dsn, last_error)
SELECT id, 'user' || substr(id, 12) || '@' || domain, strftime('%s', 'now') + 300, 3,
    strftime('%s', 'now') - 10, '4.4.1', 'connect to mx.' || domain ||
    '[192.0.2.9]:25: Failed to connect: Connection refused' FROM queue_message;
INSERT INTO destination (name, node, last_probe, last_ok, last_result, next_probe)
SELECT name, 'bench.node', strftime('%s', 'now') - 10, strftime('%s', 'now') - 86400,
    'connect to mx.' || name || '[192.0.2.9]:25: Connection refused',
    strftime('%s', 'now') + 290 FROM domain;
INSERT INTO queue_total (domain, delivered, bounced, last_delivery)
SELECT name, 1000, 3, strftime('%s', 'now') - 86400 FROM domain;
WITH RECURSIVE h(k) AS (SELECT 0 UNION ALL SELECT k + 1 FROM h WHERE k < 335)
INSERT INTO queue_stat (domain, hour, queued, bytes, delivered, bounced)
SELECT d.name, strftime('%s', 'now') / 3600 * 3600 - h.k * 3600, 100, 350000,
    h.k % 7, h.k % 3 = 0 FROM domain d, h;
COMMIT;
ANALYZE;
EOF
t1=$(date +%s.%N)
n=$(sqlite3 "$DB" "SELECT count(*) FROM queue_message")
[ "$n" = "$MSGS" ] || die "$n messages instead of $MSGS"

web_login jar bench || die "cannot sign in"
web_login ajar boss || die "cannot sign in the admin"
cookie=$(awk '$6 == "bmx_session" { print $7 }' "$T/jar")
acookie=$(awk '$6 == "bmx_session" { print $7 }' "$T/ajar")
DOM=bench0500.example
web_get jar check "/queue/$DOM"
[ "$(web_status check)" = 200 ] && grep -q "$((MSGS / DOMS)) message(s)." \
    "$T/check.b" || die "the domain page does not show $((MSGS / DOMS)) messages"

# --- the runs ------------------------------------------------------------------

PANEL_PID=${WEB_PIDS[0]}
. bench/wrk.sh
WORST=0

# run CONNS LABEL PATH COOKIE: wrk runs (ROUNDS of them at 50
# connections), a table row each; the worst of the pages' median p99 at
# 50 connections is kept in WORST.
ROUNDS=${BENCH_QUEUE_ROUNDS:-3}
run() {
	local conns=$1 label=$2 path=$3 ck=$4 i n=1 p99s= med
	[ "$conns" -ge 50 ] && n=$ROUNDS
	for i in $(seq 1 "$n"); do
		wrk_run "$conns" "$SECS" "$B$path" -H "Cookie: bmx_session=$ck"
		printf '%-44s %5s %8s %7s %7s %7s %6s %8s %6s\n' "$label" \
		    "$conns" "$RATE" "$P50" "$P90" "$P99" "$ERRS" "$CPU" "$SLOW"
		p99s="$p99s $P99"
	done
	[ "$conns" -ge 50 ] || return 0
	med=$(wrk_median $p99s)
	WORST=$(awk -v a="$WORST" -v b="$med" 'BEGIN { print (b > a ? b : a) }')
}

# once LABEL PATH COOKIE: the median time of 5 single requests
once() {
	local i times=() size
	for i in 1 2 3 4 5; do
		times+=("$(curl -s -o "$T/once.b" -w '%{time_total}' \
		    -H "Cookie: bmx_session=$3" "$B$2")")
	done
	size=$(wc -c <"$T/once.b")
	printf '%-44s %9s ms  (%s bytes)\n' "$1" "$(printf '%s\n' "${times[@]}" |
	    sort -n | sed -n 3p | awk '{ printf "%.1f", $1 * 1000 }')" "$size"
}

echo "queue dashboards behind nginx: $MSGS messages, $DOMS domains of one" \
    "customer, 14 days of hourly history (filled in $(awk -v a="$t0" \
    -v b="$t1" 'BEGIN { printf "%.1f", b - a }') s); wrk 2 threads," \
    "${SECS} s per run; $(nproc) CPUs, load average $(cut -d' ' -f1-3 /proc/loadavg)"
echo
printf '%-44s %5s %8s %7s %7s %7s %6s %8s %6s\n' "request" "conns" "req/s" \
    "p50 ms" "p90 ms" "p99 ms" "errors" "us/req" "slow %"
for c in 10 50; do
	run "$c" "GET /queue (customer, 1000 domains)" /queue "$cookie"
	run "$c" "GET /queue?page=40 (admin)" '/queue?page=40' "$acookie"
	run "$c" "GET /queue/$DOM (100 messages)" "/queue/$DOM" "$cookie"
	run "$c" "GET /queue/$DOM?sort=size&dir=desc&page=2" \
	    "/queue/$DOM?sort=size&dir=desc&page=2" "$cookie"
done
echo
once "GET /metrics (admin cookie, from loopback)" /metrics "$acookie"
once "GET /queue/$DOM/chart.svg" "/queue/$DOM/chart.svg" "$cookie"
once "GET /queue/chart.svg (all 1000 domains)" /queue/chart.svg "$cookie"
once "GET /queue/ages.svg (all 1000 domains)" /queue/ages.svg "$cookie"
once "GET /queue?queued=1 (admin, scans the queue)" '/queue?queued=1' "$acookie"
echo
verdict=$(awk -v v="$WORST" 'BEGIN { print (v < 50 ? "met" : "NOT met") }')
echo "target: overview and domain page p99 < 50 ms: $verdict (worst median" \
    "at 50 connections: $WORST ms)"
echo "us/req: the panel's CPU per request; slow %: share of the run in which"
echo "the CPU ran at under a quarter of its speed (bench/cpuprobe.c)"
