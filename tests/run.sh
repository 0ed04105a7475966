#!/bin/bash
# Run every test of backupmx and count the results.
#
#   unit       build/tests/test_*        Check suites
#   sanitized  build/san/tests/test_*    the same, under ASan/UBSan
#   black-box  tests/{cli,web,relay}/test_*.sh  scripts that drive the real
#              binaries; each prints "ok - ..." or "not ok - ..." per check;
#              the fast ones run a second time against build/san
#
# A test binary or script that dies without its summary counts as failed.
# The last line is "N passed, N failed"; the exit status is 0 only when
# nothing failed.  TESTS=pattern runs only the tests whose path matches.
set -u
cd "$(dirname "$0")/.."
pass=0
fail=0
log=$(mktemp -d /tmp/bmx-tests.XXXXXX)
trap 'rm -rf "$log"' EXIT

report() {	# name passed failed output-file
	pass=$((pass + $2))
	fail=$((fail + $3))
	if [ "$3" -eq 0 ]; then
		printf '  %-44s %4d passed\n' "$1" "$2"
	else
		printf '  %-44s %4d passed %4d FAILED\n' "$1" "$2" "$3"
		sed 's/^/    | /' "$4" | grep -v -E '^    \| ok ' | tail -n 40
	fi
}

run_check() {	# a Check binary: parse "Checks: N, Failures: F, Errors: E"
	local bin=$1 out=$log/out n f e
	env CK_DEFAULT_TIMEOUT=${CK_DEFAULT_TIMEOUT:-20} "$bin" >"$out" 2>&1
	read -r n f e < <(sed -n 's/.*Checks: \([0-9]*\), Failures: \([0-9]*\), Errors: \([0-9]*\).*/\1 \2 \3/p' "$out" | tail -n 1)
	if [ -z "${n:-}" ]; then
		report "$bin" 0 1 "$out"
	else
		report "$bin" $((n - f - e)) $((f + e)) "$out"
	fi
}

run_script() {	# script [build-dir]: count its ok / not ok lines
	local t=$1 b=${2:-build} out=$log/out ok bad rc
	BMX_BUILD=$b timeout 600 bash "$t" >"$out" 2>&1
	rc=$?
	ok=$(grep -c '^ok ' "$out")
	bad=$(grep -c '^not ok ' "$out")
	if [ "$rc" -ne 0 ] && [ "$bad" -eq 0 ]; then
		echo "not ok - $t exited with status $rc" >>"$out"
		bad=1
	fi
	[ "$b" = build ] || t="$t ($b)"
	report "$t" "$ok" "$bad" "$out"
}

want() { [ -z "${TESTS:-}" ] || [[ "$1" == *$TESTS* ]]; }

echo "unit tests:"
for t in build/tests/test_*; do
	[ -x "$t" ] && [[ "$t" != *.o ]] && want "$t" && run_check "$t"
done
echo "unit tests under ASan/UBSan:"
for t in build/san/tests/test_*; do
	[ -x "$t" ] && [[ "$t" != *.o ]] && want "$t" && run_check "$t"
done
echo "black-box tests:"
for t in tests/*/test_*.sh; do
	want "$t" && run_script "$t"
done
# The protocol, page and relay-attack tests again, against the ASan/UBSan binaries
# (the crash test kills the relay on purpose and stays on the plain build).
echo "black-box tests against the ASan/UBSan build:"
for t in tests/cli/test_*.sh tests/web/test_*.sh tests/api/test_api.sh \
    tests/relay/test_smtp.sh tests/relay/test_attack.sh; do
	[ -f "$t" ] && want "$t" && run_script "$t" build/san
done
echo "$pass passed, $fail failed"
[ "$fail" -eq 0 ]
