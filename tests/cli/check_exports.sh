#!/bin/sh
# check_exports.sh LIB INCLUDE_DIR — the shared library exports exactly the
# functions its public headers declare with TR_API: nothing internal leaks
# (the library is built with -fvisibility=hidden) and nothing public is lost.
set -eu
lib="$1"; inc="$2"
tmp=$(mktemp -d); trap 'rm -rf "$tmp"' EXIT
nm -D --defined-only "$lib" | awk '$2 ~ /^[TDBRVW]$/ {print $3}' | sed 's/@.*//' \
    | grep -v '^_' | sort -u > "$tmp/exported"
# Declarations may wrap: join each TR_API line with the next, take the name before '('.
cat "$inc"/techrace/*.h | awk '/^TR_API /{print}' \
    | sed -n 's/.*[ *]\(tr_[a-z0-9_]*\)(.*/\1/p' | sort -u > "$tmp/declared"
[ -s "$tmp/declared" ] || { echo "no TR_API declarations found under $inc"; exit 1; }
if ! diff -u "$tmp/declared" "$tmp/exported" > "$tmp/diff"; then
    echo "exported symbols differ from the TR_API declarations (- declared only, + exported only):"
    cat "$tmp/diff"
    exit 1
fi
echo "exports: $(wc -l < "$tmp/exported") symbols, all declared TR_API"
