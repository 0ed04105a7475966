#!/bin/bash
# Zone Management through a real nginx (tests/web/web_lib.sh): records
# edited over HTTP (validation with the terminating-dot rule, duplicates,
# CNAME exclusivity, edit, delete), "Add BackupMX entries" (kept primary,
# asked-for primary, one backup server, MailProxy in the primary's place),
# provisioning when BackupMX is activated (panel "+", order, backupmxctl)
# and its removal on delete, the SOA serial, the master-file download.
# Then the exported zone is served by Knot (kzonecheck clean, dig sees
# what the panel shows), the relay's dns_resolver points at it and mail
# for the domain reaches the fake primary the MX record names; the DNS
# check page judges external domains served by the same Knot.  Last, the
# tenant-isolation table (bob on every zone route and verb of alice's:
# 404, nothing changes) and CSRF refusals for every POST route.
#
# BMX_BUILD=build/san runs the sanitizer build of panel and relay.
set -u
cd "$(dirname "$0")/../.."
. tests/lib.sh
. tests/web/web_lib.sh
PY=/usr/bin/python3

DNS=$(free_port)
web_start "myhostname = mx.ours.example
mx_names = mx.ours.example mx2.ours.example mx3.ours.example
zone_nameservers = ns1.ours.example ns2.ours.example
zone_hostmaster = hostmaster.ours.example
dns_resolver = 127.0.0.1:$DNS"
web_user alice
web_user bob
web_user root --admin
OTHER_PIDS=()
zone_stop() {
	local p
	for p in "${OTHER_PIDS[@]}"; do kill "$p" 2>/dev/null; done
	for p in "${OTHER_PIDS[@]}"; do wait "$p" 2>/dev/null; done
	web_stop
}
trap zone_stop EXIT

ctl_ok() { $CTL "$@" >/dev/null 2>>"$T/ctl.err"; }
expect() {
	local got
	got=$(web_status "$1")
	[ "$got" = "$2" ] && ok "$3" || not_ok "$3 (status ${got:-none}, want $2)"
}
has() { grep -qF -- "$2" "$T/$1.b" && ok "$3" || not_ok "$3 (no \"$2\")"; }
hasnt() { grep -qF -- "$2" "$T/$1.b" && not_ok "$3 (found \"$2\")" || ok "$3"; }
location() { sed -n 's/^[Ll]ocation: //p' "$T/$1.h" | head -n 1; }
q() { sqlite3 "$DB" "$1"; }
# The records of a zone as "name type pref value" lines, sorted.
recs() {
	sqlite3 "$DB" "SELECT r.name || ' ' || r.type || ' ' ||
	    coalesce(r.pref, '-') || ' ' || r.value || ' ' || r.provisioned
	    FROM zone_record r JOIN domain d ON d.id = r.domain_id
	    WHERE d.name = '$1' ORDER BY r.type, r.pref, r.value"
}
serial() { q "SELECT coalesce((SELECT serial FROM zone_serial s JOIN domain d
    ON d.id = s.domain_id WHERE d.name = '$1'), 1)"; }
db_state() {
	sqlite3 "$DB" "SELECT * FROM zone_record ORDER BY id;
	    SELECT * FROM zone_serial ORDER BY 1;
	    SELECT id, mailproxy FROM domain ORDER BY id;
	    SELECT count(*) FROM audit_log;" | md5sum
}
rec_id() {	# domain name type value
	q "SELECT r.id FROM zone_record r JOIN domain d ON d.id = r.domain_id
	    WHERE d.name = '$1' AND r.name = '$2' AND r.type = '$3' AND
	    r.value = '$4'"
}

# --- fixtures ----------------------------------------------------------

ctl_ok domain add shop.example --owner alice
ctl_ok domain add bücher.example --owner alice
ctl_ok domain add one.example --owner alice
ctl_ok domain add ext.example --owner alice --external
ctl_ok domain add ext2.example --owner alice --external
ctl_ok domain add bob.example --owner bob
web_login alice alice || { not_ok "alice signs in"; finish; }
web_login bob bob || { not_ok "bob signs in"; finish; }
web_login root root || { not_ok "root signs in"; finish; }

# --- the list and the Zone tab -----------------------------------------

web_get alice l1 /zones
expect l1 200 "GET /zones"
has l1 'href="/zones/shop.example"' "alice's managed zone is listed"
has l1 'href="/zones/ext.example/check"' "an external domain has the DNS check"
hasnt l1 'bob.example' "bob's zone is not in alice's list"
sed -n '/<nav class="main"/,/<\/nav>/s/.*<li><a href="\([^"]*\)".*/\1/p' "$T/l1.b" |
    tr '\n' ' ' | grep -q '/backupmx /zones .*/account ' &&
    ok "nav: Zones between BackupMX and Account" || not_ok "nav order"
