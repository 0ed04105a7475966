#!/bin/bash
# The queue dashboards end to end with real parts: the relay (backupmxd)
# and the panel share one database and spool behind a real nginx; swaks
# sends mail while the fake primary (tests/relay/fake_primary.py) is
# down; the dashboards show the messages, the reason and the next
# attempt; the SVG pictures and /metrics carry the same numbers; the
# owner's notices arrive at a second fake server standing for the
# owner's own mail system; delete, hold and release go through the relay;
# then "Deliver now" with the primary up empties the queue into it.
# Tenant isolation: customer B on customer A's domain and message ids
# gets 404 for every route and verb, and nothing changes.
#
# BMX_BUILD=build/san runs the sanitizer build of panel and relay.
set -u
cd "$(dirname "$0")/../.."
. tests/lib.sh
. tests/web/web_lib.sh
PY=/usr/bin/python3

SMTP=$(free_port) PRIM=$(free_port) OWNER=$(free_port) PRIM2=$(free_port)
# A long probe interval: once down, shop.test waits for "Deliver now".
web_start "smtp_listen = 127.0.0.1:$SMTP
myhostname = mx.queue.test
min_free_space = 0
dns_resolver = 127.0.0.1:9
probe_interval = 300
panel_url = http://panel.queue.test"
web_user alice
web_user bob
web_user ops
web_user root --admin

# --- helpers -----------------------------------------------------------

ctl_ok() { $CTL "$@" >/dev/null 2>>"$T/ctl.err"; }
q() { sqlite3 "$DB" "$1"; }
expect() {
	local got
	got=$(web_status "$1")
	[ "$got" = "$2" ] && ok "$3" || not_ok "$3 (status ${got:-none}, want $2)"
}
has() { grep -qF -- "$2" "$T/$1.b" && ok "$3" || not_ok "$3 (no \"$2\")"; }
hasnt() { grep -qF -- "$2" "$T/$1.b" && not_ok "$3 (found \"$2\")" || ok "$3"; }
location() { sed -n 's/^[Ll]ocation: //p' "$T/$1.h" | head -n 1; }
send() {	# from to... : the queue id the relay gave
	local from=$1 to
	shift
	to=$(IFS=,; echo "$*")
	swaks --server 127.0.0.1:$SMTP --from "$from" --to "$to" \
	    --header "Subject: queued test $RANDOM" \
	    --body "BODYMARKER this text must never show in the panel" 2>&1 |
	    sed -n 's/^<-  250 2.0.0 Ok: queued as \(.*\)$/\1/p'
}
# svg NAME ATTR: an attribute of the root element of a fetched SVG
svg_attr() {
	$PY - "$T/$1.b" "$2" <<'PY'
import sys, xml.etree.ElementTree as ET
root = ET.parse(sys.argv[1]).getroot()
print(root.get(sys.argv[2], ""))
PY
}

# --- fixtures ----------------------------------------------------------

ctl_ok domain add shop.test --owner alice
ctl_ok domain add bobs.test --owner bob
ctl_ok domain add owner.test --owner ops --external
ctl_ok backupmx add shop.test --deliver-to 127.0.0.1:$PRIM
ctl_ok backupmx add bobs.test --deliver-to 127.0.0.1:$PRIM2
ctl_ok backupmx add owner.test --deliver-to 127.0.0.1:$OWNER
# The owner's own mail server takes the notices.
$PY tests/relay/fake_primary.py "$OWNER" "$T/owner" >>"$T/owner.log" 2>&1 &
WEB_PIDS+=($!)
wait_for 10 bash -c "echo >/dev/tcp/127.0.0.1/$OWNER" 2>/dev/null
"$BMX_BUILD/backupmxd" -c "$CONF" -f 2>>"$T/relay.log" &
WEB_PIDS+=($!)
wait_for 10 bash -c "echo >/dev/tcp/127.0.0.1/$SMTP" 2>/dev/null ||
    { not_ok "the relay starts"; finish; }

web_login alice alice || { not_ok "alice signs in"; finish; }
web_login bob bob || { not_ok "bob signs in"; finish; }
web_login root root || { not_ok "root signs in"; finish; }
web_post alice em /account/email email=alerts@owner.test
check "alice sets her contact address on the account page" \
    test "$(q "SELECT email FROM account WHERE name = 'alice'")" = \
    alerts@owner.test

# --- mail while the primary is down --------------------------------------

