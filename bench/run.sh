#!/bin/bash
# make bench: accepted messages per second of backupmxd and of a private
# Postfix backup MX for the same domain, same machine, same run, loopback
# only, with smtp-source as the client.  See bench/README.md for the
# method.  Prints three tables (rates with ratios and the relay's peak
# RSS; server CPU per message; every timed run), then runs bench/crash.sh
# (100 kill -9 rounds) unless BENCH_CRASH=0, then bench/drain.sh, probes.sh
# and panel.sh.  Stops everything it started
# and removes its temporary directory, also when interrupted.
#
#   BENCH_SECONDS=4   length of a timed run (sized from a probe run)
#   BENCH_REPS=3      timed runs per case and server; the median counts
#   BENCH_CRASH=0     skip the crash run
#   BENCH_TMPDIR=/tmp where both servers spool (its file system matters)
#   BMX_BUILD=build   which binaries
set -u
cd "$(dirname "$0")/.."
. tests/lib.sh
. bench/postfix.sh
SECONDS_WANTED=${BENCH_SECONDS:-4}
REPS=${BENCH_REPS:-3}
DOMAIN=bench.example
SIZES="1024 102400"
SESSIONS="1 20"
SOURCE=/usr/sbin/smtp-source
# The primary MX of the domain, down: nothing listens on port 1, so both
# servers keep every message queued (and no DNS query leaves the host).
DEAD_HOP=127.0.0.1:1

T=$(mktemp -d "${BENCH_TMPDIR:-/tmp}/bmx-bench.XXXXXX")
chmod 755 "$T"		# Postfix's daemons (user postfix) must reach its queue
RESULTS=$T/results
RELAY_DIR=
RELAY_CONF=
RELAY_LOG=
relay_pid=
relay_starts=0

cleanup() {
	relay_stop
	pfx_stop
	rm -rf "$T"
}
trap cleanup EXIT
trap 'exit 1' INT TERM

die() { echo "bench: $*" >&2; exit 1; }

# --- backupmxd ------------------------------------------------------------

# relay_setup DIR PORT: a configuration, database and spool under DIR.
relay_setup() {
	RELAY_DIR=$1
	RELAY_CONF=$1/backupmx.conf
	RELAY_LOG=$1/relay.log
	relay_starts=0
	local ctl="$T/bin/backupmxctl -c $RELAY_CONF"
	mkdir -p "$1"
	cat >"$RELAY_CONF" <<EOF
db = $1/backupmx.db
spool_dir = $1/spool
smtp_listen = 127.0.0.1:$2
myhostname = mx.$DOMAIN
min_free_space = 0
max_connections_per_client = 1000
dns_resolver = $DEAD_HOP
EOF
	{ $ctl init && $ctl user add bench && $ctl domain add "$DOMAIN" \
	    --owner bench && $ctl backupmx add "$DOMAIN" --deliver-to \
	    "$DEAD_HOP"; } >"$1/setup.log" 2>&1 ||
	    die "relay setup: $(tail -n 1 "$1/setup.log")"
}

relay_listening() {
	[ "$(grep -c 'listening on' "$RELAY_LOG")" -ge "$relay_starts" ] &&
	    kill -0 "$relay_pid"
}

relay_start() {
	relay_starts=$((relay_starts + 1))
	"$T/bin/backupmxd" -c "$RELAY_CONF" -f >>"$RELAY_LOG" 2>&1 &
	relay_pid=$!
	wait_for 10 relay_listening
}

relay_gone() { ! kill -0 "$relay_pid" 2>/dev/null; }

relay_stop() {
	[ -n "$relay_pid" ] || return 0
	kill -TERM "$relay_pid" 2>/dev/null
	wait_for 10 relay_gone || kill -KILL "$relay_pid" 2>/dev/null
	wait "$relay_pid" 2>/dev/null
	relay_pid=
}

relay_count() {
	sqlite3 "$RELAY_DIR/backupmx.db" 'SELECT count(*) FROM queue_message'
}

