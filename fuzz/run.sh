#!/bin/sh
# `make fuzz`: builds the libFuzzer harnesses with clang and runs each for
# FUZZ_SECONDS (fuzz/README.md).  By hand only, never in CI.
# Needs: clang and its libFuzzer runtime (Debian: clang-14,
# libclang-rt-14-dev).  Called by the Makefile with everything in the
# environment:
#   FUZZ_CC FUZZ_CFLAGS FUZZ_CPPFLAGS FUZZ_LIBS FUZZ_LIB_SRCS
#   FUZZ_SECONDS  seconds per run (default 60)
#   FUZZ_ONLY     runs to do, e.g. "rules sniff parser:lsof parser:all";
#                 default: sniff, rules, then parser:<type> for every type
#   FUZZ_MAX_LEN  libFuzzer -max_len (bytes)
#   FUZZ_JOBS     runs at once (default 1)
#   FUZZ_FORK     1 (default): libFuzzer's -fork=1 -ignore_crashes=1, so
#                 one run collects every fault it finds instead of
#                 stopping at the first; 0: classic mode, stop at the first
# UndefinedBehaviorSanitizer checks are built recoverable but halt on the
# first report (UBSAN_OPTIONS halt_on_error=1), so that fuzz/ubsan.supp
# can silence a known, reported fault (suppressions need recoverable
# checks); everything else is fatal as in the test build.
#   FUZZ_WORK     work directory (default fuzz/work):
#     obj/ bin/           the build (rebuilt every time: headers change)
#     seeds/              the seed corpus (fuzz/seeds.sh), remade every time
#     corpus/<run>/       what libFuzzer kept; grows from run to run
#     crashes/<run>-*     inputs that crashed, leaked or timed out
#     logs/<run>.log      libFuzzer's output
# Exit 1 if any run found something; the inputs are listed.  Turn each into
# fixtures/fuzz-regressions/<harness>/<what>.<ext> once understood.
set -eu
srcdir=${1:-.}
: "${FUZZ_CC:=clang}" "${FUZZ_SECONDS:=60}" "${FUZZ_MAX_LEN:=16384}"
: "${FUZZ_JOBS:=1}" "${FUZZ_WORK:=fuzz/work}" "${FUZZ_ONLY:=}" "${FUZZ_FORK:=1}"
UBSAN_OPTIONS="halt_on_error=1:print_stacktrace=1:suppressions=$(cd "$srcdir" && pwd)/fuzz/ubsan.supp"
export UBSAN_OPTIONS
FUZZ_GUARD=1		# fuzz-sniff: the head against a PROT_NONE page
export FUZZ_GUARD
W=$FUZZ_WORK
mkdir -p "$W/obj" "$W/bin" "$W/corpus" "$W/crashes" "$W/logs"
: >"$W/started"		# crashes newer than this are this run's

command -v "$FUZZ_CC" >/dev/null 2>&1 || {
  echo "fuzz: $FUZZ_CC not found (apt-get install clang-14 libclang-rt-14-dev)" >&2; exit 2; }

# --- build: the library once (coverage without libFuzzer's main), then
# each harness linked with -fsanitize=fuzzer.
echo "fuzz: building with $FUZZ_CC"
rm -f "$W"/obj/*.o
for f in $FUZZ_LIB_SRCS; do
  if [ -f "$f" ]; then p=$f; else p=$srcdir/$f; fi
  echo "$p"
done | xargs -P "$(nproc 2>/dev/null || echo 2)" -I{} sh -c '
  o="$1/obj/$(basename "$2" .c).o"
  # shellcheck disable=SC2086
  $FUZZ_CC $FUZZ_CFLAGS $FUZZ_CPPFLAGS -c -o "$o" "$2"' sh "$W" {}
for h in parser sniff rules; do
  # shellcheck disable=SC2086
  $FUZZ_CC $FUZZ_CFLAGS $FUZZ_CPPFLAGS -fsanitize=fuzzer \
    -o "$W/bin/fuzz-$h" "$srcdir/fuzz/fuzz-$h.c" "$W"/obj/*.o $FUZZ_LIBS
done

# --- seeds
sh "$srcdir/fuzz/seeds.sh" "$srcdir" "$W/seeds"
REG=$srcdir/fixtures/fuzz-regressions

if [ -z "$FUZZ_ONLY" ]; then
  FUZZ_ONLY="sniff rules"
  for t in $(FUZZ_LIST_PARSERS=1 "$W/bin/fuzz-parser"); do
    FUZZ_ONLY="$FUZZ_ONLY parser:$t"
  done
fi

# one RUN: harness[:parser] for FUZZ_SECONDS; a summary line.
one() {
  run=$1
  h=${run%%:*}
  t=
  case $run in *:*) t=${run#*:} ;; esac
  name=$h${t:+-$t}
  seeds=$W/seeds/inputs
  [ "$h" = rules ] && seeds=$W/seeds/rules
  mkdir -p "$W/corpus/$name"
  set -- "$W/corpus/$name" "$seeds"
  [ -d "$REG/$h" ] && set -- "$@" "$REG/$h"
  fork=
  [ "$FUZZ_FORK" = 1 ] && fork="-fork=1 -ignore_crashes=1 -ignore_timeouts=1 -ignore_ooms=1"
  # shellcheck disable=SC2086
  FUZZ_PARSER=$t "$W/bin/fuzz-$h" $fork -max_total_time="$FUZZ_SECONDS" \
    -max_len="$FUZZ_MAX_LEN" -timeout=10 -rss_limit_mb=2048 \
    -print_final_stats=1 -artifact_prefix="$W/crashes/$name-" \
    "$@" >"$W/logs/$name.log" 2>&1 && rc=0 || rc=$?
  execs=$(grep -o '^#[0-9]*' "$W/logs/$name.log" | tail -n 1 | tr -d '#')
  cov=$(grep -o 'cov: [0-9]*' "$W/logs/$name.log" | tail -n 1)
  crashes=$(find "$W/crashes" -type f \( -name "$name-crash-*" -o -name "$name-leak-*" \
    -o -name "$name-timeout-*" -o -name "$name-oom-*" \) -newer "$W/started" | wc -l)
  echo "fuzz: $name: exit $rc, ${execs:-?} inputs run, ${cov:-cov: ?}, $crashes new fault input(s)"
}
export W REG FUZZ_SECONDS FUZZ_MAX_LEN FUZZ_FORK
for run in $FUZZ_ONLY; do
  echo "$run"
done | {
  if [ "$FUZZ_JOBS" -gt 1 ]; then
    # Each line runs in its own shell with one() redefined there.
    fn=$(sed -n '/^one() {/,/^}/p' "$srcdir/fuzz/run.sh")
    xargs -P "$FUZZ_JOBS" -I{} sh -c "$fn"'
one "$1"' sh {}
  else
    while IFS= read -r run; do one "$run"; done
  fi
}

found=$(find "$W/crashes" -type f -newer "$W/started" | LC_ALL=C sort)
if [ -n "$found" ]; then
  echo "fuzz: $(echo "$found" | wc -l) input(s) found a fault (logs in $W/logs):"
  echo "$found" | head -n 20 | sed 's/^/  /'
  [ "$(echo "$found" | wc -l)" -le 20 ] || echo "  ..."
  exit 1
fi
echo "fuzz: no crash, leak or timeout"
