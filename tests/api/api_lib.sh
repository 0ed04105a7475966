# Helpers of the API's black-box tests (sourced after tests/web/web_lib.sh).
#
#   api NAME WHO METHOD PATH [BODY]   a JSON API call as WHO (an account
#                                     made by web_user, password "WHO pw
#                                     123"; "none" for no credentials);
#                                     headers in $T/NAME.h, body $T/NAME.b
#   apif NAME WHO METHOD PATH FILE    the same with the body from FILE
#   gw NAME XML                       a POST to the XML gateway
#   jv NAME JQ                        a value of a JSON answer
#   is NAME JQ WANT what              ok when the value is WANT
#   expect NAME STATUS what           ok when the HTTP status is STATUS
#   envelope NAME what                ok when the answer is a full envelope
#   xv NAME PATH                      the text at an ElementTree path of an
#                                     XML answer (relative to <response>)
api() {
	local name=$1 who=$2 method=$3 path=$4 args=()
	shift 4
	[ "$who" != none ] && args+=(-u "$who:$who pw 123" \
	    -H 'X-Domainrobot-Context: 4')
	[ $# -gt 0 ] && args+=(-H 'Content-Type: application/json' \
	    --data-binary "$1")
	curl -s --max-time 30 -X "$method" "${args[@]}" -D "$T/$name.raw" \
	    -o "$T/$name.b" "$B$path"
	tr -d '\r' <"$T/$name.raw" >"$T/$name.h"
}

apif() {
	local name=$1 who=$2 method=$3 path=$4 file=$5
	curl -s --max-time 60 -X "$method" -u "$who:$who pw 123" \
	    -H 'X-Domainrobot-Context: 4' -H 'Content-Type: application/json' \
	    -H 'Expect:' --data-binary "@$file" -D "$T/$name.raw" \
	    -o "$T/$name.b" "$B$path"
	tr -d '\r' <"$T/$name.raw" >"$T/$name.h"
}

gw() {
	local name=$1
	curl -s --max-time 30 -H 'Content-Type: text/xml' -H 'Expect:' \
	    --data-binary "$2" -D "$T/$name.raw" -o "$T/$name.b" "$B/gateway"
	tr -d '\r' <"$T/$name.raw" >"$T/$name.h"
}

jv() { jq -r "$2" "$T/$1.b" 2>/dev/null; }

is() {
	local got
	got=$(jv "$1" "$2")
	[ "$got" = "$3" ] && ok "$4" ||
	    not_ok "$4 (got '$got', want '$3'; $(head -c 300 "$T/$1.b"))"
}

expect() {
	local got
	got=$(web_status "$1")
	[ "$got" = "$2" ] && ok "$3" ||
	    not_ok "$3 (status ${got:-none}, want $2; $(head -c 300 "$T/$1.b"))"
}

envelope() {
	if jq -e 'has("stid") and has("status") and has("object") and
	    has("data") and has("messages") and (.status | has("code") and
	    has("text") and has("type")) and (.data | type == "array") and
	    (.messages | type == "array")' "$T/$1.b" >/dev/null 2>&1 &&
	    grep -q '^Content-Type: application/json' "$T/$1.h"; then
		ok "$2"
	else
		not_ok "$2 (not an envelope: $(head -c 300 "$T/$1.b"))"
	fi
}

xv() {
	/usr/bin/python3 - "$T/$1.b" "$2" <<'PY'
import sys, xml.etree.ElementTree as ET
try:
    r = ET.parse(sys.argv[1]).getroot()
except Exception as e:
    print("unparsable: %s" % e); sys.exit(0)
print(" ".join((e.text or "") for e in r.findall(sys.argv[2])))
PY
}
