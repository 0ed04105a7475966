#!/bin/bash
# The README's configuration table must be exactly what the declaration in
# core/config.c produces (backupmxctl config --table).  Prints a diff and
# fails when they differ.  Usage: check-readme.sh [--fix] BACKUPMXCTL README
# (--fix rewrites the README's table instead: `make readme`).
set -u
fix=0
[ "${1:-}" = --fix ] && { fix=1; shift; }
ctl=$1 readme=$2
want=$(mktemp) have=$(mktemp)
trap 'rm -f "$want" "$have"' EXIT
"$ctl" -c /dev/null config --table >"$want" || exit 1
sed -n '/<!-- config-table -->/,/<!-- end config-table -->/p' "$readme" |
    sed '1d;$d' >"$have"
if [ "$fix" = 1 ]; then
	/usr/bin/python3 - "$readme" "$want" <<'PY'
import sys
readme, table = sys.argv[1], open(sys.argv[2]).read()
s = open(readme).read()
a = s.index("<!-- config-table -->\n") + len("<!-- config-table -->\n")
b = s.index("<!-- end config-table -->")
open(readme, "w").write(s[:a] + table + s[b:])
PY
	exit $?
fi
if ! diff -u "$have" "$want"; then
	echo "README config table differs from core/config.c:" \
	    "replace it with the output of 'backupmxctl config --table'" >&2
	exit 1
fi
