#!/bin/bash
# BackupMX management through a real nginx (tests/web/web_lib.sh): the
# list with search ('*' wildcard, LIKE metacharacters literal), sorting
# and paging; a new entry (portfolio domains only); the settings of an
# entry (delivery host, recipient list by textarea and by multipart
# upload, "only while the primary is down"); delete with confirmation;
# and the relay (backupmxd on the same database) following each change
# within about a second.  Then the tenant-isolation table (customer B on
# every route of customer A's entry: 404 and no change), CSRF refusal
# and escaping of a hostile search text.
#
# BMX_BUILD=build/san runs the sanitizer build of panel and relay.
set -u
cd "$(dirname "$0")/../.."
. tests/lib.sh
. tests/web/web_lib.sh

web_start
web_user alice
web_user bob
web_user root --admin

# --- helpers -----------------------------------------------------------

ctl_ok() { $CTL "$@" >/dev/null 2>>"$T/ctl.err"; }

# expect NAME STATUS what: the status of a response
expect() {
	local got
	got=$(web_status "$1")
	[ "$got" = "$2" ] && ok "$3" || not_ok "$3 (status ${got:-none}, want $2)"
}

# has NAME TEXT what / hasnt NAME TEXT what: a fixed string in a body
has() { grep -qF -- "$2" "$T/$1.b" && ok "$3" || not_ok "$3 (no \"$2\")"; }
hasnt() { grep -qF -- "$2" "$T/$1.b" && not_ok "$3 (found \"$2\")" || ok "$3"; }

# The A-labels of a list page's rows, in order, space-separated.
rows() {
	grep -o 'class="bmx-domain" href="/backupmx/[^"]*"' "$T/$1.b" |
	    sed 's/.*href="\/backupmx\/\([^"]*\)"/\1/' | tr '\n' ' ' |
	    sed 's/ $//'
}

# rows_are NAME "a b c" what
rows_are() {
	local got
	got=$(rows "$1")
	[ "$got" = "$2" ] && ok "$3" || not_ok "$3 (rows: $got)"
}

location() { sed -n 's/^[Ll]ocation: //p' "$T/$1.h" | head -n 1; }

# post_form JAR NAME PATH curl-form-args...: multipart/form-data with the
# session's CSRF token (use --form-string for text, -F for files)
post_form() {
	local jar=$1 name=$2 path=$3 csrf
	shift 3
	csrf=$(web_csrf "$jar")
	web_fetch "$jar" "$name" -H 'Expect:' --form-string "csrf=$csrf" "$@" \
	    "$B$path"
}

# The state a refused request must leave alone.
db_state() {
	sqlite3 "$DB" "SELECT * FROM backupmx ORDER BY id;
	    SELECT * FROM backupmx_recipient ORDER BY 1, 2;
	    SELECT count(*) FROM audit_log WHERE action LIKE 'backupmx.%';" |
	    md5sum
}

q() { sqlite3 "$DB" "$1"; }

# --- fixtures ----------------------------------------------------------

for d in shop.example bücher.example mail-shop.example listed.example \
    free.example free2.example; do
	ctl_ok domain add "$d" --owner alice
done
for d in bobs.example bobfree.example; do
	ctl_ok domain add "$d" --owner bob
done
# created one second apart, for the sort by creation time
ctl_ok backupmx add shop.example
sleep 1.1
ctl_ok backupmx add bücher.example --deliver-to mx.b.example:2525
sleep 1.1
ctl_ok backupmx add mail-shop.example
ctl_ok backupmx add listed.example
ctl_ok backupmx add bobs.example
for i in $(seq -w 0 29); do
	ctl_ok domain add "p$i.example" --owner alice &&
	    ctl_ok backupmx add "p$i.example" || break
done
check "fixtures: 34 entries for alice, 1 for bob" \
    test "$(q "SELECT count(*) FROM backupmx b JOIN account a ON
    a.id = b.owner_id WHERE a.name = 'alice'")" = 34

web_get anon anon /backupmx
expect anon 303 "not signed in: /backupmx redirects"
check "... to the sign-in form" test "$(location anon)" = \
    "/login?next=/backupmx"

