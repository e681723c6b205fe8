#!/bin/sh
# Hostile input at scale (issue 8; doc/limits.md): each case puts a good
# capture (parent-write-denied) beside the hostile thing, asserts the
# exact message the tool gives, and that the rest of the bundle was still
# analysed (parent-write-denied ranked first).  tests/bad-input.sh covers
# the small broken files (cut, NUL, CR, bad UTF-8, gzip, FIFO, file
# symlinks, unreadable); this file covers what needs size, time, signals
# or mounts:
#   - a 64 MB single line: skipped, reported, in bounded memory
#   - 20 000 small files: finishes, every file listed
#   - a YAML "billion laughs" rule file: refused, bounded time and memory
#   - a catastrophically backtracking REGEXP: stopped at PCRE2's match
#     limit, counted in the report, the run not hung
#   - kill -9 mid-ingest: the old store intact (same checksum) or none;
#     what temporary file is left, and that the next run does not care
#   - a read-only bind mount: analysed, checksums unchanged (root + unshare)
#   - directory symlink loops: listed as skipped, never followed
. "${TOP_SRCDIR:-.}/tests/lib.sh"

LC_ALL=C
export LC_ALL
S="$FIX/bundles/parent-write-denied"
WANT=parent-write-denied
# Absolute: some cases run from other directories or namespaces.
case $MKPM in /*) ;; *) MKPM="$(cd "$(dirname "$MKPM")" && pwd)/$(basename "$MKPM")" ;; esac

# --- helpers ---------------------------------------------------------------

# eq DESC GOT WANT
eq() {
  if [ "$2" = "$3" ]; then ok "$1"
  else not_ok "$1"; echo "#   got:  $2"; echo "#   want: $3"; fi
}
# good DIR: a bundle directory holding the good capture.
good() { mkdir -p "$1" && cp "$S/strace.out" "$S/service.log" "$1/"; }
# first JSON: id of the top finding.
first() { jq -r '.findings[0].id // "none"' "$1"; }
# errs DB PATH: "line|reason" of the parse_errors rows of artifact PATH.
errs() {
  sqlite3 "$1" "SELECT p.line || '|' || p.reason FROM parse_errors p
    JOIN artifacts a ON a.id = p.artifact_id WHERE a.path = '$2' ORDER BY p.id"
}
# Peak memory: /usr/bin/time -v when there is one.
TIMEV=
if [ -x /usr/bin/time ] && /usr/bin/time -v true 2>/dev/null; then TIMEV=/usr/bin/time; fi
# maxrss FILE: "Maximum resident set size" in MB from time -v's output.
maxrss() { awk -F': *' '/Maximum resident set size/ { print int($2 / 1024) }' "$1"; }
# The sanitizer build needs more memory for the same work.
ASAN=no
if command -v ldd >/dev/null 2>&1 && ldd "$MKPM" 2>/dev/null | grep -q 'libasan'; then ASAN=yes; fi
# sums DIR: sha256 of every file below DIR, by path.
sums() { (cd "$1" && find . -type f -exec sha256sum {} + | sort -k 2); }
sum_of() { sha256sum "$1" | cut -d' ' -f1; }
tmpfiles() { find "$1" -maxdepth 1 -name '*.tmp-*' | wc -l; }

# --- 64 MB single line -----------------------------------------------------

B="$TMP/longline"
good "$B"
# A strace file whose line 11 is a write() of a 64 MiB buffer.
{ head -10 "$S/strace.out"
  printf '16472 1795824949.099352 write(1, "'
  head -c 67108864 /dev/zero | tr '\0' 'x'
  printf '", 67108864) = 67108864 <0.000010>\n'
  sed -n '11,20p' "$S/strace.out"; } >"$B/huge.strace" || exit 99
LEN=$(awk 'NR == 11 { print length($0) }' "$B/huge.strace")
if [ -n "$TIMEV" ]; then
  expect_status 0 "64 MB line: analysed" timeout 300 $TIMEV -v -o "$TMP/time" \
    "$MKPM" -f json --db "$TMP/long.sqlite" "$B"
  rss=$(maxrss "$TMP/time")
  if [ $ASAN = yes ]; then cap=200; else cap=32; fi
  if [ "${rss:-99999}" -lt $cap ]; then ok "64 MB line: peak memory $rss MB < $cap MB (ASan: $ASAN)"
  else not_ok "64 MB line: peak memory ${rss:-?} MB, wanted < $cap MB (ASan: $ASAN)"; fi
else
  expect_status 0 "64 MB line: analysed" timeout 300 "$MKPM" -f json --db "$TMP/long.sqlite" "$B"
  echo "# SKIP peak memory check: no /usr/bin/time -v"
fi
cp "$TMP/out" "$TMP/long.json"
eq "64 MB line: $WANT still first" "$(first "$TMP/long.json")" $WANT
eq "64 MB line: reported with its length and the limit" "$(errs "$TMP/long.sqlite" huge.strace)" \
  "11|line of $LEN bytes is over the 1048576-byte limit; skipped"
eq "64 MB line: the other 20 lines loaded, 1 error" \
  "$(jq -r '.artifacts[] | select(.path == "huge.strace") | "\(.records) \(.errors) \(.status)"' "$TMP/long.json")" \
  "20 1 ok"
rm -f "$B/huge.strace"

# --- 20 000 small files ----------------------------------------------------

B="$TMP/many"
good "$B"
# 100 directories of 200 files, each a line of a program's log.
awk -v d="$B" 'BEGIN {
  for (i = 0; i < 100; i++) system("mkdir " d "/d" sprintf("%02d", i))
  for (i = 0; i < 20000; i++) {
    f = sprintf("%s/d%02d/f%05d.log", d, i % 100, i)
    printf "2026/11/28 00:15:49 worker %d started\n", i > f
    close(f)
  } }' || exit 99
eq "20 000 files made" "$(find "$B" -type f | wc -l)" 20002
start=$(date +%s)
expect_status 0 "20 000 files: analysed" timeout 900 "$MKPM" -f json --db "$TMP/many.sqlite" "$B"
echo "# 20 000 files took $(( $(date +%s) - start )) s (not asserted)"
cp "$TMP/out" "$TMP/many.json"
eq "20 000 files: every file listed" "$(jq '.artifacts | length' "$TMP/many.json")" 20002
eq "20 000 files: store has every artifact" "$(sqlite3 "$TMP/many.sqlite" 'SELECT count(*) FROM artifacts')" 20002
eq "20 000 files: each small file read as an app log" \
  "$(jq -r '[.artifacts[] | select(.path | startswith("d")) | "\(.type) \(.status)"] | unique | join(",")' "$TMP/many.json")" \
  "app-log ok"
eq "20 000 files: $WANT still first" "$(first "$TMP/many.json")" $WANT
rm -rf "$B" "$TMP/many.sqlite" "$TMP/many.json"

# --- YAML bomb ---------------------------------------------------------------

# "Billion laughs": 9 levels of 9 aliases each would expand to 9^9 (387
# million) strings.  libyaml's loader keeps aliases as references, so it
# must neither expand them nor take long; the rule is refused because the
# value is not what the key takes.  bomb KEY: the bomb as the value of KEY.
R="$TMP/bomb"
mkdir "$R"
bomb() {
  echo 'id: bomb'
  echo 'title: billion laughs'
  echo 'weight: 0.5'
  echo 'evidence: SELECT artifact_id, line, raw AS text FROM syscalls'
  echo 'fix: none'
  echo "$1:"
  echo '  - &a ["lol","lol","lol","lol","lol","lol","lol","lol","lol"]'
  for l in b c d e f g h i; do
    p=$(printf '%s' abcdefghi | sed "s/$l.*//" | tail -c 1)
    printf '  - &%s [*%s,*%s,*%s,*%s,*%s,*%s,*%s,*%s,*%s]\n' $l $p $p $p $p $p $p $p $p $p
  done
}
B="$TMP/bomb-bundle"
good "$B"
for key in lookalikes tests; do
  bomb $key >"$R/bomb.yaml"
  case $key in
    lookalikes) why="7:5: lookalikes must be a list of ids" ;;
    tests) why="7:5: each test must be a mapping with at least 'bundle'" ;;
  esac
  if [ -n "$TIMEV" ]; then
    expect_status 4 "YAML bomb as $key: rule file refused" timeout 20 $TIMEV -v -o "$TMP/time" \
      "$MKPM" --rules "$R" --db "$TMP/bomb.sqlite" "$B"
    rss=$(maxrss "$TMP/time")
    if [ "${rss:-99999}" -lt 100 ]; then ok "YAML bomb as $key: peak memory $rss MB < 100 MB"
    else not_ok "YAML bomb as $key: peak memory ${rss:-?} MB, wanted < 100 MB"; fi
  else
    expect_status 4 "YAML bomb as $key: rule file refused" timeout 20 \
      "$MKPM" --rules "$R" --db "$TMP/bomb.sqlite" "$B"
  fi
  eq "YAML bomb as $key: the error names file, line, column and why" "$(cat "$TMP/err")" \
    "mkpostmortem: $R/bomb.yaml:$why"
  expect_status 1 "YAML bomb as $key: rules check fails too" timeout 20 "$MKPM" rules check --no-site-rules "$R"
  check "YAML bomb as $key: rules check says why" contains "$TMP/err" "$R/bomb.yaml:$why"
