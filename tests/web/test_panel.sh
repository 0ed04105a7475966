#!/bin/bash
# The panel as a browser meets it: backupmx.fcgi behind a project-run
# nginx on a free loopback port, driven with curl.  Checks the health
# endpoint (and its 503 when the database is gone), the login form and its
# double-submit CSRF cookie, the security headers on pages, errors and
# static files, 404/405, path traversal, escaping of reflected input, the
# socket handling at start-up, and a clean exit 0 on SIGTERM.
#
# BMX_BUILD=build/san runs the sanitizer build of the panel.
set -u
cd "$(dirname "$0")/../.."
. tests/lib.sh
ROOT=$PWD
FCGI=$BMX_BUILD/backupmx.fcgi
CTL=$BMX_BUILD/backupmxctl
[ -x "$CTL" ] || CTL=build/backupmxctl	# the database tool needs no sanitizer

T=$(mktemp -d /tmp/bmx-web.XXXXXX)
# nginx started by root runs its workers as nobody in the group of the
# socket's directory (nginx/render.sh): let that group in.
chmod 0750 "$T"
CONF=$T/backupmx.conf
SOCK=$T/panel.sock
panel_pid=
nginx_pid=

# wait_exit PID SECONDS: 0 once the process has ended (a zombie counts:
# kill -0 would still see it), 1 if it is still running after SECONDS.
wait_exit() {
	local n=$(($2 * 10)) st
	while [ "$n" -gt 0 ]; do
		st=$(sed 's/.*) //' "/proc/$1/stat" 2>/dev/null | cut -d' ' -f1)
		[ -z "$st" ] || [ "$st" = Z ] && return 0
		sleep 0.1
		n=$((n - 1))
	done
	return 1
}

stop_pid() {	# PID: TERM, KILL after 5 s; always reaped
	kill -TERM "$1" 2>/dev/null
	wait_exit "$1" 5 || kill -KILL "$1" 2>/dev/null
	wait "$1" 2>/dev/null
}

cleanup() {
	[ -n "$nginx_pid" ] && stop_pid "$nginx_pid"
	[ -n "$panel_pid" ] && stop_pid "$panel_pid"
	rm -rf "$T"
}
trap cleanup EXIT
trap 'exit 1' INT TERM

# Show a log on stderr (the runner prints it under a failed test).
show_log() { [ -f "$1" ] && sed 's/^/# /' "$1" | tail -n 20 >&2; }

bail() {	# a check that everything after it needs
	not_ok "$*"
	show_log "$T/panel.log"
	show_log "$T/nginx/error.log"
	finish
}

# fetch NAME curl-args...: headers to $T/NAME.h (no CRs), body to $T/NAME.b
fetch() {
	local name=$1
	shift
	curl -s --max-time 10 -D "$T/$name.raw" -o "$T/$name.b" "$@" \
	    >/dev/null 2>&1
	tr -d '\r' <"$T/$name.raw" >"$T/$name.h" 2>/dev/null
}
status_of() { sed -n '1s/^HTTP\/[0-9.]* \([0-9][0-9][0-9]\).*/\1/p' "$T/$1.h"; }
header_of() {	# NAME Header-Name: the first value
	grep -i "^$2:" "$T/$1.h" | head -n 1 | cut -d: -f2- | sed 's/^ *//'
}
expect_status() {	# NAME STATUS description
	local got
	got=$(status_of "$1")
	if [ "$got" = "$2" ]; then ok "$3"; else not_ok "$3 (status ${got:-none})"; fi
}

CSP="default-src 'none'; style-src 'self'; img-src 'self'; form-action 'self'; frame-ancestors 'none'; base-uri 'none'"

# Every security header exactly once, with the expected value.
security_headers() {	# NAME what
	local name=$1 what=$2 bad="" h
	[ "$(header_of "$name" Content-Security-Policy)" = "$CSP" ] || bad="$bad CSP"
	[ "$(header_of "$name" X-Content-Type-Options)" = nosniff ] || bad="$bad nosniff"
	[[ $(header_of "$name" Referrer-Policy) =~ ^(no-referrer|same-origin)$ ]] || bad="$bad Referrer-Policy"
	[ "$(header_of "$name" X-Frame-Options)" = DENY ] || bad="$bad X-Frame-Options"
	for h in Content-Security-Policy X-Content-Type-Options Referrer-Policy X-Frame-Options; do
		[ "$(grep -ci "^$h:" "$T/$name.h")" -le 1 ] || bad="$bad $h-twice"
	done
	if [ -z "$bad" ]; then ok "security headers on $what"; else not_ok "security headers on $what:$bad"; fi
}