relay_peak_kb() {
	sed -n 's/^VmHWM:[[:space:]]*\([0-9]*\) kB/\1/p' "/proc/$relay_pid/status"
}

# --- measuring -------------------------------------------------------------

# Busy and total jiffies of the machine (every CPU), from /proc/stat.
machine_ticks() {
	awk '$1 == "cpu" { t = 0; for (i = 2; i <= NF; i++) t += $i
	    print t - $5 - $6, t; exit }' /proc/stat
}

# CPU ticks a server has used: the relay's threads; Postfix's master with
# its reaped children plus every live daemon it started.
server_ticks() {
	if [ "$1" = backupmxd ]; then
		awk '{ print $14 + $15 }' "/proc/$relay_pid/stat"
	else
		cat /proc/[0-9]*/stat 2>/dev/null | awk -v m="$PFX_MASTER" '
		    $1 == m { s += $14 + $15 + $16 + $17 }
		    $4 == m { s += $14 + $15 }
		    END { print s + 0 }'
	fi
}

# blast SERVER PORT SESSIONS SIZE COUNT: run smtp-source; print the
# seconds taken, the machine's busy share and the server's CPU ticks.
blast() {
	local t0 t1 rc b0 a0 b1 a1 c0 c1
	read -r b0 a0 < <(machine_ticks)
	c0=$(server_ticks "$1")
	t0=$(date +%s%N)
	"$SOURCE" -s "$3" -m "$5" -l "$4" -f "bench@client.example" \
	    -t "rcpt@$DOMAIN" "127.0.0.1:$2" >>"$T/source.log" 2>&1
	rc=$?
	t1=$(date +%s%N)
	read -r b1 a1 < <(machine_ticks)
	c1=$(server_ticks "$1")
	[ "$rc" -eq 0 ] || echo "bench: smtp-source exited $rc" \
	    "($(tail -n 1 "$T/source.log"))" >&2
	awk -v a="$t0" -v b="$t1" -v busy=$((b1 - b0)) -v all=$((a1 - a0)) \
	    -v cpu=$((c1 - c0)) 'BEGIN { printf "%.3f %.0f %d\n",
	    (b - a) / 1e9, all ? 100 * busy / all : 0, cpu }'
}

# server_* dispatch to the relay or to Postfix.
server_count() { if [ "$1" = backupmxd ]; then relay_count; else pfx_count; fi; }
server_settle() { [ "$1" = backupmxd ] || pfx_settle; }

# scale N SECS WANT: N messages took SECS; how many would take WANT?
scale() {
	awk -v n="$1" -v t="$2" -v w="$3" 'BEGIN {
	    f = w / (t > 0.01 ? t : 0.01); if (f > 20) f = 20
	    m = int(n * f + 0.5); print (m > n ? m : n) }'
}

# measure SERVER PORT SESSIONS SIZE: probes (growing until one takes a
# second) size the timed runs to about SECONDS_WANTED; a timed run under
# 3 s is repeated, longer (twice at most).  Each timed run appends a line
# to RESULTS.  Nothing is deleted between runs: on this kind of file
# system, fresh deletions slow down the next creations (README).
measure() {
	local srv=$1 port=$2 s=$3 size=$4 n secs busy cpu rep try before acc
	n=$((s * 10))
	for _ in 1 2 3 4 5; do
		read -r secs busy cpu < <(blast "$srv" "$port" "$s" "$size" "$n")
		server_settle "$srv"
		awk -v t="$secs" 'BEGIN { exit !(t >= 1) }' && break
		n=$(scale "$n" "$secs" 1.5)
	done
	# Aim a quarter above: a longer run is often a faster one.
	n=$(scale "$n" "$secs" "$(awk -v w="$SECONDS_WANTED" \
	    'BEGIN { print w * 1.25 }')")
	for rep in $(seq 1 "$REPS"); do
		for try in 1 2 3; do
			before=$(server_count "$srv")
			read -r secs busy cpu < <(blast "$srv" "$port" "$s" \
			    "$size" "$n")
			server_settle "$srv"
			acc=$(($(server_count "$srv") - before))
			awk -v t="$secs" 'BEGIN { exit !(t < 3) }' || break
			# Too short to count: again, longer.
			[ "$try" -lt 3 ] && n=$(scale "$n" "$secs" \
			    "$SECONDS_WANTED")
		done
		echo "$srv $s $size $rep $n $acc $secs $busy $cpu" >>"$RESULTS"
	done
}

