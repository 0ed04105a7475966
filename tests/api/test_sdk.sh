#!/bin/bash
# The official AutoDNS JavaScript client (npm js-domainrobot-sdk 1.4.1,
# pinned in tests/api/package-lock.json, installed by .ci/deps) drives
# the API through a real nginx: create -> info -> list with a LIKE
# filter -> delete, and a 404 as the SDK's DomainRobotException.
set -u
cd "$(dirname "$0")/../.."
. tests/lib.sh
. tests/web/web_lib.sh
if [ ! -d tests/api/node_modules/js-domainrobot-sdk ]; then
	not_ok "js-domainrobot-sdk is installed (make deps)"
	finish
fi
web_start "api_rate = 1000
api_burst = 1000"
web_user alice
$CTL domain add sdk-shop.example --owner alice >/dev/null
(cd tests/api && node sdk_flow.js "$B" alice "alice pw 123" \
    sdk-shop.example) >"$T/sdk.out" 2>"$T/sdk.err"
rc=$?
grep -E '^(not )?ok ' "$T/sdk.out"
[ "$rc" -eq 0 ] && ok "the SDK run ends with status 0" ||
    not_ok "the SDK run ends with status $rc: $(tail -n 3 "$T/sdk.err")"
n=$(sqlite3 "$DB" "SELECT count(*) FROM backupmx WHERE domain = 'sdk-shop.example'")
[ "$n" = 0 ] && ok "the record the SDK deleted is gone" || not_ok "record left: $n"
finish
