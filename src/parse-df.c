/*
 * df output (type "df", FORMATS.md section 8): `df -h`, `-i`, `-P`, `-T`,
 * `-k` and their combinations, several tables in one file (`df -h; df -i`).
 *
 *   Filesystem     Type  Size  Used Avail Use% Mounted on
 *   /dev/vda       ext4  252G   18G   79G  19% /
 *   Filesystem      Inodes IUsed   IFree IUse% Mounted on
 *   tmp            3085510     1 3085509    1% /tmp/t/mnt dir
 *
 * The header decides everything: which columns there are (Type is
 * optional), whether the table counts space (Size, 1K-blocks,
 * 1024-blocks, 512-blocks, 1M-blocks ...) or inodes (Inodes), and the
 * unit of bare numbers.  Sizes with a suffix are 1024-based (K M G T P E)
 * and become bytes; inode counts with a suffix (`df -hi`) are scaled the
 * same way.  The mount point is printed raw and may hold spaces: it is
 * the rest of the line after the fixed columns.  A `-` value is NULL.
 * Old df (without -P) wraps a long device name onto its own line and
 * indents the numbers below it: such a lone name is held for the next
 * line.
 */
#include "lex.h"
#include "parser.h"
#include "xmalloc.h"

#include <stdint.h>
#include <stdlib.h>
#include <string.h>

enum df_col {
	DF_LINE, DF_FILESYSTEM, DF_FSTYPE, DF_KIND, DF_TOTAL, DF_USED,
	DF_AVAIL, DF_USE_PCT, DF_MOUNTPOINT, DF_RAW, DF__COUNT
};
static const char *const df_cols[] = {
	"line", "filesystem", "fstype", "kind", "total", "used", "avail",
	"use_pct", "mountpoint", "raw",
};
static const struct rec_table df_table = {
	.id = -1, .name = "df", .ncols = DF__COUNT, .cols = df_cols,
};
static const struct rec_table *const df_tables[] = { &df_table, NULL };

/* What each header column holds. */
enum hcol { H_FS, H_TYPE, H_TOTAL, H_USED, H_AVAIL, H_PCT };
#define MAXH 8

struct st {
	const struct parse_ctx *ctx;
	int have_header;
	int ncols;		/* columns before "Mounted on" */
	enum hcol col[MAXH];
	int inodes;		/* the table counts inodes */
	int64_t unit;		/* bytes per bare number (1 for -h, 1024 for -k) */
	struct buf pending;	/* a wrapped device name waiting for its numbers */
	long pending_line;
};




/*
 * "1K-blocks", "1024-blocks", "512-blocks", "1M-blocks": the unit of the
 * numbers below, or 0 when the label is not of that form.
 */
static int64_t
blocks_unit(const struct tok *t)
{
	int64_t u = 0;
	size_t i = 0;

	if (t->n < 8 || memcmp(t->s + t->n - 7, "-blocks", 7) != 0)
		return 0;
	while (i < t->n - 7 && t->s[i] >= '0' && t->s[i] <= '9' && u < 1000000000)
		u = u * 10 + (t->s[i++] - '0');
	if (u == 0)
		return 0;
	if (i < t->n - 7) {
		const char *suf = strchr("KMGTPE", t->s[i]);

		if (suf == NULL || i + 1 != t->n - 7)
			return 0;
		for (long k = 0; k <= suf - "KMGTPE"; k++)
			u *= 1024;
	}
	return u;
}

