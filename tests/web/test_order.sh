#!/bin/bash
# Cart, orders and portfolio as a customer meets them: backupmx.fcgi behind
# a project-run nginx (tests/web/web_lib.sh), driven with curl, and the
# relay (backupmxd) on the same database answering RCPT over a real socket.
#
# Ordering a new domain with BackupMX (the relay accepts mail for it within
# about two seconds), an IDN domain shown in both forms, refusals beside
# the field (invalid, already in the cart, another customer's domain),
# removing a line, switching the service off, the explicit confirmation,
# the order history, retrospective activation from the portfolio (through
# the cart), deactivation with its confirmation page (the relay refuses
# with 550 5.7.1 afterwards), the admin's view, tenant isolation (customer
# B gets 404 for every route and verb on customer A's objects and nothing
# changes in the database) and 403 for every POST without its CSRF token.
#
# BMX_BUILD=build/san runs the sanitizer build of the panel and relay.
set -u
cd "$(dirname "$0")/../.."
. tests/lib.sh
. tests/web/web_lib.sh

SMTP_PORT=$(free_port)
RELAY_PID=
web_start "smtp_listen = 127.0.0.1:$SMTP_PORT
myhostname = mx.test.example
min_free_space = 0
dns_resolver = 127.0.0.1:9"

relay_stop() {
	if [ -n "$RELAY_PID" ]; then
		kill -TERM "$RELAY_PID" 2>/dev/null
		wait "$RELAY_PID" 2>/dev/null
	fi
	web_stop
}
trap relay_stop EXIT

# Show a log on stderr (the runner prints it under a failed test).
show_log() { [ -f "$1" ] && sed 's/^/# /' "$1" | tail -n 20 >&2; }

q() { sqlite3 -batch -noheader "$DB" "$1"; }

# The database state a refused request must leave alone.
snapshot() {
	q "SELECT * FROM orders; SELECT * FROM order_line; SELECT * FROM domain;
	   SELECT id, domain, owner_id, updater_id FROM backupmx;
	   SELECT count(*) FROM audit_log WHERE action NOT LIKE 'session.%';"
}

# The visible text of a response: tags dropped, entities of ours decoded.
text_of() { sed -e 's/<[^>]*>//g' -e 's/&amp;/\&/g' -e 's/&quot;/"/g' \
    -e 's/&#39;/'"'"'/g' "$T/$1.b"; }

expect_status() {	# NAME STATUS description
	local got
	got=$(web_status "$1")
	if [ "$got" = "$2" ]; then ok "$3"; else not_ok "$3 (status ${got:-none})"; fi
}

expect_redirect() {	# NAME LOCATION description
	local got
	got=$(sed -n 's/^Location: //Ip' "$T/$1.h" | head -n 1)
	if [ "$(web_status "$1")" = 303 ] && [ "$got" = "$2" ]; then
		ok "$3"
	else
		not_ok "$3 (status $(web_status "$1"), location ${got:-none})"
	fi
}

has_text() {	# NAME TEXT: the page shows TEXT
	text_of "$1" | grep -qF -- "$2"
}

line_id() {	# ACCOUNT DOMAIN: the line id of DOMAIN in ACCOUNT's cart
	q "SELECT l.id FROM order_line l JOIN orders o ON o.id = l.order_id
	   JOIN account a ON a.id = o.account_id WHERE a.name = '$1' AND
	   o.status = 'cart' AND l.domain = '$2'"
}

# --- the relay, on the same database ---------------------------------------

"$BMX_BUILD/backupmxd" -c "$CONF" -f 2>>"$T/relay.log" &
RELAY_PID=$!
relay_up() { (exec 3<>"/dev/tcp/127.0.0.1/$SMTP_PORT") 2>/dev/null; }
if wait_for 10 relay_up && kill -0 "$RELAY_PID" 2>/dev/null; then
	ok "relay starts on the panel's database"
else
	not_ok "relay starts on the panel's database"
	show_log "$T/relay.log"
	finish
fi

