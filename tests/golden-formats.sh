#!/bin/sh
# Golden tests of every parser but strace's (tests/golden-strace.sh):
# for each tests/golden/<format>/ directory,
#   *.in                 hand-written or generated edge cases (a README
#                        there says which), expected in <name>.expected;
#   fixtures.list        real captures under fixtures/, one per line, either
#                        "PATH" (dumped from its directory as its base name)
#                        or "DIR REL" (dumped from fixtures/DIR as REL, for
#                        formats whose file name carries meaning, like
#                        PID/fdinfo/FD); expected in fx-<REL, / as _>.expected.
# `mkpostmortem --dump-records` of each input must equal its reviewed dump.
# Exit: 0 pass, 1 failure, 77 skip (no binary), 99 framework error.

MKPM=${MKPM:-./mkpostmortem}
TOP_SRCDIR=${TOP_SRCDIR:-.}
case $MKPM in /*) ;; *) MKPM=$(pwd)/$MKPM ;; esac
case $TOP_SRCDIR in /*) ;; *) TOP_SRCDIR=$(pwd)/$TOP_SRCDIR ;; esac
FIX=$TOP_SRCDIR/fixtures

[ -x "$MKPM" ] || { echo "SKIP: $MKPM not built"; exit 77; }
tmp=$(mktemp) || exit 99
trap 'rm -f "$tmp" "$tmp.diff"' EXIT

n=0 fail=0
check() {	# dir name expected
	n=$((n + 1))
	if [ ! -e "$1/$2" ] || [ ! -f "$3" ]; then
		echo "not ok $n - $2: input or expected file missing ($3)"
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
		echo "ok $n - $(basename "$(dirname "$3")")/$2"
	else
		echo "not ok $n - $(basename "$(dirname "$3")")/$2"
		sed 's/^/# /' "$tmp.diff"
		fail=$((fail + 1))
		# GOLDEN_UPDATE=1: write the new dump, to review with git diff.
		[ "${GOLDEN_UPDATE:-}" = 1 ] && cp "$tmp" "$3" && echo "# updated $3"
	fi
}

for gold in "$TOP_SRCDIR"/tests/golden/*/; do
	gold=${gold%/}
	[ "$(basename "$gold")" = strace ] && continue
	for f in "$gold"/*.in; do
		[ -e "$f" ] || continue
		b=$(basename "$f" .in)
		check "$gold" "$b.in" "$gold/$b.expected"
	done
	[ -f "$gold/fixtures.list" ] || continue
	while read -r a b; do
		case $a in ''|'#'*) continue ;; esac
		if [ -n "$b" ]; then dir=$FIX/$a; rel=$b
		else dir=$FIX/$(dirname "$a"); rel=$(basename "$a"); fi
		check "$dir" "$rel" "$gold/fx-$(echo "$rel" | tr / _).expected"
	done < "$gold/fixtures.list"
done
echo "1..$n"
[ "$fail" -eq 0 ] || { echo "# $fail of $n failed"; exit 1; }
exit 0