web_get root l2 /zones
has l2 'bob.example' "an admin sees every zone"
web_get alice z1 /zones/shop.example
expect z1 200 "the Zone tab"
has z1 '<code>ns1.ours.example.</code>' "SOA/NS defaults from zone_nameservers"
has z1 "hostmaster.ours.example" "... and zone_hostmaster"
web_get alice pf /portfolio/shop.example
has pf 'href="/zones/shop.example"' "the portfolio domain page links to its zone"

# --- records: validation -----------------------------------------------

web_post alice r1 /zones/shop.example/records name=@ type=MX ttl=3600 \
    pref=10 value=mail.shop.example
expect r1 200 "MX host without the terminating dot: the form again"
has r1 'the host name must end with a dot: write &quot;mail.shop.example.&quot;' \
    "... which explains the dot rule"
has r1 'value="mail.shop.example"' "... and keeps the input"
check "... and stores nothing" test -z "$(recs shop.example)"
web_post alice r2 /zones/shop.example/records name=@ type=MX pref=70000 \
    value=mail.shop.example.
has r2 'preference must be a number from 0 to 65535' "preference out of range"
web_post alice r3 /zones/shop.example/records name=www type=A ttl=5 \
    value=300.1.1.1
has r3 'TTL must be a number of seconds from 60' "TTL too small"
has r3 'an A record needs an IPv4 address' "bad IPv4 address"
web_post alice r4 /zones/shop.example/records 'name=a b' type=TXT value=x
has r4 'is not a usable name' "bad owner name"
web_post alice r5 /zones/shop.example/records name=x type=SRV value=x
has r5 'choose MX, A, AAAA, CNAME or TXT' "unknown type"

s0=$(serial shop.example)
web_post alice r6 /zones/shop.example/records name=@ type=MX ttl=3600 \
    pref=10 value=Mail.Shop.Example.
expect r6 303 "MX 10 mail.shop.example. is added"
check "... stored in lower case with its dot" test "$(recs shop.example)" = \
    "@ MX 10 mail.shop.example. 0"
s1=$(serial shop.example)
check "the SOA serial increases ($s0 -> $s1)" test "$s1" -gt "$s0"
web_post alice r7 /zones/shop.example/records name=@ type=MX pref=50 \
    value=mail.shop.example.
has r7 'already has an MX record for mail.shop.example.' "duplicate MX host refused"
web_post alice r8 /zones/shop.example/records name=mail type=A value=127.0.0.1
expect r8 303 "A record mail -> 127.0.0.1"
web_post alice r9 /zones/shop.example/records name=mail type=AAAA \
    value=2001:DB8:0:0::1
expect r9 303 "AAAA record (normalised)"
check "... as 2001:db8::1" test -n "$(rec_id shop.example mail AAAA 2001:db8::1)"
web_post alice r10 /zones/shop.example/records name=www type=CNAME \
    value=shop.example.
expect r10 303 "CNAME www -> shop.example."
web_post alice r11 /zones/shop.example/records name=www type=A value=192.0.2.1
has r11 'is a CNAME (an alias for shop.example.): it can have no other records' \
    "CNAME exclusivity: no other record beside a CNAME"
web_post alice r12 /zones/shop.example/records name=mail type=CNAME \
    value=other.example.
has r12 'a CNAME must be the only record of its name' \
    "CNAME exclusivity: no CNAME beside other records"
web_post alice r13 /zones/shop.example/records name=@ type=CNAME \
    value=other.example.
has r13 'cannot be a CNAME' "no CNAME at the apex"
LONG=$(printf 'v=spf1 %0600d "quoted" \\ -all' 0)
web_post alice r14 /zones/shop.example/records name=@ type=TXT "value=$LONG"
expect r14 303 "a 630-octet TXT record"
web_post alice r15 /zones/shop.example/records name=_dmarc type=TXT \
    "value=v=DMARC1; p=none"
expect r15 303 "TXT at _dmarc"

# edit and delete
id=$(rec_id shop.example mail A 127.0.0.1)
web_get alice e1 "/zones/shop.example/records/$id"
expect e1 200 "edit form of a record"
has e1 'value="127.0.0.1"' "... shows the stored value"
s1=$(serial shop.example)
web_post alice e2 "/zones/shop.example/records/$id" name=mail type=A \
    ttl=600 value=127.0.0.1