done
rm "$R/bomb.yaml"
# More YAML nodes than the loader accepts (10 000), without aliases.
awk 'BEGIN { print "id: many"; print "title: t"; print "weight: 0.5"
  print "evidence: SELECT 1"; print "fix: f"; printf "tests: ["
  for (i = 0; i < 12000; i++) printf "%s%d", (i ? "," : ""), i; print "]" }' >"$R/bomb2.yaml"
expect_status 4 "12 000-node rule file refused" timeout 20 "$MKPM" --rules "$R" --db "$TMP/bomb.sqlite" "$B"
eq "12 000-node rule file: the error says the limit" "$(cat "$TMP/err")" \
  "mkpostmortem: $R/bomb2.yaml:1:1: rule file has more than 10000 YAML nodes"

# --- catastrophic backtracking -----------------------------------------------

B="$TMP/regex"
good "$B"
# Three calls on a path of 40 a's and a b: '(a+)+$' tries 2^40 ways.
AS=aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa
for i in 1 2 3; do
  printf '16473 1795824949.20000%d mkdir("/tmp/%sb", 0755) = -1 EEXIST (File exists) <0.000008>\n' $i $AS
done >"$B/backtrack.strace"
R="$TMP/regex-rules"
mkdir "$R"
cat >"$R/backtrack.yaml" <<'EOF'
id: site-backtrack
title: a pathological pattern
weight: 0.5
evidence: |
  SELECT artifact_id, line, raw AS text FROM syscalls
   WHERE path REGEXP '^/tmp/(a+)+$'