id1=$(send a@sender.example u1@shop.test u2@shop.test)
id2=$(send b@sender.example u3@shop.test)
id3=$(send c@other.example u4@shop.test)
idb=$(send d@sender.example x@bobs.test)
check "swaks: the relay queued four messages" test -n "$id1" -a -n "$id2" \
    -a -n "$id3" -a -n "$idb"
failed() {	# every queued recipient of domain $1 has a reason
	[ "$(q "SELECT count(*) FROM queue_recipient r JOIN queue_message m ON
	    m.id = r.message_id WHERE m.domain = '$1' AND r.last_error IS NULL")" = 0 ]
}
wait_for 20 failed shop.test && wait_for 20 failed bobs.test &&
    ok "the relay tried, failed and recorded why" ||
    not_ok "the relay tried, failed and recorded why"
check "queue_domain sums the relay's inserts exactly" queue_summary_exact "$DB"

web_get alice o1 /queue
expect o1 200 "alice's overview"
has o1 'data-domain="shop.test"' "... lists shop.test"
hasnt o1 'bobs.test' "... not bob's domain"
hasnt o1 'owner.test' "... nor anybody else's"
grep -A3 'data-domain="shop.test"' "$T/o1.b" | grep -q 'q-nmsg">3' &&
    ok "... with 3 messages queued" || not_ok "... with 3 messages queued"
has o1 'q-down">unreachable' "... and the primary unreachable"
# Size and age as the page writes them by hand (cgi-bin/page_queue.c):
# the same figures worked out here from the database.
human_bytes() { awk -v n="$1" 'BEGIN {
	u = n >= 999950 ? 1000000 : n >= 1000 ? 1000 : 1
	if (u == 1) { printf "%d bytes", n; exit }
	t = int((n * 10 + u / 2) / u)
	printf "%d.%d %s", int(t / 10), t % 10, u == 1000 ? "kB" : "MB" }'; }
want=$(human_bytes "$(q "SELECT sum(size) FROM queue_message WHERE domain = 'shop.test'")")
grep -A6 'data-domain="shop.test"' "$T/o1.b" | grep -q "data-label=\"Size\" class=\"bmx-num\">$want<" &&
    ok "... the size of its queue: $want" || not_ok "... the size of its queue: want $want"
grep -A8 'data-domain="shop.test"' "$T/o1.b" | grep -E -q 'data-label="Oldest">[0-9]+ (s|min)<' &&
    ok "... the age of its oldest message in seconds or minutes" ||
    not_ok "... the age of its oldest message"
has o1 'next check' "... with the time of the next check"
has o1 '<a href="/queue" aria-current="page">Queue</a>' \
    "the nav has Queue, marked current"
grep -o 'href="/[a-z/]*"' "$T/o1.b" | tr '\n' ' ' |
    grep -q '"/backupmx" .*href="/queue" .*href="/account"' &&
    ok "... between BackupMX and Account" || not_ok "... between BackupMX and Account"

web_get alice d1 /queue/shop.test
expect d1 200 "the domain queue page"
for id in $id1 $id2 $id3; do
	grep -q "data-id=\"$id\"" "$T/d1.b" || break
done && ok "... lists every queued message by id" ||
    not_ok "... lists every queued message by id"
has d1 "u2@shop.test <span class=\"q-state q-state-queued\">queued" \
    "... with each recipient and its state"
