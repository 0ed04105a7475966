#!/bin/bash
# The AutoDNS-compatible API through a real nginx (tests/web/web_lib.sh),
# driven with curl: every JSON route (create, info, delete, search, bulk
# create and delete), the envelope on every answer (ctid echo, stid,
# status codes, 401/404/405/409), the AutoDNS date format, keys[] raw and
# percent-encoded, every filter operator with nested AND/OR links, view
# and orders; the XML gateway (0521, 0523, 0524 info and list); hostile
# input (malformed JSON, wrong types, 10 MB bodies, 1000-level nesting,
# entity bombs and external entities) refused with a 4xx envelope and
# nothing changed in the database; tenant isolation on every route; the
# audit log; the panel's API page.
#
# BMX_BUILD=build/san runs the sanitizer build.
set -u
cd "$(dirname "$0")/../.."
. tests/lib.sh
. tests/web/web_lib.sh
. tests/api/api_lib.sh

web_start "api_rate = 100000
api_burst = 100000
login_max_failures = 1000"
web_user alice
web_user bob
web_user root --admin
for d in shop.example mail-shop.example alpha.example beta.example \
    gamma.example bücher.example free1.example free2.example free3.example \
    free4.example free5.example; do
	$CTL domain add "$d" --owner alice >/dev/null
done
for d in bobs.example bobfree.example; do
	$CTL domain add "$d" --owner bob >/dev/null
done
q() { sqlite3 "$DB" "$1"; }
dbsum() { sqlite3 "$DB" .dump | md5sum; }
DATE_RE='^[0-9]{4}-[0-9]{2}-[0-9]{2}T[0-9]{2}:[0-9]{2}:[0-9]{2}[.]000[+]0000$'

# --- create ------------------------------------------------------------

api c1 alice POST '/v1/backupMx?ctid=my-ctid-1' '{"domain": "shop.example"}'
expect c1 200 "create: 200"
envelope c1 "create: envelope"
is c1 .status.code S0521 "create: status S0521"
is c1 .status.type SUCCESS "create: type SUCCESS"
is c1 .object.type BackupMx "create: object type"
is c1 .object.value shop.example "create: object value"
is c1 .ctid my-ctid-1 "create: ctid echoed from ?ctid="
is c1 '.stid | test("^[0-9]{8}-")' true "create: stid"
grep -q '^X-Domainrobot-STID: ' "$T/c1.h" && ok "create: stid header" || not_ok "create: no stid header"
[ "$(q "SELECT owner_id = (SELECT id FROM account WHERE name = 'alice') FROM backupmx WHERE domain = 'shop.example'")" = 1 ] &&
    ok "create: the record is alice's" || not_ok "create: record missing"
[ "$(q "SELECT count(*) FROM audit_log WHERE action = 'backupmx.add' AND actor = 'alice' AND object = 'shop.example' AND client = '127.0.0.1'")" = 1 ] &&
    ok "create: written to the audit log" || not_ok "create: no audit entry"

api c2 alice POST /v1/backupMx '{"domain": "shop.example"}'
expect c2 409 "create twice: 409"
envelope c2 "create twice: envelope"
is c2 .status.code E0521 "create twice: E0521"
is c2 .status.type ERROR "create twice: type ERROR"
is c2 '.messages[0].code' EF01005 "create twice: message code"
is c2 '.messages[0].objects[0].value' shop.example "create twice: message object"

api c3 alice POST /v1/backupMx '{"domain": "nowhere.example"}'
expect c3 404 "create outside the portfolio: 404"
api c4 alice POST /v1/backupMx '{"domain": "bad..name"}'
expect c4 400 "create with a bad name: 400"
is c4 '.messages[0].code' EF00005 "create with a bad name: EF00005"
api c5 alice POST /v1/backupMx '{"domain": "mail-shop.example", "deliveryHost": "MX.Mail-Shop.example:2525"}'
expect c5 200 "create with deliveryHost"
api c6 alice POST /v1/backupMx '{"domain": "gamma.example", "onlyWhenDown": true}'
expect c6 200 "create with onlyWhenDown"
api c7 alice POST /v1/backupMx '{"domain": "Bücher.example"}'
is c7 .object.value xn--bcher-kva.example "create an IDN: object is the A-label"
for d in alpha beta; do
	api c8 alice POST /v1/backupMx "{\"domain\": \"$d.example\"}"
	expect c8 200 "create $d.example"
done
# Known creation times for the date filters.
q "UPDATE backupmx SET created = 1000000000 WHERE domain = 'alpha.example';
   UPDATE backupmx SET created = 1500000000 WHERE domain = 'beta.example';
   UPDATE backupmx SET created = 1600000000 WHERE domain = 'gamma.example';"

# --- info ----------------------------------------------------------------