fix: none
EOF
start=$(date +%s)
expect_status 0 "backtracking REGEXP: the run finishes" timeout 120 \
  "$MKPM" --rules "$R" --db "$TMP/regex.sqlite" "$B"
echo "# backtracking run took $(( $(date +%s) - start )) s"
eq "backtracking REGEXP: the text report counts the stopped matches" \
  "$(grep 'stopped at the match limit' "$TMP/out")" \
  "Regular expression matches stopped at the match limit: 3"
eq "backtracking REGEXP: $WANT still first" \
  "$(sed -n 's/^Most likely cause: \([a-z0-9-]*\) .*/\1/p' "$TMP/out")" $WANT
check "backtracking REGEXP: the pattern's rule found nothing" sh -c '! grep -q site-backtrack "$1"' sh "$TMP/out"

# --- kill -9 mid-ingest -------------------------------------------------------

B="$TMP/big"
good "$B"
# About 1.2 million lines (about 110 MB) of strace: the ingest takes seconds.
awk 'BEGIN { for (i = 0; i < 1200000; i++)
  printf "16474 1795824950.%06d openat(AT_FDCWD, \"/usr/share/doc/pkg%d/copyright\", O_RDONLY|O_CLOEXEC) = -1 ENOENT (No such file or directory) <0.000007>\n", i % 1000000, i }' \
  >"$B/big.strace" || exit 99
