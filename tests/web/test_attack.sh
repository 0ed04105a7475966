#!/bin/bash
# The panel's attack battery, through a real nginx (tests/web/web_lib.sh):
#
#   injection   SQL-injection and XSS payloads into every field of every
#               form (login, account, admin users, cart, portfolio,
#               BackupMX new/entry/search/upload, zone records, Add
#               BackupMX entries, MailProxy host, queue filters) and into
#               path segments (zones, queue, message ids);
#               no payload comes back unescaped in any response or in any
#               page that shows stored data (lists, audit log), tenant
#               scoping holds under injected search text, and the
#               database is intact (schema, integrity, the accounts); a
#               queued message whose envelope and headers carry the
#               payloads (as mail from anybody may) shows them escaped
#   CSRF        every state-changing route: token missing, wrong, or
#               another session's: 403 and no change
#   fixation    a session cookie set before sign-in is not the session
#               after it and grants nothing
#   redirect    next= after sign-in never leaves the site
#   brute force the per-address throttle answers 429, even to the right
#               password
#   traversal   /static/ with .., %2e%2e, %2f, double encoding, backslash:
#               nothing outside static/ is served (the panel has no
#               download route; its own paths are tried too); the zone
#               export and the queue's SVG routes with .. and encoded
#               slashes serve nothing outside, and never another's zone
set -u
cd "$(dirname "$0")/../.."
. tests/lib.sh
. tests/web/web_lib.sh

web_start "login_max_failures = 40"
web_user alice
web_user bob
web_user root --admin
for d in shop.example second.example; do
	$CTL domain add "$d" --owner alice >/dev/null
done
$CTL backupmx add shop.example >/dev/null
$CTL domain add bobsecret.example --owner bob >/dev/null
$CTL backupmx add bobsecret.example >/dev/null
# A queued message for shop.example whose envelope, recipients, error
# text and headers all carry markup (a stranger's mail may), with its
# spool file, for the queue pages; ids are 16 of [0-9A-V].
MSG=ATK0000000000001
mkdir -p "$T/spool/queue"
printf 'Subject: <script>alert(1)</script>\nFrom: "\"><img src=x onerror=alert(1)>" <a@b.example>\nX-Note: </textarea><script>alert(2)</script>\n\nbody\n' \
    >"$T/spool/queue/$MSG"