api i1 alice GET /v1/backupMx/shop.example
expect i1 200 "info: 200"
envelope i1 "info: envelope"
is i1 .status.code S0524 "info: S0524"
is i1 '.data[0].domain' shop.example "info: domain"
is i1 '.data[0].idn' shop.example "info: idn"
is i1 ".data[0].created | test(\"$DATE_RE\")" true "info: created in AutoDNS format"
is i1 ".data[0].updated | test(\"$DATE_RE\")" true "info: updated in AutoDNS format"
want=$(q "SELECT strftime('%Y-%m-%dT%H:%M:%S.000+0000', created, 'unixepoch') FROM backupmx WHERE domain = 'shop.example'")
is i1 '.data[0].created' "$want" "info: created is the stored time"
is i1 '.data[0].owner | "\(.context) \(.user)"' "4 alice" "info: owner {context, user}"
is i1 '.data[0].updater.user' alice "info: updater"
is i1 '.data[0].queued' 0 "info: queued count"
is i1 '.data[0].recipientPolicy' any "info: recipient policy"
is i1 '.data[0].onlyWhenDown' false "info: onlyWhenDown"
api i2 alice GET /v1/backupMx/mail-shop.example
is i2 '.data[0].deliveryHost' mx.mail-shop.example:2525 "info: delivery host, normalised"
api i3 alice GET /v1/backupMx/gamma.example
is i3 '.data[0].onlyWhenDown' true "info: onlyWhenDown set at create"
is i3 '.data[0].created' 2020-09-13T12:26:40.000+0000 "info: a known date formats right"
api i4 alice GET '/v1/backupMx/b%C3%BCcher.example'
is i4 '.data[0] | "\(.domain) \(.idn)"' "xn--bcher-kva.example bücher.example" "info: by the Unicode name"
api i5 alice GET '/v1/backupMx/none.example?ctid=c-404'
expect i5 404 "info of an absent record: 404"
envelope i5 "info 404: envelope"
is i5 .status.code E0524 "info 404: E0524"
is i5 '.messages[0].code' EF01004 "info 404: EF01004"
is i5 .ctid c-404 "info 404: ctid echoed on errors too"
curl -s -u 'alice:alice pw 123' -H 'X-Domainrobot-Ctid: hdr-ctid' -o "$T/i6.b" "$B/v1/backupMx/shop.example"
is i6 .ctid hdr-ctid "info: ctid from the X-Domainrobot-Ctid header"

# --- search ----------------------------------------------------------------

ALL="alpha.example beta.example gamma.example mail-shop.example shop.example xn--bcher-kva.example"
search() {	# what want query-json [query-string]
	api s alice POST "/v1/backupMx/_search${4:-}" "$3"
	local got
	got=$(jv s '[.data[].domain] | join(" ")')
	[ "$(web_status s)" = 200 ] && [ "$got" = "$2" ] &&
	    [ "$(jv s .object.summary)" = "$(echo "$2" | wc -w)" ] &&
	    ok "search: $1" ||
	    not_ok "search: $1 (status $(web_status s), got '$got', want '$2'; $(head -c 200 "$T/s.b"))"
}
f1() {	# key op value: one filter
	printf '{"filters": [{"key": "%s", "operator": "%s", "value": "%s"}]}' "$1" "$2" "$3"
}
api l0 alice POST /v1/backupMx/_search
expect l0 200 "search without a body: 200"
is l0 .status.code S0524 "search: S0524"
is l0 .object.summary 6 "search: summary counts alice's records"
is l0 '[.data[].domain] | join(" ")' "$ALL" "search: ordered by domain"
is l0 '.data[0] | has("created")' false "search: created only on request"
is l0 '.data[0].owner.user' alice "search: owner always there"
api l1 alice POST '/v1/backupMx/_search?keys[]=created&keys[]=queued' '{}'
is l1 ".data | all(.created | test(\"$DATE_RE\"))" true "keys[]=created (raw brackets)"
is l1 '.data | all(has("queued") and (has("updated") | not))' true "keys[]: only the keys asked for"
api l2 alice POST '/v1/backupMx/_search?keys%5B%5D=updated&keys%5B%5D=deliveryHost' '{}'
is l2 ".data | all(.updated | test(\"$DATE_RE\"))" true "keys%5B%5D=updated (percent-encoded)"
is l2 '[.data[] | select(.deliveryHost) | .domain] | join(" ")' mail-shop.example "keys[]=deliveryHost"
api l3 alice POST '/v1/backupMx/_search?keys[]=bogus' '{}'
expect l3 400 "keys[] with an unknown key: 400"

