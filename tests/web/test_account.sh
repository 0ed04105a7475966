#!/bin/bash
# Accounts and sessions through a real nginx and the panel (web_lib.sh):
# sign-in and its cookie, the same answer for a wrong user and a wrong
# password, throttling per account and per client address and its end,
# session fixation, sign-out, idle and absolute expiry, password change,
# contact e-mail, CSRF on every POST route, admin pages (404 for
# customers, any verb), creating, disabling and enabling users, the audit
# log, and HTML escaping of hostile values.
#
# Client addresses: nginx listens on 127.0.0.1 only, but any 127.x.y.z is
# ours, so `curl --interface 127.0.0.N` gives the panel another
# REMOTE_ADDR.  Every deliberate sign-in failure comes from its own
# address so that the per-address throttle of 127.0.0.1 (the normal
# sign-ins) is never hit by accident.
#
# Expiry: web_start runs once per script, so the session limits stay at
# their defaults (idle 30m, lifetime 12h) and the test ages a session by
# moving its last_seen or created back in the database (sqlite3), instead
# of waiting.  The lockout is real: login_lockout = 3s, and the test waits.
set -u
cd "$(dirname "$0")/../.."
. tests/lib.sh
. tests/web/web_lib.sh

LOCKOUT=3
web_start "login_max_failures = 3
login_lockout = ${LOCKOUT}s"

sql() { sqlite3 -cmd '.timeout 5000' "$DB" "$@"; }
header_of() {	# NAME Header-Name: the first value
	grep -i "^$2:" "$T/$1.h" | head -n 1 | cut -d: -f2- | sed 's/^ *//'
}
expect_status() {	# NAME STATUS description
	local got
	got=$(web_status "$1")
	if [ "$got" = "$2" ]; then ok "$3"; else not_ok "$3 (status ${got:-none})"; fi
}
expect_body() {	# NAME fixed-string description
	if grep -qF -- "$2" "$T/$1.b"; then ok "$3"; else not_ok "$3"; fi
}
expect_no_body() {	# NAME fixed-string description
	if grep -qF -- "$2" "$T/$1.b"; then not_ok "$3"; else ok "$3"; fi
}
cookie_of() {	# JAR NAME: a cookie's value from a curl cookie jar
	awk -v n="$2" '$6 == n { v = $7 } END { print v }' "$T/$1" 2>/dev/null
}
sha256() { printf '%s' "$1" | sha256sum | cut -d' ' -f1; }

# login_as JAR USER PASSWORD [curl args]: the sign-in form, then its
# POST; the answer is in $T/login.h and $T/login.b.
login_as() {
	local jar=$1 user=$2 pw=$3 tok
	shift 3
	rm -f "$T/$jar"
	web_get "$jar" loginform /login "$@"
	tok=$(sed -n 's/.*name="csrf" value="\([^"]*\)".*/\1/p' "$T/loginform.b" | head -n 1)
	web_fetch "$jar" login "$@" --data-urlencode "csrf=$tok" \
	    --data-urlencode "user=$user" --data-urlencode "password=$pw" \
	    "$B/login"
}
from() { echo "--interface 127.0.0.$1"; }