web_login alice alice || { not_ok "alice signs in"; finish; }
web_login bob bob || { not_ok "bob signs in"; finish; }
web_login root root || { not_ok "root signs in"; finish; }

# --- the list: search, sort, paging --------------------------------------

web_get alice l1 '/backupmx?q=shop'
expect l1 200 "list with a search"
rows_are l1 "mail-shop.example shop.example" "q=shop matches a part of names"
hasnt l1 '>Owner<' "a customer's list has no owner column"
web_get alice l2 '/backupmx?q=shop*'
rows_are l2 "shop.example" "q=shop* anchors the pattern"
web_get alice l3 '/backupmx?q=*shop*'
rows_are l3 "mail-shop.example shop.example" "q=*shop* as q=shop"
web_get alice l4 '/backupmx?q=B%C3%9CCHER'
rows_are l4 "xn--bcher-kva.example" "U-label search ignores case (BÜCHER)"
has l4 'bücher.example' "... and shows the U-label"
has l4 '<span class="bmx-alabel">xn--bcher-kva.example</span>' \
    "... and the A-label"
web_get alice l5 '/backupmx?q=xn--bcher*'
web_get alice l11 '/backupmx?q=b%C3%BC*&sort=created'
rows_are l11 "xn--bcher-kva.example" "U-label pattern"
has l11 'href="/backupmx?q=b%C3%BC%2A&amp;sort=created&amp;dir=desc"' \
    "... URL-encoded in the sort links"
rows_are l5 "xn--bcher-kva.example" "A-label search"
web_get alice l6 '/backupmx?q=%25'
rows_are l6 "" "q=% is a literal percent sign (no LIKE injection)"
has l6 'No entry matches' "... and the page says nothing matched"
web_get alice l7 '/backupmx?q=_'
rows_are l7 "" "q=_ is a literal underscore"
web_get alice l8 '/backupmx?q=sh_p'
rows_are l8 "" "q=sh_p does not match shop"
web_get alice l9 '/backupmx?q=*%25*'
rows_are l9 "" "q=*%* matches only names holding a %"
web_get alice l10 '/backupmx?q=bobs'
rows_are l10 "" "bob's entry is not in alice's search"

web_get alice s1 '/backupmx?q=*.example&sort=created&dir=asc&page=1'
got=$(rows s1 | cut -d' ' -f1-2)
check "sort=created asc: oldest first" test "$got" = \
    "shop.example xn--bcher-kva.example"
web_get alice s2 '/backupmx?q=*shop*&sort=created&dir=desc'
rows_are s2 "mail-shop.example shop.example" "sort=created desc"
web_get alice s3 '/backupmx?q=shop&sort=domain&dir=desc'
rows_are s3 "shop.example mail-shop.example" "sort=domain desc"
has s3 'aria-sort="descending"' "the sorted column says so"
web_get alice s4 '/backupmx?q=shop&sort=nonsense&dir=sideways'
expect s4 200 "an unknown sort order is ignored"
rows_are s4 "mail-shop.example shop.example" "... the list is by domain"
web_get alice s5 "/backupmx?q=shop&sort=domain&dir=asc%27%20OR%201=1--"
rows_are s5 "mail-shop.example shop.example" "dir is whitelisted"

web_get alice p1 '/backupmx?q=p*&sort=domain&dir=desc'
got=$(rows p1 | wc -w)
check "paging: 25 on the first page" test "$got" = 25
check "... p29 first" test "$(rows p1 | cut -d' ' -f1)" = p29.example
has p1 'Entries 1–25 of 30' "... the summary counts"
has p1 'href="/backupmx?q=p%2A&amp;sort=domain&amp;dir=desc&amp;page=2"' \
    "the page link keeps q, sort and dir"
web_get alice p2 '/backupmx?q=p*&sort=domain&dir=desc&page=2'
rows_are p2 "p04.example p03.example p02.example p01.example p00.example" \
    "page 2 has the rest"
has p2 'aria-current="page">2<' "... and marks itself"
web_get alice p3 '/backupmx?q=p*&sort=domain&dir=desc&page=99'
rows_are p3 "p04.example p03.example p02.example p01.example p00.example" \
    "a page past the end shows the last page"