search "EQUAL" "shop.example" "$(f1 domain EQUAL shop.example)"
search "EQUAL by the Unicode name" "xn--bcher-kva.example" "$(f1 domain EQUAL Bücher.example)"
search "NOT_EQUAL" "alpha.example beta.example gamma.example mail-shop.example xn--bcher-kva.example" "$(f1 domain NOT_EQUAL shop.example)"
search "LIKE with * wildcard" "mail-shop.example shop.example" "$(f1 domain LIKE '*shop*')"
search "LIKE without * is exact" "shop.example" "$(f1 domain LIKE shop.example)"
search "LIKE on the Unicode form" "xn--bcher-kva.example" "$(f1 domain LIKE 'bü*')"
search "LIKE: _ and % are literal" "" "$(f1 domain LIKE '_hop.example')"
search "LIKE: % is literal" "" "$(f1 domain LIKE '%')"
search "NOT_LIKE" "alpha.example beta.example gamma.example xn--bcher-kva.example" "$(f1 domain NOT_LIKE '*shop*')"
search "ILIKE ignores case" "shop.example" "$(f1 domain ILIKE 'SHOP.*')"
BETA=2017-07-14T04:40:00.000+0200	# = 1500000000, with a zone offset
A='{"key": "domain", "operator": "IN", "values": ["alpha.example", "beta.example", "gamma.example"]}'
datef() { printf '{"filters": [%s, {"key": "created", "operator": "%s", "value": "%s"}]}' "$A" "$1" "$2"; }
search "GREATER on a date" "gamma.example" "$(datef GREATER $BETA)"
search "GREATER_EQUAL" "beta.example gamma.example" "$(datef GREATER_EQUAL $BETA)"
search "LESS" "alpha.example" "$(datef LESS $BETA)"
search "LESS_EQUAL" "alpha.example beta.example" "$(datef LESS_EQUAL $BETA)"
search "NOT_LESS" "beta.example gamma.example" "$(datef NOT_LESS $BETA)"
search "NOT_GREATER" "alpha.example beta.example" "$(datef NOT_GREATER $BETA)"
search "NOT_LESS_EQUAL" "gamma.example" "$(datef NOT_LESS_EQUAL $BETA)"
search "NOT_GREATER_EQUAL" "alpha.example" "$(datef NOT_GREATER_EQUAL $BETA)"
search "a plain date" "beta.example gamma.example" "$(datef GREATER 2010-01-01)"
search "IN" "alpha.example gamma.example" '{"filters": [{"key": "domain", "operator": "IN", "values": ["alpha.example", "gamma.example"]}]}'
search "NOT_IN" "beta.example mail-shop.example shop.example xn--bcher-kva.example" '{"filters": [{"key": "domain", "operator": "NOT_IN", "values": ["alpha.example", "gamma.example"]}]}'
search "IS_NULL" "alpha.example beta.example gamma.example shop.example xn--bcher-kva.example" '{"filters": [{"key": "deliveryHost", "operator": "IS_NULL"}]}'
search "IS_NOT_NULL" "mail-shop.example" '{"filters": [{"key": "deliveryHost", "operator": "IS_NOT_NULL"}]}'
search "a boolean key" "gamma.example" '{"filters": [{"key": "onlyWhenDown", "operator": "EQUAL", "value": "true"}]}'
search "owner" "$ALL" "$(f1 owner EQUAL alice)"
search "two filters: AND by default" "beta.example" "{\"filters\": [$A, {\"key\": \"domain\", \"operator\": \"LIKE\", \"value\": \"b*\"}]}"
search "link OR" "alpha.example beta.example" '{"filters": [{"key": "domain", "operator": "EQUAL", "value": "alpha.example"}, {"key": "domain", "operator": "EQUAL", "value": "beta.example", "link": "OR"}]}'
search "nested filters: (a OR b) AND created" "shop.example" '{"filters": [{"filters": [{"key": "domain", "operator": "EQUAL", "value": "alpha.example"}, {"key": "domain", "operator": "EQUAL", "value": "shop.example", "link": "OR"}]}, {"key": "created", "operator": "GREATER", "value": "2010-01-01T00:00:00.000+0000", "link": "AND"}]}'
search "a filter with a key and sub-filters" "mail-shop.example" '{"filters": [{"key": "domain", "operator": "LIKE", "value": "*shop*", "filters": [{"key": "deliveryHost", "operator": "IS_NOT_NULL"}]}]}'
api v1 alice POST /v1/backupMx/_search '{"view": {"limit": 2, "offset": 1}, "orders": [{"key": "domain", "type": "ASC"}]}'
is v1 '[.data[].domain] | join(" ")' "beta.example gamma.example" "view: limit and offset"
is v1 .object.summary 6 "view: summary is the whole count"
api v2 alice POST /v1/backupMx/_search "{\"filters\": [$A], \"orders\": [{\"key\": \"created\", \"type\": \"DESC\"}]}"
is v2 '[.data[].domain] | join(" ")' "gamma.example beta.example alpha.example" "orders: created DESC"
for bad in '{"filters": [{"key": "password", "operator": "EQUAL", "value": "x"}]}' \
    '{"filters": [{"key": "domain", "operator": "SOUNDS_LIKE", "value": "x"}]}' \
    '{"filters": [{"key": "created", "operator": "GREATER", "value": "yesterday"}]}' \
    '{"filters": [{"key": "created", "operator": "LIKE", "value": "2019*"}]}' \
    '{"filters": [{"key": "domain", "operator": "EQUAL"}]}' \
    '{"filters": [{"key": "domain", "operator": "IN"}]}' \
    '{"filters": [{"key": "domain", "operator": "EQUAL", "value": "x", "link": "XOR"}]}' \
    '{"filters": [{"key": "domain", "operator": "EQUAL", "value": 5}]}' \
    '{"filters": [{"key": "domain", "operator": "IN", "values": "a"}]}' \
    '{"filters": "domain"}' \
    '{"filters": [{}]}' \
    '{"view": {"limit": 5000}}' \
    '{"view": {"limit": "10"}}' \
    '{"orders": [{"key": "pw_hash"}]}' \
    '{"orders": [{"key": "domain", "type": "SIDEWAYS"}]}'; do
	api sb alice POST /v1/backupMx/_search "$bad"
	[ "$(web_status sb)" = 400 ] && [ "$(jv sb .status.code)" = E0524 ] &&
	    [ -n "$(jv sb '.messages[0].text')" ] &&
	    ok "search refuses $bad: $(jv sb '.messages[0].text')" ||
	    not_ok "search refuses $bad (status $(web_status sb): $(head -c 200 "$T/sb.b"))"