K="$TMP/kill"
mkdir "$K"
good "$TMP/small"
expect_status 0 "kill -9: an old store made first" "$MKPM" --db "$K/s.sqlite" "$TMP/small"
before=$(sum_of "$K/s.sqlite")
# kill_mid_ingest DB: starts a run on the big bundle, kills it once its
# temporary store exists; echoes "killed" if it was still running then.
kill_mid_ingest() {
  "$MKPM" --db "$1" "$B" >/dev/null 2>&1 &
  pid=$!
  n=0
  while [ $n -lt 200 ] && [ "$(tmpfiles "$(dirname "$1")")" -eq 0 ]; do sleep 0.05; n=$((n + 1)); done
  sleep 0.5
  if kill -9 $pid 2>/dev/null; then echo killed; else echo finished; fi
  wait $pid 2>/dev/null
}
eq "kill -9: the run was killed mid-ingest" "$(kill_mid_ingest "$K/s.sqlite")" killed
eq "kill -9: the old store is intact (same checksum)" "$(sum_of "$K/s.sqlite")" "$before"
eq "kill -9: the old store still opens" "$(sqlite3 "$K/s.sqlite" 'PRAGMA integrity_check')" ok
left=$(tmpfiles "$K")
echo "# kill -9 left $left temporary file(s): $(cd "$K" && ls | grep '\.tmp-' | tr '\n' ' ')"
expect_status 0 "kill -9: the next run succeeds" "$MKPM" -f json --db "$K/s.sqlite" "$TMP/small"
eq "kill -9: the next run's store is complete" "$(first "$TMP/out")" $WANT
eq "kill -9: the next run leaves no temporary file of its own" "$(tmpfiles "$K")" "$left"
# Without an old store: none afterwards, never a half-written one.
eq "kill -9 with no old store: killed mid-ingest" "$(kill_mid_ingest "$K/new.sqlite")" killed
check "kill -9 with no old store: no store at the path" test ! -e "$K/new.sqlite"
rm -rf "$B" "$K"

# --- read-only bind mount ------------------------------------------------------

B="$TMP/robundle"
good "$B"
cp "$S/ls-ld-parents.txt" "$B/" 2>/dev/null
if [ "$(id -u)" -eq 0 ] && command -v unshare >/dev/null 2>&1 &&
   unshare -m true 2>/dev/null; then
  sums "$B" >"$TMP/ro.before"
  mkdir "$TMP/romnt"
  expect_status 0 "read-only bind mount: analysed" unshare -m sh -c '
    mount --bind "$1" "$2" && mount -o remount,bind,ro "$2" || exit 90
    if touch "$2/probe" 2>/dev/null; then exit 91; fi
    exec "$3" -f json --db "$4" "$2"' sh "$B" "$TMP/romnt" "$MKPM" "$TMP/ro.sqlite"
  case $(cat "$TMP/out") in '') ;; *) eq "read-only bind mount: $WANT first" "$(first "$TMP/out")" $WANT ;; esac
  sums "$B" >"$TMP/ro.after"
  check "read-only bind mount: checksums unchanged, nothing added" cmp -s "$TMP/ro.before" "$TMP/ro.after"
else
  echo "# SKIP read-only bind mount: needs root and unshare -m"
fi

# --- directory symlink loops ---------------------------------------------------

B="$TMP/loops"
good "$B"
mkdir -p "$B/a/b"
cp "$S/service.log" "$B/a/b/app.log"
ln -s ../a "$B/a/again"		# a/again -> ../a: a loop through a
ln -s . "$B/a/b/self"		# a/b/self -> .
ln -s .. "$B/a/b/up"		# a/b/up -> ..
ln -s "$B" "$B/root"		# an absolute link to the bundle itself
expect_status 0 "symlink loops: analysed" timeout 60 "$MKPM" -f json --db "$TMP/loops.sqlite" "$B"
cp "$TMP/out" "$TMP/loops.json"
eq "symlink loops: each link skipped, not followed" \
  "$(jq -r '[.skipped[] | "\(.path)=\(.reason)"] | join(",")' "$TMP/loops.json")" \
  "a/again=symbolic link; not followed,a/b/self=symbolic link; not followed,a/b/up=symbolic link; not followed,root=symbolic link; not followed"
eq "symlink loops: only the real files analysed, once each" \
  "$(jq -r '[.artifacts[].path] | join(",")' "$TMP/loops.json")" \
  "a/b/app.log,service.log,strace.out"
eq "symlink loops: $WANT still first" "$(first "$TMP/loops.json")" $WANT

finish