# rcpt ADDRESS: the relay's reply code and enhanced code to RCPT TO, e.g.
# "250 2.1.5", over a raw socket (greeting, EHLO, MAIL, RCPT, QUIT).
rcpt() {
	/usr/bin/python3 - "$SMTP_PORT" "$1" <<'PY'
import socket, sys
port, rcpt = int(sys.argv[1]), sys.argv[2]
s = socket.create_connection(("127.0.0.1", port), timeout=5)
f = s.makefile("rb")
def reply():
    while True:
        line = f.readline().decode("utf-8", "replace")
        if len(line) < 4 or line[3] != "-":
            return line.strip()
def cmd(c):
    s.sendall((c + "\r\n").encode())
    return reply()
reply()
cmd("EHLO client.test.example")
cmd("MAIL FROM:<sender@client.test.example>")
r = cmd("RCPT TO:<%s>" % rcpt)
cmd("QUIT")
print(" ".join(r.split()[:2]))
PY
}

# expect_rcpt ADDRESS "CODE X.Y.Z" SECONDS description: poll (bounded)
# until the relay gives that reply; the line says how long it took.
expect_rcpt() {
	local start now got i=0 limit=$(($3 * 10))
	start=$(date +%s%N)
	while :; do
		got=$(rcpt "$1" 2>/dev/null)
		[ "$got" = "$2" ] && break
		i=$((i + 1))
		[ "$i" -ge "$limit" ] && break
		sleep 0.1
	done
	now=$(date +%s%N)
	if [ "$got" = "$2" ]; then
		ok "$4 (after $(((now - start) / 1000000)) ms)"
	else
		not_ok "$4 (got '${got:-no answer}' for ${3}s)"
	fi
}

expect_rcpt postmaster@shop.example "550 5.7.1" 2 \
    "before any order the relay refuses mail for shop.example"

# --- accounts ------------------------------------------------------------------

web_user alice
web_user bob
web_user root --admin
for u in alice bob root; do
	web_login "$u" "$u" || { not_ok "$u signs in"; show_log "$T/panel.log"; finish; }
done
ok "customers alice and bob and admin root sign in"

web_get anon anon /cart
expect_redirect anon "/login?next=/cart" "the cart needs a signed-in user"

web_get alice cart /cart
expect_status cart 200 "the empty cart renders"
check "an empty cart says so" has_text cart "Your cart is empty."
check "the cart has its add form" grep -q \
    '<form class="shop-add" method="post" action="/cart/add"' "$T/cart.b"

# --- refusals beside the field ---------------------------------------------------

web_post alice bad /cart/add "domain=bad..example"
expect_status bad 200 "an invalid domain comes back as the form"
check "the reason stands beside the domain field" grep -q \
    'id="cart-domain-error"' "$T/bad.b"
check "the form keeps what was typed" grep -q 'value="bad..example"' "$T/bad.b"
check "the field is marked invalid" grep -q 'aria-invalid="true"' "$T/bad.b"

web_post alice esc /cart/add 'domain=<script>x</script>.example'
check "typed input is escaped, never raw" \
    bash -c "! grep -q '<script>x' '$T/esc.b' && grep -q '&lt;script&gt;x' '$T/esc.b'"

web_post alice empty /cart/add "domain="
check "an empty domain is refused beside the field" grep -q \
    'id="cart-domain-error"' "$T/empty.b"
check "refused additions leave the database alone" \
    test "$(q "SELECT count(*) FROM order_line")" = 0

# --- order a new domain with BackupMX ----------------------------------------------

web_post alice add1 /cart/add "domain=Shop.Example"
expect_redirect add1 /cart "adding a domain redirects to the cart"
web_get alice cart /cart
check "the cart shows the new domain" has_text cart "shop.example"
check "a new-domain line has BackupMX off until switched on" \
    test "$(q "SELECT action || ' ' || backupmx FROM order_line")" = "domain 0"
check "the cart is an order with status 'cart'" \
    test "$(q "SELECT status FROM orders o JOIN account a ON a.id =
    o.account_id WHERE a.name = 'alice'")" = cart

web_post alice dup /cart/add "domain=shop.example"
check "the same domain twice is refused: already in the cart" \
    has_text dup "shop.example is already in your cart."

