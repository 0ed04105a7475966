# Shared set-up of the panel's black-box tests (sourced after tests/lib.sh).
#
#   web_start [extra config lines]   temp dir, config, database, the panel
#                                    and a project-run nginx on a free
#                                    loopback port; sets T, CONF, CTL, B
#                                    (base URL), DB.  Stops on EXIT.
#   web_user NAME [--admin]          create an account; password "NAME pw 123"
#   web_login JAR NAME               sign in NAME; cookies in $T/JAR
#   web_get JAR NAME PATH [curl..]   GET into $T/NAME.h (headers, no CRs)
#                                    and $T/NAME.b (body)
#   web_post JAR NAME PATH DATA..    POST urlencoded fields (each a curl
#                                    --data-urlencode argument) with the
#                                    session's CSRF token added
#   web_csrf JAR                     the session's CSRF token (from /account)
#   web_status NAME                  the HTTP status of a response
#
# BMX_BUILD picks the binaries (build or build/san).
ROOT=$PWD
WEB_PIDS=()

web_stop() {
	local p
	for p in "${WEB_PIDS[@]}"; do
		kill -TERM "$p" 2>/dev/null
	done
	for p in "${WEB_PIDS[@]}"; do
		wait "$p" 2>/dev/null
	done
	[ -n "${T:-}" ] && rm -rf "$T"
}

web_start() {
	local try sock
	T=$(mktemp -d /tmp/bmx-webt.XXXXXX)
	chmod 0750 "$T"
	trap web_stop EXIT
	CONF=$T/backupmx.conf
	DB=$T/backupmx.db
	sock=$T/panel.sock
	CTL="$BMX_BUILD/backupmxctl -c $CONF"
	cat >"$CONF" <<EOF
db = $DB
spool_dir = $T/spool
template_dir = $ROOT/templates
panel_listen = unix:$sock
panel_threads = ${WEB_PANEL_THREADS:-4}
$*
EOF
	$CTL init >/dev/null || { not_ok "backupmxctl init"; finish; }
	"$BMX_BUILD/backupmx.fcgi" -c "$CONF" -f >>"$T/panel.log" 2>&1 &
	WEB_PIDS+=($!)
	wait_for 10 test -S "$sock" || { not_ok "panel starts"; finish; }
	for try in 1 2 3; do
		PORT=$(free_port)
		nginx/render.sh "$T/nginx.conf" "127.0.0.1:$PORT" "$T/nginx" \
		    "unix:$sock" "$ROOT/static" 2>>"$T/render.err" || continue
		nginx -p "$T/nginx" -c "$T/nginx.conf" -e "$T/nginx/error.log" \
		    >/dev/null 2>&1 &
		B=http://127.0.0.1:$PORT
		if wait_for 10 curl -sf -o /dev/null "$B/healthz"; then
			WEB_PIDS+=($!)
			return 0
		fi
		kill $! 2>/dev/null
	done
	not_ok "nginx starts in front of the panel"
	finish
}

web_user() {	# NAME [--admin]
	echo "$1 pw 123" | $CTL user add "$1" ${2:-} --password-stdin >/dev/null
}

web_fetch() {	# JAR NAME curl-args...
	local jar=$1 name=$2
	shift 2
	curl -s --max-time 20 -b "$T/$jar" -c "$T/$jar" -D "$T/$name.raw" \
	    -o "$T/$name.b" "$@" >/dev/null 2>&1
	tr -d '\r' <"$T/$name.raw" >"$T/$name.h" 2>/dev/null
}

web_get() {	# JAR NAME PATH [curl args]
	local jar=$1 name=$2 path=$3
	shift 3
	web_fetch "$jar" "$name" "$@" "$B$path"
}

web_status() { sed -n '1s/^HTTP\/[0-9.]* \([0-9][0-9][0-9]\).*/\1/p' "$T/$1.h"; }

web_csrf() {	# JAR: the signed-in session's token, from a page's sign-out form
	web_get "$1" csrfpage /account
	sed -n 's/.*name="csrf" value="\([^"]*\)".*/\1/p' "$T/csrfpage.b" | head -n 1
}

web_post() {	# JAR NAME PATH field=value...
	local jar=$1 name=$2 path=$3 csrf args=() f
	shift 3
	csrf=$(web_csrf "$jar")
	for f in "$@"; do args+=(--data-urlencode "$f"); done
	web_fetch "$jar" "$name" --data-urlencode "csrf=$csrf" "${args[@]}" \
	    "$B$path"
}

web_login() {	# JAR NAME
	local jar=$1 user=$2 tok
	rm -f "$T/$jar"
	web_get "$jar" loginform /login
	tok=$(sed -n 's/.*name="csrf" value="\([^"]*\)".*/\1/p' "$T/loginform.b" | head -n 1)
	web_fetch "$jar" login --data-urlencode "csrf=$tok" \
	    --data-urlencode "user=$user" --data-urlencode "password=$user pw 123" \
	    "$B/login"
	[ "$(web_status login)" = 303 ]
}
