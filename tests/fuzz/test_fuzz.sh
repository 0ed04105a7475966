#!/bin/bash
# make test's share of the fuzzing: build every libFuzzer target
# (tests/fuzz/fuzz_*.c, `make fuzz-build`) and run each for a short time
# (FUZZ_SECONDS, 8 here; `make fuzz` runs 60) on its committed corpus,
# which holds every input that ever crashed a target.  A crash, a
# sanitizer report, a failed oracle or a timeout is a "not ok" line.
set -u
cd "$(dirname "$0")/../.."
. tests/lib.sh
if ! command -v clang >/dev/null; then
	not_ok "fuzzing: no clang (Debian packages clang, libclang-rt-14-dev)"
	finish
fi
if ! make -s fuzz-build >/tmp/bmx-fuzz-build.$$ 2>&1; then
	sed 's/^/# /' /tmp/bmx-fuzz-build.$$ | tail -n 20
	rm -f /tmp/bmx-fuzz-build.$$
	not_ok "fuzz targets build with clang -fsanitize=fuzzer,address,undefined"
	finish
fi
rm -f /tmp/bmx-fuzz-build.$$
ok "fuzz targets build with clang -fsanitize=fuzzer,address,undefined"
FUZZ_SECONDS=${FUZZ_SECONDS:-8} tests/fuzz/run.sh || TEST_FAILED=1
finish