no_store() {	# NAME what
	if [ "$(header_of "$1" Cache-Control)" = no-store ]; then
		ok "Cache-Control: no-store on $2"
	else
		not_ok "Cache-Control: no-store on $2 (got '$(header_of "$1" Cache-Control)')"
	fi
}

# --- set-up -----------------------------------------------------------

[ -x "$FCGI" ] || bail "panel binary $FCGI exists (build it first)"
[ -x "$CTL" ] || bail "backupmxctl exists to create the database"
cat >"$CONF" <<EOF
db = $T/backupmx.db
spool_dir = $T/spool
template_dir = $ROOT/templates
panel_listen = unix:$SOCK
panel_threads = 4
EOF
if "$CTL" -c "$CONF" init >"$T/init.out" 2>&1; then
	ok "backupmxctl init creates the database"
else
	show_log "$T/init.out"
	bail "backupmxctl init creates the database"
fi

first_line=1
for t in templates/*.tpl; do
	[ "$(head -n 1 "$t")" = '{{%AUTOESCAPE context="HTML"}}' ] || {
		not_ok "$t starts with the AUTOESCAPE pragma"
		first_line=0
	}
done
[ "$first_line" = 1 ] && ok "every template starts with the AUTOESCAPE pragma"

# Something accepts connections on the socket (a leftover file does not).
sock_alive() {
	/usr/bin/python3 -c 'import socket, sys
s = socket.socket(socket.AF_UNIX)
s.connect(sys.argv[1])' "$SOCK" 2>/dev/null
}

start_panel() {
	"$FCGI" -c "$CONF" -f >>"$T/panel.log" 2>&1 &
	panel_pid=$!
	wait_for 10 sock_alive
}

# Refusals first, while nothing listens.  A file that is not a socket is
# never deleted to make room.
echo precious >"$SOCK"
timeout 10 "$FCGI" -c "$CONF" -f >"$T/refuse.log" 2>&1
rc=$?
if [ "$rc" = 1 ] && [ "$(cat "$SOCK")" = precious ]; then
	ok "panel refuses to start over a regular file at the socket path, and keeps it"
else
	not_ok "panel refuses to start over a regular file at the socket path (status $rc, file: $(head -c 20 "$SOCK"))"
fi
rm -f "$SOCK"

sed "s|^panel_listen = .*|panel_listen = 0.0.0.0:$(free_port)|" "$CONF" >"$T/wide.conf"
timeout 10 "$FCGI" -c "$T/wide.conf" -f >"$T/refuse.log" 2>&1
rc=$?
[ "$rc" = 1 ] && ok "panel refuses a non-loopback TCP address" ||
    not_ok "panel refuses a non-loopback TCP address (status $rc)"

# A socket left behind by a killed panel is stale: it gets replaced.
/usr/bin/python3 -c 'import socket, sys
s = socket.socket(socket.AF_UNIX)
s.bind(sys.argv[1])' "$SOCK"
start_panel || bail "panel starts over a stale socket and creates $SOCK"
ok "panel starts over a stale socket and listens on $SOCK"
mode=$(stat -c %a "$SOCK")
[ "$mode" = 660 ] && ok "socket is mode 660 (owner and group only)" ||
    not_ok "socket mode is $mode, want 660"

timeout 10 "$FCGI" -c "$CONF" -f >"$T/second.log" 2>&1
rc=$?
if [ "$rc" = 1 ] && grep -q "another process is listening" "$T/second.log"; then
	ok "a second panel refuses the live socket"
else
	not_ok "a second panel refuses the live socket (status $rc: $(head -c 200 "$T/second.log"))"
fi

# nginx: a free port, rendered config, started in the foreground.  The port
# may be taken between asking and binding: try a few.
for attempt in 1 2 3; do
	PORT=$(free_port)
	nginx/render.sh "$T/nginx.conf" "127.0.0.1:$PORT" "$T/nginx" \
	    "unix:$SOCK" "$ROOT/static" 2>"$T/render.err" ||
	    { show_log "$T/render.err"; bail "nginx/render.sh renders a config"; }
	nginx -p "$T/nginx" -c "$T/nginx.conf" -e "$T/nginx/error.log" \
	    >>"$T/nginx.out" 2>&1 &
	nginx_pid=$!
	B=http://127.0.0.1:$PORT
	if wait_for 10 curl -sf -o /dev/null "$B/static/panel.css"; then
		break
	fi
	stop_pid "$nginx_pid"
	nginx_pid=
done
[ -n "$nginx_pid" ] || bail "nginx starts with the rendered config"
ok "nginx/render.sh config starts nginx on 127.0.0.1:$PORT"
grep -v '^[[:space:]]*#' "$T/nginx.conf" >"$T/nginx.active"
[ "$(grep -c '^[[:space:]]*listen ' "$T/nginx.active")" = 1 ] &&
    grep -q "^[[:space:]]*listen 127.0.0.1:$PORT;" "$T/nginx.active" &&
    ! grep -q "fastcgi_keep_conn" "$T/nginx.active" &&
    ok "nginx listens on loopback only, without fastcgi_keep_conn" ||
    not_ok "nginx listens on loopback only, without fastcgi_keep_conn"

# --- health -----------------------------------------------------------

wait_for 10 curl -sf -o /dev/null "$B/healthz" || bail "/healthz answers through nginx"
fetch health "$B/healthz"
expect_status health 200 "/healthz is 200"
[ "$(cat "$T/health.b")" = ok ] && ok "/healthz body is ok" ||
    not_ok "/healthz body is '$(head -c 80 "$T/health.b")'"
[[ $(header_of health Content-Type) == text/plain* ]] &&
    ok "/healthz is text/plain" || not_ok "/healthz is text/plain"
security_headers health /healthz
no_store health /healthz

fetch hhead -I "$B/healthz"
expect_status hhead 200 "HEAD /healthz is 200"
fetch hpost -X POST -d x=1 "$B/healthz"
expect_status hpost 405 "POST /healthz is 405"
[ "$(header_of hpost Allow)" = "GET, HEAD" ] && ok "405 says Allow: GET, HEAD" ||
    not_ok "405 Allow header is '$(header_of hpost Allow)'"
security_headers hpost "a 405"

# --- login page -------------------------------------------------------

fetch login "$B/login"
expect_status login 200 "/login is 200"
[[ $(header_of login Content-Type) == text/html* ]] &&
    ok "/login is text/html" || not_ok "/login is text/html"
security_headers login /login
no_store login /login
body=$(cat "$T/login.b")
[[ $body == '<!DOCTYPE html>'* ]] && [[ $body == *'<html lang="en">'* ]] &&
    [[ $body == *'<title>'*'</title>'* ]] &&
    [[ $body == *'href="/static/panel.css"'* ]] &&
    ok "/login is an HTML5 page with a title and the style sheet" ||
    not_ok "/login is an HTML5 page with a title and the style sheet"
[[ $body == *'<form method="post" action="/login">'* ]] &&
    [[ $body == *'<label for="login-user">'* ]] &&
    [[ $body == *'id="login-user" name="user"'* ]] &&
    [[ $body == *'autocomplete="username"'* ]] &&
    [[ $body == *'<label for="login-password">'* ]] &&
    [[ $body == *'type="password"'* ]] &&
    [[ $body == *'autocomplete="current-password"'* ]] &&
    ok "/login has the form with labelled user name and password fields" ||
    not_ok "/login has the form with labelled user name and password fields"

field=$(sed -n 's/.*<input type="hidden" name="csrf" value="\([^"]*\)".*/\1/p' "$T/login.b")
cookie=$(grep -i '^Set-Cookie: bmx_csrf=' "$T/login.h" | head -n 1)
cval=$(printf '%s' "$cookie" | sed -n 's/^[^:]*: bmx_csrf=\([^;]*\).*/\1/p')
if [ ${#field} -ge 32 ] && [ "$field" = "$cval" ]; then
	ok "hidden csrf field equals the bmx_csrf cookie (${#field} characters)"
else
	not_ok "hidden csrf field '$field' equals the bmx_csrf cookie '$cval'"
fi
[[ $cookie == *'; HttpOnly'* ]] && [[ $cookie == *'; SameSite=Strict'* ]] &&
    [[ $cookie == *'; Path=/'* ]] &&
    ok "bmx_csrf cookie is HttpOnly, SameSite=Strict, Path=/" ||
    not_ok "bmx_csrf cookie flags: $cookie"
[[ $cookie != *Secure* ]] && ok "no Secure flag over plain HTTP" ||
    not_ok "Secure flag over plain HTTP"
fetch login2 "$B/login"
field2=$(sed -n 's/.*name="csrf" value="\([^"]*\)".*/\1/p' "$T/login2.b")
[ -n "$field2" ] && [ "$field2" != "$field" ] &&
    ok "each form render gets a fresh token" || not_ok "each form render gets a fresh token"

fetch lhead -I "$B/login"
expect_status lhead 200 "HEAD /login is 200"
# nginx drops a HEAD body on its own; the length must still be GET's.
[ "$(header_of lhead Content-Length)" = "$(stat -c %s "$T/login.b")" ] &&
    ok "HEAD /login has the Content-Length of GET" ||
    not_ok "HEAD /login Content-Length $(header_of lhead Content-Length), GET body $(stat -c %s "$T/login.b")"

fetch lpost -X POST -d "csrf=$field&user=a&password=bbbbbbbbbbbb" -b "bmx_csrf=$field" "$B/login"
expect_status lpost 200 "POST /login with wrong credentials re-renders the form"
grep -q 'Wrong user name or password' "$T/lpost.b" && ok "wrong credentials are named as such" ||
    not_ok "wrong credentials message missing"
fetch lpost2 -X POST -d "user=a&password=b" "$B/login"
expect_status lpost2 403 "POST /login without its CSRF token is 403"

fetch root "$B/"
expect_status root 303 "/ is 303"
[ "$(header_of root Location)" = /login ] && ok "/ redirects to /login" ||
    not_ok "/ redirects to /login (Location '$(header_of root Location)')"
security_headers root "a redirect"

# --- errors, static files, traversal, escaping -----------------------

fetch nf "$B/nonexistent"
expect_status nf 404 "/nonexistent is 404"
security_headers nf "a 404"
no_store nf "a 404"
grep -q 'href="/static/panel.css"' "$T/nf.b" && grep -q '<h1' "$T/nf.b" &&
    ok "the 404 page is rendered through the layout" ||
    not_ok "the 404 page is rendered through the layout"

fetch css "$B/static/panel.css"
expect_status css 200 "/static/panel.css is 200"
[[ $(header_of css Content-Type) == text/css* ]] && ok "/static/panel.css is text/css" ||
    not_ok "/static/panel.css is text/css ($(header_of css Content-Type))"
security_headers css /static/panel.css
# One stylesheet, appended to by every page module: an unbalanced brace
# silently swallows every rule after it (a merge once did that).
awk '{ gsub(/\/\*[^*]*\*\//, ""); o += gsub(/\{/, "{"); c += gsub(/\}/, "}");
    if (c > o) bad = 1 } END { exit !(o == c && !bad) }' static/panel.css &&
    ok "panel.css: every brace is closed, none too many" ||
    not_ok "panel.css: unbalanced braces"
fetch snf "$B/static/missing.css"
expect_status snf 404 "a missing static file is 404"
security_headers snf "a static 404"
fetch sdir "$B/static/"
[ "$(status_of sdir)" != 200 ] && ! grep -qi "index of" "$T/sdir.b" &&
    ok "no directory listing of /static/" || not_ok "no directory listing of /static/"

leak=0
for p in "/static/../core/config.c" "/static/..%2fcore/config.c" \
    "/static/%2e%2e/core/config.c" "/static/..%252fcore/config.c" \
    "/static../core/config.c" "/../core/config.c" "/static/....//core/config.c"; do
	fetch trav --path-as-is "$B$p"
	if [ "$(status_of trav)" = 200 ] || grep -q "config_keys" "$T/trav.b"; then
		not_ok "path traversal $p stays out of the source tree"
		leak=1
	fi
done
[ "$leak" = 0 ] && ok "path traversal through /static/ leaks no file"

fetch xss1 "$B/login?user=%22%3E%3Cscript%3Ealert(1)%3C/script%3E&next=javascript:alert(1)"
! grep -q '<script' "$T/xss1.b" && ! grep -q 'javascript:' "$T/xss1.b" &&
    ok "a script in the /login query string is not reflected" ||
    not_ok "a script in the /login query string is not reflected"
fetch xss2 "$B/nope%22%3E%3Cscript%3Ealert(1)%3C/script%3E"
expect_status xss2 404 "a 404 with markup in the path is still 404"
! grep -q '<script' "$T/xss2.b" && grep -q '&lt;script&gt;' "$T/xss2.b" &&
    ok "a path shown on the 404 page is HTML-escaped" ||
    not_ok "a path shown on the 404 page is HTML-escaped"

# --- straight to the FastCGI socket -----------------------------------

# fcgi PARAM=VALUE...: one FastCGI request on the panel's socket, as nginx
# would send it; prints the raw response (status line and headers first).
fcgi() {
	/usr/bin/python3 - "$SOCK" "$@" <<'PY'
import socket, struct, sys

def record(kind, body):
    return struct.pack("!BBHHBB", 1, kind, 1, len(body), 0, 0) + body

def length(n):
    return bytes([n]) if n < 128 else struct.pack("!I", n | 0x80000000)

def pair(k, v):
    k, v = k.encode(), v.encode()
    return length(len(k)) + length(len(v)) + k + v

params = b"".join(pair(*a.split("=", 1)) for a in sys.argv[2:])
s = socket.socket(socket.AF_UNIX)
s.settimeout(10)
s.connect(sys.argv[1])
s.sendall(record(1, struct.pack("!HB5x", 1, 0)) + record(4, params) +
          record(4, b"") + record(5, b""))
data = b""
while True:
    chunk = s.recv(65536)
    if not chunk:
        break
    data += chunk
out = b""
while len(data) >= 8:
    _, kind, _, clen, plen, _ = struct.unpack("!BBHHBB", data[:8])
    if kind == 6:
        out += data[8:8 + clen]
    data = data[8 + clen + plen:]
sys.stdout.buffer.write(out)
PY
}

fcgi REQUEST_METHOD=GET DOCUMENT_URI=/login REQUEST_URI=/login \
    REMOTE_ADDR=127.0.0.1 HTTPS=on | tr -d '\r' >"$T/direct.out"
[ "$(head -n 1 "$T/direct.out")" = "Status: 200 OK" ] &&
    ok "the panel sends Status: 200 OK with its reason phrase" ||
    not_ok "the panel's first line is '$(head -n 1 "$T/direct.out")'"
grep -q '^Set-Cookie: bmx_csrf=[^;]*;.*; Secure$' "$T/direct.out" &&
    ok "the bmx_csrf cookie is Secure when HTTPS=on" ||
    not_ok "the bmx_csrf cookie is Secure when HTTPS=on"
fcgi REQUEST_METHOD=GET REMOTE_ADDR=127.0.0.1 | tr -d '\r' >"$T/direct.out"
[ "$(head -n 1 "$T/direct.out")" = "Status: 400 Bad Request" ] &&
    grep -q '^X-Frame-Options: DENY$' "$T/direct.out" &&
    ok "a request without a path is 400, with the security headers" ||
    not_ok "a request without a path is 400 ('$(head -n 1 "$T/direct.out")')"

# --- the database goes away ------------------------------------------

mv "$T/backupmx.db" "$T/backupmx.db.away"
mkdir "$T/backupmx.db"	# even root cannot open a directory as a database
fetch down "$B/healthz"
expect_status down 503 "/healthz is 503 when the database is gone"
[ "$(cat "$T/down.b")" = "database unavailable" ] &&
    ok "/healthz says database unavailable" ||
    not_ok "/healthz 503 body is '$(head -c 80 "$T/down.b")'"
security_headers down "a 503"
rmdir "$T/backupmx.db"
mv "$T/backupmx.db.away" "$T/backupmx.db"
all=1
for i in 1 2 3 4 5 6 7 8; do	# every worker, whichever nginx reaches
	fetch back "$B/healthz"
	[ "$(status_of back)" = 200 ] || all=0
done
[ "$all" = 1 ] && ok "/healthz is 200 again once the database is back" ||
    not_ok "/healthz is 200 again once the database is back"

# --- shutdown ---------------------------------------------------------

kill -TERM "$panel_pid"
if wait_exit "$panel_pid" 10; then
	wait "$panel_pid"
	rc=$?
else
	kill -KILL "$panel_pid"
	wait "$panel_pid"
	rc="still running after 10 s"
fi
panel_pid=
if [ "$rc" = 0 ]; then
	ok "panel exits 0 on SIGTERM within 10 s"
else
	not_ok "panel exits 0 on SIGTERM within 10 s (status $rc)"
	show_log "$T/panel.log"
fi
[ ! -e "$SOCK" ] && ok "panel removes its socket on exit" ||
    not_ok "panel removes its socket on exit"
if grep -qiE "AddressSanitizer|LeakSanitizer|runtime error" "$T/panel.log"; then
	not_ok "no sanitizer reports in the panel's log"
	show_log "$T/panel.log"
else
	ok "no sanitizer reports in the panel's log"
fi

fetch gone "$B/login"
expect_status gone 502 "with the panel stopped, nginx answers 502"
security_headers gone "nginx's own 502"
grep -q 'Panel unavailable' "$T/gone.b" && ok "the 502 page is the panel's own" ||
    not_ok "the 502 page is the panel's own"

kill -QUIT "$nginx_pid"	# graceful: finish open connections
if wait_exit "$nginx_pid" 10; then
	ok "nginx stops by its pid"
else
	not_ok "nginx stops by its pid"
fi
stop_pid "$nginx_pid"
nginx_pid=
finish