L_SHOP=$(line_id alice shop.example)
web_post alice on1 /cart/backupmx "line=$L_SHOP" "backupmx=on"
expect_redirect on1 /cart "switching BackupMX on redirects to the cart"
check "the line's BackupMX switch is on" \
    test "$(q "SELECT backupmx FROM order_line WHERE id = $L_SHOP")" = 1
web_post alice badsw /cart/backupmx "line=$L_SHOP" "backupmx=maybe"
expect_status badsw 400 "a switch value that is neither on nor off is 400"

web_get alice review /cart/review
expect_status review 200 "the review page renders"
check "the review says the domain goes into the portfolio" \
    has_text review "add the domain to your portfolio"
check "the review says BackupMX is activated" has_text review "activate BackupMX"
check "the review asks for the confirmation" has_text review "I confirm the order"

before=$(snapshot)
web_post alice noconf /cart/complete "external=$L_SHOP"
expect_status noconf 200 "completing without the confirmation shows the review again"
check "the confirmation error stands beside the checkbox" grep -q \
    'id="confirm-error"' "$T/noconf.b"
check "the ticked 'DNS hosted elsewhere' box stays ticked" grep -q \
    "name=\"external\" value=\"$L_SHOP\" checked" "$T/noconf.b"
check "without the confirmation nothing changes" test "$(snapshot)" = "$before"
web_post alice noconf2 /cart/complete "confirm=no"
check "confirm=no is not a confirmation" test "$(snapshot)" = "$before"

web_post alice done1 /cart/complete "confirm=yes"
O_SHOP=$(q "SELECT id FROM orders WHERE status = 'completed'")
expect_redirect done1 "/orders/$O_SHOP" "completing the order redirects to the order page"
expect_rcpt postmaster@shop.example "250 2.1.5" 2 \
    "the relay accepts RCPT for the ordered domain within 2 s"
check "the order is completed with its time" test "$(q "SELECT status,
    completed IS NOT NULL FROM orders WHERE id = $O_SHOP")" = "completed|1"
check "the domain is in alice's portfolio, zone managed" test "$(q "SELECT
    a.name, d.external FROM domain d JOIN account a ON a.id = d.account_id
    WHERE d.name = 'shop.example'")" = "alice|0"
check "the BackupMX record has owner and updater alice" test "$(q "SELECT
    o.name, u.name, b.active FROM backupmx b JOIN account o ON o.id =
    b.owner_id JOIN account u ON u.id = b.updater_id WHERE b.domain =
    'shop.example'")" = "alice|alice|1"
check "domain, record and order are in the audit log" test "$(q "SELECT
    group_concat(action, ' ') FROM (SELECT action FROM audit_log WHERE
    actor = 'alice' AND action IN ('domain.add', 'backupmx.add',
    'order.complete') ORDER BY id)")" = "domain.add backupmx.add order.complete"
check "the audit entries carry the client address" test "$(q "SELECT
    count(*) FROM audit_log WHERE action = 'order.complete' AND client =
    '127.0.0.1'")" = 1

web_get alice order1 "/orders/$O_SHOP"
expect_status order1 200 "the order page renders"
check "the order page lists the line with its action and BackupMX on" \
    bash -c "grep -q 'shop.example' '$T/order1.b' &&
    grep -q 'new domain' '$T/order1.b' && grep -q 'shop-on\">on' '$T/order1.b'"
check "the order page shows the status" has_text order1 "completed"

web_post alice again /cart/complete "confirm=yes"
check "completing an empty cart is refused with a reason" \
    has_text again "Your cart is empty."

# --- an IDN domain, both forms, DNS hosted elsewhere -------------------------------

web_post alice idn /cart/add "domain=Bücher.Example"
expect_redirect idn /cart "an IDN domain goes into the cart"
web_get alice cart /cart
check "the cart shows the IDN in both forms" \
    has_text cart "bücher.example (xn--bcher-kva.example)"
L_IDN=$(line_id alice xn--bcher-kva.example)
check "the line stores A-label and U-label" test "$(q "SELECT idn FROM
    order_line WHERE id = $L_IDN")" = "bücher.example"
