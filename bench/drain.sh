#!/bin/bash
# Drain rate: how fast backupmxd empties a backlog once the primary is
# back, next to a private Postfix backup MX holding the same backlog, same
# machine, same run, loopback only (issue 4, Benchmark).
#
# For each server in turn (never both running): the domain's primary is a
# free loopback port where nothing listens yet; smtp-source fills the
# server with N messages of 4 KB (20 sessions), which all stay queued
# (the relay with probe_interval = 3600, so nothing is retried meanwhile;
# Postfix moves them to its deferred queue).  Then the primary comes up
# (smtp-sink, fresh for each server, same options) and the server is told
# to deliver now: `backupmxctl queue flush DOMAIN` / `postqueue -f`.  The
# time runs from that command until the queue is empty (polled every
# 0.1 s by bench/drain_wait.py: queue_message rows / Postfix queue files).
# The sink's own counter must show all N for each server.
#
#   BENCH_DRAIN_N=10000          messages in the backlog
#   BENCH_DRAIN_CONCURRENCY=     the relay's delivery_concurrency (default:
#                                the relay's own default)
#   BENCH_DRAIN_TIMEOUT=180      give up on a drain after this many seconds
#   BENCH_DRAIN_REPS=3           rounds (each: backupmxd, then Postfix, each
#                                with a fresh spool); the verdict is the
#                                median of the rounds' ratios
#   BENCH_TMPDIR=/tmp            where both servers spool
#   BMX_BUILD=build              which binaries
set -u
cd "$(dirname "$0")/.." || exit 1
. tests/lib.sh
. bench/postfix.sh
N=${BENCH_DRAIN_N:-10000}
CONC=${BENCH_DRAIN_CONCURRENCY:-}
TIMEOUT=${BENCH_DRAIN_TIMEOUT:-180}
REPS=${BENCH_DRAIN_REPS:-3}
REP=1
SIZE=4096
SESSIONS=20
DOMAIN=drain.example
SOURCE=/usr/sbin/smtp-source
SINK=/usr/sbin/smtp-sink
# No DNS query leaves the machine: the relay's resolver is a dead port.
RESOLVER=127.0.0.1:1

T=$(mktemp -d "${BENCH_TMPDIR:-/tmp}/bmx-drain.XXXXXX")
chmod 755 "$T"		# Postfix's daemons (user postfix) must reach its queue
relay_pid=
sink_pid=

cleanup() {
	sink_stop
	relay_stop
	pfx_stop
	rm -rf "$T"
}
trap cleanup EXIT
trap 'exit 1' INT TERM

die() { echo "drain: $*" >&2; exit 1; }

# --- the primary: smtp-sink -----------------------------------------------

port_open() { (exec 3<>"/dev/tcp/127.0.0.1/$1") 2>/dev/null; }

# sink_start NAME: the primary comes up on PRIM_PORT; its running counter
# goes to $T/sink-NAME.out.
sink_start() {
	"$SINK" -u nobody -c "127.0.0.1:$PRIM_PORT" 256 >"$T/sink-$1.out" \
	    2>"$T/sink-$1.err" &
	sink_pid=$!
	wait_for 10 port_open "$PRIM_PORT" ||
	    die "smtp-sink does not listen: $(cat "$T/sink-$1.err")"
}

sink_stop() {
	[ -n "$sink_pid" ] || return 0
	kill -TERM "$sink_pid" 2>/dev/null
	wait "$sink_pid" 2>/dev/null
	sink_pid=
}

# Messages the sink received ("mesg=N" of its last counter line).
sink_count() {
	tr '\r' '\n' <"$T/sink-$1.out" | sed -n 's/.*mesg=\([0-9]*\).*/\1/p' |
	    tail -n 1 | grep . || echo 0
}

# --- backupmxd ------------------------------------------------------------

R=$T/relay
CTL=("$T/bin/backupmxctl" -c "$R/backupmx.conf")

relay_setup() {
	mkdir -p "$R"
	{
		echo "db = $R/backupmx.db"
		echo "spool_dir = $R/spool"
		echo "smtp_listen = 127.0.0.1:$RELAY_PORT"
		echo "myhostname = mx.$DOMAIN"
		echo "min_free_space = 0"
		echo "max_connections_per_client = 1000"
		echo "dns_resolver = $RESOLVER"
		echo "probe_interval = 3600"
		[ -z "$CONC" ] || echo "delivery_concurrency = $CONC"
	} >"$R/backupmx.conf"
	{ "${CTL[@]}" init && "${CTL[@]}" user add bench &&
	    "${CTL[@]}" domain add "$DOMAIN" --owner bench &&
	    "${CTL[@]}" backupmx add "$DOMAIN" --deliver-to \
	    "127.0.0.1:$PRIM_PORT"; } >"$R/setup.log" 2>&1 ||
	    die "relay setup: $(tail -n 1 "$R/setup.log")"
}

