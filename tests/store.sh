#!/bin/sh
# The store's promises (CONTRACT.md "Store", doc/schema.md): schema version,
# promised tables and views, one artifacts row per file with relative paths,
# every record keeping its artifact and line (raw = the file's line), the
# findings as reported, queries that run in the stock sqlite3 shell, atomic
# replacement, the default path, and a bundle that is never written to.
. "${TOP_SRCDIR:-.}/tests/lib.sh"

LC_ALL=C
export LC_ALL
# Absolute paths: some checks run from another directory.
case $MKPM in /*) ;; *) MKPM="$(cd "$(dirname "$MKPM")" && pwd)/$(basename "$MKPM")" ;; esac
FIX=$(cd "$FIX" && pwd) || exit 99

# --- helpers ---------------------------------------------------------------

eq() {
  if [ "$2" = "$3" ]; then ok "$1"
  else not_ok "$1"; echo "#   got:  $2"; echo "#   want: $3"; fi
}
# Contents of artifact $2 of bundle $1, decompressed.
content() {
  case $2 in *.gz) gzip -dc "$1/$2" ;; *) cat "$1/$2" ;; esac
}
# Files of a bundle, relative, sorted.
files_of() { (cd "$1" && find . -type f | sed 's|^\./||' | sort); }
# The state of a directory tree: names, types, sizes, modes, mtimes, hashes.
snapshot() {
  (cd "$1" && find . -exec stat -c '%n|%F|%s|%a|%y' {} + | sort &&
   find . -type f -exec sha256sum {} + | sort)
}
tmpfiles() { find "$1" -maxdepth 1 -name '*.tmp-*' | wc -l | tr -d ' '; }
counts() {
  sqlite3 "$1" "SELECT (SELECT count(*) FROM artifacts) || ' ' ||
    (SELECT count(*) FROM syscalls) || ' ' || (SELECT count(*) FROM findings) || ' ' ||
    (SELECT count(*) FROM parse_errors) || ' ' || (SELECT count(*) FROM app_errors) || ' ' ||
    (SELECT count(*) FROM finding_evidence) || ' ' || (SELECT count(*) FROM strace_events)"
}
sum_of() { sha256sum <"$1" | cut -d' ' -f1; }

# --- per-bundle promises ---------------------------------------------------

for name in parent-write-denied mkdir-race-eexist lsm-or-attr-denied; do
  B="$FIX/bundles/$name"
  DB="$TMP/$name.sqlite"
  expected=$(sed -n 1p "$FIX/bundles/$name.expect")
  expect_status 0 "$name: analysed" "$MKPM" -f json --db "$DB" "$B"
  cp "$TMP/out" "$TMP/$name.json"
  J="$TMP/$name.json"

  eq "$name: PRAGMA user_version is 2" "$(sqlite3 "$DB" 'PRAGMA user_version')" 2
  for t in artifacts syscalls findings parse_errors app_errors finding_evidence; do
    eq "$name: table $t exists" \
      "$(sqlite3 "$DB" "SELECT type FROM sqlite_master WHERE name = '$t'")" table
  done
  for v in failed_calls mkdir_calls stat_calls blocked_calls evidence; do
    eq "$name: view $v exists and runs" \
      "$(sqlite3 "$DB" "SELECT type FROM sqlite_master WHERE name = '$v'" &&
         sqlite3 "$DB" "SELECT count(*) >= 0 FROM $v")" "view
1"
  done

  # One artifacts row per file, paths relative to the bundle.
  eq "$name: one artifacts row per file, relative paths" \
    "$(sqlite3 "$DB" 'SELECT path FROM artifacts' | sort)" "$(files_of "$B")"
  eq "$name: JSON artifacts + skipped are the same files" \
    "$(jq -r '.artifacts[].path, .skipped[].path' "$J" | sort)" "$(files_of "$B")"
  eq "$name: artifacts.lines is the file's line count" \
    "$(sqlite3 "$DB" "SELECT path || ' ' || lines FROM artifacts WHERE records > 0 ORDER BY path")" \
    "$(sqlite3 "$DB" "SELECT path FROM artifacts WHERE records > 0 ORDER BY path" |
       while read -r p; do echo "$p $(content "$B" "$p" | wc -l | tr -d ' ')"; done)"

  # Every row keeps its artifact and line.
  eq "$name: syscalls exist" "$(sqlite3 "$DB" 'SELECT count(*) > 0 FROM syscalls')" 1
  eq "$name: every syscalls row has an artifact and 1 <= line <= its lines" \
    "$(sqlite3 "$DB" "SELECT count(*) FROM syscalls s LEFT JOIN artifacts a ON a.id = s.artifact_id
       WHERE a.id IS NULL OR s.line IS NULL OR s.line < 1 OR s.line > a.lines
          OR (s.end_line IS NOT NULL AND (s.end_line <= s.line OR s.end_line > a.lines))")" 0
  eq "$name: app_errors rows keep artifact and line too" \
    "$(sqlite3 "$DB" "SELECT count(*) FROM app_errors e LEFT JOIN artifacts a ON a.id = e.artifact_id
       WHERE a.id IS NULL OR e.line < 1 OR e.line > a.lines")" 0
  bad=0 rows=0 split=0 splitbad=0
  for p in $(sqlite3 "$DB" "SELECT DISTINCT a.path FROM syscalls s JOIN artifacts a ON a.id = s.artifact_id"); do
    content "$B" "$p" >"$TMP/file"
    sqlite3 "$DB" "SELECT s.line || '|' || s.raw FROM syscalls s JOIN artifacts a ON a.id = s.artifact_id
      WHERE a.path = '$p' AND (s.id % 7 = 0 OR s.end_line IS NOT NULL)" >"$TMP/rows"
    sqlite3 "$DB" "SELECT s.end_line || '|' || s.raw_end FROM syscalls s JOIN artifacts a ON a.id = s.artifact_id
      WHERE a.path = '$p' AND s.end_line IS NOT NULL" >"$TMP/ends"
    set -- $(awk 'NR == FNR { l[NR] = $0; next }
      { n = index($0, "|"); ln = substr($0, 1, n - 1); rows++
        if (substr($0, n + 1) != l[ln]) { bad++; if (bad <= 3) print "mismatch:" ln > "/dev/stderr" } }
      END { print rows + 0, bad + 0 }' "$TMP/file" "$TMP/rows")
    rows=$((rows + $1)); bad=$((bad + $2))
    set -- $(awk 'NR == FNR { l[NR] = $0; next }
      { n = index($0, "|"); ln = substr($0, 1, n - 1); rows++
        if (substr($0, n + 1) != l[ln]) bad++ }
      END { print rows + 0, bad + 0 }' "$TMP/file" "$TMP/ends")
    split=$((split + $1)); splitbad=$((splitbad + $2))
  done
  check "$name: sampled rows ($rows) compared with the files" test "$rows" -gt 20
  eq "$name: each sampled row's raw is its file's line at that line number" "$bad" 0
  # strace -ff files (lsm-or-attr-denied) have no split calls.
  [ "$name" = lsm-or-attr-denied ] || check "$name: split calls present ($split)" test "$split" -gt 0
  eq "$name: each split call's raw/raw_end are the file's line/end_line" "$splitbad" 0

  # Findings as reported.
  eq "$name: rank 1 in JSON is the expected $expected" "$(jq -r '.findings[0].id' "$J")" "$expected"
  eq "$name: findings table has the same rank-1 id" \
    "$(sqlite3 "$DB" 'SELECT rule_id FROM findings WHERE rank = 1')" "$expected"
  eq "$name: findings table = JSON findings (rank, id)" \
    "$(sqlite3 "$DB" "SELECT rank || ' ' || rule_id FROM findings ORDER BY rank")" \
    "$(jq -r '.findings[] | "\(.rank) \(.id)"' "$J")"
  nf=$(jq '.findings | length' "$J")
  i=0
  while [ "$i" -lt "$nf" ]; do
    id=$(jq -r ".findings[$i].id" "$J")
    jq -r ".findings[$i].query" "$J" >"$TMP/q.sql"
    if sqlite3 -batch -bail "$DB" <"$TMP/q.sql" >"$TMP/q.out" 2>"$TMP/q.err" && [ -s "$TMP/q.out" ]; then
      ok "$name: query of $id runs in the stock sqlite3 shell and returns $(wc -l <"$TMP/q.out" | tr -d ' ') rows"
    else
      not_ok "$name: query of $id runs in the stock sqlite3 shell and returns rows"
      sed 's/^/#   /' "$TMP/q.err" | head -3
    fi
    eq "$name: findings.query of $id is the JSON query" \
      "$(sqlite3 "$DB" "SELECT query FROM findings WHERE rule_id = '$id'")" "$(cat "$TMP/q.sql")"
    i=$((i + 1))
  done
done

B="$FIX/bundles/parent-write-denied"

# --- replacement -----------------------------------------------------------

R="$TMP/replace"
mkdir "$R"
expect_status 0 "first run" "$MKPM" --db "$R/s.sqlite" "$B"
first=$(counts "$R/s.sqlite")
expect_status 0 "second run over the same store" "$MKPM" --db "$R/s.sqlite" "$B"
eq "re-run replaces the store (row counts equal, not appended)" "$(counts "$R/s.sqlite")" "$first"
eq "no *.tmp-* file left beside the store" "$(tmpfiles "$R")" 0
echo 'not a database' >"$R/junk.sqlite"
expect_status 0 "run over a non-database file at the store path" "$MKPM" --db "$R/junk.sqlite" "$B"
eq "that file is replaced by a store" "$(sqlite3 "$R/junk.sqlite" 'PRAGMA user_version')" 2

# Broken rules: exit 4, the previous store intact, no temporary file.
before=$(sum_of "$R/s.sqlite")
mkdir "$TMP/badyaml" "$TMP/badsql"
printf 'id: site-broken\ntitle: [unclosed\nweight: 0.5\nevidence: SELECT 1\nfix: x\n' >"$TMP/badyaml/r.yaml"
printf 'id: site-badsql\ntitle: T\nweight: 0.5\nevidence: |\n  SELECT artifact_id, line, raw AS text FROM no_such_table\nfix: x\n' >"$TMP/badsql/r.yaml"
for d in badyaml badsql; do
  expect_status 4 "rules with $d: analysis refused" "$MKPM" --rules "$TMP/$d" --db "$R/s.sqlite" "$B"
  check "$d: the error names the rule file" contains "$TMP/err" "$TMP/$d/r.yaml:"
  eq "$d: previous store intact (same checksum)" "$(sum_of "$R/s.sqlite")" "$before"
  eq "$d: no *.tmp-* file left" "$(tmpfiles "$R")" 0
done

# --- default store path ----------------------------------------------------

mkdir "$TMP/cwd"
expect_status 0 "default store path run from another directory" \
  sh -c 'cd "$1" && "$2" "$3"' sh "$TMP/cwd" "$MKPM" "$B"
check "default store is ./BUNDLE_NAME.sqlite" test -f "$TMP/cwd/parent-write-denied.sqlite"
eq "it is a store" "$(sqlite3 "$TMP/cwd/parent-write-denied.sqlite" 'PRAGMA user_version')" 2
check "the report names it" contains "$TMP/out" "parent-write-denied.sqlite"
eq "no *.tmp-* file left in the current directory" "$(tmpfiles "$TMP/cwd")" 0
rm -f "$TMP/cwd/parent-write-denied.sqlite"
expect_status 0 "bundle given with a trailing slash" \
  sh -c 'cd "$1" && "$2" "$3/"' sh "$TMP/cwd" "$MKPM" "$B"
check "trailing slash: still ./BUNDLE_NAME.sqlite" test -f "$TMP/cwd/parent-write-denied.sqlite"

# --- the bundle is never written to ----------------------------------------

C="$TMP/copy/pwd-bundle"
mkdir "$TMP/copy" && cp -Rp "$B" "$C" || exit 99
touch -d '2001-02-03 04:05:06' "$C" "$C"/*
snapshot "$C" >"$TMP/snap.before"
expect_status 0 "run on a copy (JSON)" "$MKPM" -f json --db "$TMP/copy.sqlite" "$C"
expect_status 0 "run on a copy (text, default store)" sh -c 'cd "$1" && "$2" "$3"' sh "$TMP/cwd" "$MKPM" "$C"
expect_status 2 "--db inside the bundle is refused" "$MKPM" --db "$C/x.sqlite" "$C"
check "refusal asks for --db" contains "$TMP/err" "--db"
expect_status 2 "--db inside the bundle via .. is refused" "$MKPM" --db "$C/../pwd-bundle/x.sqlite" "$C"
expect_status 2 "default store inside the bundle (run from it) is refused" \
  sh -c 'cd "$1" && "$2" .' sh "$C" "$MKPM"
check "no store was created in the bundle" sh -c '! ls "$1"/*.sqlite* >/dev/null 2>&1' sh "$C"
snapshot "$C" >"$TMP/snap.after"
check "bundle unchanged: names, sizes, modes, mtimes, hashes" cmp -s "$TMP/snap.before" "$TMP/snap.after"

# A read-only bundle works; as root the mode does not stop writes, so also
# check that nothing new appears in it.
RO="$TMP/ro/pwd-bundle"
mkdir "$TMP/ro" && cp -Rp "$B" "$RO" && chmod -R a-w "$RO"
snapshot "$RO" >"$TMP/ro.before"
expect_status 0 "read-only bundle analysed" "$MKPM" -f json --db "$TMP/ro.sqlite" "$RO"
eq "read-only bundle: parent-write-denied first" "$(jq -r '.findings[0].id' "$TMP/out")" parent-write-denied
snapshot "$RO" >"$TMP/ro.after"
check "read-only bundle: nothing new or changed in it" cmp -s "$TMP/ro.before" "$TMP/ro.after"
chmod -R u+w "$RO"

# What a killed run left beside the store is removed by the next run once
# it is a minute old and unlocked; a fresh one (a run may be writing it)
# and a file that is not a database are left alone.
SD="$TMP/stale"
mkdir "$SD"
"$MKPM" --db "$SD/old.sqlite" -o /dev/null "$FIX/bundles/healthy" 2>/dev/null
cp "$SD/old.sqlite" "$SD/s.sqlite.tmp-Killed"
cp "$SD/old.sqlite" "$SD/s.sqlite.tmp-Fresh1"
echo "not a database" >"$SD/s.sqlite.tmp-NotDb1"
touch -d '2 minutes ago' "$SD/s.sqlite.tmp-Killed" "$SD/s.sqlite.tmp-NotDb1"
"$MKPM" --db "$SD/s.sqlite" -o /dev/null "$FIX/bundles/healthy" 2>/dev/null
check "stale temporary store removed" test ! -e "$SD/s.sqlite.tmp-Killed"
check "fresh temporary store kept" test -e "$SD/s.sqlite.tmp-Fresh1"
check "a file that is not a database kept" test -e "$SD/s.sqlite.tmp-NotDb1"

# artifact_meta last_ts (what blocked_calls.waited is measured to) is the
# latest time a stored call of the trace shows, computed here from the rows;
# the slow_calls view holds exactly the calls that did not complete or
# took 0.2 s or more.
for name in syscall-blocked syscall-blocked-fifo slow-fs-metadata healthy; do
  "$MKPM" --db "$TMP/lt.sqlite" -o /dev/null "$FIX/bundles/$name" 2>/dev/null
  eq "$name: last_ts is the latest time of each trace's calls" "$(sqlite3 "$TMP/lt.sqlite" "
    SELECT count(*) || ' ' || sum((SELECT CAST(m.value AS REAL) FROM artifact_meta m
                    WHERE m.artifact_id = a.id AND m.key = 'last_ts')
                 IS (SELECT max(coalesce(s.end_ts, s.ts)) FROM syscalls s
                      WHERE s.artifact_id = a.id))
      FROM artifacts a WHERE a.type = 'strace'")" \
    "$(sqlite3 "$TMP/lt.sqlite" "SELECT count(*) || ' ' || count(*) FROM artifacts WHERE type = 'strace'")"
  eq "$name: slow_calls are the incomplete and slow calls" \
    "$(sqlite3 "$TMP/lt.sqlite" "SELECT group_concat(syscall_id) FROM (SELECT id AS syscall_id FROM slow_calls ORDER BY id)")" \
    "$(sqlite3 "$TMP/lt.sqlite" "SELECT group_concat(id) FROM (SELECT id FROM syscalls NOT INDEXED WHERE state <> 'complete' OR duration >= 0.2 ORDER BY id)")"
done
check "syscall-blocked: slow_calls is not empty there" \
  test "$("$MKPM" --db "$TMP/lt.sqlite" -o /dev/null "$FIX/bundles/syscall-blocked" 2>/dev/null;
          sqlite3 "$TMP/lt.sqlite" "SELECT count(*) FROM slow_calls")" -gt 0

# Rows go into the store in batches (src/store.c): a batch cut short at the
# end of an artifact, a batch whose texts overflow the copy buffer, and a row
# too big for it (bound in place) must all keep every row, in order, whole.
BT="$TMP/batch"; mkdir -p "$BT"
awk 'BEGIN {
  for (i = 1; i <= 101; i++) {
    n = 8 + i % 13
    if (i >= 40 && i <= 43) n = 100000     # four 100 KB rows: the buffer fills
    if (i == 70) n = 300000                # more than the whole buffer
    p = sprintf("/srv/%d/", i); while (length(p) < n) p = p "d"
    printf "%-5d 10:00:%02d.%06d mkdirat(AT_FDCWD, \"%s\", 0755) = -1 ENOENT (No such file or directory) <0.000%03d>\n", 100 + i % 3, i % 60, i, p, i
  }
}' >"$BT/a.trace"
awk 'BEGIN { for (i = 1; i <= 33; i++)
  printf "%-5d 10:01:%02d.%06d openat(AT_FDCWD, \"/etc/b%d\", O_RDONLY) = 3</etc/b%d> <0.000%03d>\n", 200, i, i, i, i, i }' >"$BT/b.trace"
# One thread too: rows then come straight from the parser's line buffer,
# reused at the next line; on two they come from the queue's chunks.
for th in 1 2; do
"$MKPM" --threads $th --db "$TMP/batch.sqlite" -o /dev/null "$BT" 2>/dev/null
for f in a.trace b.trace; do
  q="FROM syscalls s JOIN artifacts a ON a.id = s.artifact_id WHERE a.path = '$f'"
  sqlite3 "$TMP/batch.sqlite" "SELECT s.raw $q ORDER BY s.id" >"$TMP/batch.raw"
  check "batched rows of $f (--threads $th): raw in id order is the file" cmp -s "$TMP/batch.raw" "$BT/$f"
  eq "batched rows of $f (--threads $th): lines in id order are 1..N" \
    "$(sqlite3 "$TMP/batch.sqlite" "SELECT group_concat(line, ' ') FROM (SELECT s.line $q ORDER BY s.id)")" \
    "$(seq -s ' ' 1 "$(wc -l <"$BT/$f")")"
  sqlite3 "$TMP/batch.sqlite" "SELECT s.path $q ORDER BY s.id" >"$TMP/batch.path"
  sed 's/^[^"]*"\([^"]*\)".*/\1/' "$BT/$f" >"$TMP/batch.want"
  check "batched rows of $f (--threads $th): paths in id order are the file's" cmp -s "$TMP/batch.path" "$TMP/batch.want"
