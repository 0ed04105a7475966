#!/bin/bash
# Faults under the relay: a full disk, a locked database, a primary that
# drops the connection in the middle of DATA.  Every 250 must mean stored;
# nothing refused may be half-stored; service resumes by itself once the
# fault is gone; every acknowledged message reaches the primary once.
#
# The disk is a real small file system (tmpfs, mounted here; as root) for
# spool_dir: first below min_free_space (452 4.3.1 at MAIL), then with
# min_free_space = 0 filled up to a few hundred KB so a message runs out
# of space while it is written (ENOSPC: 452/451 after the dot, nothing
# queued).  Where no tmpfs can be mounted (or with BMX_FAULTS_SHIM=1) the
# same cases run with an LD_PRELOAD shim built here (fault_shim.c) that
# makes the spool report no room and fail writes and fsyncs with ENOSPC.
# The shim also makes fsync alone fail (EIO): 451, nothing queued.  The database is locked by a sqlite3 transaction that holds an
# exclusive lock longer than the relay's busy timeout (451, nothing
# queued).  An unreadable database is test_smtp.sh's case, a primary that
# drops after the dot test_deliver.sh's; here the primary
# (drop_primary.py) drops after reading part of the text.
set -u
cd "$(dirname "$0")/../.."
. tests/lib.sh
PY=/usr/bin/python3
T=$(mktemp -d /tmp/bmx-faults.XXXXXX)
FS=$T/fs
PID= LOCK_PID= PRIM_PID=
cleanup() {
	for p in $PID $LOCK_PID $PRIM_PID; do kill -KILL "$p" 2>/dev/null; done
	wait 2>/dev/null
	mountpoint -q "$FS" && umount "$FS"
	rm -rf "$T"
}
trap cleanup EXIT

PORT=$(free_port) PRIM=$(free_port) DEAD=$(free_port)
CONF=$T/backupmx.conf
DB=$T/db/backupmx.db
CTL="build/backupmxctl -c $CONF"
export PYTHONDONTWRITEBYTECODE=1 BMX_SPOOL=$FS/spool BMX_DB=$DB

write_conf() {	# min_free_space
	cat >"$CONF" <<CONF
db = $DB
spool_dir = $FS/spool
smtp_listen = 127.0.0.1:$PORT
myhostname = mx.fault.example
min_free_space = $1
probe_interval = 1
smtp_timeout = 30s
dns_resolver = 127.0.0.1:$DEAD
CONF
}
start_relay() {
	"${RELAY_ENV[@]}" "$BMX_BUILD/backupmxd" -c "$CONF" -f 2>>"$T/relay.log" &
	PID=$!
	wait_for 10 bash -c "exec 3<>/dev/tcp/127.0.0.1/$PORT"
}
stop_relay() {
	kill -TERM "$PID" 2>/dev/null
	wait "$PID"
	local rc=$?
	PID=
	return $rc
}
send() { $PY tests/relay/fault_send.py "$PORT" "$@"; }
queued() { $CTL queue list --json | $PY -c 'import json,sys; print(len(json.load(sys.stdin)))'; }
avail() { df -B1 --output=avail "$FS" | tail -n 1 | tr -d ' '; }
# space_low: under the floor; space_full: room for a few hundred KB (or,
# with the shim, none at all); space_back: the filler (or fault) gone.
fill() { head -c $(( $(avail) - $1 )) /dev/zero >"$FS/filler"; }
space_low() { if [ "$SHIM" = 1 ]; then echo low >"$T/fault"; else fill 1048576; fi; }
space_full() { if [ "$SHIM" = 1 ]; then echo full >"$T/fault"; else fill 262144; fi; }
space_back() { rm -f "$FS/filler" "$T/fault"; }
acked=$T/acked
note_ack() {	# the reply line of fault_send: keep its queue id
	set -- $1
	[ $# -ge 5 ] && [ "$4" = 250 ] && echo "$5" >>"$acked"
}
touch "$acked"

mkdir -p "$FS"
SHIM=${BMX_FAULTS_SHIM:-0}
if [ "$SHIM" = 0 ] && ! mount -t tmpfs -o size=8m tmpfs "$FS" 2>"$T/mount.log"; then
	echo "# no tmpfs here ($(cat "$T/mount.log")): the LD_PRELOAD shim instead"
	SHIM=1
fi
# The shim is always loaded (inert until $T/fault names a fault): it
# gives the fsync failure, and the disk-full cases where no tmpfs mounts.
gcc -shared -fPIC -O1 -o "$T/fault_shim.so" tests/relay/fault_shim.c -ldl
check "the fault shim builds" [ -s "$T/fault_shim.so" ]
export BMX_FAULT_DIR=$FS/spool BMX_FAULT_FILE=$T/fault
# The sanitizer runtime wants to be first; the shim only wraps libc.
export ASAN_OPTIONS=${ASAN_OPTIONS:+$ASAN_OPTIONS:}verify_asan_link_order=0
RELAY_ENV=(env "LD_PRELOAD=$T/fault_shim.so")
if [ "$SHIM" = 1 ]; then
	what="LD_PRELOAD shim"
else
	what="8 MB tmpfs"
fi
write_conf 2097152
{ $CTL init && $CTL user add fred && $CTL domain add fault.example --owner fred &&
    $CTL backupmx add fault.example --deliver-to "127.0.0.1:$PRIM"; } \
    >"$T/setup.log" 2>&1
check "setup with backupmxctl" [ $? -eq 0 ]
start_relay || { not_ok "relay starts"; tail "$T/relay.log"; finish; }

# --- 1. below min_free_space: 452 at MAIL; back above: accepted --------
n0=$(queued)
space_low
r=$(send a@fault.example 2000 floor)
[ "$r" = 452 ] && [ "$(queued)" = "$n0" ] &&
    ok "disk below min_free_space ($what): MAIL 452, nothing queued" ||
    not_ok "disk below min_free_space: got '$r', queue $n0 -> $(queued)"
space_back
r=$(send a@fault.example 2000 floor-back)
note_ack "$r"
case $r in "250 250 354 250 "*) ok "space back: the same message is queued ($r)" ;;
*) not_ok "space back: got '$r'" ;; esac

