#!/bin/sh
# Acceptance check: every syscall line of every strace fixture becomes
# exactly one `syscalls` row.  The expected number is counted here
# independently of the parser, with awk:
#   calls   = lines whose body (after a pid / timestamp prefix) starts a
#             call: `name(` (unfinished ones included);
#   orphans = `<... name resumed>` lines with no earlier unfinished
#             `name(` of the same pid (pairing by pid and name);
#   expected = calls + orphans.
# A call line cut by strace's own stderr message ends with its
# ` <unfinished ...>` on the next line; that line counts as the marker.
# Files: everything under fixtures/strace/, fixtures/bundles/*/ and
# fixtures/example-incident/ (.gz through zcat); a file with no complete
# call line (`) = `) is not a trace and counts 0 (`ulimit -a` output has
# `time(seconds)` lines); a file both sides count 0 for passes trivially.
# Exit: 0 pass, 1 mismatch, 77 skip (no binary), 99 framework error.

MKPM=${MKPM:-./mkpostmortem}
TOP_SRCDIR=${TOP_SRCDIR:-.}
[ -x "$MKPM" ] || { echo "SKIP: $MKPM not built"; exit 77; }
FIX=$TOP_SRCDIR/fixtures
[ -d "$FIX/strace" ] || { echo "ERROR: $FIX/strace missing"; exit 99; }

count() {
	awk '
	{
		b = $0
		sub(/\r$/, "", b)
		pid = ""
		if (match(b, /^\[pid +[0-9]+\] /)) {
			pid = substr(b, 1, RLENGTH); gsub(/[^0-9]/, "", pid)
			b = substr(b, RLENGTH + 1)
		} else if (match(b, /^[0-9]+ +/) && RLENGTH >= 6) {
			pid = substr(b, 1, RLENGTH); gsub(/ /, "", pid)
			b = substr(b, RLENGTH + 1)
		}
		sub(/^[0-9][0-9]:[0-9][0-9]:[0-9][0-9](\.[0-9]+)? /, "", b)
		sub(/^[0-9]+\.[0-9]+ /, "", b)
		sub(/^ *[0-9]+\.[0-9]+ /, "", b)
		sub(/^\(\+ *[0-9.]+\) /, "", b)
		if (b ~ /\) += /)
			complete++
		if (b ~ /^([A-Za-z_][A-Za-z_0-9]*|\?\?\?)\(/) {
			calls++
			name = b; sub(/\(.*/, "", name)
			lastkey = pid SUBSEP name
			if (b ~ /<unfinished \.\.\.>$/)
				pend[lastkey]++
		} else if (b ~ /^ <unfinished \.\.\.>$/ && lastkey != "") {
			pend[lastkey]++
		} else if (b ~ /^<\.\.\. [A-Za-z_0-9]+ resumed>/) {
			name = b; sub(/^<\.\.\. /, "", name); sub(/ resumed>.*/, "", name)
			k = pid SUBSEP name
			if (pend[k] > 0) pend[k]--; else orphans++
		}
	}
	END { print (complete > 0 ? calls + orphans : 0) }'
}

fail=0 n=0
for f in $(find "$FIX/strace" "$FIX"/bundles/*/ "$FIX/example-incident" -type f \
    ! -name '*.md' ! -name '*.expect' | sort); do
	n=$((n + 1))
	case $f in
	*.gz) want=$(zcat "$f" | count) || exit 99 ;;
	*) want=$(count < "$f") || exit 99 ;;
	esac
	got=$("$MKPM" --dump-records "$f" | grep -c '^syscalls ')
	if [ "$want" != "$got" ]; then
		echo "MISMATCH $f: expected $want syscall rows, got $got"
		fail=1
	fi
done
[ "$n" -gt 0 ] || { echo "ERROR: no fixtures"; exit 99; }
[ "$fail" -eq 0 ] && echo "ok: $n fixture files, syscall rows match"
exit $fail
