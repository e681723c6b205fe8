#!/bin/sh
# Report formats: golden text and Markdown reports of fixture bundles
# (tests/golden/report/<bundle>.txt and .md; the store path is replaced by
# @TMP@), every format of a hostile bundle (<script>, ANSI/OSC sequences
# and invalid UTF-8 in a file name and in lines), colour only on a
# terminal and never with NO_COLOR, and the width taken from COLUMNS.
# Regenerate the goldens with REGEN=1 after reviewing the differences.
. "${TOP_SRCDIR:-.}/tests/lib.sh"

GOLD=$TOP_SRCDIR/tests/golden/report
BUNDLES="parent-write-denied healthy mkdir-race-eexist"

# report BUNDLE FORMAT: the report of a fixture bundle, run from the
# bundles' directory so that the bundle is named as in the golden.
report() {
  (cd "$FIX/bundles" && NO_COLOR= COLUMNS=80 "$MKPM" --no-site-rules \
    --db "$TMP/g.sqlite" -f "$2" "$1") | sed "s|$TMP|@TMP@|g"
}

for b in $BUNDLES; do
  for f in text:txt markdown:md; do
    fmt=${f%%:*} ext=${f#*:}
    report "$b" "$fmt" > "$TMP/$b.$ext" 2> "$TMP/err"
    if [ -n "$REGEN" ]; then cp "$TMP/$b.$ext" "$GOLD/$b.$ext"; fi
    if diff -u "$GOLD/$b.$ext" "$TMP/$b.$ext" > "$TMP/diff"; then
      ok "$fmt report of $b matches tests/golden/report/$b.$ext"
    else
      not_ok "$fmt report of $b differs from tests/golden/report/$b.$ext"
      sed 's/^/#   /' "$TMP/diff" | head -40
    fi
  done
done

# Width: COLUMNS narrows the summary and the wrapped fix.
(cd "$FIX/bundles" && COLUMNS=50 "$MKPM" --no-site-rules --db "$TMP/w.sqlite" \
  parent-write-denied) > "$TMP/narrow" 2>/dev/null
w=$(sed -n '/^Most likely/,/^#1/p' "$TMP/narrow" |
  awk '{ n = length($0); if (n > m) m = n } END { print m + 0 }')
if [ "$w" -le 50 ]; then ok "COLUMNS=50: the summary fits ($w columns)"
else not_ok "COLUMNS=50: a summary line is $w columns wide"; fi
# (A command in backquotes is never split, so it may stand alone, wider.)
awk '/^  Fix:/ { f = 1; next } /^  Reproduce/ { f = 0 }
  f && length($0) > 50 && $0 !~ /^ *`[^`]*`[,.;]?$/ { bad = 1 }
  END { exit bad }' "$TMP/narrow" && ok "COLUMNS=50: the fix is wrapped to fit" ||
  not_ok "COLUMNS=50: a fix line is wider than 50 columns"

# The hostile bundle: a name and lines with markup, escape sequences and
# bytes that are not UTF-8.
H=$TMP/hostile
cp -r "$FIX/bundles/parent-write-denied" "$H"
esc=$(printf '\033')
bad=$(printf '\377\376')
name="<script>alert(1)<\/script>${esc}]0;pwned$(printf '\007')${esc}[2J${bad}.log"
name=$(printf '%s' "$name" | sed 's|\\/|/|')
printf '2026/01/01 00:00:00 mkdir /tmp/<script>alert(2)</script>%s[31m%s: permission denied\n' \
  "$esc" "$bad" > "$H/$(printf '%s' "$name" | tr '/' '_')"
printf '16472 1795824949.200000 mkdir("/tmp/<img src=x onerror=alert(3)>%s[2J%s|`x`", 0755) = -1 EACCES (Permission denied) <0.000010>\n' \
  "$esc" "$bad" >> "$H/strace.out"
printf '<script>alert(4)</script> %s]0;title%s not a known line\n' "$esc" "$(printf '\007')" >> "$H/service.log"

for fmt in text markdown html json; do
  "$MKPM" --no-site-rules --db "$TMP/h.sqlite" -f "$fmt" "$H" > "$TMP/h.$fmt" 2> "$TMP/h.err"
  st=$?
  if [ "$st" -eq 0 ]; then ok "hostile bundle, $fmt: exit 0"
  else not_ok "hostile bundle, $fmt: exit $st"; sed 's/^/#   /' "$TMP/h.err" | head -5; fi
  if grep -q "$esc" "$TMP/h.$fmt"; then not_ok "hostile bundle, $fmt: an ESC byte got through"
  else ok "hostile bundle, $fmt: no ESC byte"; fi
  if LC_ALL=C grep -q "$(printf '\007')" "$TMP/h.$fmt"; then not_ok "hostile bundle, $fmt: a BEL byte got through"
  else ok "hostile bundle, $fmt: no BEL byte"; fi
done
# The bundle's text did reach the reports (else the checks prove nothing).
check "hostile text: the file name is listed" contains "$TMP/h.text" 'alert(1)'
check "hostile text: the strace line is quoted" contains "$TMP/h.text" 'onerror=alert(3)'
# HTML: one <script> element, ours, at the end; the bundle's markup escaped.
n=$(grep -o '<script' "$TMP/h.html" | wc -l)
if [ "$n" -eq 1 ]; then ok "hostile html: one <script> (the page's own)"
else not_ok "hostile html: $n <script> tags"; fi
check "hostile html: the page's script is the one it ends with" sh -c \
  "grep -n '<script' '$TMP/h.html' | grep -q 'querySelectorAll'"
check "hostile html: the name is escaped" contains "$TMP/h.html" '&lt;script&gt;alert(1)'
check "hostile html: the strace line is escaped" contains "$TMP/h.html" '&lt;img src=x onerror=alert(3)&gt;'
if grep -q '<img' "$TMP/h.html"; then not_ok "hostile html: an <img> tag got through"
else ok "hostile html: no <img> tag"; fi
check "hostile html: invalid UTF-8 shown as \\xff" contains "$TMP/h.html" '\xff'
if iconv -f UTF-8 -t UTF-8 "$TMP/h.html" > /dev/null 2>&1; then ok "hostile html: valid UTF-8"
else not_ok "hostile html: not valid UTF-8"; fi
# Markdown: outside code blocks and code spans there is no '<' at all
# (bundle text is written as &lt;), and fences are never broken.
awk '/^```/ { f = !f; next } !f' "$TMP/h.markdown" | sed 's/`[^`]*`//g' > "$TMP/h.prose"
if grep -q '<' "$TMP/h.prose"; then
  not_ok "hostile markdown: raw HTML outside code"; grep -n '<' "$TMP/h.prose" | head -3 | sed 's/^/#   /'
else ok "hostile markdown: no raw HTML outside code"; fi
check "hostile markdown: the name is escaped" contains "$TMP/h.markdown" '&lt;script&gt;alert\(1\)'
n=$(grep -c '^```' "$TMP/h.markdown")
if [ $((n % 2)) -eq 0 ]; then ok "hostile markdown: fences are balanced ($n)"
else not_ok "hostile markdown: $n fence lines"; fi
check "hostile json: valid" jq -e '.schema == "mkpostmortem.report/1" and (.findings | length > 0)' "$TMP/h.json"

