#!/bin/sh
# Documentation checks: the man page matches --help, the worked site-rule
# example of doc/rules.md runs as documented, and doc/schema.md documents
# every table of the store.  Run by `make check` with MKPM (the binary)
# and TOP_SRCDIR (the source tree) set; exit 77 (skip) without a binary.
MKPM=${MKPM:-./mkpostmortem}
TOP_SRCDIR=${TOP_SRCDIR:-.}
MAN=$TOP_SRCDIR/doc/mkpostmortem.1
SCHEMA_MD=$TOP_SRCDIR/doc/schema.md
SCHEMA_SQL=$TOP_SRCDIR/src/schema.sql
SITE=$TOP_SRCDIR/doc/examples/site-rules
SITE_ID=site-tmp-denied
FIRES=$TOP_SRCDIR/fixtures/bundles/parent-write-denied
QUIET=$TOP_SRCDIR/fixtures/bundles/healthy

if [ ! -x "$MKPM" ]; then
	echo "SKIP: no mkpostmortem binary at $MKPM"
	exit 77
fi
if ! command -v jq >/dev/null 2>&1; then
	echo "SKIP: jq is needed (tools/setup.sh installs it)"
	exit 77
fi

tmp=$(mktemp -d "${TMPDIR:-/tmp}/mkpm-docs.XXXXXX") || exit 99
trap 'rm -rf "$tmp"' EXIT INT TERM
fail=0

ok() { echo "ok: $*"; }
bad() { echo "FAIL: $*"; fail=1; }

# (a) long options: --help and the OPTIONS section of the man page.
"$MKPM" --help > "$tmp/help" 2>&1 || bad "--help exited non-zero"
grep -o -e '--[a-z][a-z-]*' "$tmp/help" | sort -u > "$tmp/help-opts"
sed -n '/^\.SH OPTIONS/,/^\.SH /p' "$MAN" | sed 's/\\-/-/g' |
	grep -o -e '--[a-z][a-z-]*' | sort -u > "$tmp/man-opts"
if [ ! -s "$tmp/help-opts" ]; then
	bad "no long option found in --help"
fi
for o in $(cat "$tmp/help-opts"); do
	if grep -qx -e "$o" "$tmp/man-opts"; then
		ok "--help option $o is in doc/mkpostmortem.1"
	else
		bad "--help option $o is missing from doc/mkpostmortem.1"
	fi
done
for o in $(cat "$tmp/man-opts"); do
	grep -qx -e "$o" "$tmp/help-opts" ||
		bad "doc/mkpostmortem.1 documents $o, which --help does not list"
done
[ -s "$tmp/man-opts" ] && ok "every option of doc/mkpostmortem.1 is in --help"

# (b) the worked site-rule example of doc/rules.md.
if (cd "$TOP_SRCDIR" && "$MKPM" rules test --no-site-rules doc/examples/site-rules) > "$tmp/test" 2>&1; then
	ok "rules test of the worked example: $(tail -n 1 "$tmp/test")"
else
	bad "rules test of the worked example failed: $(cat "$tmp/test")"
fi
if "$MKPM" rules check "$SITE" > "$tmp/check" 2>&1; then
	ok "rules check $SITE: $(cat "$tmp/check")"
else
	bad "rules check $SITE failed: $(cat "$tmp/check")"
fi
if "$MKPM" --no-site-rules --rules "$SITE" -f json --db "$tmp/fires.sqlite" \
	"$FIRES" > "$tmp/fires.json" 2> "$tmp/fires.err" &&
	jq -e --arg id "$SITE_ID" 'any(.findings[]; .id == $id)' \
	"$tmp/fires.json" > /dev/null; then
	ok "$SITE_ID fires on $(basename "$FIRES")"
else
	bad "$SITE_ID does not fire on $FIRES: $(cat "$tmp/fires.err")"
fi
if "$MKPM" --no-site-rules --rules "$SITE" -f json --db "$tmp/quiet.sqlite" \
	"$QUIET" > "$tmp/quiet.json" 2> "$tmp/quiet.err" &&
	jq -e --arg id "$SITE_ID" 'all(.findings[]; .id != $id)' \
	"$tmp/quiet.json" > /dev/null; then
	ok "$SITE_ID stays quiet on $(basename "$QUIET")"
else
	bad "$SITE_ID fires on (or failed on) $QUIET: $(cat "$tmp/quiet.err")"
fi

# (c) every table schema.sql and the formats' src/schema/*.sql create is
# documented in doc/schema.md or one of the doc/schema-*.md it links to.
tables=$(sed -n 's/^CREATE TABLE \([a-z_][a-z_0-9]*\).*/\1/p' "$SCHEMA_SQL" \
	"$TOP_SRCDIR"/src/schema/*.sql)
[ -n "$tables" ] || bad "no CREATE TABLE found in $SCHEMA_SQL"
for t in $tables; do
	if cat "$SCHEMA_MD" "$TOP_SRCDIR"/doc/schema-*.md 2>/dev/null | grep -q -e "\`$t\`"; then
		ok "table $t is documented in doc/schema.md"
	else
		bad "table $t is not documented in doc/schema.md or doc/schema-*.md"
	fi
done

# (d) every key src/rules.c accepts (the lists of its "unknown key '%s'
# (known: ...)" messages: rule keys, suppress keys, test keys) appears in
# doc/mkpostmortem-rules.5, as a word (plain or as \fBkey\fR).
MAN5=$TOP_SRCDIR/doc/mkpostmortem-rules.5
RULES_C=$TOP_SRCDIR/src/rules.c
# Join the C file's adjacent string literals so that a message split over
# several lines reads as one.
tr '\n' ' ' < "$RULES_C" | sed 's/"[[:space:]]*"//g' > "$tmp/rules-c"
grep -q "unknown key '%s' (known: [a-z]" "$tmp/rules-c" ||
	bad "no \"unknown key '%s' (known: ...)\" message found in $RULES_C"
keys=$(grep -o "(known: [a-z_, ]*)" "$tmp/rules-c" |
	sed 's/^(known: //; s/)$//' | tr ', ' '\n\n' | sed '/^$/d' | sort -u)
for k in $keys; do
	if grep -q -E "(^|[^A-Za-z0-9_]|\\\\f[BIRP])$k([^A-Za-z0-9_]|$)" "$MAN5"; then
		ok "rule file key $k is in doc/mkpostmortem-rules.5"
	else
		bad "rule file key $k (src/rules.c) is missing from doc/mkpostmortem-rules.5"
	fi
done

exit $fail
