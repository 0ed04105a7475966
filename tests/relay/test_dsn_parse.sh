#!/bin/bash
# A delivery status notification as the sender's software sees it: the
# Check suite for relay/dsn.c writes a sample report (BMX_DSN_SAMPLE), and
# Python's email package parses it (tests/relay/dsn_check.py): a
# multipart/report with report-type=delivery-status, its three parts, the
# per-recipient Final-Recipient/Action/Status, the original headers.
set -u
cd "$(dirname "$0")/../.."
. tests/lib.sh
BIN=$BMX_BUILD/tests/test_dsn
T=$(mktemp -d /tmp/bmx-dsn.XXXXXX)
trap 'rm -rf "$T"' EXIT

if [ ! -x "$BIN" ]; then
	not_ok "dsn parse: $BIN is not built (make unit)"
	finish
fi
if BMX_DSN_SAMPLE=$T/dsn.eml "$BIN" >"$T/check.out" 2>&1 &&
    [ -s "$T/dsn.eml" ]; then
	ok "dsn parse: test_dsn wrote a sample report"
else
	not_ok "dsn parse: test_dsn wrote a sample report"
	sed 's/^/# /' "$T/check.out"
	finish
fi
/usr/bin/python3 tests/relay/dsn_check.py "$T/dsn.eml" || TEST_FAILED=1
finish