expect e2 303 "edit saves"
check "... the new TTL" test "$(q "SELECT ttl FROM zone_record WHERE id = $id")" = 600
check "... and the serial increases" test "$(serial shop.example)" -gt "$s1"
web_post alice e3 "/zones/shop.example/records/$id" name=mail type=MX \
    pref=5 value=mx.nodot.example
has e3 'must end with a dot' "edit: the dot rule"
tmp=$(rec_id shop.example _dmarc TXT 'v=DMARC1; p=none')
web_get alice d1 "/zones/shop.example/records/$tmp/delete"
has d1 'Delete record' "delete asks for confirmation"
web_post alice d2 "/zones/shop.example/records/$tmp/delete"
expect d2 303 "delete"
check "... the record is gone" test -z "$(rec_id shop.example _dmarc TXT 'v=DMARC1; p=none')"
check "changes are audited" test "$(q "SELECT count(*) FROM audit_log WHERE
    action LIKE 'zone.record.%' AND object = 'shop.example'")" = 8

# --- Add BackupMX entries -----------------------------------------------

web_post alice b1 /zones/shop.example/backupmx servers=all
expect b1 303 "Add BackupMX entries: one click, the primary kept"
check "... MX 10 primary, 20/30/40 ours" test "$(recs shop.example | grep ' MX ')" = \
"@ MX 10 mail.shop.example. 0
@ MX 20 mx.ours.example. 1
@ MX 30 mx2.ours.example. 1
@ MX 40 mx3.ours.example. 1"
web_get alice b2 /zones/shop.example/records
has b2 'MX 20 mx.ours.example. is a backup MX' "the records tab judges the MX set"
web_post alice b3 /zones/shop.example/backupmx servers=all
check "a second click does not duplicate" test "$(recs shop.example | grep -c ' MX ')" = 4
web_post alice b4 /zones/one.example/backupmx servers=one
expect b4 200 "no mail server known: the form asks for it"
has b4 'Enter your mail server' "... with the reason"
web_post alice b5 /zones/one.example/backupmx servers=one primary=mx.one.example
has b5 'must end with a dot' "the asked-for mail server needs its dot"
web_post alice b6 /zones/one.example/backupmx servers=one primary=mx.one.example.
expect b6 303 "one backup server"
check "... MX 10 theirs, only our first at 20" test "$(recs one.example)" = \
"@ MX 10 mx.one.example. 0
@ MX 20 mx.ours.example. 1"

# MailProxy in the primary's place, IDN zone
web_post alice m1 /zones/bücher.example/mailproxy mailproxy=proxy.mp.example.
expect m1 303 "MailProxy host saved"
web_post alice m2 /zones/xn--bcher-kva.example/mailproxy 'mailproxy=bad host'
expect m2 200 "a bad MailProxy host: the form again"
ctl_ok backupmx add bücher.example
check "activation with MailProxy: proxy at 10, ours at 20/30/40 (provisioned)" \
    test "$(recs xn--bcher-kva.example)" = \
"@ MX 10 proxy.mp.example. 0
@ MX 20 mx.ours.example. 1
@ MX 30 mx2.ours.example. 1
@ MX 40 mx3.ours.example. 1"
$CTL zone export bücher.example >"$T/idn.zone" 2>>"$T/ctl.err"
grep -q '^\$ORIGIN xn--bcher-kva.example.$' "$T/idn.zone" &&
    ok "an IDN zone exports as its A-label" || not_ok "IDN origin"

# --- provisioning on activation and its removal -------------------------

web_post alice p1 /backupmx/new domain=shop.example
expect p1 303 "BackupMX '+' for shop.example"
check "provisioned records stay single" test "$(recs shop.example | grep -c ' MX ')" = 4
web_post alice p2 /backupmx/shop.example/delete
expect p2 303 "BackupMX deleted"
check "... removes only the provisioned records" test "$(recs shop.example | grep ' MX ')" = \
    "@ MX 10 mail.shop.example. 0"
check "... audited" test "$(q "SELECT count(*) FROM audit_log WHERE
    action = 'zone.unprovision' AND object = 'shop.example'")" = 1