web_get alice p4 '/backupmx?page=abc'
expect p4 200 "a non-numeric page is page 1"
web_get alice p5 '/backupmx'
check "no search: 25 of alice's 34" test "$(rows p5 | wc -w)" = 25
has p5 'href="/backupmx/new"' 'the list has the "+" link to a new entry'

web_get root a1 '/backupmx?q=bobs*'
rows_are a1 "bobs.example" "an admin sees every customer's entries"
has a1 '>Owner<' "... with an owner column"
has a1 '<td data-label="Owner">bob</td>' "... naming the owner"

# --- a new entry ---------------------------------------------------------

web_get alice n1 /backupmx/new
expect n1 200 "the new-entry form"
has n1 '<option value="free.example">' "it suggests domains without BackupMX"
hasnt n1 '<option value="shop.example">' "... not those that have it"
hasnt n1 'bobfree.example' "... nor other customers' domains"
before=$(db_state)
web_post alice n2 /backupmx/new domain=bobfree.example delivery_host=
expect n2 200 "another customer's domain is refused"
has n2 'bobfree.example is not in your portfolio' "... the reason is shown"
grep -A1 'id="bmx-domain"' "$T/n2.b" | grep -q 'value="bobfree.example"' &&
    grep -q 'id="bmx-domain-error"' "$T/n2.b" &&
    ok "... beside the field, which keeps the input" ||
    not_ok "... beside the field, which keeps the input"
web_post alice n3 /backupmx/new domain=nowhere.example delivery_host=
grep -q 'nowhere.example is not in your portfolio' "$T/n3.b" &&
    ok "an unknown domain gets the same answer" ||
    not_ok "an unknown domain gets the same answer"
web_post alice n4 /backupmx/new domain=shop.example delivery_host=
has n4 'shop.example already has a BackupMX entry' "a second entry is refused"
web_post alice n5 /backupmx/new domain=free.example 'delivery_host=mx:99999'
expect n5 200 "a bad delivery host is refused"
has n5 'id="bmx-host-error"' "... with the error beside the host field"
has n5 'value="mx:99999"' "... which keeps the input"
web_post alice n6 /backupmx/new 'domain=bad..name' delivery_host=
has n6 'id="bmx-domain-error"' "a malformed domain is refused beside the field"
check "refused new entries change nothing" test "$(db_state)" = "$before"
web_post alice n7 /backupmx/new domain=Free.Example \
    delivery_host=mail.free.example:2525
expect n7 303 "a portfolio domain gets its entry"
check "... and the browser goes to it" test "$(location n7)" = \
    "/backupmx/free.example?created=1"
check "... with the delivery host" test "$(q "SELECT delivery_host FROM
    backupmx WHERE domain = 'free.example'")" = mail.free.example:2525
check "... audited" test "$(q "SELECT actor FROM audit_log WHERE action =
    'backupmx.add' AND object = 'free.example'")" = alice
web_post root n8 /backupmx/new domain=bobfree.example delivery_host=
expect n8 303 "an admin creates an entry for any customer's domain"
check "... owned by the domain's owner" test "$(q "SELECT a.name FROM
    backupmx b JOIN account a ON a.id = b.owner_id WHERE
    b.domain = 'bobfree.example'")" = bob

# --- one entry -----------------------------------------------------------

web_get alice e1 '/backupmx/b%C3%BCcher.example'
expect e1 200 "an entry by its U-label in the path"
has e1 'xn--bcher-kva.example' "... shows the A-label"
has e1 'value="mx.b.example:2525"' "... and its delivery host"
web_get alice e2 /backupmx/XN--BCHER-KVA.example
expect e2 200 "an entry by its A-label, any case"
has e2 '<dt>Queued messages</dt><dd>0</dd>' "the entry shows its queue count"
has e2 'by the operator (backupmxctl)' "... and who changed it last"

before=$(db_state)
web_post alice e3 /backupmx/shop.example 'delivery_host=bad host:1' \
    policy=any recipients=
