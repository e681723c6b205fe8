#!/bin/sh
# The command line: exit statuses of CONTRACT.md, --help and --version,
# output options, JSON validity and shape, subcommands, rule errors with
# file:line:column.
. "${TOP_SRCDIR:-.}/tests/lib.sh"

B="$FIX/bundles/parent-write-denied"

expect_status 0 "--help" "$MKPM" --help
check "--help shows the usage" contains "$TMP/out" "Usage: mkpostmortem [OPTIONS] BUNDLE_DIR"
expect_status 0 "--version" "$MKPM" --version
check "--version names the store schema" contains "$TMP/out" "store schema 2"
expect_status 2 "no argument" "$MKPM"
check "no argument says what is missing" contains "$TMP/err" "a BUNDLE_DIR is needed"
expect_status 2 "unknown option" "$MKPM" --frobnicate "$B"
expect_status 2 "two bundles" "$MKPM" "$B" "$B"
expect_status 2 "unknown format" "$MKPM" --format yaml "$B"
check "unknown format is named" contains "$TMP/err" "unknown --format 'yaml'"
expect_status 2 "bad --type" "$MKPM" --type strace.out "$B"
expect_status 2 "unknown --type" "$MKPM" --type strace.out=nosuch "$B"
expect_status 2 "bad --max-line" "$MKPM" --max-line 12 "$B"
expect_status 3 "no such bundle" "$MKPM" --db "$TMP/x.sqlite" "$TMP/nonexistent"
check "missing bundle is named" contains "$TMP/err" "$TMP/nonexistent"
: >"$TMP/afile"
expect_status 3 "bundle is a file" "$MKPM" --db "$TMP/x.sqlite" "$TMP/afile"

# The main job, text and JSON.
expect_status 0 "text report" "$MKPM" --db "$TMP/t.sqlite" "$B"
check "text: verdict first" sh -c "sed -n 3p '$TMP/out' | grep -q '^Most likely cause: parent-write-denied'"
check "text: evidence as file:line" grep -qE '^    strace\.out:[0-9]+: ' "$TMP/out"
check "text: names the store" contains "$TMP/out" "store: $TMP/t.sqlite"
expect_status 0 "json report" "$MKPM" -f json --db "$TMP/j.sqlite" "$B"
check "json: parses" jq -e . "$TMP/out"
check "json: schema and store" jq -e --arg s "$TMP/j.sqlite" \
  '.schema == "mkpostmortem.report/1" and .store == $s and (.bundle | length) > 0' "$TMP/out"
check "json: artifacts have path/type/types/records/errors" jq -e \
  '.artifacts | length > 0 and all(has("path") and has("type") and (.types | type == "array") and (.records | type == "number") and (.errors | type == "number"))' "$TMP/out"
check "json: findings ranked 1..n with score and confidence" jq -e \
  '[.findings[].rank] == [range(1; (.findings | length) + 1)] and all(.findings[]; .score >= 0 and .score <= 1 and (.confidence | IN("high", "medium", "low")))' "$TMP/out"
check "json: finding has evidence, fix, query" jq -e \
  '.findings[0] | (.evidence | length) > 0 and (.fix | length) > 0 and (.query | length) > 0' "$TMP/out"
