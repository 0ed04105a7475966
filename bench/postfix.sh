# A private Postfix instance configured as a backup MX for one domain:
# the reference the relay is measured against (sourced by bench/run.sh).
#
# Everything lives under PFX (config_directory, queue_directory,
# data_directory, maillog_file); the system's Postfix, if any, is never
# touched.  relay_domains makes it accept the domain from anyone; the
# domain's next hop is a dead primary (DEAD = 127.0.0.1:1, nothing
# listens), so every message stays queued (deferred), as on a backup MX
# while the primary is down — the same situation as the relay's.
# Postfix fsyncs each queue file before its 250 (compiled in).
#
#   pfx_setup DIR PORT DOMAIN DEAD  main.cf/master.cf, create the queue
#   pfx_start / pfx_stop            start; stop (bounded, kills if it must)
#   pfx_count                       messages in the queue (every state)
#   pfx_settle                      wait (bounded) until none is in flight

PFX=
PFX_MASTER=

pfx_setup() {
	PFX=$1
	local port=$2 domain=$3 dead=$4
	mkdir -p "$PFX/etc" "$PFX/queue" "$PFX/data"
	# Postfix daemons run as "postfix": they must reach the queue.
	chmod 755 "$PFX"
	chown postfix "$PFX/data"
	cat >"$PFX/etc/main.cf" <<EOF
compatibility_level = 3.6
queue_directory = $PFX/queue
data_directory = $PFX/data
maillog_file = $PFX/maillog
maillog_file_prefixes = $PFX
myhostname = postfix.$domain
mydomain = $domain
myorigin = \$myhostname
mydestination =
inet_interfaces = 127.0.0.1
inet_protocols = ipv4
mynetworks = 127.0.0.0/8
relay_domains = $domain
smtpd_relay_restrictions = permit_auth_destination, reject
smtpd_recipient_restrictions = permit_auth_destination, reject
relay_transport = relay:[${dead%:*}]:${dead##*:}
message_size_limit = 52428800
alias_maps =
alias_database =
local_recipient_maps =
biff = no
EOF
	# No chroot (it would need copies of /etc), only the services a
	# relay needs; smtpd on the benchmark's loopback port.
	{
		echo "127.0.0.1:$port inet n - n - - smtpd"
		cat <<'EOF'
pickup    unix  n  -  n  60     1  pickup
cleanup   unix  n  -  n  -      0  cleanup
qmgr      unix  n  -  n  300    1  qmgr
rewrite   unix  -  -  n  -      -  trivial-rewrite
bounce    unix  -  -  n  -      0  bounce
defer     unix  -  -  n  -      0  bounce
trace     unix  -  -  n  -      0  bounce
verify    unix  -  -  n  -      1  verify
flush     unix  n  -  n  1000?  0  flush
proxymap  unix  -  -  n  -      -  proxymap
proxywrite unix -  -  n  -      1  proxymap
smtp      unix  -  -  n  -      -  smtp
relay     unix  -  -  n  -      -  smtp
showq     unix  n  -  n  -      -  showq
error     unix  -  -  n  -      -  error
retry     unix  -  -  n  -      -  error
discard   unix  -  -  n  -      -  discard
anvil     unix  -  -  n  -      1  anvil
scache    unix  -  -  n  -      1  scache
postlog   unix-dgram n - n -    1  postlogd
EOF
	} >"$PFX/etc/master.cf"
	# "check" creates the queue's subdirectories with their owners.
	postfix -c "$PFX/etc" check >"$PFX/setup.log" 2>&1
}

pfx_start() {
	postfix -c "$PFX/etc" start >>"$PFX/setup.log" 2>&1 || return 1
	wait_for 10 test -s "$PFX/queue/pid/master.pid" || return 1
	PFX_MASTER=$(tr -d ' ' <"$PFX/queue/pid/master.pid")
}

pfx_stop() {
	[ -n "$PFX_MASTER" ] || return 0
	postfix -c "$PFX/etc" stop >>"$PFX/setup.log" 2>&1
	if ! wait_for 10 pfx_gone; then
		postfix -c "$PFX/etc" abort >>"$PFX/setup.log" 2>&1
		wait_for 5 pfx_gone || kill -KILL "$PFX_MASTER" 2>/dev/null
	fi
	PFX_MASTER=
}

pfx_gone() { ! kill -0 "$PFX_MASTER" 2>/dev/null; }

pfx_count() {
	find "$PFX/queue/incoming" "$PFX/queue/active" "$PFX/queue/deferred" \
	    "$PFX/queue/hold" "$PFX/queue/maildrop" -type f | wc -l
}

# Accepted mail moves incoming → active → deferred; count it at rest.
pfx_idle() {
	[ -z "$(find "$PFX/queue/incoming" "$PFX/queue/active" -type f |
	    head -n 1)" ]
}
pfx_settle() { wait_for 60 pfx_idle; }
