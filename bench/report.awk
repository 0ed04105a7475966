# The benchmark's tables, from the lines bench/run.sh collects (POSIX awk,
# run with -v hz=CLK_TCK):
#   SERVER SESSIONS SIZE REP SENT ACCEPTED SECONDS BUSY% CPU_TICKS
#   rss SESSIONS SIZE KB
# A run's rate is accepted / seconds, its CPU cost the server's CPU time
# per accepted message; a case's figure is the median over its runs.  The
# 20-session rows are checked against the issue's target (>= 1.5x).

function kb(size) { return size / 1024 " KB" }
function label(s, size) {
	return sprintf("%s, %2d session%s", kb(size), s, s == 1 ? "" : "s")
}
# median(NAME, KEY): the median of val[NAME, KEY, 1..cnt[NAME, KEY]].
function median(name, key,    n, i, j, v, a) {
	n = cnt[name, key]
	for (i = 1; i <= n; i++)
		a[i] = val[name, key, i]
	for (i = 2; i <= n; i++)	# insertion sort: a handful of values
		for (j = i; j > 1 && a[j - 1] > a[j]; j--) {
			v = a[j]; a[j] = a[j - 1]; a[j - 1] = v
		}
	if (n == 0)
		return 0
	return n % 2 ? a[(n + 1) / 2] : (a[n / 2] + a[n / 2 + 1]) / 2
}
function add(name, key, v) { val[name, key, ++cnt[name, key]] = v }

$1 == "rss" { rss[$2, $3] = $4; next }
{
	key = $1 SUBSEP $2 SUBSEP $3
	rate = $7 > 0 ? $6 / $7 : 0
	ms = $6 > 0 ? $9 * 1000 / hz / $6 : 0
	add("rate", key, rate)
	add("cpu", key, ms)
	add("busy", key, $8)
	if (!(($2, $3) in seen)) {
		seen[$2, $3] = 1
		order[++ncase] = $2 SUBSEP $3
	}
	note = ""
	if ($6 != $5) {
		note = sprintf("  (%d not accepted)", $5 - $6)
		lost++
	}
	if ($7 < 3) {
		note = note "  (under 3 s)"
		short++
	}
	line[++nline] = sprintf("%-10s %-20s %3d %7d %8d %7.2f %8.1f %6.3f %5d%%%s",
	    $1, label($2, $3), $4, $5, $6, $7, rate, ms, $8, note)
}
END {
	printf "%-20s | %15s | %13s | %8s | %s\n", "case", "backupmxd msg/s",
	    "postfix msg/s", "ratio", "relay peak RSS"
	print "---------------------+-----------------+---------------+" \
	    "----------+---------------"
	for (i = 1; i <= ncase; i++) {
		split(order[i], c, SUBSEP)
		b = median("rate", "backupmxd" SUBSEP c[1] SUBSEP c[2])
		p = median("rate", "postfix" SUBSEP c[1] SUBSEP c[2])
		ratio = p > 0 ? b / p : 0
		printf "%-20s | %15.1f | %13.1f | %7.2fx | %10.1f MB\n",
		    label(c[1], c[2]), b, p, ratio, rss[c[1], c[2]] / 1024
		if (c[1] == 20) {
			sep = verdict == "" ? "" : "; "
			verdict = verdict sep sprintf("%s: %.2fx", kb(c[2]), ratio)
			if (ratio < 1.5)
				missed = 1
		}
	}
	printf "\ntarget (>= 1.5x Postfix at 20 sessions): %s (%s)\n",
	    missed ? "NOT met" : "met", verdict
	if (lost)
		printf "warning: %d run(s) with messages not accepted\n", lost
	if (short)
		printf "warning: %d run(s) shorter than 3 s\n", short

	printf "\n%-20s | %17s | %17s | %s\n", "server CPU per msg",
	    "backupmxd ms/msg", "postfix ms/msg", "machine busy (b / p)"
	print "---------------------+-------------------+-------------------+" \
	    "---------------------"
	for (i = 1; i <= ncase; i++) {
		split(order[i], c, SUBSEP)
		kb_ = "backupmxd" SUBSEP c[1] SUBSEP c[2]
		kp = "postfix" SUBSEP c[1] SUBSEP c[2]
		printf "%-20s | %17.3f | %17.3f | %8d%% / %d%%\n",
		    label(c[1], c[2]), median("cpu", kb_), median("cpu", kp),
		    median("busy", kb_), median("busy", kp)
	}

	printf "\n%-10s %-20s %3s %7s %8s %7s %8s %6s %6s\n", "server", "case",
	    "run", "sent", "accepted", "seconds", "msg/s", "ms cpu", "busy"
	for (i = 1; i <= nline; i++)
		print line[i]
}