# --- 2. the disk fills up while a message is written: ENOSPC -----------
stop_relay
write_conf 0
start_relay
n0=$(queued)
files0=$(ls "$FS/spool/queue" | wc -l)
space_full
r=$(SAVE=$T/big.txt send a@fault.example 1500000 enospc)
set -- $r
{ [ "${4:-}" = 452 ] || [ "${4:-}" = 451 ]; } && [ $# -eq 4 ] &&
    ok "disk full during DATA ($what): $4 after the dot, no queue id" ||
    not_ok "disk full during DATA: got '$r'"
[ "$(queued)" = "$n0" ] && [ "$(ls "$FS/spool/queue" | wc -l)" = "$files0" ] &&
    [ -z "$(ls -A "$FS/spool/incoming")" ] &&
    ok "disk full: nothing queued, nothing half-written left in incoming/ or queue/" ||
    not_ok "disk full left: queue $n0 -> $(queued), files $files0 -> $(ls "$FS/spool/queue" | wc -l), incoming: $(ls "$FS/spool/incoming")"
if [ "$SHIM" = 0 ]; then
	r=$(send a@fault.example 2000 small-while-full)
	note_ack "$r"
	case $r in "250 250 354 250 "*) ok "a small message still fits: queued" ;;
	*) not_ok "a small message while nearly full: got '$r'" ;; esac
fi
space_back
r=$(SAVE=$T/big.txt send a@fault.example 1500000 enospc)
note_ack "$r"
set -- $r
# The spool file is our Received: header, then exactly the text.
if [ "${4:-}" = 250 ] && tail -c "$(wc -c <"$T/big.txt")" \
    "$FS/spool/queue/$5" | cmp -s - "$T/big.txt"; then
	ok "space back: the same 1.5 MB message is queued, text intact"
else
	not_ok "space back: got '$r'"
fi

