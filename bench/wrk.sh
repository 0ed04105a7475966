# bench/wrk.sh — sourced by panel.sh and queue.sh: one wrk run through
# nginx with the panel's CPU time counted.
#
#   wrk_run CONNS SECONDS URL [wrk args]
#
# Sets RATE (req/s), P50 P90 P99 (ms), ERRS (non-2xx/3xx and socket
# errors), CPU (the panel's user + system µs per request; PANEL_PID is
# the panel) and SLOW: the share of the run in which the machine's CPU
# ran at under a quarter of its speed (bench/cpuprobe.c; "-" without a
# C compiler).  On the virtual machines this was measured on, the host
# slows a virtual CPU about tenfold for some 150 ms every 1.5 s, idle or
# not; a request caught in such a window takes ten times as long, and
# at 50 connections those requests are about the slowest 1 %: the p99.
# Calls die (the caller's) when wrk fails.

# BENCH_PROBE=0 leaves the probe out.
WRK_PROBE=
if [ "${BENCH_PROBE:-1}" != 0 ]; then
	if cc -std=c11 -D_POSIX_C_SOURCE=200809L -Wall -Wextra -Werror -O2 \
	    -o "$T/cpuprobe" bench/cpuprobe.c; then
		WRK_PROBE=$T/cpuprobe
	else
		echo "bench: bench/cpuprobe.c did not build; no slow %" >&2
	fi
fi

# wrk_median V...: the middle value (the lower of the two middle ones).
wrk_median() {
	printf '%s\n' "$@" | sort -n |
	    awk '{ v[NR] = $1 } END { print v[int((NR + 1) / 2)] }'
}

wrk_ticks() { awk '{ print $14 + $15 }' "/proc/$PANEL_PID/stat"; }

wrk_run() {
	local conns=$1 secs=$2 url=$3 out=$T/wrk.out c0 c1
	shift 3
	local probe=
	if [ -n "$WRK_PROBE" ]; then
		"$WRK_PROBE" $((secs + 5)) >"$T/probe.out" &
		probe=$!
	fi
	c0=$(wrk_ticks)
	wrk -t 2 -c "$conns" -d "${secs}s" --latency "$@" "$url" >"$out" 2>&1 ||
	    die "wrk failed: $(tail -n 1 "$out")"
	c1=$(wrk_ticks)
	SLOW=-
	if [ -n "$probe" ]; then
		kill -TERM "$probe" 2>/dev/null
		wait "$probe" 2>/dev/null
		SLOW=$(awk '{ gsub(/[()]/, ""); print $6 }' "$T/probe.out")
		SLOW=${SLOW:--}
	fi
	CPU=$(awk -v t=$((c1 - c0)) -v hz="$(getconf CLK_TCK)" '/requests in/ {
	    printf "%.0f", ($1 > 0 ? t * 1e6 / hz / $1 : 0) }' "$out")
	read -r RATE P50 P90 P99 ERRS < <(awk '
	    function ms(v) {
		if (v ~ /us$/) return v / 1000
		if (v ~ /ms$/) return v + 0
		if (v ~ /s$/) return v * 1000
		return v
	    }
	    $1 == "Requests/sec:" { rate = $2 }
	    $1 == "50%" { p50 = ms($2) }
	    $1 == "90%" { p90 = ms($2) }
	    $1 == "99%" { p99 = ms($2) }
	    /Non-2xx or 3xx responses:/ { bad += $NF }
	    /Socket errors:/ { gsub(/,/, ""); bad += $4 + $6 + $8 + $10 }
	    END { printf "%.0f %.2f %.2f %.2f %d\n", rate, p50, p90, p99, bad }
	' "$out")
}
