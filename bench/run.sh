#!/bin/sh
# `make bench`: mkpostmortem against the minimal reference loader
# (bench/ref-loader.c) on the same real strace log, side by side in one
# run: wall time, MB/s, lines/s, peak anonymous memory, store size, the
# ratios of issue 7, and mkpostmortem's own per-stage times (--stats).
# Usage: run.sh MKPM REF_LOADER WORKDIR [LINES...]
set -eu
mkpm=$1 ref=$2 work=$3
shift 3
[ $# -gt 0 ] || set -- 100000 1000000
here=$(dirname "$0")
mkdir -p "$work"
echo "machine: $(nproc) cores, $(sed -n 's/^model name.*: //p' /proc/cpuinfo | head -n 1)"
echo "sqlite $(sqlite3 --version 2>/dev/null | cut -d' ' -f1), $($mkpm --version)"
for lines in "$@"; do
  b="$work/bundle-$lines"
  mkdir -p "$b"
  [ -s "$b/trace.txt" ] || sh "$here/gen-trace.sh" "$b/trace.txt" "$lines"
  bytes=$(wc -c <"$b/trace.txt")
  mb=$(echo "scale=1; $bytes / 1048576" | bc)
  echo
  echo "== $lines lines, $mb MB (strace -f -tt -T -y)"
  # Warm the page cache so both read from memory.
  cat "$b/trace.txt" >/dev/null
  sh "$here/peak-anon.sh" "$ref" "$b/trace.txt" "$work/ref.sqlite" >/dev/null 2>"$work/ref.time"
  sh "$here/peak-anon.sh" "$mkpm" --stats --no-site-rules -f json -o /dev/null \
    --db "$work/mkpm.sqlite" "$b" 2>"$work/mkpm.time"
  rt=$(sed -n 's/.*wall_s=//p' "$work/ref.time")
  ra=$(sed -n 's/.*peak_anon_kb=\([0-9]*\).*/\1/p' "$work/ref.time")
  mt=$(sed -n 's/.*wall_s=//p' "$work/mkpm.time")
  ma=$(sed -n 's/.*peak_anon_kb=\([0-9]*\).*/\1/p' "$work/mkpm.time")
  load=$(sed -n 's/.*walk+parse+load \([0-9.]*\)s.*/\1/p' "$work/mkpm.time")
  for who in ref mkpm; do
    if [ $who = ref ]; then t=$rt a=$ra db="$work/ref.sqlite"; else t=$mt a=$ma db="$work/mkpm.sqlite"; fi
    printf '%-14s wall %6.2f s  %7.1f MB/s  %9.0f lines/s  peak anon %6d KiB  store %6.1f MB\n' \
      "$who" "$t" "$(echo "$mb / $t" | bc -l)" "$(echo "$lines / $t" | bc -l)" "$a" \
      "$(echo "scale=1; $(wc -c <"$db") / 1048576" | bc)"
  done
  grep 'stages:' "$work/mkpm.time" | sed 's/^mkpostmortem: /mkpostmortem   /'
  printf 'ratios         full run %.2fx (target <= 2.0x), load alone %.2fx (target <= 1.25x), store %.2fx input (target <= 2x)\n' \
    "$(echo "$mt / $rt" | bc -l)" "$(echo "$load / $rt" | bc -l)" \
    "$(echo "$(wc -c <"$work/mkpm.sqlite") / $bytes" | bc -l)"
done
