# Shared helpers for the shell tests (sourced).  Each test prints one line
# per check and exits 0 (pass), 1 (a check failed), 77 (skipped) or 99
# (the test itself could not run), as Automake's harness expects.

: "${MKPM:=./mkpostmortem}"
: "${TOP_SRCDIR:=.}"
FIX="$TOP_SRCDIR/fixtures"
failures=0
checks=0

[ -x "$MKPM" ] || { echo "SKIP: $MKPM not built"; exit 77; }
for tool in jq sqlite3; do
  command -v "$tool" >/dev/null 2>&1 || { echo "SKIP: $tool not installed"; exit 77; }
done

TMP=$(mktemp -d "${TMPDIR:-/tmp}/mkpm-test.XXXXXX") || exit 99
trap 'rm -rf "$TMP"' EXIT INT TERM

ok() { checks=$((checks + 1)); echo "ok $checks - $*"; }
not_ok() { checks=$((checks + 1)); failures=$((failures + 1)); echo "not ok $checks - $*"; }

# check DESCRIPTION COMMAND...: passes when the command succeeds.
check() {
  desc=$1; shift
  if "$@" >/dev/null; then ok "$desc"; else not_ok "$desc"; fi
}

# expect_status WANT DESCRIPTION COMMAND...: runs the command (stdout to
# $TMP/out, stderr to $TMP/err) and checks its exit status.
expect_status() {
  want=$1; desc=$2; shift 2
  "$@" >"$TMP/out" 2>"$TMP/err"
  got=$?
  if [ "$got" -eq "$want" ]; then ok "$desc (exit $got)"
  else not_ok "$desc: exit $got, wanted $want"; sed 's/^/#   /' "$TMP/err" | head -5; fi
}

# contains FILE TEXT: fixed-string search.
contains() { grep -qF -- "$2" "$1"; }

finish() {
  echo "1..$checks"
  [ "$failures" -eq 0 ] || { echo "# $failures of $checks checks failed"; exit 1; }
  exit 0
}