done

# --- errors of any route -------------------------------------------------

api e1 none GET /v1/backupMx/shop.example
expect e1 401 "no credentials: 401"
envelope e1 "401: envelope"
is e1 '.messages[0].code' EF00001 "401: EF00001"
grep -q '^WWW-Authenticate: Basic' "$T/e1.h" && ok "401: WWW-Authenticate" || not_ok "401 without WWW-Authenticate"
curl -s -u 'alice:wrong password' -D "$T/e2.raw" -o "$T/e2.b" "$B/v1/backupMx/shop.example"; tr -d '\r' <"$T/e2.raw" >"$T/e2.h"
expect e2 401 "wrong password: 401"
curl -s -u 'nobody:nobody pw 123' -D "$T/e3.raw" -o "$T/e3.b" "$B/v1/backupMx/shop.example"; tr -d '\r' <"$T/e3.raw" >"$T/e3.h"
expect e3 401 "unknown user: 401"
cmp -s <(jv e2 '.messages[0].text') <(jv e3 '.messages[0].text') && ok "wrong user and wrong password: the same answer" || not_ok "401 texts differ"
curl -s -u 'alice:alice pw 123' -H 'X-Domainrobot-Context: 5' -D "$T/e4.raw" -o "$T/e4.b" "$B/v1/backupMx/shop.example"; tr -d '\r' <"$T/e4.raw" >"$T/e4.h"
expect e4 401 "another context: 401"
api e5 alice GET /v1/nothing
expect e5 404 "unknown route: 404"
envelope e5 "unknown route: envelope"
is e5 '.messages[0].code' EF00008 "unknown route: EF00008"
api e6 alice PUT /v1/backupMx '{"domain": "x.example"}'
expect e6 405 "PUT: 405"
envelope e6 "405: envelope"
grep -q '^Allow: POST' "$T/e6.h" && ok "405: Allow" || not_ok "405 without Allow"
api e7 alice GET /v1/backupMx/_search
expect e7 405 "GET on _search: 405"

# --- hostile input ------------------------------------------------------------

before=$(dbsum)
hostile() {	# what expected-status file-or-body [path]
	local path=${4:-/v1/backupMx}
	if [ -f "$3" ]; then apif h alice POST "$path" "$3"; else api h alice POST "$path" "$3"; fi
	[ "$(web_status h)" = "$2" ] && jq -e '.status.type == "ERROR" and (.messages | length) == 1' "$T/h.b" >/dev/null 2>&1 &&
	    ok "hostile: $1 -> $2 with envelope" ||
	    not_ok "hostile: $1 (status $(web_status h), want $2: $(head -c 200 "$T/h.b"))"
}
hostile "malformed JSON" 400 '{"domain": '
hostile "not JSON at all" 400 'domain=shop.example'
hostile "an array body" 400 '["free1.example"]'
hostile "a number for the domain" 400 '{"domain": 5}'
hostile "an object for the domain" 400 '{"domain": {"name": "free1.example"}}'
hostile "a string for onlyWhenDown" 400 '{"domain": "free1.example", "onlyWhenDown": "yes"}'
hostile "duplicate keys" 400 '{"domain": "free1.example", "domain": "free2.example"}'
hostile "a NUL inside the name" 400 '{"domain": "free1.example\u0000.evil"}'
hostile "an empty body" 400 ''
head -c $((10 * 1024 * 1024)) /dev/zero | tr '\0' ' ' >"$T/big.json"
printf '{"domain": "free1.example"}' >>"$T/big.json"
hostile "a 10 MB body (nginx refuses it)" 413 "$T/big.json"
is h '.messages[0].code' EF00003 "10 MB: EF00003"
hostile "a 10 MB search" 413 "$T/big.json" /v1/backupMx/_search
head -c $((2 * 1024 * 1024)) /dev/zero | tr '\0' ' ' >"$T/mid.json"
printf '{"domain": "free1.example"}' >>"$T/mid.json"
hostile "a 2 MB body (the panel refuses it)" 413 "$T/mid.json"
is h '.messages[0].code' EF00003 "2 MB: EF00003"
[ -n "$(jv h .stid)" ] && ok "2 MB: the panel's own envelope (stid)" || not_ok "2 MB: no stid"
/usr/bin/python3 -c '
import sys
n = 1000
print("{\"filters\": " + "[{\"filters\": " * n + "[]" + "}]" * n + "}")' >"$T/deep.json"
hostile "filters nested 1000 levels" 400 "$T/deep.json" /v1/backupMx/_search
/usr/bin/python3 -c 'print("[" * 1000 + "]" * 1000)' >"$T/arr.json"
hostile "arrays nested 1000 levels" 400 "$T/arr.json"
/usr/bin/python3 -c 'print("{\"a\":" * 5000 + "1" + "}" * 5000)' >"$T/obj.json"
hostile "objects nested 5000 levels" 400 "$T/obj.json"
/usr/bin/python3 -c '
print("{\"filters\": [" + ",".join("{\"key\": \"domain\", \"operator\": \"EQUAL\", \"value\": \"x\"}" for _ in range(1000)) + "]}")' >"$T/wide.json"
hostile "1000 filters" 400 "$T/wide.json" /v1/backupMx/_search