web_post alice dupidn /cart/add "domain=xn--bcher-kva.example"
check "the A-label of a U-label in the cart is the same domain" \
    has_text dupidn "bücher.example (xn--bcher-kva.example) is already in your cart."
web_post alice on2 /cart/backupmx "line=$L_IDN" "backupmx=on"
web_get alice review /cart/review
check "the review shows the IDN in both forms" \
    has_text review "bücher.example (xn--bcher-kva.example)"
web_post alice done2 /cart/complete "confirm=yes" "external=$L_IDN"
O_IDN=$(q "SELECT order_id FROM order_line WHERE id = $L_IDN")
expect_redirect done2 "/orders/$O_IDN" "the IDN order completes"
check "the IDN domain is in the portfolio as external" test "$(q "SELECT
    idn, external FROM domain WHERE name = 'xn--bcher-kva.example'")" = \
    "bücher.example|1"
expect_rcpt postmaster@xn--bcher-kva.example "250 2.1.5" 2 \
    "the relay accepts RCPT for the IDN domain"

# --- remove a line, switch a line off -----------------------------------------------

web_post alice add3 /cart/add "domain=gone.example"
L_GONE=$(line_id alice gone.example)
web_post alice rm /cart/remove "line=$L_GONE"
expect_redirect rm /cart "removing a line redirects to the cart"
web_get alice cart /cart
check "the removed domain is no longer in the cart" \
    bash -c "! grep -q 'gone.example' '$T/cart.b'"
check "the removed line is gone from the database" \
    test -z "$(q "SELECT id FROM order_line WHERE domain = 'gone.example'")"
check "removing is audited" test "$(q "SELECT count(*) FROM audit_log WHERE
    action = 'cart.remove' AND object = 'gone.example'")" = 1
web_post alice rm2 /cart/remove "line=$L_GONE"
expect_status rm2 404 "removing a removed line is 404"

web_post alice add4 /cart/add "domain=plain.example"
L_PLAIN=$(line_id alice plain.example)
web_post alice on4 /cart/backupmx "line=$L_PLAIN" "backupmx=on"
web_post alice off4 /cart/backupmx "line=$L_PLAIN" "backupmx=off"
web_get alice cart /cart
check "the switched-off line shows BackupMX off" grep -q \
    'name="backupmx" value="on"' "$T/cart.b"
check "switching is audited both ways" test "$(q "SELECT group_concat(detail,
    ' ') FROM audit_log WHERE action = 'cart.backupmx' AND object =
    'plain.example'")" = "on off"
web_post alice done4 /cart/complete "confirm=yes"
O_PLAIN=$(q "SELECT order_id FROM order_line WHERE domain = 'plain.example'")
expect_redirect done4 "/orders/$O_PLAIN" "an order without the service completes"
check "the domain without the service has no BackupMX record" test "$(q "SELECT
    (SELECT count(*) FROM domain WHERE name = 'plain.example'),
    (SELECT count(*) FROM backupmx WHERE domain = 'plain.example')")" = "1|0"
expect_rcpt postmaster@plain.example "550 5.7.1" 1 \
    "the relay refuses mail for a domain without BackupMX"

# --- another customer's domain ---------------------------------------------------

web_post bob taken /cart/add "domain=shop.example"
check "bob cannot put alice's domain in his cart" \
    has_text taken "shop.example is already in another customer's portfolio."
check "the refusal does not name the owner" bash -c "! grep -q alice '$T/taken.b'"
check "the refusal stands beside the field and keeps the input" \
    bash -c "grep -q 'id=\"cart-domain-error\"' '$T/taken.b' &&
    grep -q 'value=\"shop.example\"' '$T/taken.b'"
web_post bob takenidn /cart/add "domain=BÜCHER.example"
check "...in either form of an IDN" \
    has_text takenidn "already in another customer's portfolio"
check "bob has no cart lines" test "$(q "SELECT count(*) FROM order_line l
    JOIN orders o ON o.id = l.order_id JOIN account a ON a.id = o.account_id
    WHERE a.name = 'bob'")" = 0