web_post alice c1 /portfolio/shop.example/activate
web_post alice c3 /cart/complete confirm=yes
check "the order activates BackupMX again" test "$(q "SELECT count(*) FROM backupmx WHERE domain = 'shop.example'")" = 1
check "... and provisions the MX records (20/30/40)" test "$(recs shop.example | grep -c ' MX .* 1$')" = 3
ctl_ok backupmx add ext.example
check "an external domain gets no zone records" test -z "$(recs ext.example)"
web_get alice x1 /zones/ext.example/records
expect x1 404 "an external zone has no records tab"
has x1 'hosted elsewhere' "... and says why"

# --- export ---------------------------------------------------------------

web_get alice x2 /zones/shop.example/export
expect x2 200 "zone download"
grep -qi '^content-disposition: attachment; filename="shop.example.zone"' "$T/x2.h" &&
    ok "... as an attachment" || not_ok "Content-Disposition"
grep -qi '^content-type: text/plain' "$T/x2.h" && ok "... text/plain" || not_ok "Content-Type"
$CTL zone export shop.example >"$T/cli.zone"
cmp -s "$T/cli.zone" "$T/x2.b" && ok "the CLI exports the same file" || not_ok "CLI export differs"
grep -q "SOA	ns1.ours.example. hostmaster.ours.example. $(serial shop.example) " "$T/x2.b" &&
    ok "SOA: first name server, hostmaster as a name, the stored serial" || not_ok "SOA line"
grep -q '^@	3600	IN	TXT	"v=spf1 0\{248\}" "0\{255\}" "0\{97\} \\"quoted\\" \\\\ -all"$' "$T/x2.b" &&
    ok "TXT quoted, escaped and split into 255-octet strings" || not_ok "TXT: $(grep TXT "$T/x2.b")"
kzonecheck -o shop.example "$T/x2.b" >"$T/kzc.out" 2>&1 &&
    ok "kzonecheck: the exported zone is clean" || not_ok "kzonecheck: $(head -3 "$T/kzc.out")"
kzonecheck -o xn--bcher-kva.example "$T/idn.zone" >/dev/null 2>&1 &&
    ok "kzonecheck: the IDN zone is clean" || not_ok "kzonecheck IDN"

# --- Knot serves it; dig; the DNS check of external domains ---------------

cp "$T/x2.b" "$T/shop.zone"
cat >"$T/ext.zone" <<'EOF'
$ORIGIN ext.example.
$TTL 60
@	SOA	ns hostmaster 1 3600 600 86400 60
@	NS	ns
ns	A	127.0.0.1
@	MX	10 mail.ext.example.
@	MX	5 mx.ours.example.
@	MX	40 mx3.ours.example.
EOF
cat >"$T/ext2.zone" <<'EOF'
$ORIGIN ext2.example.
$TTL 60
@	SOA	ns hostmaster 1 3600 600 86400 60
@	NS	ns
ns	A	127.0.0.1
@	MX	10 mail.ext2.example.
EOF
cat >"$T/knot.conf" <<EOF
server:
    rundir: $T
    listen: 127.0.0.1@$DNS
log:
  - target: $T/knot.log
    any: info
database:
    storage: $T/kdb
template:
  - id: default
    storage: $T
    zonefile-sync: -1
    journal-content: none
zone:
  - domain: shop.example
    file: $T/shop.zone
  - domain: ext.example
    file: $T/ext.zone
  - domain: ext2.example
    file: $T/ext2.zone
EOF
knotd -c "$T/knot.conf" >"$T/knotd.out" 2>&1 &
OTHER_PIDS+=($!)
wait_for 10 bash -c "dig +time=1 +tries=1 @127.0.0.1 -p $DNS shop.example SOA | grep -q 'status: NOERROR'" &&
    ok "knotd serves the exported zone" || { not_ok "knotd: $(tail -3 "$T/knot.log")"; finish; }
got=$(dig +short @127.0.0.1 -p "$DNS" shop.example MX | sort -n | tr '\n' ' ')
[ "$got" = "10 mail.shop.example. 20 mx.ours.example. 30 mx2.ours.example. 40 mx3.ours.example. " ] &&
    ok "dig: the MX records the panel shows" || not_ok "dig MX: $got"
[ "$(dig +short @127.0.0.1 -p "$DNS" mail.shop.example A)" = 127.0.0.1 ] &&
    ok "dig: mail.shop.example A 127.0.0.1" || not_ok "dig A"
[ "$(dig +short @127.0.0.1 -p "$DNS" www.shop.example CNAME)" = shop.example. ] &&
    ok "dig: the CNAME" || not_ok "dig CNAME"

web_get alice k1 /zones/ext.example/check
expect k1 200 "DNS check of an external domain"
has k1 '<code>mail.ext.example.</code></td><td>mail server' "... shows the live MX records"
has k1 'the backup MX has a better preference than your primary' \
    "... finds a backup MX better than the primary"
