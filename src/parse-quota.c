/*
 * Disk quota reports (type "quota"), from quota-tools 4.x, into quotas:
 *
 * `quota -v [-s] [-w]`:
 *   Disk quotas for user alice (uid 1000):
 *        Filesystem  blocks   quota   limit   grace   files   quota   limit   grace
 *         /dev/sdb1  10240*  10000   12000   6days      12       0       0
 *   A '*' after a count means over a limit; the grace column is blank
 *   until a soft limit is passed.  A device name longer than the column
 *   goes on its own line, its numbers on the next (unless -w).
 *   "Disk quotas for user x (uid N): none" has no rows.
 *
 * `repquota [-s] [-a]`:
 *   *** Report for user quotas on device /dev/sdb1
 *   Block grace time: 7days; Inode grace time: 7days
 *                           Block limits                File limits
 *   User            used    soft    hard  grace    used  soft  hard  grace
 *   ----------------------------------------------------------------------
 *   alice     +-   12000   10000   12000  6days      12     0     0
 *   The two flag characters say block/file usage is over ('+') a soft
 *   limit; a grace cell is present only then.
 *
 * Blocks are KiB; with -s, sizes carry K/M/G/T suffixes (1024-based,
 * converted to KiB) and file counts k/m/g (1000-based).  Grace cells are
 * told from counts by not being all digits.  over is 1 when a flag says
 * so or a count has reached its hard limit or passed its soft limit.
 */
#include "lex.h"
#include "parser.h"
#include "xmalloc.h"

#include <stdint.h>
#include <stdlib.h>
#include <string.h>

enum q_col {
	Q_LINE, Q_FILESYSTEM, Q_SUBJECT, Q_KIND, Q_BLOCKS, Q_BLOCK_SOFT,
	Q_BLOCK_HARD, Q_FILES, Q_FILE_SOFT, Q_FILE_HARD, Q_OVER, Q_RAW,
	Q__COUNT
};
static const char *const q_cols[] = {
	"line", "filesystem", "subject", "kind", "blocks", "block_soft",
	"block_hard", "files", "file_soft", "file_hard", "over", "raw",
};
static const struct rec_table q_table = {
	.id = -1, .name = "quotas", .ncols = Q__COUNT, .cols = q_cols,
};
static const struct rec_table *const q_tables[] = { &q_table, NULL };

enum mode { M_NONE, M_QUOTA, M_REPQUOTA };

struct st {
	const struct parse_ctx *ctx;
	enum mode mode;
	int table;		/* repquota: past the dashed line */
	struct buf subject, kind, fs;	/* current report's */
	struct buf pending;	/* quota -v: a wrapped device name */
	long pending_line;
};




static int
all_digits(const struct tok *t)
{
	if (t->n == 0)
		return 0;
	for (size_t i = 0; i < t->n; i++)
		if (t->s[i] < '0' || t->s[i] > '9')
			return 0;
	return 1;
}

/*
 * A count: digits, an optional suffix (blocks: K M G T in KiB steps from
 * K = 1; files: k m g t in thousands) and an optional '*'.  0 if not.
 */
static int
count(struct tok t, int blocks, int64_t *v, int *star)
{
	int64_t x = 0;
	size_t i = 0;

	*star = 0;
	if (t.n && t.s[t.n - 1] == '*') {
		*star = 1;
		t.n--;
	}
	for (; i < t.n && t.s[i] >= '0' && t.s[i] <= '9' && i < 15; i++)
		x = x * 10 + (t.s[i] - '0');
	if (i == 0)
		return 0;
	if (i < t.n) {
		const char *suf = blocks ? "KMGT" : "kmgt";
		const char *p = t.s[i] ? strchr(suf, t.s[i]) : NULL;

		if (p == NULL || i + 1 != t.n)
			return 0;
		for (long k = blocks ? 1 : 0; k <= p - suf; k++)
			x *= blocks ? 1024 : 1000;
	}
	*v = x;
	return 1;
}

static int
is_grace(const struct tok *t)
{
	return t->n > 0 && !all_digits(t);
}