# Colour: only on a terminal, never with NO_COLOR or -o FILE.
if command -v script > /dev/null 2>&1; then
  run_tty() {
    script -qec "cd '$FIX/bundles' && $1 '$MKPM' --no-site-rules --db '$TMP/c.sqlite' $2 parent-write-denied" \
      /dev/null > "$TMP/tty" 2>&1
  }
  run_tty "env -u NO_COLOR TERM=xterm" ""
  if grep -q "$esc\[1m" "$TMP/tty"; then ok "colour on a terminal"
  else not_ok "no colour on a terminal"; fi
  run_tty "env NO_COLOR=1 TERM=xterm" ""
  if grep -q "$esc" "$TMP/tty"; then not_ok "colour despite NO_COLOR"
  else ok "NO_COLOR: no colour"; fi
  run_tty "env -u NO_COLOR TERM=xterm" "-o '$TMP/c.txt'"
  if grep -q "$esc" "$TMP/c.txt"; then not_ok "colour in -o FILE"
  else ok "-o FILE: no colour"; fi
  script -qec "cd '$H/..' && env -u NO_COLOR TERM=xterm '$MKPM' --no-site-rules --db '$TMP/c.sqlite' hostile" \
    /dev/null > "$TMP/tty" 2>&1
  if grep -q "$esc\]0\|$esc\[2J\|$esc\[31m[^ ]*permission" "$TMP/tty"; then
    not_ok "terminal: a sequence from the bundle got through"
  else ok "terminal: the bundle's sequences are neutralised"; fi
else
  echo "# script(1) not installed: colour checks skipped"
fi
# Without a terminal (a pipe) there is never colour.
if grep -q "$esc" "$TMP/parent-write-denied.txt"; then not_ok "colour in a pipe"
else ok "a pipe: no colour"; fi

# The calls chart's time axis: milliseconds when the calls drawn span less
# than a second (parent-write-denied: a few ms), seconds otherwise
# (syscall-blocked: a call blocked for seconds); the caption says which.
for b in parent-write-denied:ms syscall-blocked:s; do
  name=${b%%:*} unit=${b#*:}
  "$MKPM" -f html -o "$TMP/ax-$name.html" --db "$TMP/ax-$name.sqlite" "$FIX/bundles/$name" 2>/dev/null
  ticks=$(sed -n '/<svg id="chart-calls"/,/<\/svg>/p' "$TMP/ax-$name.html" |
    grep -o 'text-anchor="middle">[0-9.e+-]*[a-z]*<' | sed 's/.*">//; s/<$//')
  check "$name: calls chart ticks are in $unit" test -n "$ticks" -a \
    "$(echo "$ticks" | grep -cv "^[0-9.e+-]*$unit\$")" = 0
  want=milliseconds; [ "$unit" = s ] && want=seconds
  check "$name: the caption says $want" grep -q "time in $want from the first call drawn" "$TMP/ax-$name.html"
done

finish