has k1 'backup MX mx2.ours.example. missing' "... and what is missing"
web_get alice k2 /zones/ext2.example/check
has k2 'backup MX missing: add MX 20 mx.ours.example.' "no backup MX: 'backup MX missing'"
web_get alice k3 /zones/shop.example/check
has k3 'MX 20 mx.ours.example. is a backup MX' "a managed zone served correctly checks good"
hasnt k3 'zone-bad' "... with no problem"

# --- the relay follows the MX record of the served zone ------------------

SMTP=$(free_port) PRIM=$(free_port)
RCONF=$T/relay.conf
cat >"$RCONF" <<EOF
db = $DB
spool_dir = $T/spool
smtp_listen = 127.0.0.1:$SMTP
myhostname = mx.ours.example
mx_names = mx.ours.example mx2.ours.example mx3.ours.example
dns_resolver = 127.0.0.1:$DNS
delivery_port = $PRIM
min_free_space = 0
probe_interval = 1
EOF
$PY tests/relay/fake_primary.py "$PRIM" "$T/primary" >"$T/prim.log" 2>&1 &
OTHER_PIDS+=($!)
"$BMX_BUILD/backupmxd" -c "$RCONF" -f 2>"$T/relay.log" &
OTHER_PIDS+=($!)
wait_for 10 bash -c "echo >/dev/tcp/127.0.0.1/$SMTP && echo >/dev/tcp/127.0.0.1/$PRIM" 2>/dev/null
qid=$(swaks --server 127.0.0.1:$SMTP --from someone@sender.test \
    --to user@shop.example --body "zone test" 2>&1 |
    sed -n 's/^<-  250 2.0.0 Ok: queued as \(.*\)$/\1/p')
[ -n "$qid" ] && ok "the relay accepts mail for shop.example" || not_ok "not accepted"
wait_for 15 grep -q "$qid: to=<user@shop.example>.*status=sent" "$T/relay.log"
grep -q "$qid: to=<user@shop.example>, relay=mail.shop.example\[127.0.0.1\]:$PRIM,.*status=sent" "$T/relay.log" &&
    ok "delivered to the host the zone's MX 10 names" || not_ok "delivery: $(grep "$qid" "$T/relay.log")"
[ "$(ls "$T"/primary/*.eml 2>/dev/null | wc -l)" = 1 ] && ok "the fake primary has the message" ||
    not_ok "primary has $(ls "$T"/primary/*.eml 2>/dev/null | wc -l)"

# --- tenant isolation: bob on alice's zone ------------------------------

id=$(rec_id shop.example mail A 127.0.0.1)
before=$(db_state)
for path in /zones/shop.example /zones/shop.example/records \
    "/zones/shop.example/records/$id" "/zones/shop.example/records/$id/delete" \
    /zones/shop.example/backupmx /zones/shop.example/export \
    /zones/shop.example/check /zones/shop.example/mailproxy \
    "/zones/bob.example/records/$id" "/zones/bob.example/records/$id/delete"; do
	web_get bob i1 "$path"
	expect i1 404 "bob GET $path: 404"
	web_post bob i2 "$path" name=@ type=MX pref=1 value=evil.example. \
	    servers=all mailproxy=evil.example.
	expect i2 404 "bob POST $path: 404"
done
check "... and nothing changed" test "$(db_state)" = "$before"
web_get bob i3 /zones/nonexistent.example
expect i3 404 "a zone that does not exist: the same 404"

# --- CSRF: every POST route refuses a request without the token ---------

for path in /zones/shop.example/records "/zones/shop.example/records/$id" \
    "/zones/shop.example/records/$id/delete" /zones/shop.example/backupmx \
    /zones/shop.example/mailproxy; do
	web_fetch alice f1 --data-urlencode name=@ --data-urlencode type=MX \
	    --data-urlencode pref=1 --data-urlencode value=evil.example. \
	    --data-urlencode servers=all "$B$path"
	expect f1 403 "POST $path without CSRF token: 403"
	web_fetch alice f2 --data-urlencode csrf=forged --data-urlencode name=@ \
	    --data-urlencode type=A --data-urlencode value=192.0.2.66 "$B$path"
	expect f2 403 "POST $path with a wrong CSRF token: 403"
done
check "... and nothing changed" test "$(db_state)" = "$before"

web_get alice v1 /zones/shop.example/export -X DELETE
expect v1 405 "another verb: 405"
finish
