#!/bin/bash
# The API's share of the attack battery (tests/web/test_attack.sh is the
# panel's), through a real nginx: SQL-injection and markup payloads in
# every field a request carries (JSON: domain in the body and in the
# path, deliveryHost, a bulk body's domains, filters' key and value,
# orders' key, ctid as parameter and header, the X-Domainrobot-Context
# header; XML: user, password, context, domain, ctid, <where> key and
# value, <order> key).  Every answer must be its envelope: JSON that
# parses, with a payload's quotes escaped, or XML that is well-formed
# with the payload only as text (no element of its making).  The
# database stays whole (schema, integrity, accounts, no record with a
# payload for a name) and a customer never sees another's record.
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
$CTL domain add shop.example --owner alice >/dev/null
$CTL backupmx add shop.example >/dev/null
$CTL domain add bobsecret.example --owner bob >/dev/null
$CTL backupmx add bobsecret.example >/dev/null
q() { sqlite3 "$DB" "$1"; }
schema_sum() { q "SELECT type, name, sql FROM sqlite_master ORDER BY 1, 2" | md5sum; }
accounts_sum() { q "SELECT name, pw_hash, role FROM account ORDER BY name" | md5sum; }
SCHEMA0=$(schema_sum)
ACCTS0=$(accounts_sum)

PAYLOADS=('<script>alert(1)</script>' '"><img src=x onerror=alert(1)>'
    "'><svg/onload=alert(1)>" '</domain><user>root</user>' ']]><x>&amp;'
    "' OR '1'='1" "x'); DROP TABLE account;--" '" OR 1=1 --'
    "%' UNION SELECT name, pw_hash FROM account --" '*' '\u0000"}')
: >"$T/answers"
n=0
# JSON-escape / XML-escape a payload for a request body.
jstr() { printf '%s' "$1" | jq -sR .; }
xesc() { printf '%s' "$1" | sed -e 's/&/\&amp;/g' -e 's/</\&lt;/g' -e 's/>/\&gt;/g'; }
uri() { printf '%s' "$1" | jq -sRr @uri; }
# answer KIND NAME I: remember an answer to judge (json/xml, payload I).
answer() { printf '%s\t%s\t%s\n' "$1" "$2" "$3" >>"$T/answers"; n=$((n + 1)); }

