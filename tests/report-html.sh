#!/bin/sh
# The HTML report in a real browser: a bundle with schedtrace samples,
# system calls, a goroutine dump and block/mutex profiles is reported as
# HTML, opened in headless chromium, and the screenshot must show each
# chart: the chart's frame (a 2-pixel border in a colour only that chart
# uses, HTML_FRAME_* in src/report-html.c) is found in the screenshot at
# the SVG's size, and inside it the pixels vary and the chart's data
# colour is present.  Also: the page is self-contained (no URL it would
# fetch) and its Content-Security-Policy hashes match its <style> and
# <script>.  Needs chromium and ImageMagick's convert (exit 77 without).
. "${TOP_SRCDIR:-.}/tests/lib.sh"

CHROMIUM=$(command -v chromium || command -v chromium-browser) ||
  { echo "SKIP: chromium is not installed (apt-get install chromium)"; exit 77; }
command -v convert > /dev/null 2>&1 ||
  { echo "SKIP: ImageMagick's convert is not installed (apt-get install imagemagick)"; exit 77; }

B=$TMP/charts
mkdir -p "$B"
cp -r "$FIX/bundles/noisy/." "$B/" || exit 99
cp "$TOP_SRCDIR/tests/golden/report/charts-schedtrace.log" "$B/stderr.log" || exit 99
# The Go runtime fixtures, where committed (their charts are checked then).
for f in lock-contention/block.pb.gz lock-contention/mutex.pb.gz \
  lock-contention-syscall/goroutines.txt; do
  [ -f "$FIX/bundles/$f" ] && cp "$FIX/bundles/$f" "$B/"
done

"$MKPM" --no-site-rules --db "$TMP/c.sqlite" -f html -o "$TMP/report.html" "$B" 2> "$TMP/err"
st=$?
if [ "$st" -eq 0 ]; then ok "html report written"
else not_ok "html report: exit $st"; sed 's/^/#   /' "$TMP/err"; finish; fi

# Self-contained: nothing to fetch (the SVG namespace is a name, not a fetch).
if grep -Eiq '(src|href)="(https?:|//)|url\(|@import|<link|<iframe|<object|<embed' "$TMP/report.html"; then
  not_ok "the page refers to an external resource"
  grep -Eio '(src|href)="[^"]*"|url\([^)]*\)|@import|<link[^>]*>' "$TMP/report.html" | head -3 | sed 's/^/#   /'
else ok "the page refers to no external resource"; fi

# The CSP names the page's own style and script by hash.
if command -v openssl > /dev/null 2>&1; then
  for tag in style script; do
    sed -n "s|.*<$tag>\(.*\)</$tag>.*|\1|p" "$TMP/report.html" | head -1 | tr -d '\n' > "$TMP/$tag"
    h=$(openssl dgst -sha256 -binary "$TMP/$tag" | base64)
    if grep -q "'sha256-$h'" "$TMP/report.html"; then ok "CSP hash of the <$tag> matches"
    else not_ok "CSP hash of the <$tag> does not match (sha256-$h): update src/report-html.c"; fi
  done
else
  echo "# openssl not installed: CSP hash checks skipped"
fi

# chart ID FRAME DATA: present in the page? then found in the screenshot.
charts="chart-sched:#7fd1c8:#1f5fbf chart-calls:#d1a07f:#d0312d"
[ -f "$B/goroutines.txt" ] && charts="$charts chart-goroutines:#a07fd1:#4a7fb0"
[ -f "$B/block.pb.gz" ] && charts="$charts chart-stacks:#d17fb4:#b0584a"
for c in $charts; do
  id=${c%%:*}
  if grep -q "<svg id=\"$id\"" "$TMP/report.html"; then ok "$id is in the page"
  else not_ok "$id is missing from the page"; fi
done

profile=$(mktemp -d "$TMP/profile.XXXXXX")
timeout 120 "$CHROMIUM" --headless --no-sandbox --disable-gpu --disable-quic \
  --no-first-run --disable-background-networking --disable-component-update \
  --disable-sync --user-data-dir="$profile" --screenshot="$TMP/shot.png" \
  --window-size=1200,2400 "file://$TMP/report.html" > "$TMP/chromium.log" 2>&1
if [ -s "$TMP/shot.png" ]; then ok "chromium took a screenshot"
else
  echo "# chromium could not take a screenshot:"; tail -5 "$TMP/chromium.log" | sed 's/^/#   /'
  exit 99
fi

for c in $charts; do
  id=${c%%:*}; rest=${c#*:}; frame=${rest%%:*}; data=${rest#*:}
  want_h=$(sed -n "s|.*<svg id=\"$id\"[^>]* width=\"\([0-9]*\)\" height=\"\([0-9]*\)\".*|\1x\2|p" "$TMP/report.html")
  # The bounding box of the frame colour: WxH+X+Y.
  geo=$(convert "$TMP/shot.png" -alpha off -fill black +opaque "$frame" -format '%@' info: 2>/dev/null)
  size=${geo%%+*}
  if [ "$size" = "$want_h" ]; then ok "$id: its frame is in the screenshot at $geo"
  else not_ok "$id: frame found as '$geo', wanted a $want_h box"; continue; fi
  w=${size%x*}; h=${size#*x}; xy=${geo#*+}; x=${xy%+*}; y=${xy#*+}
  inner="$((w - 8))x$((h - 8))+$((x + 4))+$((y + 4))"
  sd=$(convert "$TMP/shot.png" -crop "$inner" +repage -colorspace gray \
    -format '%[fx:standard_deviation]' info:)
  if awk -v s="$sd" 'BEGIN { exit !(s > 0.02) }'; then ok "$id: not blank (standard deviation $sd)"
  else not_ok "$id: blank (standard deviation $sd)"; fi
  px=$(convert "$TMP/shot.png" -crop "$inner" +repage -alpha off -fuzz 3% \
    -fill black +opaque "$data" -fill white -opaque "$data" -format '%[fx:mean*w*h]' info: 2>/dev/null)
  px=${px%.*}
  # (A legend swatch is 56 pixels: the data must draw more than that.)
  if [ "${px:-0}" -ge 200 ]; then ok "$id: $px pixels of its data colour $data"
  else not_ok "$id: the data ($data) is not drawn (${px:-0} pixels)"; fi
done

finish
