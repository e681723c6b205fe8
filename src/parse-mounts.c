/*
 * Mount tables (FORMATS.md section 8), all into the mounts table:
 *
 * type "mountinfo": /proc/PID/mountinfo
 *   ID PARENT MAJ:MIN ROOT MOUNTPOINT OPTS [OPTFIELD]* - FSTYPE SOURCE SUPEROPTS
 *   Optional fields (shared:N, master:N ...) run until the lone "-".
 *   ROOT, MOUNTPOINT and SOURCE escape space, tab, newline and backslash
 *   as \040 \011 \012 \134; they are stored unescaped.
 *
 * type "findmnt": findmnt output, and `mount` output (form 'mount'):
 *   - default tree: TARGET column indented with └─ ├─ │ (or --ascii
 *     `- |- |), other columns aligned; the header names the columns;
 *   - -l (list, no tree) and -r/--raw (single spaces, \x20 escapes);
 *   - -P (pairs: TARGET="/" SOURCE="/dev/vda" ...);
 *   - `mount`: SRC on DIR type FSTYPE (OPTS).
 *   In the column forms the target may contain spaces (it is printed
 *   raw with -l): it is the first column, so the other columns are taken
 *   from the right and the target is what remains.  A bind mount's
 *   SOURCE "/dev/vda[/sub/dir]" gives source /dev/vda and root /sub/dir.
 *   findmnt's \xHH escapes are undone.
 *
 * ro is 1 when the mount is read-only in effect: "ro" among the per-mount
 * options, or among the superblock options (a filesystem remounted
 * read-only after errors shows `rw` per mount but `ro` in SUPEROPTS).
 */
#include "lex.h"
#include "parser.h"
#include "xmalloc.h"

#include <stdint.h>
#include <stdlib.h>
#include <string.h>

enum mounts_col {
	MT_LINE, MT_MOUNT_ID, MT_PARENT_ID, MT_DEV, MT_ROOT, MT_MOUNTPOINT,
	MT_OPTIONS, MT_FSTYPE, MT_SOURCE, MT_SUPER_OPTIONS, MT_RO, MT_FORM,
	MT_RAW, MT__COUNT
};
static const char *const mounts_cols[] = {
	"line", "mount_id", "parent_id", "dev", "root", "mountpoint",
	"options", "fstype", "source", "super_options", "ro", "form", "raw",
};
static const struct rec_table mounts_table = {
	.id = -1, .name = "mounts", .ncols = MT__COUNT, .cols = mounts_cols,
};
static const struct rec_table *const mounts_tables[] = { &mounts_table, NULL };

#define MAXC 16


struct st {
	const struct parse_ctx *ctx;
	int ncols;		/* findmnt header columns, 0 before a header */
	int col[MAXC];		/* mounts_col each header column fills, or -1 */
	int target_first;	/* TARGET is the first column */
	struct buf u[MT__COUNT];	/* unescaped text per column */
};





static int
hexval(char c)
{
	if (c >= '0' && c <= '9')
		return c - '0';
	if (c >= 'a' && c <= 'f')
		return c - 'a' + 10;
	if (c >= 'A' && c <= 'F')
		return c - 'A' + 10;
	return -1;
}

/*
 * Copies s into b undoing the kernel's \NNN octal escapes (mountinfo)
 * or libmount's \xHH ones (findmnt); anything else is kept as is.
 */
static struct val
unescape(struct buf *b, const char *s, size_t n)
{
	buf_reset(b);
	for (size_t i = 0; i < n; i++) {
		if (s[i] == '\\' && i + 3 < n &&
		    s[i + 1] >= '0' && s[i + 1] <= '3' &&
		    s[i + 2] >= '0' && s[i + 2] <= '7' &&
		    s[i + 3] >= '0' && s[i + 3] <= '7') {
			buf_addc(b, (char)((s[i + 1] - '0') * 64 +
			    (s[i + 2] - '0') * 8 + (s[i + 3] - '0')));
			i += 3;
		} else if (s[i] == '\\' && i + 3 < n && s[i + 1] == 'x' &&
		    hexval(s[i + 2]) >= 0 && hexval(s[i + 3]) >= 0) {
			buf_addc(b, (char)(hexval(s[i + 2]) * 16 + hexval(s[i + 3])));
			i += 3;
		} else
			buf_addc(b, s[i]);
	}
	return val_text(b->s ? b->s : "", b->len);
}

