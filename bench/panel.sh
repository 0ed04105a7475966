#!/bin/bash
# The panel under load: wrk against GET /login and, signed in, against
# the BackupMX Management list of a customer with 1,000 entries, through
# the project's nginx (tests/web/web_lib.sh starts panel and nginx on a
# free loopback port).  Prints one table: requests per second, latency
# percentiles, errors, and the issue's targets (>= 10,000 req/s for the
# login page, p99 < 20 ms for the list).  Stops what it started and
# removes its temporary directory, also when interrupted.
#
#   BENCH_PANEL_SECONDS=10   length of each wrk run
#   BENCH_PANEL_CONNS=50     wrk connections (2 threads)
#   BENCH_PANEL_ENTRIES=1000 BackupMX entries of the customer
#   BENCH_PANEL_FEW=10       connections of the last run (wrk's default)
#   BENCH_PANEL_ROUNDS=3     runs of the list at 50 connections; the
#                            verdict takes their median p99
#   BENCH_PANEL_THREADS=4    the panel's panel_threads
#   BMX_BUILD=build          which binaries (copied first: a rebuild
#                            during the run changes nothing)
set -u
cd "$(dirname "$0")/.."
. tests/lib.sh
. tests/web/web_lib.sh

SECS=${BENCH_PANEL_SECONDS:-10}
CONNS=${BENCH_PANEL_CONNS:-50}
ENTRIES=${BENCH_PANEL_ENTRIES:-1000}

die() { echo "bench/panel: $*" >&2; exit 1; }

command -v wrk >/dev/null || die "no wrk (Debian package wrk: .ci/deps)"
[ -x "$BMX_BUILD/backupmx.fcgi" ] || die "no $BMX_BUILD/backupmx.fcgi (make all)"
BIN=$(mktemp -d /tmp/bmx-bench-panel.XXXXXX)
cp "$BMX_BUILD/backupmx.fcgi" "$BMX_BUILD/backupmxctl" "$BIN/" ||
    die "cannot copy the binaries"
BMX_BUILD=$BIN
WEB_PANEL_THREADS=${BENCH_PANEL_THREADS:-4}
web_start >"$BIN/start.log" || die "panel or nginx did not start: $(tail -n 3 "$BIN/start.log")"
trap 'web_stop; rm -rf "$BIN"' EXIT
trap 'exit 1' INT TERM

# --- the customer and its entries ----------------------------------------

web_user bench || die "cannot create the user"
printf 'bench%04d.example\n' $(seq 1 "$ENTRIES") >"$T/domains"
# Four at a time: each backupmxctl run is one short transaction.
xargs -P 4 -n 25 sh -c 'for d; do
	$0 domain add "$d" --owner bench >/dev/null &&
	$0 backupmx add "$d" >/dev/null || exit 255
done' "$CTL" <"$T/domains" 2>"$T/setup.err" ||
    die "cannot create the entries: $(tail -n 1 "$T/setup.err")"
n=$(sqlite3 "$DB" "SELECT count(*) FROM backupmx")
[ "$n" = "$ENTRIES" ] || die "$n entries instead of $ENTRIES"
web_login jar bench || die "cannot sign in"
cookie=$(awk '$6 == "bmx_session" { print $7 }' "$T/jar")
[ -n "$cookie" ] || die "no session cookie"
web_get jar check /backupmx
[ "$(web_status check)" = 200 ] && grep -q "Entries 1–25 of $ENTRIES" \
    "$T/check.b" || die "the list does not show $ENTRIES entries"

# --- the runs ---------------------------------------------------------------

PANEL_PID=${WEB_PIDS[0]}
. bench/wrk.sh

# run LABEL PATH [wrk args]: one wrk run; prints a table row and keeps
# the p99 (ms) and rate in the variables P99 and RATE.  "panel us/req"
# is the panel's CPU time (user + system, all threads) per request.
run() {
	local label=$1 path=$2
	shift 2
	wrk_run "$CONNS" "$SECS" "$B$path" "$@"
	printf '%-34s %9s %8s %8s %8s %7s %8s %6s\n' "$label" "$RATE" "$P50" \
	    "$P90" "$P99" "$ERRS" "$CPU" "$SLOW"
}

verdict() {	# what value op target
	awk -v v="$2" -v t="$4" -v op="$3" 'BEGIN {
	    exit !((op == ">=" && v >= t) || (op == "<" && v < t)) }' &&
	    echo "met" || echo "NOT met"
}

echo "panel behind nginx: wrk, 2 threads, $CONNS connections, ${SECS} s" \
    "per run; $(nproc) CPUs, load average $(cut -d' ' -f1-3 /proc/loadavg)"
echo "one customer with $ENTRIES BackupMX entries; panel_threads = $WEB_PANEL_THREADS"
echo
printf '%-34s %9s %8s %8s %8s %7s %8s %6s\n' "request" "req/s" "p50 ms" \
    "p90 ms" "p99 ms" "errors" "us/req" "slow %"
run "GET /login" /login
LOGIN_RATE=$RATE
ROUNDS=${BENCH_PANEL_ROUNDS:-3}
p99s=
for i in $(seq 1 "$ROUNDS"); do
	run "GET /backupmx (signed in), run $i" /backupmx \
	    -H "Cookie: bmx_session=$cookie"
	p99s="$p99s $P99"
done
LIST_P99=$(wrk_median $p99s)
run "GET /backupmx?page=40&sort=updated" '/backupmx?page=40&sort=updated&dir=desc' \
    -H "Cookie: bmx_session=$cookie"
run "GET /backupmx?q=*7*&sort=created" '/backupmx?q=*7*&sort=created&dir=desc' \
    -H "Cookie: bmx_session=$cookie"
# The same list at wrk's default concurrency (2 threads, 10 connections):
# latency without the queueing that 50 connections on two CPUs bring,
# where wrk, nginx and the panel take turns on the same cores.
FEW=${BENCH_PANEL_FEW:-10}
CONNS=$FEW run "GET /backupmx, $FEW connections" \
    /backupmx -H "Cookie: bmx_session=$cookie"
FEW_P99=$P99
echo
echo "target: login page >= 10000 req/s:         $(verdict login "$LOGIN_RATE" '>=' 10000) ($LOGIN_RATE)"
echo "target: list p99 < 20 ms, $FEW connections:  $(verdict list "$FEW_P99" '<' 20) ($FEW_P99 ms)"
echo "        list p99 < 20 ms, $CONNS connections:" \
    "$(verdict list "$LIST_P99" '<' 20) (median of$p99s ms)"
echo "us/req: the panel's CPU per request; slow %: share of the run in which"
echo "the CPU ran at under a quarter of its speed (bench/cpuprobe.c)"
