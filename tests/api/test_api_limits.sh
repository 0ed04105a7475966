#!/bin/bash
# The API's limits through a real nginx, each part from its own loopback
# source address (127.0.0.N) so that the per-address limits of one part
# do not spill into the next:
#   - the panel's login throttling applies to API failures (per account
#     and per address; 429 with the envelope, shared with the panel's
#     sign-in form);
#   - the verified-password cache: a password changed in the panel stops
#     the old one at once, a disabled account is refused at once;
#   - the rate limit (default 3 a second, bursts of 10): 429 with the
#     envelope and Retry-After, and requests pass again later;
#   - with the panel down, nginx still answers in the envelope.
set -u
cd "$(dirname "$0")/../.."
. tests/lib.sh
. tests/web/web_lib.sh
. tests/api/api_lib.sh

web_start "login_max_failures = 3"
web_user alice
web_user bob
web_user carol
$CTL domain add shop.example --owner alice >/dev/null
$CTL backupmx add shop.example >/dev/null

call() {	# NAME ADDR USER PASSWORD [context]: GET the record
	curl -s --max-time 20 --interface "$2" -u "$3:$4" \
	    -H "X-Domainrobot-Context: ${5:-4}" -D "$T/$1.raw" -o "$T/$1.b" \
	    "$B/v1/backupMx/shop.example"
	tr -d '\r' <"$T/$1.raw" >"$T/$1.h"
}

# --- throttling (127.0.0.3) ---------------------------------------------

for n in 1 2 3; do
	call f$n 127.0.0.3 carol "guess $n"
	expect f$n 401 "a wrong password for carol ($n): 401"
done
call f4 127.0.0.3 carol "carol pw 123"
expect f4 429 "after 3 failures the right password is refused: 429"
envelope f4 "locked: envelope"
is f4 '.messages[0].code' EF00006 "locked: EF00006"
grep -q '^Retry-After: [0-9]' "$T/f4.h" && ok "locked: Retry-After" || not_ok "locked: no Retry-After"
call f5 127.0.0.3 alice "alice pw 123"
expect f5 429 "the address is locked too (another account from it)"
web_get jar lf /login
tok=$(sed -n 's/.*name="csrf" value="\([^"]*\)".*/\1/p' "$T/lf.b" | head -n 1)
web_fetch jar login --interface 127.0.0.9 --data-urlencode "csrf=$tok" \
    --data-urlencode "user=carol" --data-urlencode "password=carol pw 123" \
    "$B/login"
expect login 429 "API failures lock the panel's sign-in of the account too"
[ "$(sqlite3 "$DB" "SELECT count(*) FROM backupmx")" = 1 ] && ok "throttling changed no record" || not_ok "records changed"

# --- the password cache (127.0.0.4) ---------------------------------------

call p1 127.0.0.4 alice "alice pw 123"
expect p1 200 "alice signs in to the API"
call p2 127.0.0.4 alice "alice pw 123"
expect p2 200 "... and again (from the cache)"
web_login ajar alice || not_ok "alice signs in to the panel"
web_post ajar chg /account/password "current=alice pw 123" \
    "new=alice new pw 456" "repeat=alice new pw 456"
[ "$(web_status chg)" = 303 ] && ok "alice changes her password in the panel" || not_ok "password change: $(web_status chg)"
call p3 127.0.0.4 alice "alice pw 123"
expect p3 401 "the old password stops working at once"
call p4 127.0.0.4 alice "alice new pw 456"
expect p4 200 "the new one works"
call p5 127.0.0.4 bob "bob pw 123"
[ "$(web_status p5)" = 404 ] && ok "bob signs in (and alice's record is not his)" || not_ok "bob: $(web_status p5)"
sqlite3 "$DB" "UPDATE account SET disabled = 1 WHERE name = 'bob'"
call p6 127.0.0.4 bob "bob pw 123"
expect p6 401 "a disabled account is refused at once, cache or not"
call p7 127.0.0.4 alice "alice new pw 456" 5
expect p7 401 "a context other than api_context: 401"

# --- the rate limit (127.0.0.5) ---------------------------------------------

urls=()
for i in $(seq 1 40); do urls+=(-o /dev/null "$B/v1/backupMx/shop.example"); done
curl -s --max-time 60 --interface 127.0.0.5 -u 'alice:alice new pw 456' \
    -w '%{http_code}\n' "${urls[@]}" >"$T/codes"
n200=$(grep -c '^200$' "$T/codes")
n429=$(grep -c '^429$' "$T/codes")
[ "$(head -n 10 "$T/codes" | grep -c '^200$')" = 10 ] && ok "rate: a burst of 10 passes" || not_ok "rate: burst: $(head -n 10 "$T/codes" | tr '\n' ' ')"
[ "$n429" -ge 1 ] && [ $((n200 + n429)) = 40 ] && ok "rate: 40 at once: $n200 passed, $n429 got 429" || not_ok "rate: $n200 x 200, $n429 x 429"
curl -s --max-time 20 --interface 127.0.0.5 -u 'alice:alice new pw 456' \
    -D "$T/r1.raw" -o "$T/r1.b" "$B/v1/backupMx/shop.example?ctid=rl"
tr -d '\r' <"$T/r1.raw" >"$T/r1.h"
if [ "$(web_status r1)" = 429 ]; then
	envelope r1 "rate: 429 has the envelope"
	is r1 '"\(.messages[0].code) \(.ctid)"' "EF00002 rl" "rate: EF00002 and the ctid"
	grep -q '^Retry-After: [0-9]' "$T/r1.h" && ok "rate: Retry-After" || not_ok "rate: no Retry-After"
else
	not_ok "rate: the next request right after was not limited ($(web_status r1))"
fi
call r2 127.0.0.6 alice "alice new pw 456"
expect r2 200 "rate: another client address is not affected"
sleep 2
call r3 127.0.0.5 alice "alice new pw 456"
expect r3 200 "rate: after a pause requests pass again"

# --- panel down ----------------------------------------------------------------

kill -TERM "${WEB_PIDS[0]}"
wait "${WEB_PIDS[0]}" 2>/dev/null
call down 127.0.0.7 alice "alice new pw 456"
[ "$(web_status down)" = 502 ] && envelope down "panel down: nginx answers 502 with the envelope" || not_ok "panel down: $(web_status down) $(head -c 200 "$T/down.b")"
curl -s --interface 127.0.0.7 -D "$T/down2.raw" -o "$T/down2.b" --data-binary '<request/>' "$B/gateway"
tr -d '\r' <"$T/down2.raw" >"$T/down2.h"
[ "$(web_status down2) $(xv down2 result/msg/code)" = "502 EF09999" ] && ok "panel down: the gateway answers in XML" || not_ok "gateway down: $(web_status down2) $(head -c 200 "$T/down2.b")"
finish