# post_raw JAR NAME PATH field=value...: a POST without the CSRF field.
post_raw() {
	local jar=$1 name=$2 path=$3 args=() f
	shift 3
	for f in "$@"; do args+=(--data-urlencode "$f"); done
	[ $# -gt 0 ] || args=(--data-raw '')
	web_fetch "$jar" "$name" "${args[@]}" "$B$path"
}

# signed_in JAR: GET /account answers 200 (303 to /login when not).
signed_in() {
	web_get "$1" probe /account
	[ "$(web_status probe)" = 200 ]
}

web_user admin --admin
for u in alice bob carol dave erin; do web_user "$u"; done

# --- sign-in -----------------------------------------------------------

if web_login admin_jar admin; then
	ok "admin signs in: 303"
else
	not_ok "admin signs in: 303 (status $(web_status login))"
fi
[ "$(header_of login Location)" = /backupmx ] &&
    ok "sign-in goes to /backupmx by default" ||
    not_ok "sign-in goes to /backupmx (Location '$(header_of login Location)')"
sc=$(grep -i '^Set-Cookie: bmx_session=' "$T/login.h" | head -n 1)
[[ $sc == *'; HttpOnly'* ]] && [[ $sc == *'; SameSite=Strict'* ]] &&
    [[ $sc == *'; Path=/'* ]] && [[ $sc != *Secure* ]] &&
    ok "bmx_session cookie is HttpOnly, SameSite=Strict, Path=/ (no Secure over HTTP)" ||
    not_ok "bmx_session cookie flags: $sc"
tok=$(cookie_of admin_jar bmx_session)
[ ${#tok} -ge 40 ] && ok "session token has ${#tok} characters" ||
    not_ok "session token is long enough ('$tok')"
[ "$(sql "SELECT count(*) FROM session WHERE token_hash = '$(sha256 "$tok")'")" = 1 ] &&
    [ "$(sql "SELECT count(*) FROM session WHERE token_hash = '$tok' OR csrf = '$tok'")" = 0 ] &&
    ok "the database keeps the token's SHA-256, not the token" ||
    not_ok "the database keeps the token's SHA-256, not the token"
check "the signed-in admin sees /account" signed_in admin_jar
expect_body probe '<dd>admin</dd>' "/account shows the user name"
expect_body probe '<dt>Role</dt><dd>admin</dd>' "/account shows the role"
grep -q '<time datetime="20[0-9][0-9]-[01][0-9]-[0-3][0-9]T[0-9:]*Z">' "$T/probe.b" &&
    ok "/account shows when the account was created (UTC ISO time)" ||
    not_ok "/account shows when the account was created (UTC ISO time)"
for id in pw-current pw-new pw-repeat acct-email; do
	grep -q "<label for=\"$id\">" "$T/probe.b" && grep -q "id=\"$id\"" "$T/probe.b" || {
		not_ok "/account field $id has its label"
		continue
	}
	ok "/account field $id has its label"
done
expect_no_body probe '<script' "/account has no script"

# A query key without '=' once crashed the panel (a write into a string
# constant in form.c); every page parses its query.
web_get admin_jar flag "/account?done"
web_get anon flag2 "/login?next"
web_get admin_jar flag3 "/admin/users?page&done"
[ "$(web_status flag)" = 200 ] && [ "$(web_status flag2)" = 200 ] &&
    [ "$(web_status flag3)" = 200 ] && curl -sf -o /dev/null "$B/healthz" &&
    ok "query keys without '=' are fine (the panel stays up)" ||
    not_ok "query keys without '=' are fine ($(web_status flag) $(web_status flag2) $(web_status flag3))"
web_get admin_jar hd /account -I
expect_status hd 200 "HEAD /account is 200"

web_get anon anon_acct /account
expect_status anon_acct 303 "/account without a session is 303"
[ "$(header_of anon_acct Location)" = "/login?next=/account" ] &&
    ok "... to /login?next=/account" ||
    not_ok "... to /login?next=/account ('$(header_of anon_acct Location)')"

# --- wrong user, wrong password: one answer ----------------------------

login_as w1 dave "not dave's password" $(from 2)
expect_status login 200 "a wrong password re-renders the form (200)"
cp "$T/login.b" "$T/wrongpw.b"
login_as w2 nosuchuser "not dave's password" $(from 2)
expect_status login 200 "an unknown user re-renders the form (200)"
norm() { sed -e 's/value="[^"]*"/value=""/g' "$1"; }
if [ "$(norm "$T/wrongpw.b")" = "$(norm "$T/login.b")" ] &&
    grep -q 'Wrong user name or password' "$T/login.b"; then
	ok "wrong user and wrong password get the same page"
else
	not_ok "wrong user and wrong password get the same page"
fi
[ -z "$(cookie_of w1 bmx_session)" ] && [ -z "$(cookie_of w2 bmx_session)" ] &&
    ok "a failed sign-in sets no session cookie" ||
    not_ok "a failed sign-in sets no session cookie"

# --- throttling --------------------------------------------------------

# carol: three failures, each from another address, lock the account.
for n in 3 4 5; do login_as t carol "wrong password $n" $(from $n); done
login_as t carol "carol pw 123" $(from 6)
expect_status login 429 "per account: after 3 failures even the right password gets 429"
expect_body login 'Too many failed sign-ins' "... with a message that says why"
[ -z "$(cookie_of t bmx_session)" ] && ok "... and no session" ||
    not_ok "... and no session"
lock_start=$(date +%s)

# Address 127.0.0.7: three failures for three unknown users lock the address.
for n in 1 2 3; do login_as t "ghost$n" "whatever $n" $(from 7); done
login_as t erin "erin pw 123" $(from 7)
expect_status login 429 "per address: after 3 failures from one address, 429 for any user"
expect_body login 'Too many failed sign-ins' "... with the message"
login_as erin_jar erin "erin pw 123" $(from 8)
expect_status login 303 "... while the same user signs in from another address"

# Wrong current passwords on /account count against the account's lock:
# a stolen session is no way to guess the password either.
for n in 1 2 3; do
	web_post erin_jar chg /account/password "current=guess number $n" \
	    "new=erin new pw 456" "repeat=erin new pw 456"
done
web_post erin_jar chg /account/password "current=erin pw 123" \
    "new=erin new pw 456" "repeat=erin new pw 456"
expect_status chg 429 "3 wrong current passwords lock the password change (429)"
expect_body chg 'id="pw-current-err">too many wrong passwords' "... with the reason beside the field"
lock_start=$(date +%s)

# The lock ends after login_lockout.
sleep $((LOCKOUT + 1 - ($(date +%s) - lock_start)))
sleep 1
login_as t carol "carol pw 123" $(from 6)
expect_status login 303 "the account lock ends after login_lockout (${LOCKOUT}s)"
web_post erin_jar chg /account/password "current=erin pw 123" \
    "new=erin new pw 456" "repeat=erin new pw 456"
expect_status chg 303 "the password-change lock ends after login_lockout"
login_as t erin "erin new pw 456" $(from 7)
expect_status login 303 "the address lock ends after login_lockout"

# --- session fixation --------------------------------------------------

# The attacker puts a token of its choosing in the victim's browser
# (a cookie set from a sibling host, say) before the victim signs in.
planted=attackerchosentoken0123456789abcdefghijklmnop
rm -f "$T/fix"
web_get fix fixform /login
printf '127.0.0.1\tFALSE\t/\tFALSE\t0\tbmx_session\t%s\n' "$planted" >>"$T/fix"
ftok=$(sed -n 's/.*name="csrf" value="\([^"]*\)".*/\1/p' "$T/fixform.b" | head -n 1)
web_fetch fix login --data-urlencode "csrf=$ftok" --data-urlencode "user=alice" \
    --data-urlencode "password=alice pw 123" "$B/login"
expect_status login 303 "alice signs in with a planted bmx_session cookie"
after=$(cookie_of fix bmx_session)
[ -n "$after" ] && [ "$after" != "$planted" ] &&
    ok "session fixation: the cookie after sign-in is a new token" ||
    not_ok "session fixation: the cookie after sign-in is a new token"
web_get anon planted_use /account -b "bmx_session=$planted"
expect_status planted_use 303 "... and the planted token signs in nobody"
web_get fix fixacct /account
expect_body fixacct '<dd>alice</dd>' "... while alice's own new session is alice's"

# --- sign-out ----------------------------------------------------------

web_login out_jar alice || not_ok "alice signs in"
old=$(cookie_of out_jar bmx_session)
web_post out_jar logout /logout
expect_status logout 303 "POST /logout is 303"
[ "$(header_of logout Location)" = /login ] && ok "... to /login" ||
    not_ok "... to /login ('$(header_of logout Location)')"
grep -qi '^Set-Cookie: bmx_session=;.*Max-Age=0' "$T/logout.h" &&
    ok "sign-out clears the cookie" || not_ok "sign-out clears the cookie"
web_get anon oldtok /account -b "bmx_session=$old"
expect_status oldtok 303 "the token used before sign-out is refused (303)"
[[ $(header_of oldtok Location) == /login* ]] && ok "... to /login" ||
    not_ok "... to /login ('$(header_of oldtok Location)')"
[ "$(sql "SELECT count(*) FROM session WHERE token_hash = '$(sha256 "$old")'")" = 0 ] &&
    ok "sign-out deletes the session row" || not_ok "sign-out deletes the session row"

# --- idle and absolute expiry -----------------------------------------

web_login idle_jar alice || not_ok "alice signs in"
h=$(sha256 "$(cookie_of idle_jar bmx_session)")
sql "UPDATE session SET last_seen = last_seen - 1700 WHERE token_hash = '$h'"
check "a session idle for 28 minutes (idle limit 30m) still works" signed_in idle_jar
sql "UPDATE session SET last_seen = last_seen - 1900 WHERE token_hash = '$h'"
if signed_in idle_jar; then
	not_ok "a session idle for more than 30 minutes has ended"
else
	ok "a session idle for more than 30 minutes has ended"
fi
[ "$(sql "SELECT count(*) FROM session WHERE token_hash = '$h'")" = 0 ] &&
    ok "... and its row is gone" || not_ok "... and its row is gone"

web_login abs_jar alice || not_ok "alice signs in"
h=$(sha256 "$(cookie_of abs_jar bmx_session)")
sql "UPDATE session SET created = created - 11 * 3600 WHERE token_hash = '$h'"
check "a session 11 hours old (lifetime 12h), in use, still works" signed_in abs_jar
sql "UPDATE session SET created = created - 2 * 3600 WHERE token_hash = '$h'"
if signed_in abs_jar; then
	not_ok "a session 13 hours old has ended, however active"
else
	ok "a session 13 hours old has ended, however active"
fi

# --- password change ---------------------------------------------------

web_login pw1 alice || not_ok "alice signs in (first browser)"
web_login pw2 alice || not_ok "alice signs in (second browser)"
web_post pw1 chg /account/password "current=Wrong-Secret-42" \
    "new=alice new pw 456" "repeat=alice new pw 456"
expect_status chg 200 "a wrong current password re-renders the page (200)"
expect_body chg '<p class="acct-error" id="pw-current-err">the current password is not right</p>' \
    "... with the error beside the current-password field"
expect_body chg 'aria-describedby="pw-current-err"' "... tied to the field by aria-describedby"
expect_no_body chg 'Wrong-Secret-42' "... and the typed password is not echoed"
web_post pw1 chg /account/password "current=alice pw 123" \
    "new=short" "repeat=short"
expect_body chg 'id="pw-new-err">the password needs at least 10 characters' \
    "a too-short new password: error beside the new-password field"
web_post pw1 chg /account/password "current=alice pw 123" \
    "new=alice new pw 456" "repeat=alice new pw 789"
expect_body chg 'id="pw-repeat-err">the two new passwords differ' \
    "differing repeat: error beside the repeat field"
expect_no_body chg 'alice new pw' "... and no password comes back"
[ "$(grep -c 'type="password"[^>]*value=' "$T/chg.b")" = 0 ] &&
    ok "password fields never carry a value" || not_ok "password fields never carry a value"

web_post pw1 chg /account/password "current=alice pw 123" \
    "new=alice new pw 456" "repeat=alice new pw 456"
expect_status chg 303 "the right current password changes it (303)"
[ "$(header_of chg Location)" = "/account?done=password" ] &&
    ok "... back to /account?done=password" ||
    not_ok "... back to /account?done=password ('$(header_of chg Location)')"
web_get pw1 done "/account?done=password"
expect_body done 'Your password has been changed' "the page says it was changed"
check "the session that changed it stays signed in" signed_in pw1
if signed_in pw2; then
	not_ok "the other session of the account has ended"
else
	ok "the other session of the account has ended"
fi
login_as t alice "alice pw 123" $(from 9)
expect_status login 200 "the old password no longer signs in"
login_as t alice "alice new pw 456" $(from 9)
expect_status login 303 "the new password signs in"

# --- contact e-mail ----------------------------------------------------

web_post pw1 em /account/email "email=not an address"
expect_status em 200 "a bad e-mail address re-renders the page (200)"
expect_body em 'id="acct-email-err">' "... with the error beside the field"
expect_body em 'value="not an address"' "... and the input kept"
web_post pw1 em /account/email 'email="<script>alert(1)</script>"@example.com'
web_get pw1 emshow /account
expect_no_body emshow '<script>alert' "a hostile (but valid, quoted) e-mail address is never raw on /account"
expect_body emshow '&lt;script&gt;alert(1)&lt;/script&gt;' "... it is shown escaped"
web_post pw1 em /account/email "email=Alice@Example.COM"
expect_status em 303 "a good e-mail address is saved (303)"
[ "$(header_of em Location)" = "/account?done=email" ] && ok "... back to /account?done=email" ||
    not_ok "... back to /account?done=email ('$(header_of em Location)')"
[ "$(sql "SELECT email FROM account WHERE name = 'alice'")" = "Alice@example.com" ] &&
    ok "... stored with its domain in lower case" ||
    not_ok "... stored as $(sql "SELECT email FROM account WHERE name = 'alice'")"
web_get pw1 emshow "/account?done=email"
expect_body emshow 'Your contact e-mail address has been saved' "the page says it was saved"
expect_body emshow 'value="Alice@example.com"' "the field shows the saved address"

# --- CSRF: every POST route -------------------------------------------

web_login admin_jar admin || not_ok "admin signs in again"
csrf_refused() {	# description PATH fields...
	local what=$1 path=$2
	shift 2
	post_raw admin_jar nocsrf "$path" "$@"
	post_raw admin_jar badcsrf "$path" "csrf=AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA" "$@"
	if [ "$(web_status nocsrf)" = 403 ] && [ "$(web_status badcsrf)" = 403 ]; then
		ok "CSRF: POST $path without or with a wrong token is 403 ($what)"
	else
		not_ok "CSRF: POST $path without or with a wrong token is 403 ($what: $(web_status nocsrf), $(web_status badcsrf))"
	fi
}
before=$(sql "SELECT pw_hash || email FROM account WHERE name = 'admin'")
csrf_refused "password" /account/password "current=admin pw 123" \
    "new=changed pw 123" "repeat=changed pw 123"
csrf_refused "e-mail" /account/email "email=x@example.com"
csrf_refused "add user" /admin/users name=mallory role=admin "password=mallory pw 123"
csrf_refused "disable" /admin/users/disable name=bob
sql "UPDATE account SET disabled = 1 WHERE name = 'dave'"
csrf_refused "enable" /admin/users/enable name=dave
csrf_refused "sign-out" /logout
[ "$(sql "SELECT pw_hash || email FROM account WHERE name = 'admin'")" = "$before" ] &&
    [ "$(sql "SELECT count(*) FROM account WHERE name = 'mallory'")" = 0 ] &&
    [ "$(sql "SELECT disabled FROM account WHERE name = 'bob'")" = 0 ] &&
    [ "$(sql "SELECT disabled FROM account WHERE name = 'dave'")" = 1 ] &&
    ok "CSRF: none of the refused POSTs changed anything" ||
    not_ok "CSRF: none of the refused POSTs changed anything"
sql "UPDATE account SET disabled = 0 WHERE name = 'dave'"
check "CSRF: a refused sign-out left the session alive" signed_in admin_jar
expect_body nocsrf 'security token' "the 403 page says the token is missing"

# --- admin routes: 404 for a customer, any verb ------------------------

web_login cust_jar bob || not_ok "bob signs in"
ccsrf=$(web_csrf cust_jar)
bad=""
for p in /admin/users /admin/users/disable /admin/users/enable /admin/audit \
    "/admin/users?page=2" "/admin/audit?page=abc"; do
	for m in GET HEAD POST PUT DELETE PATCH; do
		case $m in
		GET) web_get cust_jar adm "$p" ;;
		HEAD) web_get cust_jar adm "$p" -I ;;
		POST) web_get cust_jar adm "$p" --data-urlencode "csrf=$ccsrf" \
		    --data-urlencode name=carol --data-urlencode role=admin \
		    --data-urlencode "password=bob made this 1" ;;
		*) web_get cust_jar adm "$p" -X "$m" ;;
		esac
		[ "$(web_status adm)" = 404 ] || bad="$bad $m:$p=$(web_status adm)"
	done