/* 1 when the comma-separated option list holds exactly "ro". */
static int
has_ro(const char *s, size_t n)
{
	size_t i = 0;

	while (i < n) {
		size_t j = i;

		while (j < n && s[j] != ',')
			j++;
		if (j - i == 2 && s[i] == 'r' && s[i + 1] == 'o')
			return 1;
		i = j + 1;
	}
	return 0;
}

static void
emit(struct st *st, struct val *v, const char *s, size_t n, long lineno,
    const char *form)
{
	v[MT_LINE] = val_int(lineno);
	v[MT_FORM] = val_str(form);
	v[MT_RAW] = val_text(s, n);
	v[MT_RO] = val_int((v[MT_OPTIONS].t == V_TEXT &&
	    has_ro(v[MT_OPTIONS].s, v[MT_OPTIONS].n)) ||
	    (v[MT_SUPER_OPTIONS].t == V_TEXT &&
	    has_ro(v[MT_SUPER_OPTIONS].s, v[MT_SUPER_OPTIONS].n)));
	st->ctx->sink->row(st->ctx->sink->ctx, &mounts_table, v);
}

/*
 * A mountinfo line into v (text pointing into s or st's buffers);
 * 0 with *why when it is not one.
 */
static int
mountinfo_fields(struct st *st, const char *s, size_t n, struct val *v,
    const char **why)
{
	struct tok t[MAXC + 10];
	int k = lex_split(s, n, t, MAXC + 10), dash;
	const char *colon;

	*why = "not a mountinfo line (ID PARENT MAJ:MIN ROOT MOUNTPOINT OPTS ... - FSTYPE SOURCE SUPEROPTS)";
	if (k < 9 || !lex_digits(t[0].s, t[0].n) || !lex_digits(t[1].s, t[1].n))
		return 0;
	colon = memchr(t[2].s, ':', t[2].n);
	if (colon == NULL || !lex_digits(t[2].s, (size_t)(colon - t[2].s)) ||
	    !lex_digits(colon + 1, (size_t)(t[2].s + t[2].n - colon - 1)))
		return 0;
	for (dash = 6; dash < k && !lex_tok_is(&t[dash], "-"); dash++)
		;
	if (dash >= k) {
		*why = "mountinfo line without the '-' separator (cut?)";
		return 0;
	}
	if (k - dash < 3) {
		*why = "mountinfo line cut after the '-' separator";
		return 0;
	}
	if (k - dash > 4) {
		*why = "mountinfo line with extra fields after the super options";
		return 0;
	}
	if (st) {
		memset(v, 0, sizeof(*v) * MT__COUNT);
		v[MT_MOUNT_ID] = val_int(lex_to_int(t[0].s, t[0].n));
		v[MT_PARENT_ID] = val_int(lex_to_int(t[1].s, t[1].n));
		v[MT_DEV] = val_text(t[2].s, t[2].n);
		v[MT_ROOT] = unescape(&st->u[MT_ROOT], t[3].s, t[3].n);
		v[MT_MOUNTPOINT] = unescape(&st->u[MT_MOUNTPOINT], t[4].s, t[4].n);
		v[MT_OPTIONS] = val_text(t[5].s, t[5].n);
		v[MT_FSTYPE] = val_text(t[dash + 1].s, t[dash + 1].n);
		v[MT_SOURCE] = unescape(&st->u[MT_SOURCE], t[dash + 2].s,
		    t[dash + 2].n);
		if (k - dash > 3)
			v[MT_SUPER_OPTIONS] = val_text(t[dash + 3].s, t[dash + 3].n);
	}
	return 1;
}

