#!/bin/bash
# The crash test at benchmark length: tests/relay/test_crash.sh with 100
# kill -9 rounds (CRASH_ROUNDS) and 8 senders (CRASH_SENDERS), then the
# primary comes up and the queue drains under 10 more kills
# (CRASH_DRAIN_KILLS): acknowledged, delivered, lost, duplicates.  Prints
# its result lines and the time taken; exit 0 only when every check passed.
set -u
cd "$(dirname "$0")/.."
export CRASH_ROUNDS=${CRASH_ROUNDS:-100}
export CRASH_SENDERS=${CRASH_SENDERS:-8}
export CRASH_DRAIN_KILLS=${CRASH_DRAIN_KILLS:-10}
echo "crash test: $CRASH_ROUNDS kill -9 rounds, $CRASH_SENDERS senders"
start=$(date +%s)
bash tests/relay/test_crash.sh
rc=$?
echo "crash test: exit $rc after $(($(date +%s) - start)) s"
exit "$rc"