done
[ -z "$bad" ] && ok "a customer gets 404 for every admin route and verb" ||
    not_ok "a customer gets 404 for every admin route and verb:$bad"
[ "$(sql "SELECT disabled FROM account WHERE name = 'carol'")" = 0 ] &&
    [ "$(sql "SELECT role FROM account WHERE name = 'carol'")" = customer ] &&
    ok "... and changed nothing" || not_ok "... and changed nothing"
web_get cust_jar navc /account
expect_no_body navc 'href="/admin/' "a customer's navigation has no admin links"
web_get admin_jar nava /account
expect_body nava 'href="/admin/users"' "an admin's navigation links the users page"
expect_body nava '<a href="/account" aria-current="page">Account</a>' \
    "... and marks Account, the page it is on"
web_get admin_jar navu /admin/users
expect_body navu '<a href="/admin/users" aria-current="page">Users</a>' \
    "an admin's users page marks Users in the navigation"
expect_no_body navu '<a href="/account" aria-current' "... and nothing else"

web_get anon anon_adm /admin/users
expect_status anon_adm 303 "without a session /admin/users goes to sign-in (303)"
web_get admin_jar a405 /admin/users/disable
expect_status a405 405 "an admin's GET of a POST-only admin route is 405"
[ "$(header_of a405 Allow)" = POST ] && ok "... with Allow: POST" ||
    not_ok "... with Allow: POST ('$(header_of a405 Allow)')"
