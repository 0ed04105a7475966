#!/bin/bash
# make run: first-run setup of var/, then nginx on 127.0.0.1:8080, the
# panel and the relay (127.0.0.1:2525 by default) in the foreground.  Ctrl-C or
# SIGTERM stops every process this script started, by pid.
#
# BMX_HTTP_PORT overrides 8080 (the CONTRACT's port is the default).
set -u
cd "$(dirname "$0")/.."
ROOT=$PWD
VAR=$ROOT/var
CONF=$VAR/backupmx.conf
CTL="build/backupmxctl -c $CONF"
HTTP_PORT=${BMX_HTTP_PORT:-8080}
pids=()

say() { printf 'make run: %s\n' "$*"; }
die() { say "$*" >&2; exit 1; }

port_taken() {	# host port
	/usr/bin/python3 - "$1" "$2" <<'PY'
import socket, sys
s = socket.socket()
try:
    s.bind((sys.argv[1], int(sys.argv[2])))
except OSError:
    sys.exit(0)
sys.exit(1)
PY
}

first_run() {
	say "first run: creating $VAR"
	mkdir -p "$VAR/run" "$VAR/nginx" || exit 1
	$CTL config --defaults >"$CONF" || exit 1
	$CTL init || exit 1
	pw=$($CTL user add admin --admin | sed -n 's/^password: //p')
	[ -n "$pw" ] || die "could not create the demo admin"
	$CTL user add demo >/dev/null || exit 1
	$CTL domain add demo.example --owner demo || exit 1
	$CTL backupmx add demo.example || exit 1
	cat <<MSG

  Panel:    http://127.0.0.1:$HTTP_PORT/
  Admin:    admin / $pw
            (shown once; this password is stored only as an argon2id hash)
  Customer: demo, owner of demo.example (BackupMX active)

MSG
}

stop_all() {
	local p
	trap - INT TERM
	say "stopping"
	for p in "${pids[@]}"; do
		kill -TERM "$p" 2>/dev/null
	done
	for p in "${pids[@]}"; do
		wait "$p" 2>/dev/null
	done
	exit "${1:-0}"
}

[ -f "$CONF" ] || first_run
$CTL init >/dev/null || exit 1
mkdir -p "$VAR/run" "$VAR/nginx"
listen=$($CTL config | sed -n 's/^panel_listen = //p')
case $listen in
unix:/*) panel=$listen ;;
unix:*) panel=unix:$ROOT/${listen#unix:} ;;
*) panel=$listen ;;
esac
if port_taken 127.0.0.1 "$HTTP_PORT"; then
	die "port $HTTP_PORT on 127.0.0.1 is taken by another program; stop it or run 'BMX_HTTP_PORT=8081 make run'"
fi
smtp=$($CTL config | sed -n 's/^smtp_listen = //p')
for a in ${smtp//,/ }; do
	h=${a%:*} p=${a##*:}
	h=${h#[} h=${h%]}
	if port_taken "$h" "$p"; then
		die "SMTP port $a is taken by another program; stop it or set smtp_listen in $CONF"
	fi
done
nginx/render.sh "$VAR/nginx/nginx.conf" "127.0.0.1:$HTTP_PORT" \
    "$VAR/nginx" "$panel" "$ROOT/static" || die "cannot render the nginx config"

trap 'stop_all 0' INT TERM
build/backupmx.fcgi -c "$CONF" -f &
pids+=($!)
nginx -p "$VAR/nginx" -c "$VAR/nginx/nginx.conf" -e "$VAR/nginx/error.log" &
pids+=($!)
build/backupmxd -c "$CONF" -f &
pids+=($!)
say "nginx on http://127.0.0.1:$HTTP_PORT/ (pid ${pids[1]}), panel pid ${pids[0]}, relay on $smtp (pid ${pids[2]}); Ctrl-C stops"
# Whichever child ends first ends the run: the others are stopped too.
wait -n
say "a process exited on its own"
stop_all 1