xmlreq() {	# the auth part of a gateway request for WHO
	printf '<auth><user>%s</user><password>%s pw 123</password><context>4</context></auth>' "$1" "$1"
}
LOL='<?xml version="1.0"?>
<!DOCTYPE request [
 <!ENTITY lol "lol">
 <!ENTITY lol1 "&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;">
 <!ENTITY lol2 "&lol1;&lol1;&lol1;&lol1;&lol1;&lol1;&lol1;&lol1;&lol1;&lol1;">
 <!ENTITY lol3 "&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;">
 <!ENTITY lol4 "&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;">
 <!ENTITY lol5 "&lol4;&lol4;&lol4;&lol4;&lol4;&lol4;&lol4;&lol4;&lol4;&lol4;">
 <!ENTITY lol6 "&lol5;&lol5;&lol5;&lol5;&lol5;&lol5;&lol5;&lol5;&lol5;&lol5;">
 <!ENTITY lol7 "&lol6;&lol6;&lol6;&lol6;&lol6;&lol6;&lol6;&lol6;&lol6;&lol6;">
 <!ENTITY lol8 "&lol7;&lol7;&lol7;&lol7;&lol7;&lol7;&lol7;&lol7;&lol7;&lol7;">
 <!ENTITY lol9 "&lol8;&lol8;&lol8;&lol8;&lol8;&lol8;&lol8;&lol8;&lol8;&lol8;">
]>
<request>'"$(xmlreq alice)"'<task><code>0521</code><backupmx><domain>&lol9;</domain></backupmx></task></request>'
gw x1 "$LOL"
[ "$(web_status x1)" = 400 ] && [ "$(xv x1 result/msg/code)" = EF00004 ] && ok "hostile: billion laughs -> 400 with envelope" || not_ok "billion laughs: $(web_status x1) $(head -c 300 "$T/x1.b")"
XXE='<?xml version="1.0"?>
<!DOCTYPE request [<!ENTITY xxe SYSTEM "file:///etc/passwd">]>
<request>'"$(xmlreq alice)"'<task><code>0521</code><backupmx><domain>&xxe;</domain></backupmx></task></request>'
gw x2 "$XXE"
[ "$(web_status x2)" = 400 ] && ! grep -q 'root:' "$T/x2.b" && ok "hostile: external entity file:///etc/passwd -> 400, nothing read" || not_ok "XXE: $(web_status x2) $(head -c 300 "$T/x2.b")"
gw x3 '<?xml version="1.0"?><!DOCTYPE request SYSTEM "http://127.0.0.1:9/x.dtd"><request/>'
expect x3 400 "hostile: an external DTD -> 400"
gw x4 "<request>$(xmlreq alice)<task><code>0521</code><backupmx><domain>&undefined;</domain></backupmx></task></request>"
expect x4 400 "hostile: an undefined entity -> 400"
gw x5 '<request><auth><user>alice</user>'
expect x5 400 "hostile: truncated XML -> 400"
/usr/bin/python3 -c '
import sys
print("<request>" + sys.argv[1] + "<task><code>0524</code><where>" + "<and>" * 1000 + "</and>" * 1000 + "</where></task></request>")' "$(xmlreq alice)" >"$T/deep.xml"
curl -s -H 'Content-Type: text/xml' --data-binary "@$T/deep.xml" -D "$T/x6.raw" -o "$T/x6.b" "$B/gateway"; tr -d '\r' <"$T/x6.raw" >"$T/x6.h"
expect x6 400 "hostile: <where> nested 1000 levels -> 400"
curl -s -H 'Content-Type: text/xml' -H 'Expect:' --data-binary "@$T/big.json" -D "$T/x7.raw" -o "$T/x7.b" "$B/gateway"; tr -d '\r' <"$T/x7.raw" >"$T/x7.h"
[ "$(web_status x7)" = 413 ] && [ "$(xv x7 result/msg/code)" = EF00003 ] && ok "hostile: a 10 MB XML body -> 413 with envelope" || not_ok "10 MB XML: $(web_status x7) $(head -c 200 "$T/x7.b")"
curl -s -H 'Content-Type: text/xml' -H 'Expect:' --data-binary "@$T/mid.json" -D "$T/x8.raw" -o "$T/x8.b" "$B/gateway"; tr -d '\r' <"$T/x8.raw" >"$T/x8.h"
[ "$(web_status x8)" = 413 ] && [ "$(xv x8 result/msg/code)" = EF00003 ] && [ -n "$(xv x8 stid)" ] && ok "hostile: a 2 MB XML body -> the panel's 413 envelope" || not_ok "2 MB XML: $(web_status x8) $(head -c 200 "$T/x8.b")"
[ "$(dbsum)" = "$before" ] && ok "hostile input changed nothing in the database" || not_ok "the database changed"
curl -s --max-time 5 -o /dev/null -w '%{http_code}' "$B/healthz" | grep -q 200 && ok "the panel is still healthy" || not_ok "panel unhealthy after hostile input"

