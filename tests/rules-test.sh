#!/bin/sh
# `mkpostmortem rules test`: the built-in rules' own tests (their tests:
# keys, run against fixtures/bundles) pass; a site rule's test passes when
# its expectation holds and fails, with file:line:column and the reason,
# when it does not; a malformed test is a rule error.
. "${TOP_SRCDIR:-.}/tests/lib.sh"

expect_status 0 "built-in rules pass their own tests" \
  "$MKPM" rules test --no-site-rules "$TOP_SRCDIR/rules"
check "summary line" grep -qE '^[0-9]+ rules with tests, [0-9]+ tests: [0-9]+ passed, 0 failed$' "$TMP/out"
n=$(grep -c '^ok ' "$TMP/out")
check "every built-in catalog rule has tests ($n)" test "$n" -ge 12

bundles=$(cd "$FIX/bundles" && pwd)
mkdir "$TMP/good" "$TMP/bad" "$TMP/malformed"
cat >"$TMP/good/site-eacces.yaml" <<YAML
id: site-eacces
title: EACCES under /tmp/pmfx
weight: 0.2
evidence: |
  SELECT syscall_id, artifact_id, line, text FROM failed_calls
   WHERE errno = 'EACCES' AND path LIKE '/tmp/pmfx/%'
fix: look at the permissions
tests:
  - bundle: $bundles/parent-write-denied
    expect: fires
    rank: 2
  - bundle: $bundles/healthy
    expect: absent
YAML
expect_status 0 "a site rule's tests pass" "$MKPM" rules test --no-site-rules "$TMP/good"
check "it reports the site rule" contains "$TMP/out" "ok   site-eacces (2 tests)"

sed -e 's/expect: absent/expect: first/' "$TMP/good/site-eacces.yaml" >"$TMP/bad/site-eacces.yaml"
expect_status 1 "a failing expectation fails the run" "$MKPM" rules test --no-site-rules "$TMP/bad"
check "the failure names the rule" contains "$TMP/out" "FAIL site-eacces"
check "the failure says where and why" grep -qF \
  "$TMP/bad/site-eacces.yaml:12:5: first on $bundles/healthy: does not fire, expected first" "$TMP/out"

sed -e 's/expect: absent/expect: sometimes/' "$TMP/good/site-eacces.yaml" >"$TMP/malformed/site-eacces.yaml"
expect_status 1 "a malformed test is a rule error" "$MKPM" rules test --no-site-rules "$TMP/malformed"
check "malformed test: file:line:column" contains "$TMP/err" \
  "$TMP/malformed/site-eacces.yaml:13:13: expect must be first, fires, absent or ruled_out, not 'sometimes'"

# Overrides and suppressions: a site changes a built-in rule without
# copying it, and drops known-good evidence with a reason that is listed.
mkdir "$TMP/ov" "$TMP/ov2" "$TMP/ov3"
cat >"$TMP/ov/weight.yaml" <<'YAML'
override: parent-write-denied
weight: 0.5
YAML
"$MKPM" -f json --no-site-rules --rules "$TMP/ov" --db "$TMP/ov.sqlite" \
  "$bundles/parent-write-denied" >"$TMP/ov.json" 2>"$TMP/ov.err"
check "override: the weight is the site's" jq -e \
  '.findings[0].id == "parent-write-denied" and .findings[0].score_parts.weight == 0.5' "$TMP/ov.json"
check "override: the rest of the rule is the built-in one" jq -e \
  '.findings[0].rule_file == "rules/parent-write-denied.yaml" and (.findings[0].fix | startswith("Make "))' "$TMP/ov.json"
cat >"$TMP/ov2/suppress.yaml" <<'YAML'
override: parent-write-denied
suppress:
  - path: '^/tmp/pmfx/pwd/'
    reason: the pwd tree is read-only for services by design
YAML
"$MKPM" -f json --no-site-rules --rules "$TMP/ov2" --db "$TMP/ov2.sqlite" \
  "$bundles/parent-write-denied" >"$TMP/ov2.json" 2>"$TMP/ov2.err"
check "suppress: the finding is gone" jq -e 'all(.findings[]; .id != "parent-write-denied")' "$TMP/ov2.json"
check "suppress: the fallback does not report it again" jq -e 'all(.findings[]; .id != "unexplained-failure")' "$TMP/ov2.json"
check "suppress: listed with its reason and where it is written" jq -e --arg at "$TMP/ov2/suppress.yaml:3:5" \
  '.suppressed | length == 1 and .[0].id == "parent-write-denied" and .[0].reason == "the pwd tree is read-only for services by design" and .[0].suppressed_by == $at and .[0].artifact == "strace.out" and .[0].line > 0' "$TMP/ov2.json"
check "suppress: kept in the store" test "$(sqlite3 "$TMP/ov2.sqlite" "SELECT count(*) FROM suppressed")" = 1
"$MKPM" --no-site-rules --rules "$TMP/ov2" --db "$TMP/ov2t.sqlite" \
  "$bundles/parent-write-denied" >"$TMP/ov2.txt" 2>&1
check "suppress: the text report lists it" contains "$TMP/ov2.txt" \
  "parent-write-denied at strace.out:503: the pwd tree is read-only for services by design"
printf 'override: no-such-rule\nweight: 0.5\n' >"$TMP/ov3/bad.yaml"
expect_status 4 "override of an unknown id is a rule error" \
  "$MKPM" --no-site-rules --rules "$TMP/ov3" --db "$TMP/ov3.sqlite" "$bundles/healthy"
