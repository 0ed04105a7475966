#!/bin/bash
# Render nginx/nginx.conf.in into a complete configuration for an nginx the
# project runs itself (make run, the web tests):
#
#   nginx/render.sh OUT_CONF LISTEN_ADDR:PORT PREFIX_DIR PANEL_ADDR STATIC_DIR
#
#   LISTEN_ADDR:PORT  a loopback address only: 127.x.y.z:PORT or [::1]:PORT
#   PREFIX_DIR        pid, logs and temp files (created if missing)
#   PANEL_ADDR        unix:/path/panel.sock (relative: to the current
#                     directory) or 127.0.0.1:PORT
#   STATIC_DIR        served as /static/
#
# Then: nginx -p PREFIX_DIR -c OUT_CONF -e PREFIX_DIR/error.log
#
# Who the workers run as.  An nginx master started by root drops its
# workers to "nobody"; the panel's socket is mode 0660 (only its owner and
# group may connect, because FastCGI parameters such as REMOTE_ADDR are
# trusted), so as root the workers run as nobody *in the group of the
# socket's directory* -- the group the socket gets (the panel runs with it,
# or the directory is setgid).  Started by anyone else, nginx cannot switch
# users at all: its workers run as the invoking user, like the panel.
# Workers never run as root.
#
# Exit status: 0, or 1 with a one-line reason on stderr.
set -u

die() { echo "render.sh: $*" >&2; exit 1; }

[ $# -eq 5 ] || die "usage: render.sh OUT_CONF LISTEN_ADDR:PORT PREFIX_DIR PANEL_ADDR STATIC_DIR"
out=$1 listen=$2 prefix=$3 panel=$4 static=$5
here=$(cd "$(dirname "$0")" && pwd -P) || die "cannot find my own directory"
template=$here/nginx.conf.in

# Values end up inside nginx syntax: allow only plain path characters.
plain() {
	[[ $1 =~ ^[A-Za-z0-9_./+-]+$ ]] || die "$2 \"$1\" has characters nginx.conf cannot take unquoted"
}

absdir() {	# an existing directory as an absolute, symlink-free path
	(cd "$1" 2>/dev/null && pwd -P) || die "$2 \"$1\" is not a directory"
}

port_ok() { [[ $1 =~ ^[0-9]{1,5}$ ]] && [ "$1" -ge 1 ] && [ "$1" -le 65535 ]; }

check_listen() {
	local host=${listen%:*} port=${listen##*:}
	port_ok "$port" || die "LISTEN_ADDR:PORT \"$listen\": bad port"
	[[ $host =~ ^127\.[0-9]{1,3}\.[0-9]{1,3}\.[0-9]{1,3}$ || $host == "[::1]" ]] ||
	    die "LISTEN_ADDR \"$host\" is not a loopback address"
}

# Sets panel_path (unix) or leaves it empty (TCP).
check_panel() {
	panel_path=
	case $panel in
	unix:*)
		panel_path=${panel#unix:}
		[ -n "$panel_path" ] || die "PANEL_ADDR unix: needs a path"
		[[ $panel_path == /* ]] || panel_path=$PWD/$panel_path
		local dir
		dir=$(absdir "$(dirname "$panel_path")" "the socket's directory") || exit 1
		panel_path=$dir/$(basename "$panel_path")
		plain "$panel_path" PANEL_ADDR
		panel=unix:$panel_path
		;;
	*)
		[[ ${panel%:*} =~ ^127\.[0-9]{1,3}\.[0-9]{1,3}\.[0-9]{1,3}$ ]] &&
		    port_ok "${panel##*:}" ||
		    die "PANEL_ADDR \"$panel\": want unix:PATH or 127.0.0.1:PORT"
		;;
	esac
}

# The user directive, only when nginx will start as root.
user_line() {
	local group=nogroup
	[ "$(id -u)" -eq 0 ] || { echo "# workers run as the invoking user"; return; }
	[ -n "$panel_path" ] && group=$(stat -c %G "$(dirname "$panel_path")")
	getent group "$group" >/dev/null && [[ $group =~ ^[A-Za-z0-9_.-]+$ ]] ||
	    die "group \"$group\" of the socket directory is unusable"
	echo "user nobody $group;"
}

# As root, prove the workers' identity can reach what it must.
check_worker_access() {
	local who group
	[ "$(id -u)" -eq 0 ] && command -v setpriv >/dev/null || return 0
	group=${user#user nobody }
	group=${group%;}
	who=(setpriv --reuid=nobody --regid="$group" --clear-groups)
	"${who[@]}" test -r "$static/panel.css" ||
	    die "nginx workers (nobody:$group) cannot read $static/panel.css"
	"${who[@]}" test -x "$prefix" ||
	    die "nginx workers (nobody:$group) cannot enter $prefix"
	if [ -n "$panel_path" ]; then
		"${who[@]}" test -x "$(dirname "$panel_path")" ||
		    die "nginx workers (nobody:$group) cannot reach $(dirname "$panel_path")"
	fi
}

[ -r "$template" ] || die "missing $template"
for f in /etc/nginx/mime.types /etc/nginx/fastcgi_params; do
	[ -r "$f" ] || die "missing $f (install the nginx package)"
done
check_listen
plain "$prefix" PREFIX_DIR
mkdir -p "$prefix" || die "cannot create $prefix"
prefix=$(absdir "$prefix" PREFIX_DIR) || exit 1
static=$(absdir "$static" STATIC_DIR) || exit 1
plain "$prefix" PREFIX_DIR
plain "$static" STATIC_DIR
check_panel
user=$(user_line) || exit 1
check_worker_access

outdir=$(absdir "$(dirname "$out")" "OUT_CONF's directory") || exit 1
tmp=$(mktemp "$outdir/.nginx.conf.XXXXXX") || die "cannot write in $outdir"
trap 'rm -f "$tmp"' EXIT
# "|" and "&" cannot occur in the values: plain() allowed neither.
sed -e "s|@USER_LINE@|$user|" -e "s|@PREFIX@|$prefix|g" \
    -e "s|@LISTEN@|$listen|g" -e "s|@PANEL@|$panel|g" \
    -e "s|@STATIC@|$static|g" "$template" >"$tmp" || die "cannot write $tmp"
if grep -n '@[A-Z_]*@' "$tmp" >&2; then
	die "placeholders left unfilled in $template"
fi
chmod 0644 "$tmp" && mv -f "$tmp" "$out" || die "cannot write $out"
