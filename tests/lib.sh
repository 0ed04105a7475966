# Shared helpers of the black-box tests (sourced, bash).
#
# ok/not_ok print one result line each; the runner counts them.  check
# runs a command and reports by its status.  free_port asks the kernel for
# an unused loopback port.  BMX_BUILD selects the binaries (build or
# build/san).
BMX_BUILD=${BMX_BUILD:-build}
TEST_FAILED=0

ok() { echo "ok - $*"; }
not_ok() { echo "not ok - $*"; TEST_FAILED=1; }

# check "description" command...: ok when the command exits 0.
check() {
	local what=$1
	shift
	if "$@"; then ok "$what"; else not_ok "$what"; fi
}

free_port() {
	/usr/bin/python3 -c 'import socket
s = socket.socket()
s.bind(("127.0.0.1", 0))
print(s.getsockname()[1])'
}

# wait_for SECONDS command...: poll until the command succeeds.
wait_for() {
	local limit=$1 i=0
	shift
	while ! "$@" 2>/dev/null; do
		i=$((i + 1))
		[ "$i" -ge $((limit * 10)) ] && return 1
		sleep 0.1
	done
}

finish() { exit "$TEST_FAILED"; }

# queue_summary_exact DB: the per-domain summary (queue_domain, kept by
# triggers) equals a fresh sum over queue_message, row for row.
queue_summary_exact() {
	[ "$(sqlite3 "$1" "SELECT count(*) FROM (SELECT * FROM (SELECT domain,
	    messages, bytes, held FROM queue_domain EXCEPT SELECT domain,
	    count(*), sum(size), sum(held) FROM queue_message GROUP BY domain)
	    UNION ALL SELECT * FROM (SELECT domain, count(*), sum(size),
	    sum(held) FROM queue_message GROUP BY domain EXCEPT SELECT domain,
	    messages, bytes, held FROM queue_domain))")" = 0 ]
}