check "unknown override: file:line:column" contains "$TMP/err" \
  "$TMP/ov3/bad.yaml:1:11: override of 'no-such-rule', which no rule loaded before this file defines"

# A site's patch to a built-in rule is checked before any work, like a
# site rule (the built-in rules alone are not: make check proves them).
mkdir "$TMP/ov4"
printf 'override: parent-write-denied\nfix: chmod {no_such_column}\n' >"$TMP/ov4/fix.yaml"
expect_status 4 "override with a bad fix is a rule error" \
  "$MKPM" --stats --no-site-rules --rules "$TMP/ov4" --db "$TMP/ov4.sqlite" "$bundles/healthy"
check "bad fix in an override: file:line:column" contains "$TMP/err" \
  "$TMP/ov4/fix.yaml:2:6: rule parent-write-denied: fix uses {no_such_column}"
check "bad fix in an override: stopped before the walk (no stage times, no store)" \
  sh -c '! grep -q "stages:" "$1" && ! ls "$2"* >/dev/null 2>&1' sh "$TMP/err" "$TMP/ov4.sqlite"
printf 'override: parent-write-denied\nruled_out: |\n  SELECT artifact_id, line, text FROM no_such_table\n' >"$TMP/ov4/fix.yaml"
expect_status 4 "override with a bad ruled_out is a rule error" \
  "$MKPM" --no-site-rules --rules "$TMP/ov4" --db "$TMP/ov4.sqlite" "$bundles/healthy"
check "bad ruled_out in an override: the override's file:line:column" contains "$TMP/err" \
  "$TMP/ov4/fix.yaml:3:39: rule parent-write-denied: ruled_out SQL: no such table: no_such_table"

# A bad literal pattern in an override's ruled_out is found by rules check,
# at its place in the override's file; one that only fails while running
# (built by a subquery) is reported as ruled_out's, in that file too.
printf "override: parent-write-denied\nruled_out: |\n  SELECT artifact_id, line, raw AS text FROM syscalls WHERE raw REGEXP '('\n" >"$TMP/ov4/fix.yaml"
expect_status 1 "rules check: a bad pattern in an override's ruled_out" "$MKPM" rules check --no-site-rules "$TMP/ov4"
check "bad ruled_out pattern: the override's file:line:column" contains "$TMP/err" \
  "$TMP/ov4/fix.yaml:3:65: rule parent-write-denied: regular expression error at offset 1: missing closing parenthesis in '('"
printf "override: parent-write-denied\nruled_out: |\n  SELECT artifact_id, line, raw AS text FROM syscalls WHERE raw REGEXP (SELECT '(')\n" >"$TMP/ov4/fix.yaml"
expect_status 4 "a ruled_out that fails while running stops the run" \
  "$MKPM" --no-site-rules --rules "$TMP/ov4" --db "$TMP/ov4.sqlite" "$bundles/disk-full"
check "ruled_out failing while running: named so, in the override's file" contains "$TMP/err" \
  "$TMP/ov4/fix.yaml:2:12: rule parent-write-denied: ruled_out SQL failed: regular expression error"

# An override's tests run with the directory it is in, their bundles
# relative to it, and a failure names the override's file.
mkdir "$TMP/ov5"
ln -s "$bundles/healthy" "$TMP/ov5/healthy-bundle"
printf 'override: parent-write-denied\nweight: 0.9\ntests:\n  - bundle: healthy-bundle\n    expect: fires\n' >"$TMP/ov5/o.yaml"
expect_status 1 "an override's failing test fails rules test" "$MKPM" rules test --no-site-rules "$TMP/ov5"
check "override's test: its file:line:column" contains "$TMP/out" \
  "$TMP/ov5/o.yaml:4:5: fires on healthy-bundle: does not fire, expected fires"
sed 's/expect: fires/expect: absent/' "$TMP/ov5/o.yaml" >"$TMP/ov5/o.new" && mv "$TMP/ov5/o.new" "$TMP/ov5/o.yaml"
expect_status 0 "an override's passing test passes" "$MKPM" rules test --no-site-rules "$TMP/ov5"
check "only the override's test ran, not the built-in rule's own" contains "$TMP/out" \
  "1 rules with tests, 1 tests: 1 passed, 0 failed"

# Checks and ruled-out causes reach the JSON report.
"$MKPM" -f json --no-site-rules --db "$TMP/ck.sqlite" "$bundles/input-strace-no-follow" >"$TMP/ck.json" 2>/dev/null
check "check: listed with its penalty" jq -e \
  '.checks | any(.id == "input-strace-no-follow" and .penalty == 0.15 and (.evidence | length) > 0)' "$TMP/ck.json"
check "check: the finding's score shows the penalty" jq -e \
  '.findings[0].score_parts.penalty == 0.15 and (.findings[0].explanation | contains("- 0.15"))' "$TMP/ck.json"
"$MKPM" -f json --no-site-rules --db "$TMP/ro.sqlite" "$bundles/inotify-watch-limit" >"$TMP/ro.json" 2>/dev/null
check "ruled out: disk-full, because the ENOSPC came from inotify_add_watch" jq -e \
  '.ruled_out | any(.id == "disk-full" and (.evidence[0].text | contains("inotify_add_watch")))' "$TMP/ro.json"

finish
