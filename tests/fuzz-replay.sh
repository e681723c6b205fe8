#!/bin/sh
# Replays the fuzz harnesses (fuzz/README.md) without libFuzzer, in the
# ordinary test build with its sanitizers: the seed corpus (fuzz/seeds.sh:
# every fixture artifact and golden input; every rule file) and every
# input under fixtures/fuzz-regressions/<harness>/ (inputs that once
# crashed), each through every harness that reads that kind of input:
#   fuzz-parser  every parser in src/parsers.c, as the driver feeds it
#   fuzz-sniff   every parser's sniff() on the same bytes
#   fuzz-rules   the rule loader (rules_parse)
# A harness that finds a fault aborts (or a sanitizer stops it): the test
# shows the input it was on and the report.
# fixtures/fuzz-regressions/open/<harness>/ holds faults found and
# reported but not yet fixed in their owner's code: each is run alone
# and its state printed as a comment, without failing the suite; once one
# no longer faults, move it up to fixtures/fuzz-regressions/<harness>/.
. "${TOP_SRCDIR:-.}/tests/lib.sh"

BIN="$(dirname "$MKPM")/fuzz"
REG="$FIX/fuzz-regressions"
for h in parser sniff rules; do
  [ -x "$BIN/replay-$h" ] || { echo "SKIP: $BIN/replay-$h not built (make check builds it)"; exit 77; }
done
sh "$TOP_SRCDIR/fuzz/seeds.sh" "$TOP_SRCDIR" "$TMP/seeds" >/dev/null || exit 99

# run HARNESS DESC INPUT...: the replay of HARNESS over the inputs exits 0.
run() {
  h=$1; desc=$2; shift 2
  start=$(date +%s)
  if "$BIN/replay-$h" "$@" >"$TMP/out" 2>"$TMP/err"; then
    ok "$desc: $(tail -n 1 "$TMP/out" | sed 's/.*: //') in $(( $(date +%s) - start )) s"
  else
    not_ok "$desc (exit $?)"
    tail -n 40 "$TMP/err" | sed 's/^/#   /'
  fi
}

# The harnesses see every parser, whatever was added since they were written.
n=$(FUZZ_LIST_PARSERS=1 "$BIN/replay-parser" | wc -l)
[ "$n" -gt 0 ] && ok "fuzz-parser lists $n parser types" || not_ok "fuzz-parser lists no parser"

# Regression inputs of one harness go through the others too: cheap, and
# a crash input for one parser is hostile input for all.
regs=
for h in parser sniff rules; do
  [ -d "$REG/$h" ] && regs="$regs $REG/$h"
done
run parser "seed corpus through every parser" "$TMP/seeds/inputs" "$TMP/seeds/rules"
# FUZZ_GUARD=1: the sniffed head ends against an inaccessible page, as in
# make fuzz, so over-reads inside libc fault too.
FUZZ_GUARD=1
export FUZZ_GUARD
run sniff "seed corpus through every sniff" "$TMP/seeds/inputs" "$TMP/seeds/rules"
run rules "rule files and artifacts through the rule loader" "$TMP/seeds/rules" "$TMP/seeds/inputs"
if [ -n "$regs" ]; then
  # shellcheck disable=SC2086
  run parser "regression inputs through every parser" $regs
  # shellcheck disable=SC2086
  run sniff "regression inputs through every sniff" $regs
  # shellcheck disable=SC2086
  run rules "regression inputs through the rule loader" $regs
fi

# Open faults: reported, not yet fixed.
for f in "$REG"/open/*/*; do
  [ -f "$f" ] || continue
  h=$(basename "$(dirname "$f")")
  [ -x "$BIN/replay-$h" ] || continue
  if "$BIN/replay-$h" "$f" >/dev/null 2>"$TMP/err"; then
    echo "# open fault: $h ${f#"$REG"/}: does not fault in this build (some checks are clang-only); once fixed, move it to fixtures/fuzz-regressions/$h/"
  else
    echo "# open fault (known, reported): $h ${f#"$REG"/}: $(grep -m1 -E 'ERROR: AddressSanitizer|runtime error|fuzz-[a-z]*: parser' "$TMP/err" | cut -c1-160)"
  fi
done
finish