/* findmnt column names and the mounts column each fills (-1: none). */
static const struct {
	const char *name;
	int col;
} fm_names[] = {
	{ "TARGET", MT_MOUNTPOINT }, { "SOURCE", MT_SOURCE },
	{ "FSTYPE", MT_FSTYPE }, { "OPTIONS", MT_OPTIONS },
	{ "VFS-OPTIONS", MT_OPTIONS }, { "FS-OPTIONS", MT_SUPER_OPTIONS },
	{ "ID", MT_MOUNT_ID }, { "PARENT", MT_PARENT_ID },
	{ "MAJ:MIN", MT_DEV }, { "FSROOT", MT_ROOT },
	{ "SOURCES", -1 }, { "LABEL", -1 }, { "UUID", -1 }, { "PARTLABEL", -1 },
	{ "PARTUUID", -1 }, { "SIZE", -1 }, { "AVAIL", -1 }, { "USED", -1 },
	{ "USE%", -1 }, { "PROPAGATION", -1 }, { "FREQ", -1 }, { "PASSNO", -1 },
	{ "TID", -1 }, { "ACTION", -1 }, { "OLD-TARGET", -1 },
	{ "OLD-OPTIONS", -1 }, { "USER-OPTIONS", -1 },
};

static int
fm_col(const struct tok *t)
{
	for (size_t i = 0; i < sizeof(fm_names) / sizeof(fm_names[0]); i++)
		if (lex_tok_is(t, fm_names[i].name))
			return (int)i;
	return -2;
}

/* A findmnt header line: every word a findmnt column, TARGET among them. */
static int
fm_header(struct st *st, const char *s, size_t n)
{
	struct tok t[MAXC + 1];
	int k = lex_split(s, n, t, MAXC + 1), target = -1, c;

	if (k < 2 || k > MAXC)
		return 0;
	for (int i = 0; i < k; i++) {
		if ((c = fm_col(&t[i])) < 0)
			return 0;
		if (fm_names[c].col == MT_MOUNTPOINT)
			target = i;
		if (st)
			st->col[i] = fm_names[c].col;
	}
	if (target < 0)
		return 0;
	if (st) {
		st->ncols = k;
		st->target_first = target == 0;
	}
	return 1;
}

/* Leading tree drawing of findmnt's TARGET: └─ ├─ │ and --ascii `- |- |. */
static size_t
tree_prefix(const char *s, size_t n)
{
	size_t i = 0;

	for (;;) {
		if (i < n && s[i] == ' ')
			i++;
		else if (i + 2 < n && (unsigned char)s[i] == 0xe2 &&
		    (unsigned char)s[i + 1] == 0x94 &&
		    ((unsigned char)s[i + 2] == 0x80 || (unsigned char)s[i + 2] == 0x82 ||
		    (unsigned char)s[i + 2] == 0x94 || (unsigned char)s[i + 2] == 0x9c))
			i += 3;
		else if (i + 1 < n && (s[i] == '|' || s[i] == '`') &&
		    (s[i + 1] == '-' || s[i + 1] == ' '))
			i += 2;
		else
			return i;
	}
}

/* A bind mount's SOURCE "/dev/vda[/sub/dir]": split into source and root. */
static void
bracket_root(struct st *st, struct val *v)
{
	const char *s = v[MT_SOURCE].s, *lb;
	size_t n = v[MT_SOURCE].n;

	if (v[MT_SOURCE].t != V_TEXT || n < 3 || s[n - 1] != ']' ||
	    (lb = memchr(s, '[', n)) == NULL || lb == s)
		return;
	buf_reset(&st->u[MT_ROOT]);
	buf_add(&st->u[MT_ROOT], lb + 1, (size_t)(s + n - 1 - lb - 1));
	v[MT_ROOT] = val_text(buf_str(&st->u[MT_ROOT]), st->u[MT_ROOT].len);
	v[MT_SOURCE].n = (size_t)(lb - s);
}