/*
 * The six counts of a row starting at t[0], with a block grace cell
 * after the third when bgrace and an optional file grace cell at the
 * end; fills v and returns 1, or 0 with *why.
 */
static int
counts(const struct tok *t, int k, int bgrace, struct val *v, int *over,
    const char **why)
{
	int64_t x[6];
	int star, i = 0, c;

	for (c = 0; c < 6; c++) {
		if (c == 3 && bgrace)
			i++;	/* the block grace cell */
		if (i >= k) {
			*why = "quota row with fewer counts than its header";
			return 0;
		}
		if (!count(t[i], c < 3, &x[c], &star)) {
			*why = "quota row whose counts are not numbers";
			return 0;
		}
		*over |= star;
		i++;
	}
	if (i < k && is_grace(&t[i]))
		i++;	/* the file grace cell */
	if (i < k) {
		*why = "quota row with more cells than its header";
		return 0;
	}
	for (c = 0; c < 6; c++)
		v[Q_BLOCKS + c] = val_int(x[c]);
	if ((x[2] > 0 && x[0] >= x[2]) || (x[1] > 0 && x[0] > x[1]) ||
	    (x[5] > 0 && x[3] >= x[5]) || (x[4] > 0 && x[3] > x[4]))
		*over = 1;
	return 1;
}

static void
emit(struct st *st, struct val *v, const char *s, size_t n, long lineno,
    int over)
{
	v[Q_LINE] = val_int(lineno);
	v[Q_SUBJECT] = st->subject.len ? val_text(st->subject.s, st->subject.len) : val_null();
	v[Q_KIND] = st->kind.len ? val_text(st->kind.s, st->kind.len) : val_null();
	v[Q_OVER] = val_int(over);
	v[Q_RAW] = val_text(s, n);
	st->ctx->sink->row(st->ctx->sink->ctx, &q_table, v);
}

/* "Disk quotas for user alice (uid 1000):" */
static int
quota_header(struct st *st, const char *s, size_t n)
{
	struct tok t[5];

	if (!lex_starts(s, n, "Disk quotas for ") || lex_split(s, n, t, 5) < 5)
		return 0;
	if (st) {
		buf_reset(&st->kind);
		buf_add(&st->kind, t[3].s, t[3].n);
		buf_reset(&st->subject);
		buf_add(&st->subject, t[4].s, t[4].n);
		st->mode = M_QUOTA;
		st->table = 0;
	}
	return 1;
}

/* "*** Report for user quotas on device /dev/sdb1" */
static int
repquota_header(struct st *st, const char *s, size_t n)
{
	struct tok t[8];
	int k;

	if (!lex_starts(s, n, "*** Report for ") || (k = lex_split(s, n, t, 8)) < 8)
		return 0;
	if (st) {
		buf_reset(&st->kind);
		buf_add(&st->kind, t[3].s, t[3].n);
		buf_reset(&st->fs);
		buf_add(&st->fs, t[7].s, (size_t)(s + n - t[7].s));
		buf_reset(&st->subject);
		st->mode = M_REPQUOTA;
		st->table = 0;
	}
	return 1;
}

/* A quota -v row; fs/fsn when the device name came on the line before. */
static int
quota_row(struct st *st, const char *s, size_t n, long lineno, const char *fs,
    size_t fsn, const char **why)
{
	struct tok t[12];
	struct val v[Q__COUNT];
	int k = lex_split(s, n, t, 12), o = fs ? 0 : 1, over = 0, bgrace;

	if (k - o < 6) {
		*why = "quota row with fewer counts than its header";
		return 0;
	}
	memset(v, 0, sizeof(v));
	v[Q_FILESYSTEM] = fs ? val_text(fs, fsn) : val_text(t[0].s, t[0].n);
	bgrace = k - o >= 7 && is_grace(&t[o + 3]);
	if (!counts(t + o, k - o, bgrace, v, &over, why))
		return 0;
	emit(st, v, s, n, lineno, over);
	return 1;
}