sqlite3 "$DB" "INSERT INTO queue_message (id, node, domain, sender, size,
    arrival, expires, client, helo) VALUES ('$MSG', 'atk.example',
    'shop.example', '<script>alert(1)</script>@evil.example', 99,
    strftime('%s','now') - 60, strftime('%s','now') + 86400,
    '\"><img src=x onerror=alert(1)>', '''><svg/onload=alert(1)>');
    INSERT INTO queue_recipient (message_id, address, state, next_attempt,
    last_error) VALUES ('$MSG', '</textarea><script>alert(2)</script>@shop.example',
    'queued', strftime('%s','now') + 600,
    '450 <script>alert(1)</script> try later')"
web_login A alice && web_login Bo bob && web_login R root
check "three sessions signed in" [ $? -eq 0 ]

q() { sqlite3 "$DB" "$1"; }
schema_sum() { q "SELECT type, name, sql FROM sqlite_master ORDER BY 1, 2" | md5sum; }
accounts_sum() { q "SELECT name, pw_hash, role FROM account WHERE name IN ('alice','bob','root') ORDER BY name" | md5sum; }
SCHEMA0=$(schema_sum)
ACCTS0=$(accounts_sum)

# --- injection -----------------------------------------------------------
# Markup payloads must never come back as markup; SQL payloads must leave
# the database whole.  Each is written into each field in turn.
XSS=('<script>alert(1)</script>' '"><img src=x onerror=alert(1)>'
    "'><svg/onload=alert(1)>" '</textarea><script>alert(2)</script>'
    'javascript:alert(1)')
SQL=("' OR '1'='1" "x'); DROP TABLE account;--" '" OR 1=1 --'
    "%' UNION SELECT name, password_hash FROM account --" '*')
PAYLOADS=("${XSS[@]}" "${SQL[@]}")
leaks=()
echoed=0
# leak NAME: does a response body carry a markup payload raw?  (And
# count the responses that show one escaped: proof the payload got in.)
leak() {
	local p
	grep -qF -e '&lt;script&gt;alert' -e '&lt;img src=x' -e '&lt;svg/onload' \
	    -e '&#39;&gt;&lt;svg' "$T/$1.b" && echoed=$((echoed + 1))
	for p in "${XSS[@]}"; do
		[ "$p" = 'javascript:alert(1)' ] && {
			grep -qiE '(href|src|action)="javascript:' "$T/$1.b" &&
			    leaks+=("$1: javascript: URL")
			continue
		}
		grep -qF -- "$p" "$T/$1.b" && leaks+=("$1${LEAKCTX:+ ($LEAKCTX)}: $p")
	done
	return 0
}
n=0
# A signed-in session's CSRF token is constant for its life: fetch once.
declare -A TOK
tok() { [ -n "${TOK[$1]:-}" ] || TOK[$1]=$(web_csrf "$1"); echo "${TOK[$1]}"; }
# inject JAR PATH FIELD [other fields...]: POST each payload in FIELD.
inject() {
	local jar=$1 path=$2 field=$3 p f args
	shift 3
	tok "$jar" >/dev/null
	for p in "${PAYLOADS[@]}"; do
		args=(--data-urlencode "csrf=${TOK[$jar]}" --data-urlencode "$field=$p")
		for f in "$@"; do args+=(--data-urlencode "$f"); done
		web_fetch "$jar" inj "${args[@]}" "$B$path"
		LEAKCTX="$path $field"
		leak inj
		n=$((n + 1))
	done
}
inject A /account/email email
inject A /account/password current new=x repeat=x
inject A /account/password new current="alice pw 123" repeat=y
inject A /account/password repeat current="alice pw 123" new=z
inject R /admin/users name role=customer password=longenough123
inject R /admin/users email name=newuser role=customer password=longenough123
inject R /admin/users role name=newuser2 password=longenough123
inject R /admin/users password name=newuser3 role=customer
inject R /admin/users/disable name page=1
inject R /admin/users/enable page name=nosuchuser
inject A /cart/add domain
inject A /cart/backupmx line backupmx=on
inject A /cart/backupmx backupmx line=1
inject A /cart/remove line
inject A /cart/complete confirm
inject A /cart/complete external confirm=yes
inject A /backupmx/new domain
inject A /backupmx/new delivery_host domain=second.example
inject A /portfolio/shop.example/deactivate confirm
# Zone Management: a record to edit, then every field of every form.
web_post A zr /zones/shop.example/records name=www type=A ttl=3600 value=192.0.2.7
REC=$(q "SELECT r.id FROM zone_record r JOIN domain d ON d.id = r.domain_id
    WHERE d.name = 'shop.example' AND r.name = 'www'")
check "a zone record to attack exists" [ -n "$REC" ]
inject A /zones/shop.example/mailproxy mailproxy
for f in name type ttl pref value; do
	inject A /zones/shop.example/records "$f" type=TXT
	inject A "/zones/shop.example/records/$REC" "$f" type=MX pref=10
done
inject A /zones/shop.example/records value type=MX pref=10 name=@
inject A /zones/shop.example/backupmx primary servers=all
inject A /zones/shop.example/backupmx servers primary=mail.shop.example.
web_post A zr /zones/shop.example/records name=gone type=A ttl=3600 value=192.0.2.8
REC2=$(q "SELECT r.id FROM zone_record r JOIN domain d ON d.id = r.domain_id
    WHERE d.name = 'shop.example' AND r.name = 'gone'")
inject A "/zones/shop.example/records/$REC2/delete" confirm
# The queue: the notification switch, deliver now, the message verbs.
inject A /queue/shop.example/notify notify
inject A /queue/shop.example/flush x
inject A "/queue/shop.example/$MSG/delete" confirm
inject R "/queue/shop.example/$MSG/hold" x
inject R "/queue/shop.example/$MSG/release" x
# The entry form is multipart: text fields and an uploaded list.
for p in "${PAYLOADS[@]}"; do
	for f in delivery_host policy recipients only_when_down; do
		csrf=$(tok A)
		web_fetch A inj -H 'Expect:' --form-string "csrf=$csrf" \
		    --form-string "$f=$p" "$B/backupmx/shop.example"
		leak inj
		n=$((n + 1))
	done
	printf 'a@shop.example\n%s\n' "$p" >"$T/upload.txt"
	csrf=$(tok A)
	web_fetch A inj -H 'Expect:' --form-string "csrf=$csrf" \
	    --form-string policy=list -F "recipients_file=@$T/upload.txt;filename=$p.txt" \
	    "$B/backupmx/shop.example"
	leak inj
	n=$((n + 1))
done
# GET parameters and path segments.
for p in "${PAYLOADS[@]}"; do
	e=$(printf '%s' "$p" | jq -sRr @uri 2>/dev/null || /usr/bin/python3 -c 'import sys,urllib.parse; print(urllib.parse.quote(sys.argv[1], safe=""))' "$p")
	for path in "/backupmx?q=$e" "/backupmx?sort=$e" "/backupmx?dir=$e" \
	    "/backupmx?page=$e" "/backupmx/$e" "/portfolio/$e" "/orders/$e" \
	    "/admin/users?page=$e" "/admin/users?user=$e&done=created" \
	    "/account?done=$e" "/login?next=$e" "/$e" \
	    "/zones/$e" "/zones/shop.example/$e" "/zones/shop.example/records/$e" \
	    "/zones/shop.example/records/$e/delete" "/zones/shop.example?saved=$e" \
	    "/zones/shop.example/records?added=$e" "/queue?customer=$e" \
	    "/queue?page=$e&queued=$e" "/queue/$e" "/queue/shop.example?sender=$e" \
	    "/queue/shop.example?rcpt=$e" "/queue/shop.example?sort=$e&dir=$e" \
	    "/queue/shop.example?page=$e&flushed=$e" "/queue/shop.example/$e" \
	    "/queue/shop.example/$MSG/$e" "/queue/shop.example/$MSG?requested=$e" \
	    "/api?$e"; do
		web_get A inj "$path"
		LEAKCTX=$path
		leak inj
		n=$((n + 1))
	done
done
# Everything that shows stored data, as each user.
for page in /account /cart /cart/review /portfolio /orders /backupmx \
    /backupmx/shop.example /zones /zones/shop.example \
    /zones/shop.example/records "/zones/shop.example/records/$REC" \
    "/zones/shop.example/records/$REC/delete" /zones/shop.example/backupmx \
    /queue /queue/shop.example \
    "/queue/shop.example/$MSG" "/queue/shop.example/$MSG/delete" /api; do
	web_get A stored "$page"
	LEAKCTX=$page
	leak stored
done
for page in /admin/users /admin/audit "/admin/audit?page=2" \
    "/admin/audit?page=3" /queue "/queue?customer=alice" /queue/shop.example \
    "/queue/shop.example/$MSG"; do
	web_get R stored "$page"
	leak stored
done
# Sign-in form fields last but one (failures count toward the throttle).
for p in "${PAYLOADS[@]}"; do
	for f in user password next; do
		rm -f "$T/L"
		web_get L lf /login
		tok=$(sed -n 's/.*name="csrf" value="\([^"]*\)".*/\1/p' "$T/lf.b" | head -n 1)
		args=(--data-urlencode "csrf=$tok" --data-urlencode "user=alice"
		    --data-urlencode "password=wrong")
		args+=(--data-urlencode "$f=$p")
		web_fetch L inj "${args[@]}" "$B/login"
		leak inj
		n=$((n + 1))
	done
done
[ ${#leaks[@]} -eq 0 ] &&
    ok "$n injected requests (${#PAYLOADS[@]} payloads; $echoed responses show one, escaped): none comes back unescaped, nor in stored-data pages" ||
    not_ok "payload unescaped: ${leaks[*]:0:5}"
web_get A qm "/queue/shop.example/$MSG"
grep -qF '&lt;script&gt;alert(1)&lt;/script&gt;@evil.example' "$T/qm.b" &&
    grep -qF 'Subject: &lt;script&gt;' "$T/qm.b" &&
    ok "the queued message's sender and headers are shown, escaped" ||
    not_ok "queued message page: $(web_status qm), payloads not shown escaped"
# The master file holds the TXT payloads as records (that is its job):
# plain text, a download, never sniffed as markup.
web_get A zx "/zones/shop.example/export?x=%3Cscript%3E"
grep -qi '^content-type: text/plain' "$T/zx.h" &&
    grep -qi '^content-disposition: attachment' "$T/zx.h" &&
    grep -qi '^x-content-type-options: nosniff' "$T/zx.h" &&
    ok "the zone export (TXT payloads inside) is text/plain, an attachment, nosniff" ||
    not_ok "zone export headers: $(grep -i '^content-' "$T/zx.h" | tr '\n' ' ')"
[ "$(schema_sum)" = "$SCHEMA0" ] && ok "schema unchanged after the SQL payloads" ||
    not_ok "schema changed"
[ "$(q 'PRAGMA integrity_check')" = ok ] && ok "PRAGMA integrity_check: ok" ||
    not_ok "integrity_check: $(q 'PRAGMA integrity_check')"
[ "$(accounts_sum)" = "$ACCTS0" ] && ok "the accounts alice, bob, root unchanged (names, hashes, roles)" ||
    not_ok "accounts changed"
[ "$(q "SELECT count(*) FROM account WHERE name GLOB '*[<>''\"]*'")" = 0 ] &&
    ok "no account name with markup or quotes was created" ||
    not_ok "accounts with payload names: $(q "SELECT name FROM account WHERE name GLOB '*[<>''\"]*'")"
for p in "${SQL[@]}"; do
	web_fetch A s --get --data-urlencode "q=$p" "$B/backupmx"
	grep -q bobsecret "$T/s.b" && { not_ok "search '$p' shows bob's domain"; continue; }
done
ok "searches with SQL payloads never show another customer's domain"

# --- CSRF ------------------------------------------------------------------
state() { q "SELECT * FROM account ORDER BY id; SELECT * FROM domain ORDER BY id;
    SELECT * FROM orders ORDER BY id; SELECT * FROM order_line ORDER BY id;
    SELECT * FROM backupmx ORDER BY id; SELECT * FROM backupmx_recipient ORDER BY 1, 2;
    SELECT * FROM zone_record ORDER BY id; SELECT * FROM zone_serial ORDER BY 1;
    SELECT * FROM queue_message ORDER BY id; SELECT * FROM queue_recipient ORDER BY id;
    SELECT * FROM queue_command ORDER BY id;
    SELECT count(*) FROM session; SELECT count(*) FROM audit_log" | md5sum; }
tokB=$(web_csrf Bo)
csrf_case() {	# JAR PATH fields...: missing, wrong, other session's token
	local jar=$1 path=$2 before s1 s2 s3 a=()
	shift 2
	for f in "$@"; do a+=(--data-urlencode "$f"); done
	before=$(state)
	web_fetch "$jar" c1 "${a[@]}" "$B$path"
	web_fetch "$jar" c2 --data-urlencode "csrf=AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA" "${a[@]}" "$B$path"
	web_fetch "$jar" c3 --data-urlencode "csrf=$tokB" "${a[@]}" "$B$path"
	s1=$(web_status c1) s2=$(web_status c2) s3=$(web_status c3)
	[ "$s1$s2$s3" = 403403403 ] && [ "$(state)" = "$before" ] &&
	    ok "CSRF $path: missing/wrong/other session's token: 403, no change" ||
	    not_ok "CSRF $path: $s1 $s2 $s3 (state changed: $([ "$(state)" = "$before" ] && echo no || echo yes))"
}
csrf_case A /account/email email=x@example.org
csrf_case A /account/password "current=alice pw 123" new=newpassword123 repeat=newpassword123
csrf_case R /admin/users name=csrfuser role=customer password=longenough123
csrf_case R /admin/users/disable name=bob page=1
csrf_case A /cart/add domain=csrf.example
csrf_case A /cart/complete confirm=yes
csrf_case A /backupmx/new domain=second.example
csrf_case A /backupmx/shop.example delivery_host=evil.example
csrf_case A /backupmx/shop.example/delete confirm=yes
csrf_case A /portfolio/shop.example/deactivate confirm=yes
csrf_case A /zones/shop.example/mailproxy mailproxy=proxy.evil.example
csrf_case A /zones/shop.example/records name=csrf type=A ttl=3600 value=192.0.2.66
csrf_case A "/zones/shop.example/records/$REC" name=www type=A ttl=60 value=192.0.2.67
csrf_case A "/zones/shop.example/records/$REC/delete" confirm=yes
csrf_case A /zones/shop.example/backupmx primary=mail.shop.example. servers=all
csrf_case A /queue/shop.example/flush x=1
csrf_case A /queue/shop.example/notify notify=0
csrf_case A "/queue/shop.example/$MSG/delete" confirm=yes
csrf_case R "/queue/shop.example/$MSG/hold" x=1
csrf_case R "/queue/shop.example/$MSG/release" x=1
csrf_case A /logout x=1
web_get A still /account
[ "$(web_status still)" = 200 ] && ok "alice is still signed in after the refused sign-out" ||
    not_ok "alice signed out by a forged POST ($(web_status still))"

# --- session fixation ----------------------------------------------------
rm -f "$T/F"
printf '127.0.0.1\tFALSE\t/\tFALSE\t0\tbmx_session\tFIXEDbyATTACKER0000000000000000000000000000\n' >"$T/F"
web_get F lf /login
tok=$(sed -n 's/.*name="csrf" value="\([^"]*\)".*/\1/p' "$T/lf.b" | head -n 1)
web_fetch F fix --data-urlencode "csrf=$tok" --data-urlencode user=bob \
    --data-urlencode "password=bob pw 123" "$B/login"
newsess=$(sed -n 's/^[Ss]et-[Cc]ookie: bmx_session=\([^;]*\).*/\1/p' "$T/fix.h" | head -n 1)
[ "$(web_status fix)" = 303 ] && [ -n "$newsess" ] && [ "$newsess" != FIXEDbyATTACKER0000000000000000000000000000 ] &&
    ok "sign-in with a planted session cookie issues a new session token" ||
    not_ok "fixation: status $(web_status fix), new cookie '$newsess'"
curl -s -o /dev/null -w '%{http_code}' -b "bmx_session=FIXEDbyATTACKER0000000000000000000000000000" "$B/account" >"$T/fixst"
[ "$(cat "$T/fixst")" = 303 ] && ok "the planted cookie grants nothing after the victim signed in (303 to /login)" ||
    not_ok "planted cookie: $(cat "$T/fixst")"
# An attacker's own valid session planted in the victim's browser after
# the victim opened the sign-in form: signing in starts a new session
# (the form's double-submit token counts, not the planted session).
atk=$(awk '$6 == "bmx_session" { print $7 }' "$T/Bo" | head -n 1)
rm -f "$T/V"
web_get V lf /login
tok=$(sed -n 's/.*name="csrf" value="\([^"]*\)".*/\1/p' "$T/lf.b" | head -n 1)
printf '127.0.0.1\tFALSE\t/\tFALSE\t0\tbmx_session\t%s\n' "$atk" >>"$T/V"
web_fetch V fix2 --data-urlencode "csrf=$tok" --data-urlencode user=alice \
    --data-urlencode "password=alice pw 123" "$B/login"
new2=$(sed -n 's/^[Ss]et-[Cc]ookie: bmx_session=\([^;]*\).*/\1/p' "$T/fix2.h" | head -n 1)
web_get V who /account
[ -n "$atk" ] && [ -n "$new2" ] && [ "$new2" != "$atk" ] &&
    grep -q 'alice' "$T/who.b" &&
    ok "a planted valid session is replaced by a new one at sign-in" ||
    not_ok "planted own session: status $(web_status fix2), new '$new2' vs '$atk'"

# --- traversal ---------------------------------------------------------------
# Files outside static/ that must never be served, and markers in them.
leaked=()
for path in "/static/../Makefile" "/static/..%2fMakefile" "/static/%2e%2e/Makefile" \
    "/static/%2e%2e%2fMakefile" "/static/%252e%252e%252fMakefile" \
    "/static/..%5cMakefile" "/static/....//Makefile" "/static/.%2e/Makefile" \
    "/static/%2e%2e/%2e%2e/%2e%2e/%2e%2e/etc/passwd" "/static/../../../../etc/passwd" \
    "/static/..%c0%afMakefile" "/static../Makefile" "/static/%2e%2e/nginx/nginx.conf.in" \
    "/backupmx/..%2f..%2f..%2fetc%2fpasswd" "/portfolio/..%2f..%2fMakefile" \
    "/static/%2e%2e/$(basename "$T")/backupmx.conf" "/static/"; do
	curl -s --path-as-is -o "$T/tr.b" -w '%{http_code}' "$B$path" >"$T/tr.st"
	if grep -qE 'root:x:0:0|see README.  Targets|^db = |fastcgi_pass|Index of' "$T/tr.b"; then
		leaked+=("$path ($(cat "$T/tr.st"))")
	fi
done
[ ${#leaked[@]} -eq 0 ] && ok "17 traversal forms on /static/ and panel paths: nothing outside static/ served, no listing" ||
    not_ok "served outside static/: ${leaked[*]}"
# The zone export and the SVG pictures, signed in as alice: .., encoded
# slashes and dots must serve neither a file nor bob's zone or queue.
leaked=()
ntr=0
for path in "/zones/..%2f..%2fMakefile/export" "/zones/shop.example/export/..%2f..%2f..%2fMakefile" \
    "/zones/shop.example/../../Makefile" "/zones/%2e%2e%2f%2e%2e%2fetc%2fpasswd/export" \
    "/zones/shop.example%2f..%2fbobsecret.example/export" "/zones/..%2fbobsecret.example/export" \
    "/zones/bobsecret.example/export" "/zones/shop.example/export%2f..%2f..%2fbobsecret.example" \
    "/zones/%2e%2e/export" "/zones/shop.example/..%2fbobsecret.example/export" \
    "/queue/..%2f..%2fMakefile/chart.svg" "/queue/shop.example/..%2f..%2f..%2fetc%2fpasswd" \
    "/queue/shop.example/chart.svg/..%2f..%2fMakefile" "/queue/%2e%2e/ages.svg" \
    "/queue/..%2fbobsecret.example/chart.svg" "/queue/bobsecret.example/ages.svg" \
    "/queue/chart.svg%2f..%2f..%2fMakefile" "/queue/shop.example/..%2f..%2fbackupmx.conf" \
    "/queue/shop.example/$MSG/..%2f..%2f..%2fbackupmx.conf" \
    "/queue/shop.example/..%2f..%2f..%2f$(basename "$T")%2fbackupmx.conf" \
    "/queue/shop.example%2f..%2fbobsecret.example/chart.svg"; do
	curl -s --path-as-is -b "$T/A" -o "$T/tr.b" -w '%{http_code}' "$B$path" >"$T/tr.st"
	ntr=$((ntr + 1))
	if grep -qE 'root:x:0:0|see README.  Targets|^db = |fastcgi_pass|Index of|ORIGIN bobsecret' "$T/tr.b"; then
		leaked+=("$path ($(cat "$T/tr.st"))")
	fi
	case $path in *bobsecret*)
		[ "$(cat "$T/tr.st")" = 200 ] && leaked+=("$path: 200 for bob's") ;;
	esac
done
[ ${#leaked[@]} -eq 0 ] && ok "$ntr traversal forms on the zone export and the queue's SVG routes: no file, nothing of bob's" ||
    not_ok "zone export / SVG traversal: ${leaked[*]}"
web_get A zx /zones/shop.example/export
web_get A sv /queue/shop.example/chart.svg
[ "$(web_status zx)" = 200 ] && grep -q 'ORIGIN shop.example[.]' "$T/zx.b" &&
    [ "$(web_status sv)" = 200 ] && grep -q '<svg' "$T/sv.b" &&
    ok "the zone export and the SVG route themselves answer 200" ||
    not_ok "export $(web_status zx), svg $(web_status sv)"
curl -s -o "$T/css" -w '%{http_code}' "$B/static/panel.css" >"$T/css.st"
[ "$(cat "$T/css.st")" = 200 ] && cmp -s "$T/css" static/panel.css &&
    ok "/static/panel.css itself is served" || not_ok "panel.css: $(cat "$T/css.st")"

# --- open redirect after sign-in ------------------------------------------
bad=()
for nx in //evil.example '/\evil.example' https://evil.example \
    '/%2f%2fevil.example' 'javascript:alert(1)' '/backupmx%0d%0aSet-Cookie:x=1' \
    ' //evil.example' '/.evil.example@evil.example'; do
	rm -f "$T/N"
	web_get N lf /login
	tok=$(sed -n 's/.*name="csrf" value="\([^"]*\)".*/\1/p' "$T/lf.b" | head -n 1)
	web_fetch N nx --data-urlencode "csrf=$tok" --data-urlencode user=bob \
	    --data-urlencode "password=bob pw 123" --data-urlencode "next=$nx" \
	    "$B/login"
	loc=$(sed -n 's/^[Ll]ocation: //p' "$T/nx.h" | head -n 1)
	case $loc in
	/[!/\\]*) grep -qi '^set-cookie: x=' "$T/nx.h" && bad+=("$nx -> header injected") ;;
	*) bad+=("$nx -> '$loc'") ;;
	esac
	case $loc in *evil*) bad+=("$nx -> '$loc'") ;; esac
done
[ ${#bad[@]} -eq 0 ] && ok "sign-in next=: 8 off-site and injection forms all land on a path of ours" ||
    not_ok "open redirect: ${bad[*]}"

# --- brute force -------------------------------------------------------------
got=
for i in $(seq 1 60); do
	rm -f "$T/BF"
	web_get BF lf /login
	tok=$(sed -n 's/.*name="csrf" value="\([^"]*\)".*/\1/p' "$T/lf.b" | head -n 1)
	web_fetch BF bf --data-urlencode "csrf=$tok" --data-urlencode user=bob \
	    --data-urlencode "password=guess$i" "$B/login"
	[ "$(web_status bf)" = 429 ] && { got=$i; break; }
done
[ -n "$got" ] && ok "brute force: 429 after $((got - 1)) wrong passwords in a row (login_max_failures = 40)" ||
    not_ok "brute force: no 429 in 60 tries"
rm -f "$T/BF"
web_get BF lf /login
tok=$(sed -n 's/.*name="csrf" value="\([^"]*\)".*/\1/p' "$T/lf.b" | head -n 1)
web_fetch BF bf --data-urlencode "csrf=$tok" --data-urlencode user=bob \
    --data-urlencode "password=bob pw 123" "$B/login"
[ "$(web_status bf)" = 429 ] && ok "brute force: then even the right password gets 429" ||
    not_ok "right password after lockout: $(web_status bf)"
# The panel closes a connection without waiting for nginx once the
# request is read to its end (cgi-bin/worker.c).  Bodies it never reads
# must not cost a response: one too large to read (2 MB, over the 1 MB
# limit: 413, the body not drained), one just over the drain limit and
# one below it (200 KB and 60 KB to a route whose CSRF check fails first).
head -c 2097152 /dev/zero | tr '\0' a >"$T/big"
web_fetch A big2m -X POST -H 'Expect:' \
    -H 'Content-Type: application/x-www-form-urlencoded' \
    --data-binary @"$T/big" "$B/backupmx/new"
[ "$(web_status big2m)" = 413 ] && grep -q 'Request too large' "$T/big2m.b" &&
    ok "a 2 MB form: 413 with the whole error page" ||
    not_ok "a 2 MB form: $(web_status big2m), $(wc -c <"$T/big2m.b") bytes"
for kb in 200 60; do
	head -c $((kb * 1024)) "$T/big" >"$T/part"
	web_fetch A big$kb -X POST --data-binary @"$T/part" \
	    -H 'Content-Type: application/x-www-form-urlencoded' "$B/account/password"
	[ "$(web_status big$kb)" = 403 ] && grep -q '</html>' "$T/big$kb.b" &&
	    ok "a ${kb} KB form without a CSRF token: 403 with the whole page" ||
	    not_ok "a ${kb} KB form: $(web_status big$kb)"
done
rm -f "$T/big" "$T/part"
# Then a burst of ordinary requests, and nginx saw every upstream
# connection end cleanly: no reset, no early close, no failed read.
pids=()
for i in $(seq 1 40); do
	curl -s -o /dev/null -b "$T/A" "$B/backupmx" &
	pids+=($!)
	curl -s -o /dev/null "$B/login" &
	pids+=($!)
done
wait "${pids[@]}"	# not a bare wait: the panel and nginx are children too
if grep -E -i "upstream prematurely|reset by peer|recv\(\) failed|readv\(\) failed" \
    "$T/nginx/error.log" >"$T/upstream.err"; then
	not_ok "nginx logged upstream errors: $(head -n 2 "$T/upstream.err")"
else
	ok "nginx logged no upstream reset or early close ($(wc -l <"$T/nginx/error.log") lines in its error log)"
fi
! grep -E -q "runtime error|Sanitizer" "$T/panel.log"
check "no sanitizer report in the panel's log" [ $? -eq 0 ]
finish