relay_listening() {
	grep -q 'listening on' "$R/relay.log" && kill -0 "$relay_pid"
}

relay_start() {
	"$T/bin/backupmxd" -c "$R/backupmx.conf" -f >>"$R/relay.log" 2>&1 &
	relay_pid=$!
	wait_for 10 relay_listening ||
	    die "relay did not start: $(tail -n 3 "$R/relay.log")"
}

relay_gone() { ! kill -0 "$relay_pid" 2>/dev/null; }

relay_stop() {
	[ -n "$relay_pid" ] || return 0
	kill -TERM "$relay_pid" 2>/dev/null
	wait_for 40 relay_gone || kill -KILL "$relay_pid" 2>/dev/null
	wait "$relay_pid" 2>/dev/null
	relay_pid=
}

relay_count() {
	sqlite3 "$R/backupmx.db" 'SELECT count(*) FROM queue_message'
}

# --- measuring ------------------------------------------------------------

# CPU ticks: the relay's own threads; Postfix's master with its reaped
# children plus every live daemon it started.
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

# fill PORT: N messages into a server whose primary is down.
fill() {
	"$SOURCE" -s "$SESSIONS" -m "$N" -l "$SIZE" -f bench@client.example \
	    -t "rcpt@$DOMAIN" "127.0.0.1:$1" >>"$T/source.log" 2>&1 ||
	    die "smtp-source: $(tail -n 1 "$T/source.log")"
}

queued_all() { [ "$("$@")" -eq "$N" ]; }

# drain SERVER COUNTER ARG COMMAND...: the primary comes up, COMMAND tells
# the server to deliver; appends "server n left total first t90 t10 cpu
# received" to RESULTS.
drain() {
	local srv=$1 how=$2 where=$3 c0 c1 line rc
	shift 3
	sink_start "$srv"
	c0=$(server_ticks "$srv")
	line=$(/usr/bin/python3 bench/drain_wait.py "$how" "$where" \
	    --timeout "$TIMEOUT" -- "$@")
	rc=$?
	c1=$(server_ticks "$srv")
	[ "$rc" -le 1 ] && [ -n "$line" ] || die "$srv: drain_wait failed"
	# Let the last replies and QUITs reach the sink's counter.
	sleep 0.5
	sink_stop
	echo "$REP $srv $line $((c1 - c0)) $(sink_count "$srv")" >>"$T/results"
}

# --- the run --------------------------------------------------------------

for x in "$SOURCE" "$SINK" /usr/sbin/postfix /usr/sbin/postqueue; do
	[ -x "$x" ] || die "no $x (Debian package postfix)"
done
[ -x "$BMX_BUILD/backupmxd" ] || die "no $BMX_BUILD/backupmxd (make all)"
command -v sqlite3 >/dev/null || die "no sqlite3"
mkdir "$T/bin" && cp "$BMX_BUILD/backupmxd" "$BMX_BUILD/backupmxctl" \
    "$T/bin/" || die "cannot copy the binaries"
RELAY_PORT=$(free_port)
PFX_PORT=$(free_port)
PRIM_PORT=$(free_port)
[ "$(printf '%s\n' "$RELAY_PORT" "$PFX_PORT" "$PRIM_PORT" | sort -u |
    wc -l)" -eq 3 ] || die "free_port gave the same port twice; run again"

mkdir "$T/version" && touch "$T/version/main.cf"
echo "Drain: $N queued messages of $((SIZE / 1024)) KB for one domain," \
    "primary (smtp-sink) comes up, time until the queue is empty."
echo "backupmxd vs Postfix $(postconf -c "$T/version" -dh mail_version \
    2>/dev/null); $(nproc) CPUs, load average $(cut -d' ' -f1-3 \
    /proc/loadavg), spools on $(findmnt -n -o FSTYPE -T "$T") ($T)"