/* Reads a header line; 1 when it is one (and the state now follows it). */
static int
header(struct st *st, const char *s, size_t n)
{
	struct tok t[MAXH + 3];
	int k = lex_split(s, n, t, MAXH + 3), nc = 0, inodes = -1;
	int64_t unit = 1;

	if (k < 3 || !lex_tok_is(&t[0], "Filesystem") || !lex_tok_is(&t[k - 2], "Mounted") ||
	    !lex_tok_is(&t[k - 1], "on") || k - 2 > MAXH)
		return 0;
	for (int i = 0; i < k - 2; i++) {
		enum hcol c;
		int64_t u;

		if (lex_tok_is(&t[i], "Filesystem"))
			c = H_FS;
		else if (lex_tok_is(&t[i], "Type"))
			c = H_TYPE;
		else if (lex_tok_is(&t[i], "Size"))
			c = H_TOTAL, inodes = 0, unit = 1;
		else if ((u = blocks_unit(&t[i])) != 0)
			c = H_TOTAL, inodes = 0, unit = u;
		else if (lex_tok_is(&t[i], "Inodes"))
			c = H_TOTAL, inodes = 1, unit = 1;
		else if (lex_tok_is(&t[i], "Used") || lex_tok_is(&t[i], "IUsed"))
			c = H_USED;
		else if (lex_tok_is(&t[i], "Avail") || lex_tok_is(&t[i], "Available") ||
		    lex_tok_is(&t[i], "IFree"))
			c = H_AVAIL;
		else if (lex_tok_is(&t[i], "Use%") || lex_tok_is(&t[i], "IUse%") ||
		    lex_tok_is(&t[i], "Capacity"))
			c = H_PCT;
		else
			return 0;
		st->col[nc++] = c;
	}
	if (inodes < 0)
		return 0;
	st->ncols = nc;
	st->inodes = inodes;
	st->unit = unit;
	st->have_header = 1;
	return 1;
}

/*
 * A count as df prints it: digits, optionally with a decimal part and a
 * 1024-based suffix (4.0K, 252G), or "-".  Sets *null for "-"; returns
 * 0 when the token is not a number.
 */
static int
number(const struct tok *t, int64_t unit, int64_t *out, int *null)
{
	double v = 0, scale = 1;
	size_t i = 0;
	int digits = 0, frac = 0;

	*null = 0;
	if (t->n == 1 && t->s[0] == '-') {
		*null = 1;
		return 1;
	}
	for (; i < t->n; i++) {
		char c = t->s[i];

		if (c >= '0' && c <= '9') {
			if (frac)
				v += (c - '0') * (scale /= 10);
			else
				v = v * 10 + (c - '0');
			digits++;
		} else if ((c == '.' || c == ',') && !frac)
			frac = 1;
		else
			break;
	}
	if (digits == 0 || digits > 19)
		return 0;
	if (i < t->n) {
		const char *suf = strchr("KMGTPE", t->s[i] == 'k' ? 'K' : t->s[i]);

		if (suf == NULL || t->s[i] == '\0' || i + 1 != t->n)
			return 0;
		for (long k = 0; k <= suf - "KMGTPE"; k++)
			v *= 1024;
	} else
		v *= (double)unit;
	if (v > 9.2e18)
		return 0;
	*out = (int64_t)(v + 0.5);
	return 1;
}

/* "19%" or "-": the percentage without its sign. */
static int
percent(const struct tok *t, int64_t *out, int *null)
{
	int64_t v = 0;

	*null = 0;
	if (t->n == 1 && t->s[0] == '-') {
		*null = 1;
		return 1;
	}
	if (t->n < 2 || t->n > 5 || t->s[t->n - 1] != '%')
		return 0;
	for (size_t i = 0; i + 1 < t->n; i++) {
		if (t->s[i] < '0' || t->s[i] > '9')
			return 0;
		v = v * 10 + (t->s[i] - '0');
	}
	*out = v;
	return 1;
}

/*
 * A data row.  fs/fsn is the device name when it came on the line
 * before (wrapped output), else NULL.  Returns 0 with *why set when the
 * line does not fit the header.
 */
