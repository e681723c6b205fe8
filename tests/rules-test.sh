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

finish