# round REP: backupmxd, then Postfix, each from a fresh spool and queue.
round() {
	R=$T/relay-$REP
	CTL=("$T/bin/backupmxctl" -c "$R/backupmx.conf")
	echo "  round $REP, backupmxd: filling..." >&2
	relay_setup
	relay_start
	fill "$RELAY_PORT"
	wait_for 30 queued_all relay_count ||
	    die "backupmxd queued $(relay_count) of $N"
	conc=$("${CTL[@]}" config 2>/dev/null | sed -n \
	    's/^delivery_concurrency[[:space:]]*=[[:space:]]*//p')
	echo "  round $REP, backupmxd: draining..." >&2
	drain backupmxd --sqlite "$R/backupmx.db" "${CTL[@]}" queue flush \
	    "$DOMAIN"
	peak=$(sed -n 's/^VmHWM:[[:space:]]*\([0-9]*\).*/\1/p' \
	    "/proc/$relay_pid/status")
	[ "${peak:-0}" -gt "${relay_peak:-0}" ] && relay_peak=$peak
	relay_stop
	rm -rf "$R/spool"

	echo "  round $REP, postfix: filling..." >&2
	pfx_setup "$T/postfix-$REP" "$PFX_PORT" "$DOMAIN" \
	    "127.0.0.1:$PRIM_PORT" ||
	    die "postfix setup: $(tail -n 3 "$T/postfix-$REP/setup.log")"
	pfx_start || die "postfix did not start: $(tail -n 3 \
	    "$T/postfix-$REP/maillog" "$T/postfix-$REP/setup.log" 2>/dev/null)"
	wait_for 10 port_open "$PFX_PORT" || die "postfix does not listen"
	fill "$PFX_PORT"
	wait_for 120 pfx_deferred || die "postfix deferred $(find \
	    "$PFX/queue/deferred" -type f | wc -l) of $N"
	echo "  round $REP, postfix: draining..." >&2
	drain postfix --postfix "$PFX/queue" postqueue -c "$PFX/etc" -f
	pfx_stop
}

# Wait until every message rests in Postfix's deferred queue.
pfx_deferred() {
	[ "$(find "$PFX/queue/deferred" -type f | wc -l)" -eq "$N" ]
}

relay_peak=0
for REP in $(seq 1 "$REPS"); do
	round
done

echo "backupmxd delivery_concurrency = ${conc:-?}; Postfix stock" \
    "(relay transport, destination concurrency $(postconf -c "$PFX/etc" \
    -xh relay_destination_concurrency_limit 2>/dev/null)); relay peak RSS" \
    "${relay_peak} kB; $REPS round(s)"
echo
awk -v n="$N" -v hz="$(getconf CLK_TCK)" '
	{ rep[NR] = $1; srv[NR] = $2; left[NR] = $4; secs[NR] = $5
	  first[NR] = $6; t90[NR] = $7; t10[NR] = $8; cpu[NR] = $9
	  got[NR] = $10; rate[NR] = ($3 - $4) / ($5 > 0 ? $5 : 1)
	  r[$1, $2] = rate[NR]; if ($1 > reps) reps = $1 }
	END {
	printf "%-5s | %-10s | %8s | %8s | %8s | %s\n", "round", "server",
	    "messages", "seconds", "msg/s", "ratio (backupmxd/Postfix)"
	for (i = 1; i <= NR; i++) {
		x = ""
		if (srv[i] == "backupmxd" && r[rep[i], "postfix"] > 0) {
			ratio[++nr] = rate[i] / r[rep[i], "postfix"]
			x = sprintf("%.2fx", ratio[nr])
		}
		printf "%-5d | %-10s | %8d | %8.2f | %8.0f | %s\n", rep[i],
		    srv[i], n - left[i], secs[i], rate[i], x
	}
	for (i = 1; i <= nr; i++)	# insertion sort: a few rounds
		for (j = i; j > 1 && ratio[j - 1] > ratio[j]; j--) {
			t = ratio[j]; ratio[j] = ratio[j - 1]; ratio[j - 1] = t
		}
	med = nr == 0 ? 0 : nr % 2 ? ratio[(nr + 1) / 2] : \
	    (ratio[nr / 2] + ratio[nr / 2 + 1]) / 2
	met = med >= 1.5 ? "met" : "NOT met"
	printf "target (>= 1.5x Postfix, median of %d round(s)): %s (%.2fx;" \
	    " lowest %.2fx, highest %.2fx)\n\n", nr, met, med, ratio[1],
	    ratio[nr]
	printf "%-5s | %-10s | %9s | %9s | %9s | %8s | %10s | %s\n", "round",
	    "server", "first (s)", "90%->10%", "mid msg/s", "CPU (s)",
	    "CPU ms/msg", "sink received"
	for (i = 1; i <= NR; i++) {
		mid = 0
		if (t90[i] >= 0 && t10[i] > t90[i])
			mid = 0.8 * n / (t10[i] - t90[i])
		ok = got[i] == n && left[i] == 0 ? " (all)" : \
		    " (MISSING " n - got[i] ")"
		printf "%-5d | %-10s | %9.2f | %9.2f | %9.0f | %8.2f | %10.3f |" \
		    " %d%s\n", rep[i], srv[i], first[i], t10[i] - t90[i], mid,
		    cpu[i] / hz, 1000 * cpu[i] / hz / n, got[i], ok
	}
	}' "$T/results"