/* Fills column c of v from text x (unescaped, numbers converted). */
static int
fm_set(struct st *st, struct val *v, int c, const char *x, size_t xn)
{
	if (c < 0)
		return 1;
	if (c == MT_MOUNT_ID || c == MT_PARENT_ID) {
		if (!lex_digits(x, xn))
			return 0;
		v[c] = val_int(lex_to_int(x, xn));
	} else
		v[c] = unescape(&st->u[c], x, xn);
	return 1;
}

/* A row of findmnt's column forms (tree, -l, -r) after a header. */
static int
fm_row(struct st *st, const char *s, size_t n, long lineno, const char **why)
{
	struct tok t[MAXC + 1];
	struct val v[MT__COUNT];
	int k;

	memset(v, 0, sizeof(v));
	*why = "findmnt row that does not fit its header";
	if (st->target_first) {
		/* Other columns from the right; the target is the rest. */
		size_t end = n, p = tree_prefix(s, n);

		for (int c = st->ncols - 1; c >= 1; c--) {
			size_t e, b;

			while (end > p && (s[end - 1] == ' ' || s[end - 1] == '\t'))
				end--;
			e = end;
			while (end > p && s[end - 1] != ' ' && s[end - 1] != '\t')
				end--;
			b = end;
			if (b == e || b == p)
				return 0;
			if (!fm_set(st, v, st->col[c], s + b, e - b))
				return 0;
		}
		while (end > p && (s[end - 1] == ' ' || s[end - 1] == '\t'))
			end--;
		if (end == p)
			return 0;
		fm_set(st, v, MT_MOUNTPOINT, s + p, end - p);
	} else {
		k = lex_split(s, n, t, MAXC + 1);
		if (k != st->ncols)
			return 0;
		for (int c = 0; c < k; c++)
			if (!fm_set(st, v, st->col[c], t[c].s, t[c].n))
				return 0;
	}
	bracket_root(st, v);
	emit(st, v, s, n, lineno, "findmnt");
	return 1;
}

/* findmnt -P: KEY="value" pairs (values escaped \xHH, quotes as \x22). */
static int
fm_pairs(struct st *st, const char *s, size_t n, long lineno, int dry)
{
	struct val v[MT__COUNT];
	size_t i = 0;
	int target = 0;

	memset(v, 0, sizeof(v));
	while (i < n) {
		size_t ks, ke, vs;
		int c;
		struct tok key;

		while (i < n && s[i] == ' ')
			i++;
		if (i == n)
			break;
		ks = i;
		while (i < n && s[i] != '=' && s[i] != ' ')
			i++;
		ke = i;
		if (i + 1 >= n || s[i] != '=' || s[i + 1] != '"')
			return 0;
		i += 2;
		vs = i;
		while (i < n && s[i] != '"')
			i++;
		if (i == n)
			return 0;
		key.s = s + ks;
		key.n = ke - ks;
		if ((c = fm_col(&key)) < 0)
			return 0;
		if (fm_names[c].col == MT_MOUNTPOINT)
			target = 1;
		if (!dry && !fm_set(st, v, fm_names[c].col, s + vs, i - vs))
			return 0;
		i++;
	}
	if (!target)
		return 0;
	if (!dry) {
		bracket_root(st, v);
		emit(st, v, s, n, lineno, "findmnt");
	}
	return 1;
}

static const char *
find_str(const char *s, size_t n, const char *w)
{
	size_t k = strlen(w);

	for (size_t i = 0; i + k <= n; i++)
		if (memcmp(s + i, w, k) == 0)
			return s + i;
	return NULL;
}

