#!/bin/sh
# --threads 2 (the store loaded on a second thread, src/asink.c) gives the
# store --threads 1 gives: the same dump, row for row, on every fixture
# bundle and on inputs that reach the packing sink's edges — a record
# bigger than a chunk, thousands of artifacts, skipped entries, split
# calls whose columns point into the resumed line, NUL bytes, a broken
# gzip file and a bundle with no record at all.
. "${TOP_SRCDIR:-.}/tests/lib.sh"

LC_ALL=C
export LC_ALL

# same NAME BUNDLE [OPTIONS...]: both thread counts, the same store.
same() {
  name=$1 b=$2
  shift 2
  # One store path for both: the report and the meta table name it.
  "$MKPM" --threads 1 --no-site-rules -f json -o "$TMP/r1.json" --db "$TMP/t.sqlite" "$@" "$b" 2>"$TMP/e1"
  s1=$?
  mv "$TMP/t.sqlite" "$TMP/t1.sqlite"
  "$MKPM" --threads 2 --no-site-rules -f json -o "$TMP/r2.json" --db "$TMP/t.sqlite" "$@" "$b" 2>"$TMP/e2"
  s2=$?
  mv "$TMP/t.sqlite" "$TMP/t2.sqlite"
  if [ "$s1" -ne "$s2" ]; then
    not_ok "$name: exit $s1 with one thread, $s2 with two"
    return
  fi
  sqlite3 "$TMP/t1.sqlite" .dump >"$TMP/d1" 2>&1
  sqlite3 "$TMP/t2.sqlite" .dump >"$TMP/d2" 2>&1
  rows=$(grep -c '^INSERT' "$TMP/d1")
  if [ "$rows" -gt 0 ] && cmp -s "$TMP/d1" "$TMP/d2" && cmp -s "$TMP/r1.json" "$TMP/r2.json"; then
    ok "$name: same store ($rows rows) and report with one thread and two"
  else
    not_ok "$name: stores or reports differ ($rows rows with one thread)"
    diff "$TMP/d1" "$TMP/d2" | head -5 | sed 's/^/#   /'
  fi
}

for b in "$FIX"/bundles/*/ "$FIX/example-incident"; do
  [ -d "$b" ] || continue
  same "$(basename "$b")" "$b"
done

# A call line of 3 MiB (a chunk is 1 MiB) inside a real trace, and a
# problem row as big (an over-long garbage line is kept as a problem).
B=$TMP/big
mkdir -p "$B"
T=$FIX/strace/f-o-tt-T-y.txt
{
  head -n 40 "$T"
  printf '16843 00:15:49.970000 write(1, "'
  head -c 3145728 /dev/zero | tr '\0' 'x'
  echo '"..., 3145728) = 3145728 <0.000100>'
  head -c 3145728 /dev/zero | tr '\0' 'y'
  echo
  tail -n +41 "$T"
} >"$B/trace.txt"
same "a 3 MiB line and a 3 MiB problem" "$B" --max-line 4194304
check "big: the 3 MiB call is stored whole" \
  test "$(sqlite3 "$TMP/t2.sqlite" "SELECT max(length(raw)) FROM syscalls WHERE syscall = 'write'")" -gt 3145728

# Split calls (real, strace -f): errno_text is a piece of the resumed line.
B=$TMP/split
mkdir -p "$B"
cp "$FIX/strace/f-unfinished-resumed.txt" "$B/trace"
same "split calls" "$B"
check "split: errno_text is read from the resumed line" \
  test "$(sqlite3 "$TMP/t2.sqlite" "SELECT errno_text FROM syscalls WHERE end_line = 393")" = "No such file or directory"

# Thousands of small artifacts, skipped entries (a symlink, a FIFO),
# a truncated gzip file, NUL bytes and garbage: many messages of every kind.
B=$TMP/many
mkdir -p "$B/d"
i=0
while [ $i -lt 3000 ]; do
  echo "$i 10:00:00.000001 close($i) = 0 <0.000001>" >"$B/d/t.$i"
  i=$((i + 1))
done
ln -s /etc/passwd "$B/link"
mkfifo "$B/fifo" 2>/dev/null || true
printf 'hello\0world\n300 10:00:00.1 close(1) = 0\n' >"$B/nul.txt"
head -c 20000 /dev/urandom >"$B/garbage.bin"
seq 1 1000 | sed 's/^/300 10:00:00.1 close(&) = 0 <0.1>/' | gzip -c | head -c 400 >"$B/cut.gz"
same "3000 artifacts, skipped entries, NUL bytes, a truncated gzip" "$B"

# Nothing loadable: exit 3, the store written all the same.
B=$TMP/none
mkdir -p "$B"
echo "not a known format" >"$B/note.txt"
"$MKPM" --threads 2 --db "$TMP/none.sqlite" "$B" >/dev/null 2>&1
check "no record: exit 3 with two threads too" test $? -eq 3
check "no record: the artifact is still listed" \
  test "$(sqlite3 "$TMP/none.sqlite" "SELECT status FROM artifacts")" = unknown

expect_status 2 "--threads 3 is refused" "$MKPM" --threads 3 "$FIX/example-incident"
check "--threads 3: the message names the range" contains "$TMP/err" "--threads"

finish