expect e3 200 "a bad delivery host is refused"
has e3 'id="bmx-host-error"' "... beside the field"
has e3 'value="bad host:1"' "... keeping the input"
check "... nothing changed" test "$(db_state)" = "$before"
web_post alice e4 /backupmx/shop.example 'delivery_host=MX.Shop.Example:2525' \
    policy=any recipients= only_when_down=1
expect e4 303 "a good delivery host is saved"
check "... normalised" test "$(q "SELECT delivery_host || ' ' ||
    only_when_down FROM backupmx WHERE domain = 'shop.example'")" = \
    "mx.shop.example:2525 1"
web_get alice e5 /backupmx/shop.example?saved=1
has e5 'name="only_when_down" value="1" checked' \
    "the only-while-down switch is stored and shown"
has e5 'by alice' "the updater is shown"
has e5 'accepts mail for this domain while its primary mail server is down' \
    "the entry's status tells about the switch"
has e5 '<dt>Delivery</dt><dd>to <code>mx.shop.example:2525</code>' \
    "... and where mail goes"
check "the change is audited" test "$(q "SELECT count(*) FROM audit_log
    WHERE action = 'backupmx.update' AND object = 'shop.example'")" = 1

# --- the relay follows the panel -------------------------------------------

SMTP_PORT=$(free_port)
cat >"$T/relay.conf" <<EOF
db = $DB
spool_dir = $T/spool
smtp_listen = 127.0.0.1:$SMTP_PORT
myhostname = mx.test.example
min_free_space = 0
dns_resolver = 127.0.0.1:9
EOF
"$BMX_BUILD/backupmxd" -c "$T/relay.conf" -f >>"$T/relay.log" 2>&1 &
RELAY_PID=$!
WEB_PIDS+=("$RELAY_PID")

# smtp ADDRESS [send]: the relay's reply to RCPT TO:<ADDRESS>; with
# "send", the reply to the message's final dot.
smtp() {
	/usr/bin/python3 - "$SMTP_PORT" "$@" <<'PY'
import socket, sys
s = socket.create_connection(("127.0.0.1", int(sys.argv[1])), timeout=5)
f = s.makefile("rb")
def reply():
    while True:
        line = f.readline().decode("utf-8", "replace")
        if len(line) < 4 or line[3] != "-":
            return line.strip()
def cmd(c):
    s.sendall((c + "\r\n").encode())
    return reply()
reply()
cmd("EHLO client.example")
cmd("MAIL FROM:<someone@client.example>")
r = cmd("RCPT TO:<%s>" % sys.argv[2])
if len(sys.argv) > 3 and r.startswith("250") and cmd("DATA").startswith("354"):
    r = cmd("Subject: test\r\n\r\nWhile the primary is down.\r\n.")
cmd("QUIT")
print(r)
PY
}
rcpt() { smtp "$1"; }
rcpt_is() { case $(rcpt "$1" 2>/dev/null) in "$2"*) return 0 ;; esac; return 1; }
relay_up() { (exec 3<>"/dev/tcp/127.0.0.1/$SMTP_PORT") 2>/dev/null; }

if wait_for 10 relay_up; then
	ok "the relay runs on the panel's database"
else
	not_ok "the relay runs on the panel's database"
	sed 's/^/# /' "$T/relay.log" | tail -n 5
fi
check "before a list: any address of listed.example gets 250" \
    rcpt_is nobody@listed.example 250

# The recipient list by textarea: refused lines are named.
before=$(db_state)
web_post alice r1 /backupmx/listed.example delivery_host= policy=list \
    "recipients=info@listed.example
<b>not</b> an address

sales@other.example"
expect r1 200 "a list with bad lines is refused"
has r1 'Line 2: not an e-mail address' "... naming line 2"
has r1 'line 4: not an address of listed.example' \
    "... and line 4 (another domain)"
has r1 'id="bmx-list-error"' "... beside the list"
has r1 'sales@other.example</textarea>' "... which keeps the input"
grep -qx '&lt;b&gt;not&lt;/b&gt; an address' "$T/r1.b" &&
    ok "... escaped, line by line" || not_ok "... escaped, line by line"
