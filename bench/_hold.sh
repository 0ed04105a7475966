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
echo "B=$B" > /tmp/hold.env
echo "COOKIE=$cookie" >> /tmp/hold.env
echo "PANEL_PID=$PANEL_PID" >> /tmp/hold.env
echo "T=$T" >> /tmp/hold.env
sleep 3000