for i in "${!PAYLOADS[@]}"; do
	p=${PAYLOADS[$i]}
	j=$(jstr "$p") e=$(uri "$p") x=$(xesc "$p")
	api "j$i-c" alice POST /v1/backupMx "{\"domain\": $j}"
	answer json "j$i-c" "$i"
	api "j$i-d" alice POST /v1/backupMx "{\"domain\": \"x.example\", \"deliveryHost\": $j}"
	answer json "j$i-d" "$i"
	api "j$i-i" alice GET "/v1/backupMx/$e"
	answer json "j$i-i" "$i"
	api "j$i-x" alice DELETE "/v1/backupMx/$e"
	answer json "j$i-x" "$i"
	api "j$i-b" alice POST /v1/bulk/backupMx "{\"objects\": [{\"domain\": $j}, {\"domain\": \"y.example\", \"deliveryHost\": $j}]}"
	answer json "j$i-b" "$i"
	api "j$i-bd" alice DELETE /v1/bulk/backupMx "{\"query\": {\"filters\": [{\"key\": \"domain\", \"operator\": \"EQUAL\", \"value\": $j}]}}"
	answer json "j$i-bd" "$i"
	for op in EQUAL LIKE NOT_EQUAL; do
		api "j$i-v$op" alice POST /v1/backupMx/_search "{\"filters\": [{\"key\": \"domain\", \"operator\": \"$op\", \"value\": $j}]}"
		answer json "j$i-v$op" "$i"
	done
	api "j$i-in" alice POST /v1/backupMx/_search "{\"filters\": [{\"key\": \"owner\", \"operator\": \"IN\", \"values\": [$j, \"bob\"]}]}"
	answer json "j$i-in" "$i"
	api "j$i-k" alice POST /v1/backupMx/_search "{\"filters\": [{\"key\": $j, \"value\": \"x\"}]}"
	answer json "j$i-k" "$i"
	api "j$i-o" alice POST /v1/backupMx/_search "{\"orders\": [{\"key\": $j}]}"
	answer json "j$i-o" "$i"
	api "j$i-op" alice POST /v1/backupMx/_search "{\"filters\": [{\"key\": \"domain\", \"operator\": $j, \"value\": \"x\"}]}"
	answer json "j$i-op" "$i"
	api "j$i-q" alice POST "/v1/backupMx/_search?ctid=$e&keys[]=$e" '{}'
	answer json "j$i-q" "$i"
	curl -s -u 'alice:alice pw 123' -H 'X-Domainrobot-Context: 4' \
	    -H "X-Domainrobot-Ctid: $p" -D "$T/j$i-h.h" -o "$T/j$i-h.b" \
	    "$B/v1/backupMx/shop.example"
	answer json "j$i-h" "$i"
	curl -s -u 'alice:alice pw 123' -H "X-Domainrobot-Context: $p" \
	    -D "$T/j$i-ctx.h" -o "$T/j$i-ctx.b" "$B/v1/backupMx/shop.example"
	answer json "j$i-ctx" "$i"
	curl -s -u "$p:$p" -D "$T/j$i-u.h" -o "$T/j$i-u.b" "$B/v1/backupMx/shop.example"
	answer json "j$i-u" "$i"
	A="<auth><user>alice</user><password>alice pw 123</password><context>4</context></auth>"
	gw "x$i-u" "<request><auth><user>$x</user><password>$x</password><context>4</context></auth><task><code>0524</code><backupmx><domain>shop.example</domain></backupmx></task></request>"
	answer xml "x$i-u" "$i"
	gw "x$i-ctx" "<request><auth><user>alice</user><password>alice pw 123</password><context>$x</context></auth><task><code>0524</code></task><ctid>$x</ctid></request>"
	answer xml "x$i-ctx" "$i"
	gw "x$i-c" "<request>$A<task><code>0521</code><backupmx><domain>$x</domain><delivery_host>$x</delivery_host></backupmx></task><ctid>$x</ctid></request>"
	answer xml "x$i-c" "$i"
	gw "x$i-i" "<request>$A<task><code>0524</code><backupmx><domain>$x</domain></backupmx></task></request>"
	answer xml "x$i-i" "$i"
	gw "x$i-d" "<request>$A<task><code>0523</code><backupmx><domain>$x</domain></backupmx></task></request>"
	answer xml "x$i-d" "$i"
	gw "x$i-w" "<request>$A<task><code>0524</code><where><key>domain</key><operator>like</operator><value>$x</value><or><key>$x</key><value>$x</value></or></where><order><key>$x</key></order></task></request>"
	answer xml "x$i-w" "$i"
	gw "x$i-wv" "<request>$A<task><code>0524</code><where><key>owner</key><operator>eq</operator><value>$x</value></where><key>$x</key></task></request>"
	answer xml "x$i-wv" "$i"
	gw "x$i-cd" "<request>$A<task><code>0521</code><backupmx><domain><![CDATA[$p]]></domain></backupmx></task></request>"
	answer xml "x$i-cd" "$i"
done

# Judge every answer: its format whole, no payload outside a string or
# a text node, and (to prove the payloads got in) how many echo one.
/usr/bin/python3 - "$T" "${PAYLOADS[@]}" >"$T/judge" <<'PY'
import json, sys, xml.etree.ElementTree as ET
t, payloads = sys.argv[1], sys.argv[2:]
bad, echoed, seen = [], 0, 0
def strings(v):
    if isinstance(v, str):
        yield v
    elif isinstance(v, dict):
        for k, x in v.items():
            yield k
            yield from strings(x)
    elif isinstance(v, list):
        for x in v:
            yield from strings(x)