hasnt r1 '<b>not' "... never as markup"
check "... nothing changed" test "$(db_state)" = "$before"
web_post alice r2 /backupmx/listed.example delivery_host= policy=list \
    recipients=
has r2 'the recipient list is empty' \
    "'only listed' with an empty list is refused"
web_post alice r3 /backupmx/listed.example delivery_host= policy=list \
    "recipients=Info@Listed.Example
sales@listed.example
"
expect r3 303 "a good list is saved"
check "... in lower case" test "$(q "SELECT group_concat(address, ' ') FROM
    (SELECT address FROM backupmx_recipient ORDER BY address)")" = \
    "info@listed.example sales@listed.example"
if wait_for 3 rcpt_is nobody@listed.example "550 5.1.1"; then
	ok "the relay refuses an unlisted address (550 5.1.1) within seconds"
else
	not_ok "the relay refuses an unlisted address (550 5.1.1): $(rcpt nobody@listed.example)"
fi
check "... and accepts a listed one (250)" rcpt_is INFO@listed.example 250

# The same by upload (multipart/form-data).
printf 'a@listed.example\r\nnot-an-address\r\nb@elsewhere.example\r\n' \
    >"$T/bad.txt"
before=$(db_state)
post_form alice u1 /backupmx/listed.example --form-string delivery_host= \
    --form-string policy=list --form-string recipients= \
    -F "recipients_file=@$T/bad.txt;type=text/plain"
expect u1 200 "an uploaded list with bad lines is refused"
has u1 'In the uploaded file, line 2: not an e-mail address' \
    "... naming its line 2"
has u1 'line 3: not an address of listed.example' "... and line 3"
has u1 'id="bmx-file-error"' "... beside the upload field"
check "... nothing changed" test "$(db_state)" = "$before"
printf '\xef\xbb\xbfnew@listed.example\r\n*@LISTED.example\r\n' >"$T/good.txt"
post_form alice u2 /backupmx/listed.example --form-string delivery_host= \
    --form-string policy=list --form-string "recipients=ignored@listed.example" \
    -F "recipients_file=@$T/good.txt;type=text/plain"
expect u2 303 "an uploaded list is saved"
check "... replacing the list" test "$(q "SELECT group_concat(address, ' ')
    FROM (SELECT address FROM backupmx_recipient ORDER BY address)")" = \
    "*@listed.example new@listed.example"
if wait_for 3 rcpt_is anyone@listed.example 250; then
	ok "the relay accepts every address of a *@domain list"
else
	not_ok "the relay accepts every address of a *@domain list: $(rcpt anyone@listed.example)"
fi
check "a message for listed.example is queued" \
    test "$(smtp queued@listed.example send | cut -c1-3)" = 250
web_get alice q1 /backupmx/listed.example
has q1 '<dt>Queued messages</dt><dd>1</dd>' "the entry counts it"
web_get alice q2 '/backupmx?q=listed*'
has q2 '<td data-label="Queued" class="bmx-num">1</td>' "... and so does the list"
post_form alice u3 /backupmx/listed.example --form-string delivery_host= \
    --form-string policy=list \
    --form-string "recipients=only@listed.example" \
    -F "recipients_file=@/dev/null;filename=empty.txt"
expect u3 303 "an empty upload leaves the textarea in charge"
wait_for 3 rcpt_is anyone@listed.example "550 5.1.1" &&
    ok "... and the relay follows (550 5.1.1)" ||
    not_ok "... and the relay follows: $(rcpt anyone@listed.example)"

# --- tenant isolation: bob on every route of alice's entries ------------

before=$(db_state)
iso_fail=
for path in /backupmx/shop.example /backupmx/listed.example/delete \
    /backupmx/xn--bcher-kva.example '/backupmx/b%C3%BCcher.example' \
    /backupmx/shop.example/delete; do
	web_get bob iso "$path"
	[ "$(web_status iso)" = 404 ] || iso_fail="$iso_fail GET $path=$(web_status iso)"
	web_fetch bob iso -I "$B$path"
	[ "$(web_status iso)" = 404 ] || iso_fail="$iso_fail HEAD $path=$(web_status iso)"
	web_post bob iso "$path" delivery_host=evil.example policy=any \
	    recipients=
	[ "$(web_status iso)" = 404 ] || iso_fail="$iso_fail POST $path=$(web_status iso)"
	post_form bob iso "$path" --form-string delivery_host=evil.example \
	    --form-string policy=any
	[ "$(web_status iso)" = 404 ] || iso_fail="$iso_fail POST(multipart) $path=$(web_status iso)"