static const char *
find_last(const char *s, size_t n, const char *w)
{
	size_t k = strlen(w);

	for (size_t i = n - (n >= k ? k : n); n >= k; i--) {
		if (memcmp(s + i, w, k) == 0)
			return s + i;
		if (i == 0)
			break;
	}
	return NULL;
}

/* `mount` output: SRC on DIR type FSTYPE (OPTS). */
static int
mount_line(struct st *st, const char *s, size_t n, long lineno)
{
	const char *on = find_str(s, n, " on "), *ty, *fs, *op;
	struct val v[MT__COUNT];

	if (n < 2 || s[n - 1] != ')' || on == NULL || on == s)
		return 0;
	ty = find_last(s, n, " type ");
	if (ty == NULL || ty < on + 4)
		return 0;
	fs = ty + 6;
	op = memchr(fs, ' ', (size_t)(s + n - fs));
	if (op == NULL || op == fs || op + 1 >= s + n || op[1] != '(')
		return 0;
	if (st) {
		memset(v, 0, sizeof(v));
		v[MT_SOURCE] = val_text(s, (size_t)(on - s));
		v[MT_MOUNTPOINT] = val_text(on + 4, (size_t)(ty - on - 4));
		v[MT_FSTYPE] = val_text(fs, (size_t)(op - fs));
		v[MT_OPTIONS] = val_text(op + 2, (size_t)(s + n - 1 - op - 2));
		emit(st, v, s, n, lineno, "mount");
	}
	return 1;
}

static size_t
first_line(const char *buf, size_t len)
{
	const char *nl = memchr(buf, '\n', len);

	return nl ? (size_t)(nl - buf) : len;
}

static int
sniff_mountinfo(const char *buf, size_t len, const char *name)
{
	struct val v[MT__COUNT];
	const char *why;

	(void)name;
	return mountinfo_fields(NULL, buf, first_line(buf, len), v, &why) ? 90 : 0;
}

static int
sniff_findmnt(const char *buf, size_t len, const char *name)
{
	size_t n = first_line(buf, len);

	(void)name;
	if (fm_header(NULL, buf, n) || fm_pairs(NULL, buf, n, 0, 1))
		return 90;
	return mount_line(NULL, buf, n, 0) ? 85 : 0;
}

static void *
open_(const struct parse_ctx *ctx)
{
	struct st *st = xcalloc(1, sizeof(*st));

	st->ctx = ctx;
	return st;
}

static int
line_mountinfo(void *vst, const char *s, size_t n, long lineno, const char **why)
{
	struct st *st = vst;
	struct val v[MT__COUNT];

	if (!mountinfo_fields(st, s, n, v, why))
		return 0;
	emit(st, v, s, n, lineno, "mountinfo");
	return 1;
}

static int
line_findmnt(void *vst, const char *s, size_t n, long lineno, const char **why)
{
	struct st *st = vst;

	if (fm_header(st, s, n))
		return 1;
	if (mount_line(st, s, n, lineno))
		return 1;
	if (fm_pairs(st, s, n, lineno, 1))
		return fm_pairs(st, s, n, lineno, 0);
	if (st->ncols == 0) {
		*why = "not findmnt or mount output (no TARGET header, not SRC on DIR type FS (OPTS))";
		return 0;
	}
	return fm_row(st, s, n, lineno, why);
}

static void
finish(void *vst)
{
	struct st *st = vst;

	for (int i = 0; i < MT__COUNT; i++)
		buf_free(&st->u[i]);
	free(st);
}

const struct parser parser_mountinfo = {
	.type = "mountinfo",
	.sniff = sniff_mountinfo,
	.open = open_,
	.line = line_mountinfo,
	.finish = finish,
	.tables = mounts_tables,
};

const struct parser parser_findmnt = {
	.type = "findmnt",
	.sniff = sniff_findmnt,
	.open = open_,
	.line = line_findmnt,
	.finish = finish,
	.tables = mounts_tables,
};
