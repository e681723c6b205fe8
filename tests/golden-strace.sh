#!/bin/sh
# Golden tests of the strace parsers: `mkpostmortem --dump-records` of each
# input must equal its reviewed .expected dump.
#   tests/golden/strace/*.in            hand-written edge cases (see README)
#   tests/golden/strace/fixtures.list   real captures under fixtures/strace/,
#                                       expected in fx-<name>.expected
# Each input is dumped from its own directory under a relative name, so
# the expected files hold no absolute paths.
# Exit: 0 pass, 1 failure, 77 skip (no binary), 99 framework error.

MKPM=${MKPM:-./mkpostmortem}
TOP_SRCDIR=${TOP_SRCDIR:-.}
case $MKPM in /*) ;; *) MKPM=$(pwd)/$MKPM ;; esac
case $TOP_SRCDIR in /*) ;; *) TOP_SRCDIR=$(pwd)/$TOP_SRCDIR ;; esac
GOLD=$TOP_SRCDIR/tests/golden/strace
FIX=$TOP_SRCDIR/fixtures/strace

[ -x "$MKPM" ] || { echo "SKIP: $MKPM not built"; exit 77; }
[ -d "$GOLD" ] || { echo "ERROR: $GOLD missing"; exit 99; }
tmp=$(mktemp) || exit 99
trap 'rm -f "$tmp"' EXIT

n=0 fail=0
check() {	# dir name expected
	n=$((n + 1))
	if [ ! -f "$1/$2" ] || [ ! -f "$3" ]; then
		echo "not ok $n - $2: input or expected file missing"
		fail=$((fail + 1))
		return
	fi
	if ! (cd "$1" && "$MKPM" --dump-records "$2") > "$tmp" 2>&1; then
		echo "not ok $n - $2: mkpostmortem failed"
		sed 's/^/# /' "$tmp"
		fail=$((fail + 1))
		return
	fi
	if diff -u "$3" "$tmp" > "$tmp.diff"; then
		echo "ok $n - $2"
	else
		echo "not ok $n - $2"
		sed 's/^/# /' "$tmp.diff"
		fail=$((fail + 1))
		# GOLDEN_UPDATE=1: write the new dump, to review with git diff.
		[ "${GOLDEN_UPDATE:-}" = 1 ] && cp "$tmp" "$3" && echo "# updated $3"
	fi
	rm -f "$tmp.diff"
}

for f in "$GOLD"/*.in; do
	[ -e "$f" ] || { echo "ERROR: no cases in $GOLD"; exit 99; }
	b=$(basename "$f" .in)
	check "$GOLD" "$b.in" "$GOLD/$b.expected"
done
if [ -f "$GOLD/fixtures.list" ]; then
	while read -r rel; do
		case $rel in ''|'#'*) continue ;; esac
		check "$FIX" "$rel" "$GOLD/fx-$(echo "$rel" | tr / _).expected"
	done < "$GOLD/fixtures.list"
fi
echo "1..$n"
[ "$fail" -eq 0 ] || { echo "# $fail of $n failed"; exit 1; }
exit 0
