# bench/wrk.sh — sourced by panel.sh and queue.sh: one wrk run through
# nginx with the panel's CPU time counted.
#
#   wrk_run CONNS SECONDS URL [wrk args]
#
# Sets RATE (req/s), P50 P90 P99 (ms), ERRS (non-2xx/3xx and socket
# errors) and CPU (the panel's user + system µs per request; PANEL_PID is
# the panel).  Calls die (the caller's) when wrk fails.

wrk_ticks() { awk '{ print $14 + $15 }' "/proc/$PANEL_PID/stat"; }

wrk_run() {
	local conns=$1 secs=$2 url=$3 out=$T/wrk.out c0 c1
	shift 3
	c0=$(wrk_ticks)
	wrk -t 2 -c "$conns" -d "${secs}s" --latency "$@" "$url" >"$out" 2>&1 ||
	    die "wrk failed: $(tail -n 1 "$out")"
	c1=$(wrk_ticks)
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
