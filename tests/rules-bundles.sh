#!/bin/sh
# Each root-cause bundle in fixtures/bundles/ (real captures made by the
# fixtures/make-*.sh scripts) must rank its own catalog id first and quote
# the failing path in that finding's evidence; the healthy bundle must give
# no finding; every finding's query must return rows in the stock sqlite3
# shell.  The look-alike pairs of the catalog are checked both ways.
# NAME.expect beside a bundle: line 1 the id that must rank first (or
# none), line 2 a path the evidence must quote (or -), optional line 3
# "absent: ID..." ids that must not be reported at all.
. "${TOP_SRCDIR:-.}/tests/lib.sh"

for exp in "$FIX"/bundles/*.expect "$FIX"/example-incident.expect; do
  name=$(basename "$exp" .expect)
  dir=${exp%.expect}
  want=$(sed -n 1p "$exp")
  path=$(sed -n 2p "$exp")
  db="$TMP/$name.sqlite"
  "$MKPM" -f json --db "$db" "$dir" >"$TMP/$name.json" 2>"$TMP/$name.err"
  st=$?
  if [ $st -ne 0 ]; then not_ok "$name: exit $st"; cat "$TMP/$name.err"; continue; fi
  jq -e . "$TMP/$name.json" >/dev/null || { not_ok "$name: invalid JSON"; continue; }
  top=$(jq -r '.findings[0].id // "none"' "$TMP/$name.json")
  if [ "$top" = "$want" ]; then ok "$name: $want ranks first"
  else not_ok "$name: $top ranks first, wanted $want"
    jq -r '.findings[] | "#   \(.rank) \(.id) \(.score) \(.explanation)"' "$TMP/$name.json"; fi
  for gone in $(sed -n 's/^absent://p' "$exp"); do
    if jq -e --arg o "$gone" 'all(.findings[]; .id != $o)' "$TMP/$name.json" >/dev/null
    then ok "$name: $gone not reported"
    else not_ok "$name: $gone reported"; fi
  done
  if [ "$want" = none ]; then
    n=$(jq '.findings | length' "$TMP/$name.json")
    [ "$n" -eq 0 ] && ok "$name: no finding" || not_ok "$name: $n findings, wanted none"
    continue
  fi
  if [ "$path" = - ]; then :
  elif jq -e --arg p "$path" '.findings[0].evidence | any((.text + (.call_text // "")) | contains($p))' \
      "$TMP/$name.json" >/dev/null; then ok "$name: evidence quotes $path"
  else not_ok "$name: evidence does not quote $path"; fi
  jq -e '.findings[0].evidence | all((.line == null or .line > 0) and (.artifact | length) > 0)' \
    "$TMP/$name.json" >/dev/null && ok "$name: evidence cites file:line" ||
    not_ok "$name: evidence without file:line"
  jq -e '.findings[0].fix | test("\\{[a-z_]+\\}") | not' "$TMP/$name.json" >/dev/null &&
    ok "$name: fix has its placeholders filled" || not_ok "$name: unfilled placeholder in fix"
  # The query shown runs in the stock shell (no PCRE2 REGEXP) and returns rows.
  i=0
  n=$(jq '.findings | length' "$TMP/$name.json")
  while [ $i -lt "$n" ]; do
    jq -r ".findings[$i].query" "$TMP/$name.json" >"$TMP/q.sql"
    id=$(jq -r ".findings[$i].id" "$TMP/$name.json")
    rows=$(sqlite3 "$db" <"$TMP/q.sql" 2>"$TMP/q.err" | wc -l)
    if [ "$rows" -gt 0 ]; then ok "$name: query of $id returns $rows rows"
    else not_ok "$name: query of $id returns nothing"; cat "$TMP/q.err"; fi
    i=$((i + 1))
  done
done

# Look-alikes: on each bundle, its catalog look-alike must not rank first
# (checked above by the top id) and must not be reported at all.
lookalike_absent() {
  bundle=$1; other=$2
  if jq -e --arg o "$other" 'all(.findings[]; .id != $o)' "$TMP/$bundle.json" >/dev/null
  then ok "$bundle: look-alike $other not reported"
  else not_ok "$bundle: look-alike $other reported"; fi
}
lookalike_absent parent-write-denied parent-search-denied
lookalike_absent parent-search-denied parent-write-denied
lookalike_absent lsm-or-attr-denied parent-write-denied
lookalike_absent mkdir-race-eexist path-component-not-dir
lookalike_absent path-component-not-dir mkdir-race-eexist
lookalike_absent read-only-fs lsm-or-attr-denied
lookalike_absent quota-exceeded disk-full
lookalike_absent noisy mkdir-race-eexist
lookalike_absent noisy unexplained-failure

# The fallback ranks below the cause that explains the same failure.
for b in parent-write-denied disk-full path-component-not-dir; do
  lookalike_absent "$b" unexplained-failure
done

# A cause the program reported outranks the same rule without the report.
s_with=$(jq '.findings[0].score' "$TMP/parent-write-denied.json")
mkdir "$TMP/no-log"
cp "$FIX/bundles/parent-write-denied/strace.out" "$TMP/no-log/"
"$MKPM" -f json --db "$TMP/no-log.sqlite" "$TMP/no-log" >"$TMP/no-log.json" 2>/dev/null
s_without=$(jq '.findings[0].score' "$TMP/no-log.json")
if [ "$(echo "$s_with > $s_without" | bc 2>/dev/null || awk "BEGIN{print ($s_with > $s_without)}")" = 1 ]
then ok "reported failure scores higher ($s_with) than unreported ($s_without)"
else not_ok "reported $s_with vs unreported $s_without"; fi

# A strace finding that a goroutine dump corroborates outranks the same
# finding from the trace alone (issue 3): the SIGQUIT dump in stderr.log
# shows the goroutines blocked in the same flock.
mkdir "$TMP/sb-trace"
cp "$FIX/bundles/syscall-blocked/trace.txt.gz" "$TMP/sb-trace/"
"$MKPM" -f json --no-site-rules --db "$TMP/sb1.sqlite" "$FIX/bundles/syscall-blocked" >"$TMP/sb1.json" 2>/dev/null
"$MKPM" -f json --no-site-rules --db "$TMP/sb2.sqlite" "$TMP/sb-trace" >"$TMP/sb2.json" 2>/dev/null
s_dump=$(jq '[.findings[] | select(.id == "syscall-blocked") | .score][0]' "$TMP/sb1.json")
s_alone=$(jq '[.findings[] | select(.id == "syscall-blocked") | .score][0]' "$TMP/sb2.json")
if [ "$(awk "BEGIN{print ($s_dump > $s_alone)}")" = 1 ]
then ok "syscall-blocked with the goroutine dump scores higher ($s_dump) than the trace alone ($s_alone)"
else not_ok "syscall-blocked: with the dump $s_dump, trace alone $s_alone"; fi
# A cause whose calls come shortly before a failure the program reported
# gains the time part of the score, and says so.
"$MKPM" -f json --no-site-rules --db "$TMP/near.sqlite" "$FIX/bundles/slow-fs-metadata-reported" >"$TMP/near.json" 2>/dev/null
"$MKPM" -f json --no-site-rules --db "$TMP/far.sqlite" "$FIX/bundles/slow-fs-metadata" >"$TMP/far.json" 2>/dev/null
s_near=$(jq '[.findings[] | select(.id == "slow-fs-metadata") | .score][0]' "$TMP/near.json")
s_far=$(jq '[.findings[] | select(.id == "slow-fs-metadata") | .score][0]' "$TMP/far.json")
if [ "$(awk "BEGIN{print ($s_near > $s_far)}")" = 1 ] &&
   jq -e '.findings[] | select(.id == "slow-fs-metadata") | .explanation | test("0\\.05 [0-9.]+ s before the failure the program reported at app\\.log:4")' "$TMP/near.json" >/dev/null
then ok "slow-fs-metadata close in time to a reported failure scores higher ($s_near) than alone ($s_far)"
else not_ok "slow-fs-metadata near a reported failure: $s_near, alone $s_far"; fi
# ... and the store joins the two views of the same wait.
links=$(sqlite3 "$TMP/sb1.sqlite" "SELECT count(*) || ' ' || count(DISTINCT c.call) || ' ' || min(c.call) || ' ' || sum(s.syscall = c.call) FROM goroutine_calls c JOIN syscalls s ON s.id = c.syscall_id JOIN goroutines g ON g.id = c.goroutine_id WHERE g.status LIKE 'syscall%'")
case $links in
  0*) not_ok "goroutine_calls: no goroutine linked to its blocked call ($links)" ;;
  *" 1 flock "*) ok "goroutine_calls: the goroutines in syscall.Flock are linked to the trace's blocked flock calls ($links)" ;;
  *) not_ok "goroutine_calls: unexpected links ($links)" ;;
esac

finish
