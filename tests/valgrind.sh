#!/bin/sh
# Valgrind finds no leak and no memory error on the end-to-end paths (issue
# 8).  The ordinary build uses AddressSanitizer, which valgrind cannot run,
# so this runs tests/mkpostmortem-plain, the same sources built without
# sanitizers (tests/valgrind.am).  Skips (77) when valgrind or that binary
# is missing.  VALGRIND (from configure --enable-valgrind) names valgrind;
# otherwise it is looked up on PATH.
. "${TOP_SRCDIR:-.}/tests/lib.sh"

VG=${VALGRIND:-$(command -v valgrind 2>/dev/null)}
[ -n "$VG" ] && [ -x "$VG" ] || { echo "SKIP: valgrind not installed"; exit 77; }
PLAIN="$(cd "$(dirname "$MKPM")" && pwd)/tests/mkpostmortem-plain"
[ -x "$PLAIN" ] || { echo "SKIP: $PLAIN not built (make tests/mkpostmortem-plain)"; exit 77; }
SRC=$(cd "$TOP_SRCDIR" && pwd)
B="$SRC/fixtures/bundles"

# vg WANT DESCRIPTION ARGS...: runs the plain binary under valgrind, checks
# its exit status and that valgrind reported nothing (its own exit status 99
# and any ==pid== line in its log).  The log goes to $TMP/vg.N.
n=0
vg() {
  want=$1; desc=$2; shift 2
  n=$((n + 1)); log="$TMP/vg.$n"
  "$VG" --error-exitcode=99 --leak-check=full \
    --errors-for-leak-kinds=definite,indirect \
    --show-leak-kinds=definite,indirect -q --log-file="$log" \
    "$PLAIN" "$@" >"$TMP/out" 2>"$TMP/err"
  got=$?
  if [ "$got" -eq 99 ] || [ -s "$log" ]; then
    not_ok "$desc: valgrind reported errors (exit $got)"
    echo "#   valgrind $PLAIN $*"
    sed 's/^/#   /' "$log" | head -60
  elif [ "$got" -ne "$want" ]; then
    not_ok "$desc: exit $got, wanted $want"
    sed 's/^/#   /' "$TMP/err" | head -5
  else
    ok "$desc (exit $got, no valgrind errors)"
  fi
}

vg 0 "text analysis of parent-write-denied" \
  --no-site-rules --db "$TMP/pwd1.sqlite" "$B/parent-write-denied"
vg 0 "JSON analysis of parent-write-denied" \
  --no-site-rules -f json --db "$TMP/pwd2.sqlite" "$B/parent-write-denied"
check "JSON report has findings" sh -c 'test -s "$1" && jq -e ".findings | length > 0" "$1"' sh "$TMP/out"
vg 0 "HTML report of lock-contention (binary pprof)" \
  --no-site-rules -f html -o "$TMP/lc.html" --db "$TMP/lc.sqlite" "$B/lock-contention"
check "HTML report written" sh -c 'test -s "$1" && grep -qF "</html>" "$1"' sh "$TMP/lc.html"
vg 0 "markdown report of noisy (gzipped strace)" \
  --no-site-rules -f markdown --db "$TMP/noisy.sqlite" "$B/noisy"
vg 0 "--dump-records of healthy" --dump-records "$B/healthy"
check "records dumped" test -s "$TMP/out"
vg 0 "rules check" rules check --no-site-rules
# rules test resolves the rules' ../fixtures paths relative to rules/.
cd "$SRC" || exit 99
vg 0 "rules test of the built-in rules" rules test --no-site-rules rules
cd - >/dev/null || exit 99
vg 0 "explain disk-full" explain --no-site-rules disk-full
mkdir "$TMP/bad"
printf 'id: site-x\ntitle: T\nweight: 0.5\nevidence: SELECT 1\nfix: y\ncolour: red\n' >"$TMP/bad/r.yaml"
vg 4 "an invalid rule file" \
  --no-site-rules --rules "$TMP/bad" --db "$TMP/bad.sqlite" "$B/parent-write-denied"
check "the invalid rule is named" contains "$TMP/err" "unknown key 'colour'"

finish
