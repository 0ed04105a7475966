#!/bin/bash
# backupmxctl, driven as an operator would: init, user/domain/backupmx
# verbs, exit statuses (0 done, 1 refused, 2 usage) with one-line reasons,
# and a database untouched by every refused command.
set -u
cd "$(dirname "$0")/../.."
. tests/lib.sh
T=$(mktemp -d /tmp/bmx-ctl.XXXXXX)
trap 'rm -rf "$T"' EXIT
CONF=$T/backupmx.conf
printf 'db = %s/db/backupmx.db\nspool_dir = %s/spool\n' "$T" "$T" >"$CONF"
CTL="$BMX_BUILD/backupmxctl -c $CONF"

# expect STATUS "description" args...: run the CLI, compare the status;
# a refusal (1) must say why in exactly one line on stderr.
expect() {
	local want=$1 what=$2 rc lines
	shift 2
	$CTL "$@" >"$T/out" 2>"$T/err" </dev/null
	rc=$?
	lines=$(wc -l <"$T/err")
	if [ "$rc" -ne "$want" ]; then
		not_ok "$what: exit $rc, want $want ($(head -c 200 "$T/err"))"
	elif [ "$want" -eq 1 ] && [ "$lines" -ne 1 ]; then
		not_ok "$what: $lines lines on stderr, want one reason"
	else
		ok "$what"
	fi
}
dbsum() { sqlite3 "$T/db/backupmx.db" .dump | md5sum; }

expect 1 "commands before init are refused" backupmx list
expect 0 "init creates the database" init
grep -q "migrated from schema version 0" "$T/out" && ok "init reports the migration" || not_ok "init reports the migration"
[ -d "$T/spool" ] && ok "init creates the spool directory" || not_ok "init creates the spool directory"
expect 0 "init again is harmless" init
grep -q "up to date" "$T/out" && ok "second init says up to date" || not_ok "second init says up to date"
mode=$(stat -c %a "$T/db/backupmx.db")
[ "$mode" = 640 ] && ok "database is not world-readable ($mode)" || not_ok "database mode $mode"

expect 0 "user add generates a password" user add alice
grep -qE '^password: [A-Za-z0-9_-]{20}$' "$T/out" && ok "generated password printed once" || not_ok "generated password printed"
echo 'a long secret password' | $CTL user add root --admin --password-stdin >"$T/out" 2>&1
[ $? -eq 0 ] && ! grep -q password: "$T/out" && ok "user add --password-stdin does not echo" || not_ok "user add --password-stdin"
role=$(sqlite3 "$T/db/backupmx.db" "SELECT role FROM account WHERE name='root'")
[ "$role" = admin ] && ok "--admin makes an admin" || not_ok "--admin makes an admin ($role)"
expect 0 "domain add" domain add bücher.example --owner alice
expect 0 "domain add --external" domain add ext.example --owner alice --external
expect 0 "backupmx add" backupmx add xn--bcher-kva.example
expect 0 "backupmx add --deliver-to" backupmx add ext.example --deliver-to mail.ext.example:2525

before=$(dbsum)
expect 2 "no command is a usage error" 
expect 2 "unknown command" frobnicate
expect 2 "unknown verb" backupmx frob
expect 2 "user add without a name" user add
expect 2 "user add with an unknown flag" user add bob --root
expect 2 "domain add without --owner" domain add x.example
expect 2 "backupmx del without a domain" backupmx del
expect 2 "backupmx list with junk" backupmx list --xml
expect 1 "duplicate user" user add alice
expect 1 "bad user name" user add 'Robert"); DROP TABLE account;--'
expect 1 "short password" user add bob --password-stdin
echo short | $CTL user add bob --password-stdin >/dev/null 2>"$T/err"; [ $? -eq 1 ] && grep -q "at least" "$T/err" && ok "short password reason" || not_ok "short password reason"
expect 1 "domain for an unknown owner" domain add new.example --owner nobody
expect 1 "invalid domain" domain add 'bad..example' --owner alice
expect 1 "single-label domain" domain add localhost --owner alice
expect 1 "domain in another portfolio" domain add xn--bcher-kva.example --owner root
expect 1 "backupmx for a domain outside the portfolio" backupmx add other.example
expect 1 "duplicate backupmx" backupmx add BÜCHER.example
expect 1 "bad delivery host" backupmx add ext.example --deliver-to 'a b:25'
expect 1 "bad delivery port" backupmx add ext.example --deliver-to mail.example:70000
expect 1 "delete what is not there" backupmx del other.example
[ "$(dbsum)" = "$before" ] && ok "refused commands left the database unchanged" || not_ok "refused commands changed the database"

expect 0 "backupmx list" backupmx list
grep -q '^xn--bcher-kva.example  *alice' "$T/out" && grep -q 'mail.ext.example:2525' "$T/out" && ok "list shows records, owners, delivery host" || not_ok "list output: $(cat "$T/out")"
expect 0 "backupmx list --json" backupmx list --json
/usr/bin/python3 - "$T/out" <<'PY' && ok "--json is one JSON document with both records" || not_ok "--json output"
import json, sys
d = json.load(open(sys.argv[1]))
assert [r["domain"] for r in d] == ["ext.example", "xn--bcher-kva.example"], d
assert d[1]["idn"] == "bücher.example" and d[1]["owner"] == "alice"
assert d[0]["deliveryHost"] == "mail.ext.example:2525"
assert d[1]["created"].endswith("Z")
PY
expect 0 "backupmx del" backupmx del bücher.example
expect 0 "list after delete" backupmx list --json
/usr/bin/python3 -c 'import json,sys; d=json.load(open(sys.argv[1])); assert len(d)==1' "$T/out" && ok "record gone after del" || not_ok "record gone after del"
n=$(sqlite3 "$T/db/backupmx.db" "SELECT count(*) FROM audit_log")
# 7 changes, plus the zone of the managed bücher.example: its MX records
# provisioned by "backupmx add" and removed by "backupmx del"
[ "$n" = 9 ] && ok "every change audited ($n entries)" || not_ok "audit entries: $n, want 9"

expect 0 "queue list on an empty queue" queue list
grep -q '^-- 0 messages in the queue' "$T/out" && ok "empty queue says so" || not_ok "empty queue output: $(cat "$T/out")"
expect 0 "queue list --json on an empty queue" queue list --json
[ "$(tr -d '[:space:]' <"$T/out")" = "[]" ] && ok "empty queue is []" || not_ok "empty queue json: $(cat "$T/out")"
expect 2 "queue list with junk" queue list --bogus
expect 1 "queue show of an unknown id" queue show 0123456789ABCDEF
expect 2 "queue show without an id" queue show

# Configuration errors name the file and line.
printf 'db = x\nbogus = 1\n' >"$T/bad.conf"
$BMX_BUILD/backupmxctl -c "$T/bad.conf" backupmx list 2>"$T/err"
[ $? -eq 1 ] && grep -q 'bad.conf:2: unknown key "bogus"' "$T/err" && ok "config error names file:line" || not_ok "config error: $(cat "$T/err")"
$BMX_BUILD/backupmxctl -c "$T/none.conf" backupmx list 2>/dev/null
[ $? -eq 1 ] && ok "an explicit missing config is refused" || not_ok "explicit missing config"
BACKUPMX_CONF=$CONF $BMX_BUILD/backupmxctl backupmx list >/dev/null 2>&1 && ok "BACKUPMX_CONF is honoured" || not_ok "BACKUPMX_CONF is honoured"
finish
