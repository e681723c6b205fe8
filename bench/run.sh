#!/bin/sh
# `make bench`: mkpostmortem against the minimal reference loader
# (bench/ref-loader.c) on the same real strace log, side by side: wall
# time, MB/s, lines/s, peak anonymous memory, store size, the ratios of
# issue 7, and mkpostmortem's own per-stage times (--stats).
#
# Wall times on a shared 2-core machine drift by tens of percent over
# minutes, so the two programs run in turn, ROUNDS times (BENCH_ROUNDS,
# default 3), and each one's fastest round is kept: a slow round is the
# machine's, not the program's.  The stores of the previous round are
# removed first, outside the timing, for both.  Peak memory is measured
# in one more run of each: the sampler (bench/peak-anon.sh) forks every
# 10 ms, and the CPU it takes would be charged to whichever program
# uses both cores.
# Usage: run.sh MKPM REF_LOADER WORKDIR [LINES...]
set -eu
mkpm=$1 ref=$2 work=$3
shift 3
[ $# -gt 0 ] || set -- 100000 1000000
rounds=${BENCH_ROUNDS:-3}
here=$(dirname "$0")
mkdir -p "$work"
echo "machine: $(nproc) cores, $(sed -n 's/^model name.*: //p' /proc/cpuinfo | head -n 1)"
echo "sqlite $(sqlite3 --version 2>/dev/null | cut -d' ' -f1), $($mkpm --version)"
echo "wall times: the fastest of $rounds interleaved rounds; peak memory: one more run each"
# Runs a command, its stdout discarded and its stderr in $work/mkpm.time;
# prints its wall time in seconds.
wall() {
  s=$(date +%s.%N)
  "$@" >/dev/null 2>"$work/mkpm.time"
  e=$(date +%s.%N)
  echo "$e - $s" | bc
}
# Prints the smaller (min) or larger (max) of two numbers, the first if
# the second is empty.
pick() { [ -z "$3" ] && { echo "$2"; return; }; echo "$2 $3" | awk -v m="$1" '{ if ((m == "min") == ($1 < $2)) print $1; else print $2 }'; }
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
  rt= ra= mt= ma= load= stages=
  r=0
  while [ $r -lt "$rounds" ]; do
    r=$((r + 1))
    rm -f "$work/ref.sqlite" "$work/mkpm.sqlite"
    t1=$(wall "$ref" "$b/trace.txt" "$work/ref.sqlite")
    rt=$(pick min "$t1" "$rt")
    rm -f "$work/ref.sqlite"
    t=$(wall "$mkpm" --stats --no-site-rules -f json -o /dev/null --db "$work/mkpm.sqlite" "$b")
    [ -n "$mt" ] && [ "$(pick min "$t" "$mt")" = "$mt" ] ||
      stages=$(grep 'stages:' "$work/mkpm.time" | sed 's/^mkpostmortem: /mkpostmortem   /')
    mt=$(pick min "$t" "$mt")
    load=$(pick min "$(sed -n 's/.*walk+parse+load \([0-9.]*\)s.*/\1/p' "$work/mkpm.time")" "$load")
    printf 'round %d        reference %.2f s, mkpostmortem %.2f s\n' "$r" "$t1" "$t"
  done
  rm -f "$work/ref.sqlite" "$work/mkpm.sqlite"
  sh "$here/peak-anon.sh" "$ref" "$b/trace.txt" "$work/ref.sqlite" >/dev/null 2>"$work/ref.mem"
  sh "$here/peak-anon.sh" "$mkpm" --no-site-rules -f json -o /dev/null \
    --db "$work/mkpm.sqlite" "$b" 2>"$work/mkpm.mem"
  ra=$(sed -n 's/.*peak_anon_kb=\([0-9]*\).*/\1/p' "$work/ref.mem")
  ma=$(sed -n 's/.*peak_anon_kb=\([0-9]*\).*/\1/p' "$work/mkpm.mem")
  for who in ref mkpm; do
    if [ $who = ref ]; then t=$rt a=$ra db="$work/ref.sqlite"; else t=$mt a=$ma db="$work/mkpm.sqlite"; fi
    printf '%-14s wall %6.2f s  %7.1f MB/s  %9.0f lines/s  peak anon %6d KiB  store %6.1f MB\n' \
      "$who" "$t" "$(echo "$mb / $t" | bc -l)" "$(echo "$lines / $t" | bc -l)" "$a" \
      "$(echo "scale=1; $(wc -c <"$db") / 1048576" | bc)"
  done
  echo "$stages (fastest round)"
  printf 'ratios         full run %.2fx (target <= 2.0x), load alone %.2fx (target <= 1.25x), store %.2fx input (target <= 2x)\n' \
    "$(echo "$mt / $rt" | bc -l)" "$(echo "$load / $rt" | bc -l)" \
    "$(echo "$(wc -c <"$work/mkpm.sqlite") / $bytes" | bc -l)"
done