web_get admin_jar a405 /admin/audit -X DELETE
expect_status a405 405 "DELETE /admin/audit is 405 for an admin"

# --- admin: users ------------------------------------------------------

web_get admin_jar users /admin/users
expect_status users 200 "GET /admin/users is 200 for an admin"
expect_body users '<td data-label="Name">alice</td>' "the list has alice"
expect_body users '<td data-label="Name">admin</td>' "the list has the admin"
grep -q 'action="/admin/users/disable"' "$T/users.b" &&
    ! grep -q 'aria-label="Disable admin"' "$T/users.b" &&
    ok "every user but the admin itself has a Disable button" ||
    not_ok "every user but the admin itself has a Disable button"

web_post admin_jar add /admin/users name=frank role=customer \
    "password=frank pw 123456" email=frank@example.com
expect_status add 303 "the admin adds customer frank with a password (303)"
[ "$(header_of add Location)" = "/admin/users?done=created&user=frank" ] &&
    ok "... back to the list with a notice" ||
    not_ok "... back to the list ('$(header_of add Location)')"
web_get admin_jar users "$(header_of add Location)"
expect_body users 'User frank was created.' "the list says frank was created"
login_as t frank "frank pw 123456"
expect_status login 303 "frank signs in with that password"
[ "$(sql "SELECT role || ' ' || email FROM account WHERE name = 'frank'")" = "customer frank@example.com" ] &&
    ok "frank is a customer with his contact e-mail" || not_ok "frank is a customer with his contact e-mail"