done
[ -z "$iso_fail" ] && ok "bob gets 404 on every route of alice's entries (GET, HEAD, POST)" ||
    not_ok "bob on alice's entries:$iso_fail"
web_get bob iso1 /backupmx/shop.example
web_get bob iso2 /backupmx/absent.example
sed 's/absent\.example/shop.example/' "$T/iso2.b" >"$T/iso2n.b"
cmp -s "$T/iso1.b" "$T/iso2n.b" &&
    ok "... the same 404 page as for an entry that does not exist" ||
    not_ok "... the same 404 page as for an entry that does not exist"
web_post bob iso3 /backupmx/new domain=free2.example delivery_host=
has iso3 'free2.example is not in your portfolio' \
    "bob cannot create an entry for alice's domain"
web_get bob iso4 '/backupmx?q=*'
rows_are iso4 "bobfree.example bobs.example" "bob's list holds only his own"
check "bob changed nothing" test "$(db_state)" = "$before"
web_get root iso5 /backupmx/shop.example
expect iso5 200 "an admin opens anyone's entry"

# --- CSRF and escaping -----------------------------------------------------

before=$(db_state)
web_fetch alice c1 --data-urlencode policy=any "$B/backupmx/shop.example"
expect c1 403 "a POST without the CSRF token is refused (settings)"
web_fetch alice c2 --data-urlencode csrf=forged "$B/backupmx/shop.example/delete"
expect c2 403 "a POST with a wrong token is refused (delete)"
web_fetch alice c3 --data-urlencode domain=free2.example "$B/backupmx/new"
expect c3 403 "a POST without the token is refused (new)"
check "... and nothing changed" test "$(db_state)" = "$before"

web_get alice x1 '/backupmx?q=%3Cscript%3Ealert(1)%3C/script%3E%22%27%3E'
expect x1 200 "a hostile search text"
hasnt x1 '<script>alert(1)' "... is not echoed as markup"
has x1 'value="&lt;script&gt;alert(1)&lt;/script&gt;&quot;&#39;&gt;"' \
    "... but escaped in the search field"
has x1 'No entry matches “&lt;script&gt;' "... and in the message"
web_get alice x2 '/backupmx/shop.example/%3Cb%3E'
expect x2 404 "an unknown page below an entry is 404"

# --- delete with confirmation ----------------------------------------------

web_get alice d1 /backupmx/listed.example/delete
expect d1 200 "the delete confirmation page"
has d1 'action="/backupmx/listed.example/delete"' "... asks with a POST form"
has d1 '1 message already queued for listed.example will still be delivered' \
    "... and says the queued message is still delivered"
check "... and deletes nothing by itself" test "$(q "SELECT count(*) FROM
    backupmx WHERE domain = 'listed.example'")" = 1
web_post alice d2 /backupmx/listed.example/delete
expect d2 303 "the confirmed delete"
check "... goes back to the list" test "$(location d2)" = \
    "/backupmx?deleted=listed.example"
check "... the entry and its list are gone" test "$(q "SELECT
    (SELECT count(*) FROM backupmx WHERE domain = 'listed.example') +
    (SELECT count(*) FROM backupmx_recipient)")" = 0
web_get alice d3 "$(location d2)"
has d3 'BackupMX for listed.example has been deleted.' "the list confirms it"
if wait_for 3 rcpt_is new@listed.example "550 5.7.1"; then
	ok "the relay refuses mail for the deleted domain (550 5.7.1)"
else
	not_ok "the relay refuses mail for the deleted domain: $(rcpt new@listed.example)"
fi
web_get alice d4 /backupmx/listed.example
expect d4 404 "the deleted entry is gone from the panel"

finish
