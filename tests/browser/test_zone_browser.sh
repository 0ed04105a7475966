#!/bin/bash
# Zone Management in headless Chromium (tests/browser/zone_flow.mjs):
# the terminating-dot rule explained in the form, "Add BackupMX entries"
# in one click, the zone file download.  The result is checked once more
# from the outside: the CLI export holds the MX records the browser saw.
# Screenshots go to $BMX_ARTIFACTS (default /tmp/bmx-artifacts/browser).
set -u
cd "$(dirname "$0")/../.."
. tests/lib.sh
. tests/web/web_lib.sh
SHOTS=${BMX_ARTIFACTS:-/tmp/bmx-artifacts}/browser
mkdir -p "$SHOTS"
if [ ! -x /usr/bin/chromium ] || [ ! -d tests/browser/node_modules/playwright-core ]; then
	not_ok "chromium and playwright-core are installed (make deps)"
	finish
fi
web_start "mx_names = mx.ours.example mx2.ours.example mx3.ours.example
dns_resolver = 127.0.0.1:9"
web_user alice
$CTL domain add shop.example --owner alice >/dev/null
(cd tests/browser && node zone_flow.mjs "$B" alice "alice pw 123" shop.example "$SHOTS")
$CTL zone export shop.example >"$T/z" 2>/dev/null
[ "$(grep -c '	MX	' "$T/z")" = 4 ] && grep -q '@	3600	IN	MX	10 mailserver.shop.example.$' "$T/z" &&
    ok "the exported zone holds the four MX records" || not_ok "export: $(grep MX "$T/z")"
finish