reason=$(q "SELECT last_error FROM queue_recipient r JOIN queue_message m ON
    m.id = r.message_id WHERE m.id = '$id1' LIMIT 1")
has d1 "connect to 127.0.0.1[127.0.0.1]:$PRIM: Failed to connect" \
    "... and the reason in words ($reason)"
has d1 'id="q-next"><time' "... and the next attempt"
has d1 'a@sender.example' "... and the sender"
hasnt d1 BODYMARKER "... never the body"

web_get alice f1 '/queue/shop.test?sender=B%40SENDER'
grep -c 'data-id=' "$T/f1.b" | grep -qx 1 && has f1 "data-id=\"$id2\"" \
    "filter by sender (any case)"
web_get alice f2 '/queue/shop.test?rcpt=u4'
grep -c 'data-id=' "$T/f2.b" | grep -qx 1 && has f2 "data-id=\"$id3\"" \
    "filter by recipient"
web_get alice f3 '/queue/shop.test?rcpt=%25'
has f3 'No queued message matches' "a % in the filter is literal"
web_get alice f4 '/queue/shop.test?sort=sender&dir=desc'
first=$(grep -o 'data-id="[^"]*"' "$T/f4.b" | head -n 1)
check "sort by sender, descending: c@other.example first" \
    test "$first" = "data-id=\"$id3\""
web_get alice f5 '/queue/shop.test?sort=size&dir=sideways&page=zz'
expect f5 200 "odd sort/dir/page values are ignored"

web_get alice m1 "/queue/shop.test/$id1"
expect m1 200 "the message page"
has m1 'Subject: queued test' "... shows the headers from the spool"
has m1 'Received: from' "... the relay's Received: header too"
hasnt m1 BODYMARKER "... and never the body"
has m1 'a@sender.example' "... the envelope sender"
has m1 'u1@shop.test' "... the recipients"
hasnt m1 '/hold"' "a customer has no hold button"

# --- the pictures and /metrics ------------------------------------------

web_get alice c1 /queue/shop.test/chart.svg
expect c1 200 "the domain chart"
grep -qi '^content-type: image/svg+xml' "$T/c1.h" &&
    ok "... is image/svg+xml" || not_ok "... is image/svg+xml"
grep -qi "^content-security-policy:.*img-src 'self'" "$T/o1.h" &&
    ok "the page's CSP allows it (img-src 'self')" || not_ok "CSP img-src"
$PY -c "import xml.etree.ElementTree as E,sys; E.parse(sys.argv[1])" \
    "$T/c1.b" 2>/dev/null && ok "... parses as XML" || not_ok "... parses as XML"
check "... shows 3 queued now" test "$(svg_attr c1 data-queued)" = 3
check "... is an accessible image" test "$(svg_attr c1 role)" = img
has c1 '<title id="t">' "... with a <title>"
has c1 '<desc id="d">' "... and a <desc>"
web_get alice c2 /queue/shop.test/ages.svg
check "the age histogram counts 3" test "$(svg_attr c2 data-total)" = 3
sum=$($PY - "$T/c2.b" <<'PY'
import sys, xml.etree.ElementTree as ET
ns = "{http://www.w3.org/2000/svg}"
root = ET.parse(sys.argv[1]).getroot()
print(sum(int(g.get("data-count")) for g in root.iter(ns + "g") if g.get("data-count")))
PY
)
check "... and its bars add up to 3" test "$sum" = 3
web_get alice c3 /queue/chart.svg
check "alice's overall chart: her 3 messages, not bob's" \
    test "$(svg_attr c3 data-queued)" = 3
web_get root c4 /queue/ages.svg
check "the admin's histogram: every message queued" \
    test "$(svg_attr c4 data-total)" = "$(q 'SELECT count(*) FROM queue_message')"

metrics_ok() {	# every line a comment or name{labels} value
	$PY - "$T/$1.b" <<'PY'
import re, sys
pat = re.compile(r'^[a-zA-Z_:][a-zA-Z0-9_:]*(\{([a-zA-Z_][a-zA-Z0-9_]*="([^"\\]|\\.)*",?)*\})? -?[0-9.eE+-]+$')
lines = open(sys.argv[1]).read().splitlines()
bad = [l for l in lines if not (l.startswith("#") or pat.match(l))]
sys.exit(1 if bad or not lines else 0)
PY
}
metric() { grep -F "$2{domain=\"$3\"}" "$T/$1.b" | awk '{print $2}'; }
web_get anon x1 /metrics
expect x1 200 "/metrics from loopback"
grep -qi '^content-type: text/plain; version=0.0.4' "$T/x1.h" &&
    ok "... in the text exposition format" || not_ok "... content type"
metrics_ok x1 && ok "... every line a comment or a sample" ||
    not_ok "... every line a comment or a sample"
check "... queued messages of shop.test: 3" \
    test "$(metric x1 backupmx_queue_messages shop.test)" = 3
check "... of bobs.test: 1" test "$(metric x1 backupmx_queue_messages bobs.test)" = 1
check "... bytes as in the queue" \
    test "$(metric x1 backupmx_queue_bytes shop.test)" = \
    "$(q "SELECT sum(size) FROM queue_message WHERE domain = 'shop.test'")"
check "... the primary of shop.test is down" \
    test "$(metric x1 backupmx_primary_up shop.test)" = 0
web_get anon x2 /metrics --interface 127.0.0.2
expect x2 404 "/metrics from another address: 404"
web_get bob x3 /metrics --interface 127.0.0.2
expect x3 404 "... for a customer too"
web_get root x4 /metrics --interface 127.0.0.2
expect x4 200 "... but a signed-in admin may"

# --- the owner is told ----------------------------------------------------

notice() {	# KIND DOMAIN: a notice of that kind arrived
	grep -l "^X-Backupmx-Notice: $1 $2" "$T"/owner/*.eml >/dev/null 2>&1
}
wait_for 30 notice queuing shop.test && ok "the owner is told mail is queuing" ||
    not_ok "the owner is told mail is queuing"
f=$(grep -l '^X-Backupmx-Notice: queuing shop.test' "$T"/owner/*.eml 2>/dev/null | head -n 1)
j=${f%.eml}.json
grep -q '"to": \["alerts@owner.test"\]' "$j" 2>/dev/null &&
    grep -q '"from": "<>"' "$j" && ok "... at the contact address, from the null sender" ||
    not_ok "... at the contact address, from the null sender ($(cat "$j" 2>/dev/null))"
grep -q '^From: BackupMX <postmaster@mx.queue.test>' "$f" 2>/dev/null &&
    ok "... From: postmaster@myhostname" || not_ok "... From: postmaster@myhostname"
grep -q 'Queued: 3 messages' "$f" 2>/dev/null && ok "... saying how much is queued" ||
    not_ok "... saying how much is queued"
grep -q 'http://panel.queue.test/queue/shop.test' "$f" 2>/dev/null &&
    ok "... with a link to the dashboard" || not_ok "... with a link"
check "bob has no contact address: no notice for bobs.test" \
    test "$(grep -l 'bobs.test' "$T"/owner/*.eml 2>/dev/null | wc -l)" = 0
sleep 6		# a second look of the relay must not repeat it
check "... and it is sent once" \
    test "$(grep -l '^X-Backupmx-Notice: queuing shop.test' "$T"/owner/*.eml | wc -l)" = 1

# --- tenant isolation: bob on alice's domain and messages -----------------

state() {
	q "SELECT count(*) FROM queue_command; SELECT notify FROM backupmx
	    ORDER BY id; SELECT id, held FROM queue_message ORDER BY id;
	    SELECT count(*) FROM audit_log" | md5sum
}
before=$(state)
bad=""
for p in /queue/shop.test /queue/shop.test/chart.svg /queue/shop.test/ages.svg \
    "/queue/shop.test/$id1" "/queue/shop.test/$id1/delete" \
    "/queue/bobs.test/$id1" "/queue/bobs.test/$id1/delete" \
    /queue/nowhere.test "/queue/shop.test/$id1/hold"; do
	web_get bob iso "$p"
	[ "$(web_status iso)" = 404 ] || bad="$bad GET$p=$(web_status iso)"
done
for p in /queue/shop.test/flush /queue/shop.test/notify \
    "/queue/shop.test/$id1/delete" "/queue/shop.test/$id1/hold" \
    "/queue/shop.test/$id1/release" "/queue/bobs.test/$id1/delete" \
    "/queue/bobs.test/$id1/hold" /queue/shop.test /queue/nowhere.test/flush; do
	web_post bob iso "$p" notify=0
	[ "$(web_status iso)" = 404 ] || bad="$bad POST$p=$(web_status iso)"
done
check "customer B on A's domain and message ids: 404 for every route and verb${bad:+ ($bad)}" \
    test -z "$bad"
web_post alice iso2 "/queue/shop.test/$id1/hold"
expect iso2 404 "a customer cannot hold (admins only)"
web_fetch alice nocsrf --data "x=1" "$B/queue/shop.test/flush"
expect nocsrf 403 "a POST without the CSRF token: 403"
check "... and none of it changed anything" test "$(state)" = "$before"

# --- admin: filter, hold, release -----------------------------------------

web_get root a1 '/queue?customer=alice'
has a1 'data-domain="shop.test"' "admin filtered by customer: alice's domain"
hasnt a1 'data-domain="bobs.test"' "... not bob's"
has a1 '<td data-label="Owner">alice</td>' "... with the owner"
# The totals of the overview are the record counts triggers keep
# (backupmx_count): each view's summary against a fresh count.
ndom() { q "SELECT count(*) FROM backupmx b JOIN account a ON a.id =
    b.owner_id WHERE a.name LIKE '$1'"; }
summary_says() {	# NAME COUNT: "N domain(s)." or "Domains 1–25 of N."
	grep -E -q "id=\"q-summary\">($2 domains?\.|Domains [0-9]+–[0-9]+ of $2\.)<" "$T/$1.b"
}
check "admin filtered by customer: the summary counts alice's $(ndom alice) records" \
    summary_says a1 "$(ndom alice)"
web_get root a0 '/queue'
check "admin, all: the summary counts all $(ndom %) records" summary_says a0 "$(ndom %)"
web_get bob b0 '/queue'
check "bob: the summary counts his $(ndom bob) records" summary_says b0 "$(ndom bob)"
web_get root a2 '/queue?queued=1'
has a2 'data-domain="bobs.test"' "admin, queued only: every domain with mail"
web_get root m2 "/queue/shop.test/$id2"
has m2 "/queue/shop.test/$id2/hold\"" "the admin has a hold button"
web_post root h1 "/queue/shop.test/$id2/hold"
expect h1 303 "hold"
held() { [ "$(q "SELECT held FROM queue_message WHERE id = '$id2'")" = "$1" ]; }
wait_for 10 held 1 && ok "... the relay holds the message" ||
    not_ok "... the relay holds the message"
check "... queue_domain counts it held" test "$(q "SELECT held FROM
    queue_domain WHERE domain = 'shop.test'")" = 1
check "... and stays exact" queue_summary_exact "$DB"
web_get root m3 "/queue/shop.test/$id2"
has m3 'not delivered until released' "... the message page says so"
has m3 "/queue/shop.test/$id2/release\"" "... and offers release"
check "... audited" test "$(q "SELECT count(*) FROM audit_log WHERE
    action = 'queue.hold' AND object = '$id2'")" = 1
web_post root h2 "/queue/shop.test/$id2/release"
wait_for 10 held 0 && ok "release: the relay releases it" ||
    not_ok "release: the relay releases it"
check "... queue_domain exact after release" queue_summary_exact "$DB"

# --- delete -----------------------------------------------------------------

web_get alice del1 "/queue/shop.test/$id3/delete"
expect del1 200 "delete asks for confirmation"
has del1 'cannot be undone' "... saying what it means"
web_post alice del2 "/queue/shop.test/$id3/delete"
expect del2 303 "delete"
gone() { [ "$(q "SELECT count(*) FROM queue_message WHERE id = '$id3'")" = 0 ]; }
wait_for 10 gone && ok "... the relay removes the message" ||
    not_ok "... the relay removes the message"
check "... and its spool file" test ! -e "$T/spool/queue/$id3"
check "... queue_domain exact after the delete" queue_summary_exact "$DB"
check "... audited" test "$(q "SELECT count(*) FROM audit_log WHERE
    action = 'queue.delete' AND object = '$id3' AND actor = 'alice'")" = 1

# --- the notice switch ------------------------------------------------------

web_post alice n1 /queue/shop.test/notify
check "notices off (checkbox cleared)" \
    test "$(q "SELECT notify FROM backupmx WHERE domain = 'shop.test'")" = 0
web_get alice n2 '/queue/shop.test?notify=off'
grep -q 'id="q-notify" name="notify" value="1" aria' "$T/n2.b" &&
    ok "... the checkbox shows it" || not_ok "... the checkbox shows it"
web_post alice n3 /queue/shop.test/notify notify=1
check "notices on again" \
    test "$(q "SELECT notify FROM backupmx WHERE domain = 'shop.test'")" = 1

# --- Deliver now with the primary up ---------------------------------------

$PY tests/relay/fake_primary.py "$PRIM" "$T/primary" >>"$T/primary.log" 2>&1 &
WEB_PIDS+=($!)
wait_for 10 bash -c "echo >/dev/tcp/127.0.0.1/$PRIM" 2>/dev/null
sleep 1
check "with the primary up nothing moves before Deliver now (next probe in 300 s)" \
    test "$(q "SELECT count(*) FROM queue_message WHERE domain = 'shop.test'")" = 2
web_post root h3 "/queue/shop.test/$id2/hold"
wait_for 10 held 1 && ok "an admin holds one of them again" ||
    not_ok "an admin holds one of them again"
web_post alice fl1 /queue/shop.test/flush
expect fl1 303 "Deliver now"
check "... back to the page with a notice" \
    test "$(location fl1)" = "/queue/shop.test?flushed=1"
web_post alice fl2 /queue/shop.test/flush
case $(location fl2) in
"/queue/shop.test?wait="*) ok "a second Deliver now at once is refused (rate limit)" ;;
*) not_ok "a second Deliver now at once is refused ($(location fl2))" ;;
esac
check "... one request in the queue_command table" \
    test "$(q "SELECT count(*) FROM queue_command WHERE verb = 'flush'")" = 1
gone1() { [ "$(q "SELECT count(*) FROM queue_message WHERE id = '$id1'")" = 0 ]; }
wait_for 30 gone1 && ok "the relay delivers what is not held" ||
    not_ok "the relay delivers what is not held"
sleep 1
check "... the held message stays queued and undelivered" \
    test "$(q "SELECT held FROM queue_message WHERE id = '$id2'")" = 1 -a \
    "$(ls "$T"/primary/*.eml 2>/dev/null | wc -l)" = 1
web_post root h4 "/queue/shop.test/$id2/release"
empty() { [ "$(q "SELECT count(*) FROM queue_message WHERE domain = 'shop.test'")" = 0 ]; }
wait_for 30 empty && ok "released, it is delivered too: the queue is empty" ||
    not_ok "released, it is delivered too: the queue is empty"
check "... the domain's queue_domain row went with its last message" \
    test "$(q "SELECT count(*) FROM queue_domain WHERE domain = 'shop.test'")" = 0
check "... queue_domain exact after the deliveries" queue_summary_exact "$DB"
check "the fake primary has both messages" \
    test "$(ls "$T"/primary/*.eml 2>/dev/null | wc -l)" = 2
grep -h -o '"to": \[[^]]*\]' "$T"/primary/*.json 2>/dev/null | sort |
    tr '\n' ' ' | grep -q 'u1@shop.test", "u2@shop.test.*u3@shop.test' &&
    ok "... for the right recipients" || not_ok "... for the right recipients"
web_get alice d2 /queue/shop.test
has d2 'Nothing is queued for this domain' "the dashboard is empty"
has d2 'q-up">reachable' "... the primary reachable"
has d2 'the relay started it' "... the Deliver-now progress"
has d2 '3 recipients delivered' "... and the deliveries counted"
web_get alice c5 /queue/shop.test/chart.svg
check "the chart counts the 3 delivered recipients" \
    test "$(svg_attr c5 data-delivered)" = 3
check "... and 0 queued" test "$(svg_attr c5 data-queued)" = 0
web_get anon x5 /metrics
metrics_ok x5 && ok "/metrics still parses" || not_ok "/metrics still parses"
check "... deliveries_total of shop.test: 3" \
    test "$(metric x5 backupmx_deliveries_total shop.test)" = 3
check "... the primary is up" test "$(metric x5 backupmx_primary_up shop.test)" = 1
check "... nothing queued for shop.test" \
    test -z "$(metric x5 backupmx_queue_messages shop.test)"
wait_for 30 notice drained shop.test && ok "the owner is told the queue drained" ||
    not_ok "the owner is told the queue drained"

# --- paging: 30 messages held (the relay leaves them alone) ----------------

q "WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n WHERE i < 30)
    INSERT INTO queue_message (id, node, domain, sender, size, arrival,
    expires, held) SELECT printf('PAGE%012d', i), 'other.node', 'shop.test',
    printf('p%02d@sender.example', i), 1000 + i, 1000000 + i,
    strftime('%s', 'now') + 86400, 1 FROM n;
    INSERT INTO queue_recipient (message_id, address, next_attempt)
    SELECT id, 'pg@shop.test', 0 FROM queue_message WHERE id LIKE 'PAGE%';"
check "queue_domain exact after a bulk insert" queue_summary_exact "$DB"
web_get alice pg1 /queue/shop.test
check "paging: 25 messages on the first page" \
    test "$(grep -c 'data-id=' "$T/pg1.b")" = 25
has pg1 'Page 1 of 2' "... page 1 of 2"
has pg1 'href="/queue/shop.test?page=2" rel="next"' "... with a link to the next"
web_get alice pg2 '/queue/shop.test?sort=size&dir=desc&page=2'
check "page 2 (by size, descending) has the 5 smallest" \
    test "$(grep -o 'data-id="[^"]*"' "$T/pg2.b" | tr '\n' ' ')" = \
    'data-id="PAGE000000000005" data-id="PAGE000000000004" data-id="PAGE000000000003" data-id="PAGE000000000002" data-id="PAGE000000000001" '
has pg2 'href="/queue/shop.test?sort=size&amp;dir=desc" rel="prev"' \
    "... the link back keeps the order"
finish