# --- 2b. fsync fails (EIO): the data may not be on disk, so no 250 -----
n0=$(queued)
files0=$(ls "$FS/spool/queue" | wc -l)
echo fsync >"$T/fault"
r=$(send a@fault.example 2000 fsync-fails)
set -- $r
[ "${4:-}" = 451 ] && [ $# -eq 4 ] && [ "$(queued)" = "$n0" ] &&
    [ "$(ls "$FS/spool/queue" | wc -l)" = "$files0" ] &&
    [ -z "$(ls -A "$FS/spool/incoming")" ] &&
    ok "fsync fails (EIO, shim): 451 after the dot, nothing queued or left behind" ||
    not_ok "fsync fails: got '$r', queue $n0 -> $(queued), files $files0 -> $(ls "$FS/spool/queue" | wc -l)"
rm -f "$T/fault"
r=$(send a@fault.example 2000 fsync-back)
note_ack "$r"
case $r in "250 250 354 250 "*) ok "fsync works again: mail accepted" ;;
*) not_ok "after the fsync fault: got '$r'" ;; esac

# --- 3. the database locked longer than the busy timeout: 451 ----------
n0=$(queued)
$PY -c '
import sqlite3, sys, time
c = sqlite3.connect(sys.argv[1], timeout=10, isolation_level=None)
c.execute("BEGIN EXCLUSIVE")
open(sys.argv[2], "w").close()
time.sleep(float(sys.argv[3]))
c.execute("COMMIT")' "$DB" "$T/locked" 8 &
LOCK_PID=$!
wait_for 10 test -e "$T/locked"
r=$(send a@fault.example 2000 locked)
set -- $r
case $r in
*" 451"|"250 451"|"451") ok "database locked: 451 ($r), no 250" ;;
*) not_ok "database locked: got '$r'" ;;
esac
wait "$LOCK_PID"
LOCK_PID=
[ "$(queued)" = "$n0" ] && ok "database locked: nothing queued" ||
    not_ok "database locked: queue $n0 -> $(queued)"
r=$(send a@fault.example 2000 unlocked)
note_ack "$r"
case $r in "250 250 354 250 "*) ok "lock released: mail accepted again" ;;
*) not_ok "lock released: got '$r'" ;; esac
files=$(ls "$FS/spool/queue" | sort)
rows=$(sqlite3 "$DB" 'SELECT id FROM queue_message ORDER BY id' | sort)
[ "$files" = "$rows" ] && ok "spool files and queue rows match ($(echo "$rows" | grep -c .))" ||
    not_ok "spool files and queue rows differ"

# --- 4. the primary drops the connection in the middle of DATA ---------
$PY tests/relay/drop_primary.py "$PRIM" "$T/drops" 2>>"$T/prim.log" &
PRIM_PID=$!
$CTL queue flush >/dev/null
wait_for 20 bash -c "[ \$(cat '$T/drops' 2>/dev/null | wc -l) -ge 2 ]"
drops=$(cat "$T/drops" 2>/dev/null | wc -l)
kill "$PRIM_PID"; wait "$PRIM_PID" 2>/dev/null
[ "$drops" -ge 2 ] && [ "$(queued)" -ge 1 ] &&
    ok "primary drops during DATA ($drops times): every message stays queued" ||
    not_ok "drop: $drops drops, $(queued) queued"
grep -q 'status=deferred' "$T/relay.log" && ok "the drops are logged as deferred" ||
    not_ok "no deferred line"
$PY tests/relay/fake_primary.py "$PRIM" "$T/primary" >>"$T/prim.log" 2>&1 &
PRIM_PID=$!
wait_for 10 bash -c "exec 3<>/dev/tcp/127.0.0.1/$PRIM"
$CTL queue flush >/dev/null
wait_for 30 bash -c "[ \$($CTL queue list --json | $PY -c 'import json,sys; print(len(json.load(sys.stdin)))') = 0 ]"
want=$(sort -u "$acked" | grep -c .)
got=$(ls "$T/primary"/*.eml 2>/dev/null | wc -l)
[ "$(queued)" = 0 ] && [ "$got" = "$want" ] &&
    ok "primary healthy: all $want acknowledged messages delivered, each once" ||
    not_ok "primary healthy: $got delivered of $want acknowledged, $(queued) queued"
stop_relay
check "relay exits 0 on SIGTERM" [ $? -eq 0 ]
! grep -E -q "runtime error|Sanitizer" "$T/relay.log"
check "no sanitizer report in the relay's log" [ $? -eq 0 ]
[ "$TEST_FAILED" -ne 0 ] && tail -n 30 "$T/relay.log" | sed 's/^/# /'
finish