done
eq "batched rows (--threads $th): the 300 KB path is whole" \
  "$(sqlite3 "$TMP/batch.sqlite" "SELECT length(path) FROM syscalls WHERE line = 70 AND path LIKE '/srv/70/%'")" 300000
done

# The six texts a syscalls row keeps as a reference into its line or as
# themselves (COL_ref, doc/schema.md) read back as the parser gave them:
# the store's generated columns against --dump-records, for every real
# strace capture.  Values the dump writes with \xHH are left out on both
# sides (SQL has no such escape); there are few.
SIX="ts_text args dirfd_path ret_text errno_text fd_path"
(cd "$FIX" && "$MKPM" --dump-records strace) 2>/dev/null | awk -v cols="$SIX" '
  function field(s, k,   i, j, ch, out) {
    i = index(s, " " k "=\""); if (!i) return ""
    j = i + length(k) + 3; out = ""
    while (j <= length(s)) {
      ch = substr(s, j, 1)
      if (ch == "\\") { out = out substr(s, j, 2); j += 2; continue }
      if (ch == "\"") break
      out = out ch; j++
    }
    return "\"" out "\""
  }
  /^artifact / { a = substr($0, 10); gsub(/^"|"$/, "", a); sub(/^strace\//, "", a); next }
  /^syscalls / {
    n = split(cols, c, " "); match($0, / line=[0-9]+/); ln = substr($0, RSTART + 6, RLENGTH - 6)
    for (k = 1; k <= n; k++) { v = field($0, c[k]); if (v != "" && index(v, "\\x") == 0) print a "|" ln "|" c[k] "|" v }
  }' | sort >"$TMP/six.want"
"$MKPM" --db "$TMP/six.sqlite" -o /dev/null "$FIX/strace" 2>/dev/null
for c in $SIX; do
  sqlite3 "$TMP/six.sqlite" "SELECT a.path || '|' || s.line || '|$c|' || e FROM (
      SELECT artifact_id, line, '\"' || replace(replace(replace(replace(replace($c, '\\', '\\\\'),
        '\"', '\\\"'), char(10), '\\n'), char(9), '\\t'), char(13), '\\r') || '\"' AS e
      FROM syscalls WHERE $c IS NOT NULL AND NOT $c GLOB ('*[^ -~' || char(9, 10, 13) || ']*')) s
    JOIN artifacts a ON a.id = s.artifact_id WHERE instr(e, '\\x') = 0"
done | sort >"$TMP/six.got"
check "the six referenced texts read back as parsed ($(wc -l <"$TMP/six.want") values)" \
  cmp -s "$TMP/six.got" "$TMP/six.want"
check "some of them are references and some texts of their own" test \
  "$(sqlite3 "$TMP/six.sqlite" "SELECT count(DISTINCT typeof(args_ref)) FROM syscalls WHERE args_ref IS NOT NULL")" = 2

# strace_counts counts a trace's calls as strace -c does: on real -C
# captures (the trace and strace's own summary after it) the two agree
# row for row, calls and errors.
for b in "$FIX/bundles/input-strace-summary" "$FIX/strace/C-summary.txt"; do
  if [ -d "$b" ]; then d=$b; else d="$TMP/cnt"; rm -rf "$d"; mkdir "$d"; cp "$b" "$d/"; fi
  "$MKPM" --db "$TMP/cnt.sqlite" -o /dev/null "$d" 2>/dev/null
  eq "$(basename "$b"): strace_counts = the -C summary, row for row" "$(sqlite3 "$TMP/cnt.sqlite" "
    SELECT (SELECT count(*) FROM strace_summary WHERE syscall <> 'total') || ' ' ||
           (SELECT count(*) FROM strace_counts) || ' ' ||
           (SELECT count(*) FROM strace_summary m LEFT JOIN strace_counts c
              ON c.artifact_id = m.artifact_id AND c.syscall = m.syscall
             WHERE m.syscall <> 'total'
               AND (c.calls IS NOT m.calls OR c.errors IS NOT coalesce(m.errors, 0)))")" \
    "$(sqlite3 "$TMP/cnt.sqlite" "SELECT count(*) || ' ' || count(*) || ' 0' FROM strace_summary WHERE syscall <> 'total'")"
done

finish