# A domain both have in the cart goes to whoever completes first.
web_post alice race1 /cart/add "domain=race.example"
web_post bob race2 /cart/add "domain=race.example"
web_post bob race3 /cart/complete "confirm=yes"
before=$(snapshot)
web_post alice race4 /cart/complete "confirm=yes"
check "completing a domain someone else got meanwhile is refused beside the line" \
    bash -c "grep -q 'race.example is now in another customer' '$T/race4.b' &&
    grep -q 'class=\"invalid\"' '$T/race4.b'"
check "...and the whole order is left untouched" test "$(snapshot)" = "$before"
web_post alice race5 /cart/remove "line=$(line_id alice race.example)"

# --- order history ----------------------------------------------------------------

web_get alice orders /orders
expect_status orders 200 "the order history renders"
check "the history lists every completed order of alice" bash -c "
    grep -q 'href=\"/orders/$O_SHOP\"' '$T/orders.b' &&
    grep -q 'href=\"/orders/$O_IDN\"' '$T/orders.b' &&
    grep -q 'href=\"/orders/$O_PLAIN\"' '$T/orders.b'"
check "the history shows status and line count" \
    bash -c "grep -c 'completed' '$T/orders.b' | grep -qv '^0$' &&
    grep -q 'class=\"num\">1</td>' '$T/orders.b'"