# --- the XML gateway -----------------------------------------------------------

gw g1 "<request>$(xmlreq alice)<task><code>0521</code><backupmx><domain>free5.example</domain></backupmx></task><ctid>xml-ctid-7</ctid></request>"
expect g1 200 "gateway create: 200"
grep -q '^Content-Type: text/xml' "$T/g1.h" && ok "gateway: text/xml" || not_ok "gateway content type"
[ "$(xv g1 result/status/code) $(xv g1 result/status/type)" = "S0521 success" ] && ok "gateway create: S0521" || not_ok "gateway create: $(head -c 300 "$T/g1.b")"
[ "$(xv g1 ctid)" = xml-ctid-7 ] && ok "gateway: ctid echoed" || not_ok "gateway ctid: $(xv g1 ctid)"
[ -n "$(xv g1 stid)" ] && ok "gateway: stid" || not_ok "gateway: no stid"
gw g2 "<request>$(xmlreq alice)<task><code>0524</code><backupmx><domain>free5.example</domain></backupmx></task></request>"
[ "$(xv g2 result/data/backupmx/domain)" = free5.example ] && ok "gateway info: the record" || not_ok "gateway info: $(head -c 300 "$T/g2.b")"
xv g2 result/data/backupmx/created | grep -Eq '^[0-9]{4}-[0-9]{2}-[0-9]{2} [0-9]{2}:[0-9]{2}:[0-9]{2}$' && ok "gateway info: XML date format" || not_ok "gateway date: $(xv g2 result/data/backupmx/created)"
[ "$(xv g2 result/data/backupmx/owner/user)" = alice ] && ok "gateway info: owner" || not_ok "gateway owner"
gw g3 "<request>$(xmlreq alice)<task><code>0524</code><view><offset>0</offset><limit>10</limit></view><where><key>domain</key><operator>in</operator><value>alpha.example</value><value>beta.example</value><value>gamma.example</value><and><key>created</key><operator>gt</operator><value>2017-07-14 02:40:00</value></and><or><key>domain</key><operator>eq</operator><value>alpha.example</value></or></where><order><key>created</key><mode>desc</mode></order><key>created</key></task></request>"
[ "$(xv g3 result/data/backupmx/domain)" = "gamma.example alpha.example" ] && ok "gateway list: where with and/or, order" || not_ok "gateway list: $(xv g3 result/data/backupmx/domain) $(head -c 300 "$T/g3.b")"
[ "$(xv g3 result/data/summary)" = 2 ] && ok "gateway list: summary" || not_ok "gateway summary $(xv g3 result/data/summary)"
[ "$(xv g3 result/data/backupmx/created | wc -w)" = 4 ] && ok "gateway list: <key>created</key> adds created" || not_ok "gateway keys"
gw g4 "<request>$(xmlreq alice)<task><code>0524</code><where><key>domain</key><operator>in</operator><value>alpha.example</value><value>beta.example</value></where></task></request>"
[ "$(xv g4 result/data/backupmx/domain)" = "alpha.example beta.example" ] && ok "gateway list: IN with several <value>s" || not_ok "gateway IN: $(head -c 300 "$T/g4.b")"
gw g5 "<request>$(xmlreq alice)<task><code>0523</code><backupmx><domain>free5.example</domain></backupmx></task></request>"
[ "$(xv g5 result/status/code)" = S0523 ] && [ "$(q "SELECT count(*) FROM backupmx WHERE domain = 'free5.example'")" = 0 ] && ok "gateway delete: S0523, gone" || not_ok "gateway delete: $(head -c 300 "$T/g5.b")"
gw g6 '<request><auth><user>alice</user><password>nope</password><context>4</context></auth><task><code>0524</code><backupmx><domain>shop.example</domain></backupmx></task></request>'
[ "$(web_status g6) $(xv g6 result/msg/code) $(xv g6 result/status/type)" = "401 EF00001 error" ] && ok "gateway: wrong password 401 envelope" || not_ok "gateway 401: $(web_status g6) $(head -c 300 "$T/g6.b")"
gw g7 "<request>$(xmlreq alice)<task><code>0999</code></task></request>"
expect g7 400 "gateway: an unknown task code: 400"
gw g8 "<request>$(xmlreq alice)<task><code>0524</code><backupmx><domain>none.example</domain></backupmx></task></request>"
[ "$(web_status g8) $(xv g8 result/status/code)" = "404 E0524" ] && ok "gateway info of an absent record: 404 E0524" || not_ok "gateway 404: $(head -c 300 "$T/g8.b")"
gw g10 "<request>$(xmlreq alice)<task><code>0521</code><backupmx><domain>free5.example</domain><delivery_host>mx.free5.example</delivery_host><only_when_down>1</only_when_down></backupmx></task></request>"
[ "$(web_status g10)" = 200 ] && [ "$(q "SELECT delivery_host || ' ' || only_when_down FROM backupmx WHERE domain = 'free5.example'")" = "mx.free5.example 1" ] && ok "gateway create with our extension fields" || not_ok "gateway extensions: $(head -c 300 "$T/g10.b")"
gw g11 "<request>$(xmlreq alice)<task><code>0524</code><backupmx><domain>free5.example</domain></backupmx></task></request>"
[ "$(xv g11 result/data/backupmx/delivery_host) $(xv g11 result/data/backupmx/only_when_down) $(xv g11 result/data/backupmx/queued)" = "mx.free5.example 1 0" ] && ok "gateway info shows the extension fields" || not_ok "gateway info extensions: $(head -c 400 "$T/g11.b")"
gw g12 "<request>$(xmlreq alice)<task><code>0523</code><backupmx><domain>free5.example</domain></backupmx></task></request>"
gw g13 "<request>$(xmlreq alice)<task><code>0521</code><backupmx><domain>free5.example</domain><only_when_down>maybe</only_when_down></backupmx></task></request>"
[ "$(web_status g13)" = 400 ] && [ "$(q "SELECT count(*) FROM backupmx WHERE domain = 'free5.example'")" = 0 ] && ok "gateway: a bad boolean is 400, nothing created" || not_ok "gateway bad boolean: $(web_status g13)"
curl -s -o "$T/g9.b" -D "$T/g9.raw" "$B/gateway"; tr -d '\r' <"$T/g9.raw" >"$T/g9.h"
expect g9 405 "gateway: GET is 405"