for line in open(t + "/answers"):
    kind, name, i = line.rstrip("\n").split("\t")
    p = payloads[int(i)]
    body = open(t + "/" + name + ".b", "rb").read()
    head = open(t + "/" + name + ".h", "rb").read().decode("latin-1").lower()
    seen += 1
    if "x-content-type-options: nosniff" not in head:
        bad.append(name + ": no nosniff")
    if kind == "json":
        if "content-type: application/json" not in head:
            bad.append(name + ": not application/json")
            continue
        try:
            doc = json.loads(body)
        except ValueError as e:
            bad.append(name + ": JSON does not parse: %s" % e)
            continue
        if not all(k in doc for k in ("stid", "status", "messages")):
            bad.append(name + ": no envelope")
        if '"' in p and p.encode() in body.replace(b'\\"', b'\0'):
            bad.append(name + ": a quote of the payload unescaped")
        if any(p[:30] in s for s in strings(doc)):
            echoed += 1
    else:
        if "content-type: text/xml" not in head:
            bad.append(name + ": not text/xml")
            continue
        try:
            root = ET.fromstring(body)
        except ET.ParseError as e:
            bad.append(name + ": XML not well-formed: %s" % e)
            continue
        tags = {el.tag for el in root.iter()}
        if root.tag != "response" or tags & {"script", "img", "svg", "x", "textarea"}:
            bad.append(name + ": elements of the payload's making: %s" % sorted(tags))
        if "<" in p and p.encode() in body:
            bad.append(name + ": the payload's markup raw")
        if any(p[:30] in (el.text or "") for el in root.iter()):
            echoed += 1
print(seen, echoed, len(bad))
for b in bad[:8]:
    print(b)
PY
read -r seen echoed nbad <"$T/judge"
[ "${nbad:-1}" = 0 ] && [ "$seen" = "$n" ] &&
    ok "$n API calls with ${#PAYLOADS[@]} payloads in JSON and XML fields ($echoed answers echo one): every answer a whole envelope, JSON escaped, XML well-formed, no markup of the payload's making" ||
    not_ok "API answers with payloads: $(tail -n +2 "$T/judge" | tr '\n' ';')"
[ "$(schema_sum)" = "$SCHEMA0" ] && ok "API: schema unchanged after the SQL payloads" ||
    not_ok "API: schema changed"
[ "$(q 'PRAGMA integrity_check')" = ok ] && ok "API: PRAGMA integrity_check: ok" ||
    not_ok "API: integrity_check: $(q 'PRAGMA integrity_check')"
[ "$(accounts_sum)" = "$ACCTS0" ] && ok "API: the accounts unchanged (names, hashes, roles)" ||
    not_ok "API: accounts changed"
[ "$(q "SELECT count(*) FROM backupmx WHERE domain GLOB '*[<>''\" ]*' OR delivery_host GLOB '*[<>''\" ]*'")" = 0 ] &&
    ok "API: no BackupMX record with a payload for its name or delivery host" ||
    not_ok "API: records with payloads: $(q "SELECT domain, delivery_host FROM backupmx")"
[ "$(q "SELECT count(*) FROM backupmx b JOIN domain d ON d.name = b.domain WHERE b.domain = 'bobsecret.example'")" = 1 ] &&
    ok "API: bob's record is still there" || not_ok "API: bob's record gone"
leak=0
for i in "${!PAYLOADS[@]}"; do
	for f in "j$i-vEQUAL" "j$i-vLIKE" "j$i-vNOT_EQUAL" "j$i-in" "x$i-w" "x$i-wv" "j$i-bd"; do
		grep -q bobsecret "$T/$f.b" && leak=$((leak + 1))
	done
done
[ "$leak" = 0 ] && ok "API: searches and bulk deletes by query with SQL payloads never reach bob's record" ||
    not_ok "API: $leak answers show bob's record"
! grep -E -q "runtime error|Sanitizer" "$T/panel.log"
check "no sanitizer report in the panel's log" [ $? -eq 0 ]
finish