static int
row(struct st *st, const char *s, size_t n, long lineno, const char *fs,
    size_t fsn, const char **why)
{
	struct tok t[MAXH + 1];
	struct val v[DF__COUNT];
	int want = st->ncols - (fs ? 1 : 0);
	int k;
	int64_t num;
	int null;
	const char *mp;
	size_t i;

	k = lex_split(s, n, t, want);
	if (k < want) {
		*why = "df row with fewer columns than its header";
		return 0;
	}
	mp = t[want - 1].s + t[want - 1].n;
	while (mp < s + n && (*mp == ' ' || *mp == '\t'))
		mp++;
	if (mp == s + n) {
		*why = "df row without a mount point";
		return 0;
	}
	memset(v, 0, sizeof(v));
	v[DF_LINE] = val_int(lineno);
	v[DF_KIND] = val_str(st->inodes ? "inodes" : "space");
	v[DF_MOUNTPOINT] = val_text(mp, (size_t)(s + n - mp));
	v[DF_RAW] = val_text(s, n);
	if (fs)
		v[DF_FILESYSTEM] = val_text(fs, fsn);
	for (int c = fs ? 1 : 0, j = 0; c < st->ncols; c++, j++) {
		const struct tok *x = &t[j];

		switch (st->col[c]) {
		case H_FS:
			v[DF_FILESYSTEM] = val_text(x->s, x->n);
			break;
		case H_TYPE:
			v[DF_FSTYPE] = val_text(x->s, x->n);
			break;
		case H_TOTAL:
		case H_USED:
		case H_AVAIL:
			if (!number(x, st->unit,
			    &num, &null)) {
				*why = "df row with a count that is not a number";
				return 0;
			}
			i = st->col[c] == H_TOTAL ? DF_TOTAL :
			    st->col[c] == H_USED ? DF_USED : DF_AVAIL;
			v[i] = null ? val_null() : val_int(num);
			break;
		case H_PCT:
			if (!percent(x, &num, &null)) {
				*why = "df row with a use percentage that is not N%";
				return 0;
			}
			v[DF_USE_PCT] = null ? val_null() : val_int(num);
			break;
		}
	}
	st->ctx->sink->row(st->ctx->sink->ctx, &df_table, v);
	return 1;
}

static int
sniff(const char *buf, size_t len, const char *name)
{
	const char *nl = memchr(buf, '\n', len);
	struct st tmp;

	(void)name;
	memset(&tmp, 0, sizeof(tmp));
	/* The header comes first; a cut first line may still be one. */
	return header(&tmp, buf, nl ? (size_t)(nl - buf) : len) ? 90 : 0;
}

static void *
open_(const struct parse_ctx *ctx)
{
	struct st *st = xcalloc(1, sizeof(*st));

	st->ctx = ctx;
	return st;
}

static void
drop_pending(struct st *st)
{
	if (st->pending.len) {
		st->ctx->sink->problem(st->ctx->sink->ctx, st->pending_line,
		    "df device name without the numbers of its row",
		    st->pending.s, st->pending.len);
		buf_reset(&st->pending);
	}
}

static int
line(void *vst, const char *s, size_t n, long lineno, const char **why)
{
	struct st *st = vst;
	struct tok t[2];
	int r;

	if (header(st, s, n)) {
		drop_pending(st);
		return 1;
	}
	if (!st->have_header) {
		*why = "df row before any df header";
		return 0;
	}
	if (st->pending.len) {
		if (s[0] == ' ' || s[0] == '\t') {
			r = row(st, s, n, lineno, st->pending.s, st->pending.len, why);
			buf_reset(&st->pending);
			return r;
		}
		drop_pending(st);
	}
	/* A lone device name: its numbers follow on the next line. */
	if (lex_split(s, n, t, 2) == 1 && s[0] != ' ' && s[0] != '\t' &&
	    st->ncols > 1) {
		buf_add(&st->pending, s, n);
		st->pending_line = lineno;
		return 1;
	}
	return row(st, s, n, lineno, NULL, 0, why);
}

static void
finish(void *vst)
{
	struct st *st = vst;

	drop_pending(st);
	buf_free(&st->pending);
	free(st);
}

const struct parser parser_df = {
	.type = "df",
	.sniff = sniff,
	.open = open_,
	.line = line,
	.finish = finish,
	.tables = df_tables,
};
