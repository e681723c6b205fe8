#!/bin/sh
# Query plans (issue 7): the rules that look at a few failing (or slow, or
# blocked: the slow_calls view and its partial index) calls must
# find them through the store's indexes, never by scanning the syscalls
# table, whose size is the trace's.  EXPLAIN QUERY PLAN of each such
# rule's evidence query, in the stock sqlite3 shell, on a real store, must
# have no "SCAN s" (the syscalls alias of the views and rules) line but
# through the partial index syscalls_slow.
. "${TOP_SRCDIR:-.}/tests/lib.sh"

"$MKPM" --no-site-rules --db "$TMP/p.sqlite" -o /dev/null "$FIX/bundles/noisy" 2>/dev/null ||
  { echo "cannot build the store"; exit 99; }

for r in parent-write-denied parent-search-denied missing-parent mkdir-race-eexist \
         path-component-not-dir symlink-loop name-too-long disk-full quota-exceeded \
         unexplained-failure input-strace-no-follow syscall-blocked slow-fs-metadata; do
  f="$TOP_SRCDIR/rules/$r.yaml"
  awk '/^evidence: \|/ { on = 1; next } on && /^[a-z_]+:/ { on = 0 } on { sub(/^  /, ""); print }' \
    "$f" >"$TMP/q.sql"
  { printf 'EXPLAIN QUERY PLAN '; cat "$TMP/q.sql"; } >"$TMP/plan.sql"
  if ! sqlite3 "$TMP/p.sqlite" <"$TMP/plan.sql" >"$TMP/plan" 2>"$TMP/plan.err"; then
    not_ok "$r: the plan could not be made: $(cat "$TMP/plan.err")"
    continue
  fi
  # A scan of the partial index syscalls_slow reads only the slow and
  # unfinished calls, not the table.
  if grep -E -- '--SCAN s( |$)' "$TMP/plan" | grep -vq 'USING INDEX syscalls_slow$'; then
    not_ok "$r scans the syscalls table:"
    sed 's/^/#   /' "$TMP/plan"
  else
    ok "$r: indexed ($(grep -c -- '--SEARCH' "$TMP/plan") searches, no scan of syscalls)"
  fi
done

finish
