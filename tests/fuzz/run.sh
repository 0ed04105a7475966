#!/bin/bash
# Run libFuzzer targets (built by `make fuzz-build` into build/fuzz) on
# their committed corpora.
#
#   tests/fuzz/run.sh [TARGET...]     default: every build/fuzz/fuzz_*
#   FUZZ_SECONDS=60   how long each target runs (-max_total_time)
#   FUZZ_RUNS=N       instead: N executions each (-runs), for make test
#   FUZZ_MERGE=1      afterwards merge what the run found into the
#                     committed corpus (-merge=1: only inputs that add
#                     coverage), to be reviewed and committed
#
# A target's corpus is tests/fuzz/corpus/NAME (read; new inputs go to a
# scratch directory, so the committed corpus only grows by FUZZ_MERGE),
# its dictionary
# tests/fuzz/fuzz_NAME.dict if there is one.  A crash leaves its input in
# build/fuzz/findings/.  Each line printed: target, executions, exec/s,
# coverage, new corpus units, and the verdict.
set -u
cd "$(dirname "$0")/../.."
SECS=${FUZZ_SECONDS:-60}
OUT=build/fuzz/findings
mkdir -p "$OUT"
[ $# -gt 0 ] || set -- build/fuzz/fuzz_*
failed=0
for bin in "$@"; do
	case $bin in *.o|*.a) continue ;; esac
	[ -x "$bin" ] || continue
	name=${bin##*/fuzz_}
	rm -f "$OUT/$name-"*	# findings of an earlier run
	scratch=$(mktemp -d /tmp/bmx-fuzz.XXXXXX)
	opts=(-max_len=4096 -timeout=10 -rss_limit_mb=1024
	    -artifact_prefix="$OUT/$name-" -print_final_stats=1)
	[ -f "tests/fuzz/fuzz_$name.dict" ] &&
	    opts+=(-dict="tests/fuzz/fuzz_$name.dict")
	if [ -n "${FUZZ_RUNS:-}" ]; then
		opts+=(-runs="$FUZZ_RUNS")
	else
		opts+=(-max_total_time="$SECS")
	fi
	log=$scratch.log
	"$bin" "${opts[@]}" "$scratch" "tests/fuzz/corpus/$name" >"$log" 2>&1
	rc=$?
	execs=$(sed -n 's/^stat::number_of_executed_units: *//p' "$log")
	rate=$(sed -n 's/^stat::average_exec_per_sec: *//p' "$log")
	cov=$(grep -o 'cov: [0-9]*' "$log" | tail -n 1 | cut -d' ' -f2)
	new=$(find "$scratch" -maxdepth 1 -type f | wc -l)
	what="fuzz $name: ${execs:-0} execs, ${rate:-0}/s, cov ${cov:-?}, $new new inputs"
	if [ "$rc" -eq 0 ]; then
		echo "ok - $what"
	else
		failed=1
		echo "not ok - $what: exit $rc"
		grep -E 'ERROR|SUMMARY|assert|runtime error|^    #[0-9] ' "$log" |
		    head -n 25 | sed 's/^/# /'
		ls "$OUT/$name-"* 2>/dev/null | sed 's/^/# input: /'
	fi
	if [ "${FUZZ_MERGE:-0}" = 1 ] && [ "$rc" -eq 0 ]; then
		"$bin" -merge=1 -max_len=4096 "tests/fuzz/corpus/$name" \
		    "$scratch" >/dev/null 2>&1
	fi
	rm -rf "$scratch" "$log"
done
exit "$failed"
