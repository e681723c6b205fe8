#!/bin/sh
# Makes a large real strace log for `make bench`: strace -f -tt -T -y of a
# filesystem walk and a tar through a pipe, repeated until the log has at
# least LINES lines (default 1000000).  Needs strace, find, tar.
# Usage: gen-trace.sh OUT [LINES]
set -eu
out=$1
want=${2:-1000000}
command -v strace >/dev/null || { echo "gen-trace: strace is not installed" >&2; exit 77; }
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
: >"$out"
i=0
while [ "$(wc -l <"$out")" -lt "$want" ]; do
  i=$((i + 1))
  strace -f -tt -T -y -o "$tmp/t" sh -c \
    'find /usr/share /usr/lib -xdev >/dev/null 2>&1; tar cf - /usr/share/doc 2>/dev/null | cat >/dev/null'
  cat "$tmp/t" >>"$out"
  [ "$i" -lt 50 ] || break
done
head -n "$want" "$out" >"$tmp/cut" && mv "$tmp/cut" "$out"