/* A repquota row: NAME FLAGS used soft hard [grace] used soft hard [grace]. */
static int
repquota_row(struct st *st, const char *s, size_t n, long lineno,
    const char **why)
{
	struct tok t[12];
	struct val v[Q__COUNT];
	int k = lex_split(s, n, t, 12), over = 0;

	if (k < 8 || t[1].n != 2 || strchr("+-", t[1].s[0]) == NULL ||
	    strchr("+-", t[1].s[1]) == NULL) {
		*why = "repquota row without NAME FLAGS (like alice +-) and six counts";
		return 0;
	}
	memset(v, 0, sizeof(v));
	v[Q_FILESYSTEM] = st->fs.len ? val_text(st->fs.s, st->fs.len) : val_null();
	if (t[1].s[0] == '+' || t[1].s[1] == '+')
		over = 1;
	if (!counts(t + 2, k - 2, is_grace(&t[5]), v, &over, why))
		return 0;
	/* The subject is this row's name, not the report's. */
	buf_reset(&st->subject);
	buf_add(&st->subject, t[0].s, t[0].n);
	emit(st, v, s, n, lineno, over);
	buf_reset(&st->subject);
	return 1;
}

static void
drop_pending(struct st *st)
{
	if (st->pending.len) {
		st->ctx->sink->problem(st->ctx->sink->ctx, st->pending_line,
		    "quota device name without the counts of its row",
		    st->pending.s, st->pending.len);
		buf_reset(&st->pending);
	}
}

static int
line(void *vst, const char *s, size_t n, long lineno, const char **why)
{
	struct st *st = vst;
	struct tok t[3];
	int k;

	if (quota_header(st, s, n) || repquota_header(st, s, n)) {
		drop_pending(st);
		return 1;
	}
	k = lex_split(s, n, t, 3);
	if (st->mode == M_NONE) {
		*why = "quota line before any \"Disk quotas for\" or \"*** Report for\" header";
		return 0;
	}
	if (st->mode == M_REPQUOTA) {
		if (lex_starts(s, n, "Block grace time") || lex_starts(s, n, "---") ||
		    (k >= 2 && t[0].n == 5 && memcmp(t[0].s, "Block", 5) == 0) ||
		    (k >= 2 && t[1].n == 4 && memcmp(t[1].s, "used", 4) == 0)) {
			st->table |= lex_starts(s, n, "---");
			return 1;
		}
		if (lex_starts(s, n, "Statistics:") || lex_starts(s, n, "Total ") ||
		    lex_starts(s, n, "Data ") || lex_starts(s, n, "Quota ") ||
		    lex_starts(s, n, "Cache "))
			return 1;	/* repquota -v statistics */
		return repquota_row(st, s, n, lineno, why);
	}
	/* quota -v */
	if (k >= 2 && t[0].n == 10 && memcmp(t[0].s, "Filesystem", 10) == 0)
		return 1;
	if (st->pending.len) {
		int r = quota_row(st, s, n, lineno, st->pending.s, st->pending.len, why);

		buf_reset(&st->pending);
		return r;
	}
	if (k == 1) {
		/* A wrapped device name: its counts come on the next line. */
		buf_add(&st->pending, t[0].s, t[0].n);
		st->pending_line = lineno;
		return 1;
	}
	return quota_row(st, s, n, lineno, NULL, 0, why);
}

static int
sniff(const char *buf, size_t len, const char *name)
{
	const char *nl = memchr(buf, '\n', len);
	size_t n = nl ? (size_t)(nl - buf) : len;

	(void)name;
	return quota_header(NULL, buf, n) || repquota_header(NULL, buf, n) ? 90 : 0;
}

static void *
open_(const struct parse_ctx *ctx)
{
	struct st *st = xcalloc(1, sizeof(*st));

	st->ctx = ctx;
	return st;
}

static void
finish(void *vst)
{
	struct st *st = vst;

	drop_pending(st);
	buf_free(&st->subject);
	buf_free(&st->kind);
	buf_free(&st->fs);
	buf_free(&st->pending);
	free(st);
}

const struct parser parser_quota = {
	.type = "quota",
	.sniff = sniff,
	.open = open_,
	.line = line,
	.finish = finish,
	.tables = q_tables,
};