# --- bulk ---------------------------------------------------------------------

api b1 alice POST /v1/bulk/backupMx '{"objects": [{"domain": "free1.example"}, {"domain": "free2.example"}], "template": {"onlyWhenDown": true}}'
expect b1 200 "bulk create: 200"
is b1 .status.code S0521 "bulk create: S0521"
is b1 '[.data[].status.code] | join(" ")' "S0521 S0521" "bulk create: one result each"
is b1 '[.data[].object.value] | join(" ")' "free1.example free2.example" "bulk create: objects named"
[ "$(q "SELECT group_concat(only_when_down) FROM backupmx WHERE domain IN ('free1.example', 'free2.example')")" = "1,1" ] && ok "bulk create: the template applies" || not_ok "bulk template"
api b2 alice POST /v1/bulk/backupMx '{"objects": [{"domain": "free3.example"}, {"domain": "free1.example"}]}'
expect b2 200 "bulk create, one exists: 200"
is b2 .status.code E0521 "bulk create, one exists: E0521 overall"
is b2 '[.data[].status.code] | join(" ")' "S0521 E0521" "bulk create: per-object outcome"
is b2 '.data[1].messages[0].code' EF01005 "bulk create: the conflict named"
api b3 alice DELETE /v1/bulk/backupMx '{"objects": [{"domain": "free1.example"}, {"domain": "free2.example"}]}'
is b3 '"\(.status.code) \([.data[].status.code] | join(" "))"' "S0523 S0523 S0523" "bulk delete by objects"
api b4 alice DELETE /v1/bulk/backupMx '{"query": {"filters": [{"key": "domain", "operator": "EQUAL", "value": "free3.example"}]}}'
is b4 '"\(.status.code) \([.data[].object.value] | join(" "))"' "S0523 free3.example" "bulk delete by query"
[ "$(q "SELECT count(*) FROM backupmx WHERE domain LIKE 'free%'")" = 0 ] && ok "bulk: the records are gone" || not_ok "bulk leftovers"
api b5 alice POST /v1/bulk/backupMx '{"objects": []}'
expect b5 400 "bulk without objects: 400"
api b6 alice POST /v1/bulk/backupMx '{"objects": [{"domain": 7}]}'
expect b6 400 "bulk with a bad object: 400"

# --- tenant isolation ----------------------------------------------------------