mkdir "$TMP/withnotes"
cp "$B"/* "$TMP/withnotes/"
printf 'Timeline written by the on-call engineer.\nRestarted the service at 10:05.\n' >"$TMP/withnotes/notes.txt"
"$MKPM" -f json --db "$TMP/n.sqlite" "$TMP/withnotes" >"$TMP/notes.json" 2>/dev/null
check "json: unknown files listed as unknown" jq -e \
  'any(.artifacts[]; .path == "notes.txt" and .type == "unknown" and .records == 0)' "$TMP/notes.json"

expect_status 0 "-o writes the report to a file" "$MKPM" -f json -o "$TMP/r.json" --db "$TMP/o.sqlite" "$B"
check "-o: stdout empty" test ! -s "$TMP/out"
check "-o: file is the JSON report" jq -e '.findings[0].id == "parent-write-denied"' "$TMP/r.json"

expect_status 0 "--type overrides detection" "$MKPM" -f json --db "$TMP/ty.sqlite" --type service.log=strace "$B"
check "--type: service.log read as strace" jq -e \
  'any(.artifacts[]; .path == "service.log" and .type == "strace")' "$TMP/out"

expect_status 0 "--stats prints stage times" "$MKPM" -v --db "$TMP/v.sqlite" "$B"
check "--stats on stderr: every stage, in order" grep -Eq \
  '^mkpostmortem: stages: rule files [0-9.]+s, walk\+parse\+load [0-9.]+s, index [0-9.]+s, rules [0-9.]+s, report [0-9.]+s, total [0-9.]+s$' "$TMP/err"
check "--stats: the stages add up to the total" awk '/stages:/ {
    gsub(/[a-z+:]+ |s,|s$/, " "); n = split($0, f, " ")
    for (i = 1; i < n; i++) sum += f[i]
    d = sum - f[n]; exit !(n == 6 && d < 0.004 && d > -0.004) }' "$TMP/err"

# --dump-records: the canonical dump, no store.
expect_status 0 "--dump-records" "$MKPM" --dump-records "$B"
check "dump lists each artifact" contains "$TMP/out" 'artifact "strace.out"'

# A directory named like a subcommand is analysed when written as a path.
mkdir -p "$TMP/cwd/rules"
cp "$B/strace.out" "$TMP/cwd/rules/"
( cd "$TMP/cwd" && "$MKPM" -f json --db ../rules-dir.sqlite ./rules ) >"$TMP/out" 2>"$TMP/err"
check "./rules is analysed as a bundle" jq -e '.findings[0].id == "parent-write-denied"' "$TMP/out"

# Subcommands.
expect_status 0 "rules check (built-in)" "$MKPM" rules check
check "rules check counts the rules" grep -qE '^[0-9]+ rules OK$' "$TMP/out"
expect_status 0 "explain disk-full" "$MKPM" explain disk-full
check "explain shows the fix" contains "$TMP/out" "Fix (placeholders are filled from the evidence):"
expect_status 2 "explain unknown id" "$MKPM" explain no-such-id
check "explain lists known ids" contains "$TMP/err" "known ids:"
expect_status 2 "rules without a subcommand" "$MKPM" rules

# Invalid rule files stop the run with file:line:column (exit 4).
mkdir "$TMP/bad1" "$TMP/bad2" "$TMP/bad3" "$TMP/good"
printf 'id: site-x\ntitle: T\nweight: 0.5\nevidence: SELECT 1\nfix: y\ncolour: red\n' >"$TMP/bad1/r.yaml"
expect_status 4 "unknown key in a rule" "$MKPM" --rules "$TMP/bad1" --db "$TMP/b.sqlite" "$B"
check "unknown key: file:line:column" contains "$TMP/err" "$TMP/bad1/r.yaml:6:1: unknown key 'colour'"
printf 'id: site-y\ntitle: T\nweight: 0.5\nevidence: |\n  SELECT artifact_id, line, raw AS text\n    FROM syscals\nfix: y\n' >"$TMP/bad2/r.yaml"
expect_status 4 "SQL error in a rule" "$MKPM" --rules "$TMP/bad2" --db "$TMP/b.sqlite" "$B"
check "SQL error: file:line:column of the bad table" contains "$TMP/err" "$TMP/bad2/r.yaml:6:10: rule site-y: evidence SQL: no such table: syscals"
expect_status 1 "rules check on the bad rule" "$MKPM" rules check "$TMP/bad2"
printf 'id: site-z\ntitle: T\nweight: 0.5\nevidence: SELECT artifact_id, line FROM syscalls\nfix: y\n' >"$TMP/bad3/r.yaml"
expect_status 4 "rule without a text column" "$MKPM" --rules "$TMP/bad3" --db "$TMP/b.sqlite" "$B"
check "missing column named" contains "$TMP/err" "must return a column named 'text'"
check "no store left behind by a refused run" test ! -e "$TMP/b.sqlite"
printf 'id: site-eacces\ntitle: any EACCES under /tmp/pmfx\nweight: 0.9\nevidence: |\n  SELECT syscall_id, artifact_id, line, text, path FROM failed_calls\n   WHERE errno = '"'EACCES'"' AND path REGEXP '"'^/tmp/pmfx/'"'\nfix: look at {path}\n' >"$TMP/good/r.yaml"
expect_status 0 "rules check on a good site rule" "$MKPM" rules check "$TMP/good"
expect_status 0 "site rule with REGEXP" "$MKPM" -f json --rules "$TMP/good" --db "$TMP/g.sqlite" "$B"
check "site rule fires and ranks first" jq -e '.findings[0].id == "site-eacces"' "$TMP/out"
check "site rule fix filled" jq -e '.findings[0].fix == "look at /tmp/pmfx/pwd/var/lib/pmapp/cache"' "$TMP/out"
check "REGEXP rule shows a query the stock shell can run" sh -c \
  "jq -r '.findings[0].query' '$TMP/out' | sqlite3 '$TMP/g.sqlite' | grep -q strace.out"

# {count} is the number of evidence rows; a bad literal pattern is a
# rule error found by `rules check`, with its position.
mkdir "$TMP/cnt" "$TMP/badre"
printf 'id: site-count\ntitle: T\nweight: 0.2\nevidence: |\n  SELECT syscall_id, artifact_id, line, text FROM failed_calls\n   WHERE errno = '"'ENOENT'"'\nfix: "{count} ENOENT calls"\n' >"$TMP/cnt/r.yaml"
expect_status 0 "rule with {count}" "$MKPM" -f json --no-site-rules --rules "$TMP/cnt" --db "$TMP/c.sqlite" "$B"
n=$(sqlite3 "$TMP/c.sqlite" "select count(*) from failed_calls where errno = 'ENOENT'")
check "{count} is the number of rows ($n)" jq -e --arg f "$n ENOENT calls" \
  'any(.findings[]; .id == "site-count" and .fix == $f)' "$TMP/out"
printf "id: site-r\ntitle: T\nweight: 0.5\nevidence: |\n  SELECT artifact_id, line, raw AS text FROM syscalls\n   WHERE raw REGEXP 'a(b'\nfix: y\n" >"$TMP/badre/r.yaml"
expect_status 1 "rules check finds a bad pattern" "$MKPM" rules check "$TMP/badre"
check "bad pattern: file:line:column and PCRE2's reason" contains "$TMP/err" \
  "$TMP/badre/r.yaml:6:14: rule site-r: regular expression error at offset 3: missing closing parenthesis in 'a(b'"
expect_status 0 "explain sees --rules" "$MKPM" explain --rules "$TMP/cnt" site-count
check "explain shows the site rule" contains "$TMP/out" "site-count - T"
expect_status 2 "explain with an unknown option" "$MKPM" explain --frob disk-full
mkdir "$TMP/empty"
expect_status 3 "empty bundle" "$MKPM" --db "$TMP/empty.sqlite" "$TMP/empty"

# --regex-limit: a REGEXP that backtracks past the limit counts as no
# match and is counted in the report; the default limit lets it finish.
mkdir -p "$TMP/rl/b" "$TMP/rl/r"
printf '1234  mkdirat(AT_FDCWD, "/tmp/aaaaaaaaaaaaaaab", 0755) = -1 EACCES (Permission denied)\n' >"$TMP/rl/b/trace.txt"
printf "id: site-bt\ntitle: T\nweight: 0.1\nevidence: |\n  SELECT artifact_id, line, raw AS text FROM syscalls WHERE path REGEXP '^/tmp/(a+)+\$'\nfix: x\n" >"$TMP/rl/r/r.yaml"
"$MKPM" -f json --no-site-rules --rules "$TMP/rl/r" --db "$TMP/rl/1.sqlite" "$TMP/rl/b" >"$TMP/rl1.json" 2>/dev/null
"$MKPM" --regex-limit 1000 -f json --no-site-rules --rules "$TMP/rl/r" --db "$TMP/rl/2.sqlite" "$TMP/rl/b" >"$TMP/rl2.json" 2>/dev/null
check "default regex limit: the match finishes" jq -e '.regex_limit_hits == 0' "$TMP/rl1.json"
check "--regex-limit 1000: the match stops and is counted" jq -e '.regex_limit_hits == 1' "$TMP/rl2.json"
expect_status 2 "--regex-limit below 1000 refused" "$MKPM" --regex-limit 5 "$B"

# The progress line: on stderr while a big file is read, only on a terminal.
mkdir "$TMP/big"
i=0
while [ $i -lt 100 ]; do cat "$B/strace.out"; i=$((i + 1)); done >"$TMP/big/trace.txt"
expect_status 0 "a 5 MB trace, stderr not a terminal" "$MKPM" --db "$TMP/big1.sqlite" -o "$TMP/big1.txt" "$TMP/big"
check "no progress line when stderr is not a terminal" test ! -s "$TMP/err"
if command -v script >/dev/null 2>&1; then
  script -qec "'$MKPM' --db '$TMP/big2.sqlite' -o '$TMP/big2.txt' '$TMP/big'" /dev/null >"$TMP/tty.out" 2>&1
  check "progress line on a terminal: file, MB read, rate" grep -aqE 'reading trace\.txt  [0-9.]+ of [0-9.]+ MB' "$TMP/tty.out"
else
  echo "# SKIP progress on a terminal: script(1) not installed"
fi

finish
