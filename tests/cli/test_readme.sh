#!/bin/bash
# The README documents exactly the configuration keys the code declares.
set -u
cd "$(dirname "$0")/../.."
. tests/lib.sh
check "README config table matches core/config.c" \
    tests/check-readme.sh "$BMX_BUILD/backupmxctl" README.md
for cmd in "make run" "make test" "make bench"; do
	grep -q "$cmd" README.md && ok "README shows $cmd" || not_ok "README shows $cmd"
done
finish