# --- the run ---------------------------------------------------------------

[ -x "$SOURCE" ] || die "no $SOURCE (Debian package postfix)"
[ -x "$BMX_BUILD/backupmxd" ] || die "no $BMX_BUILD/backupmxd (make all)"
# Private copies, so that a rebuild during the run changes nothing.
mkdir "$T/bin" && cp "$BMX_BUILD/backupmxd" "$BMX_BUILD/backupmxctl" \
    "$T/bin/" || die "cannot copy the binaries"
command -v postfix >/dev/null || die "no postfix"
RELAY_PORT=$(free_port)
PFX_PORT=$(free_port)
[ "$RELAY_PORT" != "$PFX_PORT" ] || PFX_PORT=$(free_port)
! (exec 3<>/dev/tcp/127.0.0.1/1) 2>/dev/null ||
    die "something listens on $DEAD_HOP, the benchmark's dead primary"
mkdir "$T/version" && touch "$T/version/main.cf"
echo "backupmxd vs Postfix $(postconf -c "$T/version" -dh mail_version \
    2>/dev/null) as a backup MX; smtp-source, one connection per message;"
echo "$(nproc) CPUs, load average $(cut -d' ' -f1-3 /proc/loadavg)," \
    "$(uname -r), spools on" \
    "$(findmnt -n -o FSTYPE -T "$T") ($T); ~${SECONDS_WANTED} s per run," \
    "median of $REPS"
echo

# case SESSIONS SIZE: fresh servers with empty queues, one after the
# other (never both running); the queues grow through the case's runs,
# as they do on a backup MX while the primary is down.
case_run() {
	local s=$1 size=$2 dir=$T/case-$2-$1
	printf '  %-26s' "$((size / 1024)) KB x $s session(s)..." >&2
	relay_setup "$dir/relay" "$RELAY_PORT"
	relay_start || die "relay did not start: $(tail -n 3 "$RELAY_LOG")"
	measure backupmxd "$RELAY_PORT" "$s" "$size"
	echo "rss $s $size $(relay_peak_kb)" >>"$RESULTS"
	relay_stop
	pfx_setup "$dir/postfix" "$PFX_PORT" "$DOMAIN" "$DEAD_HOP" ||
	    die "postfix setup: $(tail -n 3 "$dir/postfix/setup.log")"
	pfx_start || die "postfix did not start: $(tail -n 3 \
	    "$dir/postfix/maillog" "$dir/postfix/setup.log" 2>/dev/null)"
	wait_for 10 bash -c "exec 3<>/dev/tcp/127.0.0.1/$PFX_PORT" ||
	    die "postfix does not listen on $PFX_PORT"
	measure postfix "$PFX_PORT" "$s" "$size"
	pfx_stop
	echo " done" >&2
}

for size in $SIZES; do
	for s in $SESSIONS; do
		case_run "$s" "$size"
	done
done

awk -v hz="$(getconf CLK_TCK)" -f bench/report.awk "$RESULTS"
if [ "${BENCH_CRASH:-1}" != 0 ]; then
	echo
	bench/crash.sh
fi
# The other benchmarks, each its own script with its own tables: drain
# rate after an outage (issue 4), probes with 10,000 destinations down,
# the panel under wrk (issue 5), the queue dashboards (issue 7).
# BENCH_ONLY_INBOUND=1 skips them.
if [ "${BENCH_ONLY_INBOUND:-0}" != 1 ]; then
	for b in drain probes panel queue; do
		echo
		bash "bench/$b.sh"
	done
fi
