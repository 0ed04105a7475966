#!/bin/bash
# The README's configuration table must be exactly what the declaration in
# core/config.c produces (backupmxctl config --table).  Prints a diff and
# fails when they differ.  Usage: check-readme.sh BACKUPMXCTL README
set -u
ctl=$1 readme=$2
want=$(mktemp) have=$(mktemp)
trap 'rm -f "$want" "$have"' EXIT
"$ctl" -c /dev/null config --table >"$want" || exit 1
sed -n '/<!-- config-table -->/,/<!-- end config-table -->/p' "$readme" |
    sed '1d;$d' >"$have"
if ! diff -u "$have" "$want"; then
	echo "README config table differs from core/config.c:" \
	    "replace it with the output of 'backupmxctl config --table'" >&2
	exit 1
fi