web_post admin_jar add /admin/users name=gina role=admin password=
expect_status add 200 "an admin without a typed password gets the result page (200)"
gpw=$(sed -n 's/.*<code>\([^<]*\)<\/code>.*/\1/p' "$T/add.b" | head -n 1)
[ ${#gpw} -ge 16 ] && ok "... showing a generated password (${#gpw} characters)" ||
    not_ok "... showing a generated password ('$gpw')"
login_as gina_jar gina "$gpw"
expect_status login 303 "gina signs in with the generated password"
web_get gina_jar ginausers /admin/users
expect_status ginausers 200 "gina, created as admin, sees /admin/users"
web_get admin_jar users /admin/users
expect_no_body users "$gpw" "the generated password is not on the list page"

web_post admin_jar add /admin/users "name=Bad Name" role=customer "password=some pw 12345"
expect_status add 200 "a bad user name re-renders the page (200)"
expect_body add 'id="add-name-err">a user name is made of' "... with the error beside the name field"
expect_body add 'value="Bad Name"' "... and the name kept"
expect_no_body add 'some pw 12345' "... and the password not echoed"
grep -q '<details class="acct-box acct-add" open>' "$T/add.b" &&
    ok "... with the form open" || not_ok "... with the form open"
web_post admin_jar add /admin/users name=frank role=customer "password=frank pw 7890123"
expect_body add 'id="add-name-err">there is already a user of this name' "a taken name: error beside the field"
web_post admin_jar add /admin/users name=hank role=customer password=short
expect_body add 'id="add-password-err">the password needs at least 10 characters' \
    "a short initial password: error beside the password field"
web_post admin_jar add /admin/users name=hank role=root "password=hank pw 123456"
expect_body add 'id="add-role-err">choose customer or admin' "a bad role: error beside the role field"
web_post admin_jar add /admin/users name=hank role=customer "password=hank pw 123456" "email=no at sign"
expect_body add 'id="add-email-err">' "a bad e-mail address: error beside its field"
[ "$(sql "SELECT count(*) FROM account WHERE name = 'hank'")" = 0 ] &&
    ok "no refused form created an account" || not_ok "no refused form created an account"

web_post admin_jar add /admin/users 'name=<script>alert(1)</script>' role=customer "password=xss pw 123456"
expect_status add 200 "a user name with <script> is refused (200)"
expect_no_body add '<script>alert' "... and never shown raw"
expect_body add 'value="&lt;script&gt;alert(1)&lt;/script&gt;"' "... but escaped in the kept input"
web_post admin_jar add /admin/users name=ivan role=customer "password=ivan pw 123456" \
    'email="<script>alert(2)</script>"@example.com'
expect_status add 303 "a quoted e-mail address with <script> is a valid address (303)"
web_get admin_jar users /admin/users
expect_no_body users '<script>alert' "the users list never shows it raw"
expect_body users '&lt;script&gt;alert(2)&lt;/script&gt;' "... it shows it escaped"

# --- admin: disable and enable -----------------------------------------

login_as dis_jar alice "alice new pw 456"
[ "$(web_status login)" = 303 ] || not_ok "alice signs in"
web_post admin_jar dis /admin/users/disable name=alice page=1
expect_status dis 303 "the admin disables alice (303)"
[ "$(header_of dis Location)" = "/admin/users?page=1&done=disabled&user=alice" ] &&
    ok "... back to the list page" || not_ok "... back to the list page ('$(header_of dis Location)')"
web_get admin_jar users "$(header_of dis Location)"
expect_body users 'User alice was disabled and signed out.' "the list says so"
grep -A6 '<td data-label="Name">alice</td>' "$T/users.b" | grep -q '<td data-label="State">disabled</td>' &&
    ok "the list shows alice as disabled" || not_ok "the list shows alice as disabled"
expect_body users 'aria-label="Enable alice"' "alice has an Enable button"
if signed_in dis_jar; then
	not_ok "disabling alice ended her session"
else
	ok "disabling alice ended her session"
fi
[ "$(sql "SELECT count(*) FROM session s JOIN account a ON a.id = s.account_id WHERE a.name = 'alice'")" = 0 ] &&
    ok "... every one of them" || not_ok "... every one of them"
login_as t alice "alice new pw 456" $(from 10)
expect_status login 200 "a disabled user cannot sign in"
expect_body login 'Wrong user name or password' "... and is told no more than a wrong password"
web_post admin_jar dis /admin/users/disable name=admin
expect_status dis 200 "the admin cannot disable itself (page re-rendered)"
expect_body dis 'you cannot disable your own account' "... with the reason"
[ "$(sql "SELECT disabled FROM account WHERE name = 'admin'")" = 0 ] &&
    check "... and stays enabled and signed in" signed_in admin_jar ||
    not_ok "... and stays enabled and signed in"
web_post admin_jar dis /admin/users/disable name=nobody
expect_status dis 404 "disabling a user who does not exist is 404"
web_post admin_jar dis /admin/users/disable 'name=<b>x'
expect_status dis 404 "disabling a malformed name is 404"
web_post admin_jar en /admin/users/enable name=alice
expect_status en 303 "the admin enables alice again (303)"
login_as t alice "alice new pw 456" $(from 10)
expect_status login 303 "alice signs in again"

# --- audit log ---------------------------------------------------------

web_get admin_jar audit /admin/audit
expect_status audit 200 "GET /admin/audit is 200 for an admin"
# The row of an action: the lines from its When cell to its Detail cell.
audit_row() {	# ACTION OBJECT: the audit page lists it with admin from 127.0.0.1
	awk -v a="<code>$1</code>" -v o="<td data-label=\"Object\">$2</td>" '
	    /<tr>/ { row = "" } { row = row $0 "\n" }
	    /<\/tr>/ { if (index(row, a) && index(row, o)) print row }' "$T/audit.b" |
	    grep -q '<td data-label="Who">admin</td>' &&
	awk -v a="<code>$1</code>" -v o="<td data-label=\"Object\">$2</td>" '
	    /<tr>/ { row = "" } { row = row $0 "\n" }
	    /<\/tr>/ { if (index(row, a) && index(row, o)) print row }' "$T/audit.b" |
	    grep -q '<td data-label="From">127.0.0.1</td>'
}
check "the audit log shows account.add frank by admin from 127.0.0.1" audit_row account.add frank
check "the audit log shows account.disable alice by admin from 127.0.0.1" audit_row account.disable alice
check "the audit log shows account.enable alice by admin from 127.0.0.1" audit_row account.enable alice
check "the audit log shows the admin's sign-in" audit_row session.login admin
expect_body audit '<code>account.password</code>' "the audit log shows alice's password change"
expect_body audit '<code>account.email</code>' "the audit log shows the e-mail change"
expect_no_body audit '<script>alert' "no hostile value is raw on the audit page"
expect_no_body audit 'alice new pw' "no password is in the audit log"
first=$(grep -o '<time datetime="[^"]*"' "$T/audit.b" | head -n 1)
last=$(grep -o '<time datetime="[^"]*"' "$T/audit.b" | tail -n 1)
[[ ! $first < $last ]] && ok "the audit log is newest first" ||
    not_ok "the audit log is newest first ($first ... $last)"
expect_body audit 'id="main"' "the audit page uses the layout"

# --- paging ------------------------------------------------------------

sql "WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n WHERE i < 60)
INSERT INTO account (name, role, pw_hash, created, updated)
SELECT printf('zz-user-%02d', i), 'customer', 'x', 0, 0 FROM n;
WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n WHERE i < 60)
INSERT INTO audit_log (at, actor, client, action, object)
SELECT 0, 'backupmxctl', 'local', 'test.fill', printf('fill-%02d', i) FROM n"
total=$(sql "SELECT count(*) FROM account")
web_get admin_jar p1 /admin/users
rows1=$(grep -c '<td data-label="Name">' "$T/p1.b")
web_get admin_jar p2 "/admin/users?page=2"
rows2=$(grep -c '<td data-label="Name">' "$T/p2.b")
[ "$rows1" = 50 ] && [ $((rows1 + rows2)) = "$total" ] &&
    ok "users: 50 on page 1, the other $rows2 on page 2" ||
    not_ok "users: 50 a page (page 1 $rows1, page 2 $rows2, total $total)"
expect_body p1 'href="/admin/users?page=2" rel="next"' "users page 1 links to page 2"
expect_body p2 'href="/admin/users?page=1" rel="prev"' "users page 2 links back"
expect_no_body p2 'rel="next"' "users page 2 is the last"
web_get admin_jar p9 "/admin/users?page=9"
expect_status p9 200 "a users page past the end is 200"
expect_body p9 'No users on this page' "... and says it is empty"
web_get admin_jar a1 /admin/audit
web_get admin_jar a2 "/admin/audit?page=2"
arows=$(grep -c '<td data-label="When">' "$T/a1.b")
[ "$arows" = 50 ] && expect_body a1 'rel="next"' "audit: 50 entries on page 1, and a link to older ones" ||
    not_ok "audit: 50 entries on page 1 ($arows)"
expect_body a2 'rel="prev"' "audit page 2 links back to newer entries"
bad=""
for q in 0 -1 abc 1x 1000001 99999999999999999999 %00 2%20; do
	web_get admin_jar pbad "/admin/audit?page=$q"
	[ "$(web_status pbad)" = 400 ] || bad="$bad $q=$(web_status pbad)"
done
[ -z "$bad" ] && ok "a page number that is not 1..1000000 is 400" ||
    not_ok "a page number that is not 1..1000000 is 400:$bad"

# --- the end -----------------------------------------------------------

if grep -qiE "AddressSanitizer|LeakSanitizer|runtime error" "$T/panel.log"; then
	not_ok "no sanitizer reports in the panel's log"
	sed 's/^/# /' "$T/panel.log" | grep -iE -A5 "sanitizer|runtime error" | head -n 30 >&2
else
	ok "no sanitizer reports in the panel's log"
fi
finish