O_BOB=$(q "SELECT o.id FROM orders o JOIN account a ON a.id = o.account_id
    WHERE a.name = 'bob' AND o.status = 'completed'")
check "alice's history does not list bob's order" \
    bash -c "! grep -q 'href=\"/orders/$O_BOB\"' '$T/orders.b'"

# --- the portfolio, retrospective activation --------------------------------------

web_get alice pf /portfolio
expect_status pf 200 "the portfolio renders"
check "the portfolio lists alice's domains, the IDN in both forms" bash -c "
    grep -q 'href=\"/portfolio/shop.example\"' '$T/pf.b' &&
    grep -q 'href=\"/portfolio/plain.example\"' '$T/pf.b'" 
check "...the IDN in both forms" has_text pf "bücher.example (xn--bcher-kva.example)"
check "...with zone and BackupMX state" bash -c "grep -q external '$T/pf.b' &&
    grep -q managed '$T/pf.b' && grep -q 'not active' '$T/pf.b'"
check "...and without bob's domain or an owner column" \
    bash -c "! grep -q race.example '$T/pf.b' && ! grep -q Customer '$T/pf.b'"

web_get alice dom /portfolio/plain.example
expect_status dom 200 "the domain page renders"
check "the domain page has a Services section offering BackupMX" bash -c "
    grep -q '>Services<' '$T/dom.b' &&
    grep -q 'action=\"/portfolio/plain.example/activate\"' '$T/dom.b'"
web_get alice domu "/portfolio/bücher.example"
expect_status domu 200 "the domain page answers to the U-label too"

web_post alice act /portfolio/plain.example/activate
expect_redirect act /cart "Activate BackupMX puts a line in the cart and goes there"
L_ACT=$(line_id alice plain.example)
check "the line is a service-only line with BackupMX on" test "$(q "SELECT
    action, backupmx FROM order_line WHERE id = $L_ACT")" = "backupmx|1"
check "activation alone does not create the record" test "$(q "SELECT
    count(*) FROM backupmx WHERE domain = 'plain.example'")" = 0
web_post alice act2 /portfolio/plain.example/activate
check "activating twice keeps one line" test "$(q "SELECT count(*) FROM
    order_line WHERE domain = 'plain.example' AND order_id = (SELECT
    order_id FROM order_line WHERE id = $L_ACT)")" = 1
web_get alice cart /cart
check "the cart shows it as a service for a portfolio domain" \
    has_text cart "Service for a portfolio domain"
web_get alice review /cart/review
check "the review does not add the domain again" \
    bash -c "! grep -q 'add the domain to your portfolio' '$T/review.b'"
web_post alice done5 /cart/complete "confirm=yes"
O_ACT=$(q "SELECT order_id FROM order_line WHERE id = $L_ACT")
expect_redirect done5 "/orders/$O_ACT" "the retrospective order completes"
check "the portfolio domain now has its BackupMX record" test "$(q "SELECT
    count(*) FROM backupmx WHERE domain = 'plain.example'")" = 1
check "...and the domain was not added twice" test "$(q "SELECT count(*) FROM
    domain WHERE name = 'plain.example'")" = 1
expect_rcpt postmaster@plain.example "250 2.1.5" 2 \
    "the relay accepts mail after the retrospective activation"
web_get alice order5 "/orders/$O_ACT"
check "the order page calls it a service line" \
    has_text order5 "service for a portfolio domain"

web_post alice addown /cart/add "domain=shop.example"
check "a portfolio domain with BackupMX cannot be ordered again" \
    has_text addown "BackupMX is already active for shop.example."

# --- deactivation ------------------------------------------------------------------

web_get alice deact /portfolio/shop.example/deactivate
expect_status deact 200 "the deactivation confirmation page renders"
check "it says mail already queued is still delivered" \
    has_text deact "Mail already queued for it is still delivered"
before=$(snapshot)
web_post alice deact0 /portfolio/shop.example/deactivate
expect_status deact0 200 "deactivating without confirm=yes shows the page again"
check "...and keeps the record" test "$(snapshot)" = "$before"
web_post alice deact1 /portfolio/shop.example/deactivate "confirm=yes"
expect_redirect deact1 /portfolio/shop.example "the confirmed deactivation redirects to the domain"
check "the record is gone, the domain stays" test "$(q "SELECT (SELECT
    count(*) FROM backupmx WHERE domain = 'shop.example'), (SELECT count(*)
    FROM domain WHERE name = 'shop.example')")" = "0|1"
check "deactivation is audited" test "$(q "SELECT count(*) FROM audit_log
    WHERE action = 'backupmx.del' AND object = 'shop.example' AND actor =
    'alice'")" = 1
expect_rcpt postmaster@shop.example "550 5.7.1" 2 \
    "after deactivation the relay refuses with 550 5.7.1"
web_get alice dom2 /portfolio/shop.example
check "the domain page offers activation again" \
    grep -q 'action="/portfolio/shop.example/activate"' "$T/dom2.b"

# --- admin --------------------------------------------------------------------------

web_get root apf /portfolio
check "the admin's portfolio lists every customer's domains with the owner" \
    bash -c "grep -q 'shop.example' '$T/apf.b' && grep -q race.example '$T/apf.b' &&
    grep -q '<td>alice</td>' '$T/apf.b' && grep -q '<td>bob</td>' '$T/apf.b'"
web_get root adom /portfolio/race.example
expect_status adom 200 "the admin opens a customer's domain page"
web_get root aord "/orders/$O_BOB"
expect_status aord 200 "the admin opens a customer's order"
web_post root aact /portfolio/race.example/activate
web_post root adone /cart/complete "confirm=yes"
check "the admin activates BackupMX for bob's domain: owner bob, updater root" \
    test "$(q "SELECT o.name, u.name FROM backupmx b JOIN account o ON
    o.id = b.owner_id JOIN account u ON u.id = b.updater_id WHERE b.domain =
    'race.example'")" = "bob|root"
check "...and the domain stays bob's" test "$(q "SELECT a.name FROM domain d
    JOIN account a ON a.id = d.account_id WHERE d.name = 'race.example'")" = bob

# --- tenant isolation: bob on alice's objects --------------------------------------

web_post alice pend /cart/add "domain=pending.example"
L_PEND=$(line_id alice pending.example)
before=$(snapshot)
iso_fail=
iso() {	# NAME curl-args...: bob's request must answer 404
	local name=$1
	shift
	web_fetch bob "$name" "$@"
	[ "$(web_status "$name")" = 404 ] || iso_fail="$iso_fail $name=$(web_status "$name")"
}
BOB_CSRF=$(web_csrf bob)
for p in "/orders/$O_SHOP" "/orders/$O_IDN" "/portfolio/shop.example" \
    "/portfolio/xn--bcher-kva.example" "/portfolio/bücher.example" \
    "/portfolio/plain.example/deactivate"; do
	iso "get$RANDOM" "$B$p"
	iso "head$RANDOM" -I "$B$p"
	iso "post$RANDOM" --data-urlencode "csrf=$BOB_CSRF" "$B$p"
	iso "put$RANDOM" -X PUT "$B$p"
	iso "delete$RANDOM" -X DELETE "$B$p"
done
for p in /portfolio/plain.example/activate /portfolio/plain.example/deactivate \
    /portfolio/xn--bcher-kva.example/deactivate; do
	iso "post$RANDOM" --data-urlencode "csrf=$BOB_CSRF" \
	    --data-urlencode "confirm=yes" "$B$p"
done
iso pon --data-urlencode "csrf=$BOB_CSRF" --data-urlencode "line=$L_PEND" \
    --data-urlencode "backupmx=on" "$B/cart/backupmx"
iso prm --data-urlencode "csrf=$BOB_CSRF" --data-urlencode "line=$L_PEND" \
    "$B/cart/remove"
iso pdone --data-urlencode "csrf=$BOB_CSRF" --data-urlencode "line=$L_SHOP" \
    --data-urlencode "backupmx=on" "$B/cart/backupmx"
if [ -z "$iso_fail" ]; then
	ok "bob gets 404 for every route and verb on alice's orders, domains and lines"
else
	not_ok "bob gets 404 on alice's objects (not:$iso_fail)"
fi
check "bob's requests changed nothing in the database" test "$(snapshot)" = "$before"
web_get bob pfb /portfolio
check "bob's portfolio shows only his domain" bash -c "
    grep -q race.example '$T/pfb.b' && ! grep -q shop.example '$T/pfb.b'"
web_get bob ob /orders
check "bob's history shows only his orders" \
    bash -c "! grep -q 'href=\"/orders/$O_SHOP\"' '$T/ob.b'"
web_get bob nx "/orders/999999"
web_get bob ax "/orders/$O_SHOP"
check "alice's order looks to bob exactly like a missing one" test \
    "$(text_of nx | grep -v Address)" = "$(text_of ax | grep -v Address)"
web_get alice mine "/orders/$O_SHOP" -X DELETE
expect_status mine 405 "alice's own order takes no DELETE (405)"

# --- CSRF ----------------------------------------------------------------------------

before=$(snapshot)
csrf_fail=
for req in "/cart/add domain=nocsrf.example" \
    "/cart/backupmx line=$L_PEND&backupmx=on" "/cart/remove line=$L_PEND" \
    "/cart/complete confirm=yes" "/portfolio/plain.example/deactivate confirm=yes" \
    "/portfolio/shop.example/activate x=1"; do
	web_fetch alice nocsrf --data "${req#* }" "$B${req%% *}"
	[ "$(web_status nocsrf)" = 403 ] || csrf_fail="$csrf_fail ${req%% *}=$(web_status nocsrf)"
	web_fetch alice badcsrf --data "csrf=forged&${req#* }" "$B${req%% *}"
	[ "$(web_status badcsrf)" = 403 ] || csrf_fail="$csrf_fail ${req%% *}(forged)=$(web_status badcsrf)"
done
if [ -z "$csrf_fail" ]; then
	ok "every POST without its CSRF token (or with a forged one) is 403"
else
	not_ok "POST without CSRF is 403 (not:$csrf_fail)"
fi
check "refused POSTs changed nothing" test "$(snapshot)" = "$before"

web_get alice get405 /cart/add
expect_status get405 405 "GET on a POST-only cart route is 405"
web_get alice bogus /portfolio/shop.example/bogus
expect_status bogus 404 "an unknown action on a domain is 404"
web_get alice badid /orders/0x10
expect_status badid 404 "a malformed order id is 404"

check "the panel logged no internal errors" bash -c "! grep -qi 'handler sent nothing\|cannot expand' '$T/panel.log'"
kill -0 "$RELAY_PID" 2>/dev/null
check "the relay is still running" test $? -eq 0
finish