api t0 bob POST /v1/backupMx '{"domain": "bobs.example"}'
expect t0 200 "bob creates his own record"
before=$(dbsum)
api t1 bob GET /v1/backupMx/shop.example
expect t1 404 "isolation: bob's info of alice's record is 404"
grep -q alice "$T/t1.b" && not_ok "isolation: 404 names the owner" || ok "isolation: the 404 tells nothing about alice"
api t1b bob GET /v1/backupMx/none.example
cmp -s <(jv t1 '.messages[0].code, .status.code') <(jv t1b '.messages[0].code, .status.code') && ok "isolation: not yours looks like absent" || not_ok "isolation: distinguishable"
api t2 bob DELETE /v1/backupMx/shop.example
expect t2 404 "isolation: bob's delete of alice's record is 404"
api t3 bob POST /v1/backupMx/_search '{}'
is t3 '"\(.object.summary) \([.data[].domain] | join(" "))"' "1 bobs.example" "isolation: bob's search shows only his record"
api t4 bob POST /v1/backupMx/_search "$(f1 owner EQUAL alice)"
is t4 .object.summary 0 "isolation: filtering on alice as owner finds nothing"
api t5 bob POST /v1/backupMx/_search "$(f1 domain LIKE '*')"
is t5 '[.data[].domain] | join(" ")' bobs.example "isolation: a wildcard finds nothing of alice's"
api t6 bob DELETE /v1/bulk/backupMx '{"objects": [{"domain": "shop.example"}]}'
expect t6 404 "isolation: bob's bulk delete of alice's record is refused"
is t6 '.data[0].status.code' E0523 "isolation: bulk item E0523"
api t7 bob POST /v1/backupMx '{"domain": "free4.example"}'
expect t7 404 "isolation: bob cannot create on alice's portfolio domain"
api t8 bob POST /v1/bulk/backupMx '{"objects": [{"domain": "free4.example"}]}'
expect t8 404 "isolation: nor by bulk"
gw t9 "<request>$(xmlreq bob)<task><code>0524</code><backupmx><domain>shop.example</domain></backupmx></task></request>"
expect t9 404 "isolation: gateway info of alice's record is 404"
gw t10 "<request>$(xmlreq bob)<task><code>0523</code><backupmx><domain>shop.example</domain></backupmx></task></request>"
expect t10 404 "isolation: gateway delete of alice's record is 404"
gw t11 "<request>$(xmlreq bob)<task><code>0524</code></task></request>"
[ "$(xv t11 result/data/backupmx/domain)" = bobs.example ] && ok "isolation: gateway list shows only bob's" || not_ok "gateway list isolation: $(head -c 300 "$T/t11.b")"
[ "$(dbsum)" = "$before" ] && ok "isolation: nothing of alice's changed" || not_ok "isolation: the database changed"
api t12 bob DELETE /v1/bulk/backupMx '{"query": {"filters": [{"key": "domain", "operator": "LIKE", "value": "*"}]}}'
is t12 '[.data[].object.value] | join(" ")' bobs.example "isolation: bob's delete-all query deletes only his own"
[ "$(q "SELECT count(*) FROM backupmx WHERE owner_id = (SELECT id FROM account WHERE name = 'alice')")" = 6 ] && ok "isolation: alice's 6 records stay" || not_ok "isolation: alice lost records"
api t13 root POST /v1/backupMx/_search '{}'
is t13 .object.summary 6 "admin: sees every record"
api t14 root GET /v1/backupMx/shop.example
expect t14 200 "admin: info of anybody's record"

# --- delete ---------------------------------------------------------------------

api d1 alice DELETE '/v1/backupMx/beta.example?ctid=del-1'
expect d1 200 "delete: 200"
envelope d1 "delete: envelope"
is d1 '"\(.status.code) \(.object.value) \(.ctid)"' "S0523 beta.example del-1" "delete: S0523, object, ctid"
api d2 alice GET /v1/backupMx/beta.example
expect d2 404 "delete: then info is 404"
api d3 alice DELETE /v1/backupMx/beta.example
expect d3 404 "delete twice: 404"
is d3 .status.code E0523 "delete twice: E0523"
[ "$(q "SELECT count(*) FROM audit_log WHERE action = 'backupmx.del' AND actor = 'alice' AND object = 'beta.example'")" = 1 ] &&
    ok "delete: written to the audit log" || not_ok "delete: no audit entry"

# --- the panel's API page ----------------------------------------------------------

web_login jar alice || not_ok "alice signs in"
web_get jar page /api
expect page 200 "API page: 200"
grep -q "alice:YOUR-PASSWORD" "$T/page.b" && ok "API page: curl lines with the account's name" || not_ok "API page: no curl line"
grep -q "http://127.0.0.1:8080/v1/backupMx/alpha.example" "$T/page.b" && ok "API page: panel_url and the account's own domain" || not_ok "API page: URL or domain missing"
grep -q "X-Domainrobot-Context: 4" "$T/page.b" && ok "API page: the context header" || not_ok "API page: no context"
nav=$(grep -o '<li><a href="[^"]*"' "$T/page.b" | sed 's/.*href="//;s/"//' | tr '\n' ' ')
[[ "$nav" == *"/api /account"* ]] && ok "API page: nav API before Account" || not_ok "nav: $nav"
grep -q 'pw 123' "$T/page.b" && not_ok "API page shows a password" || ok "API page: no password shown"
web_get none anon /api
[ "$(web_status anon)" = 303 ] && ok "API page: signed out goes to the sign-in" || not_ok "API page anonymous: $(web_status anon)"
finish
