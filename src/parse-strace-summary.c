/*
 * strace -c / -C / -w / -U summary tables (FORMATS.md 1.8).
 *
 *   % time     seconds  usecs/call     calls    errors syscall
 *   ------ ----------- ----------- --------- --------- ----------------
 *    35.95    0.004433          94        47           nanosleep
 *   ------ ----------- ----------- --------- --------- ----------------
 *   100.00    0.012332          34       354        11 total
 *
 * The header names the columns (their set and order change with -U);
 * the dash separator gives each column's span, which matters because a
 * zero errors cell is blank.  Each whitespace token of a row is given to
 * the span it overlaps most.  Numbers may use ',' as the decimal point
 * (strace prints them under the user's locale).
 *
 * Mixable: inside a -C file or a stderr capture only table lines are
 * claimed: a header (a line naming `calls`, `syscall` and a time or errors
 * column; lines come one at a time, so it cannot wait for the separator),
 * separators after a header, rows between them, the total row after the
 * second separator, and `System call usage summary for N bit mode:`.
 * Anything else ends the table and is refused.
 *
 * clock: strace 6.1 prints the same headers with and without -w (the -w
 * sample, `-C -w -U name,calls,errors,total-time,avg-time,min-time,
 * max-time`, shows nothing that says "wall"), so a table cannot tell
 * which clock it used: clock is NULL unless a column label mentions
 * "wall" (strace 7.1 wall-* columns), then 'wall'.
 */
#include "lex.h"
#include "parser.h"
#include "xmalloc.h"

#include <stdint.h>
#include <stdlib.h>
#include <string.h>

enum col {
	C_UNKNOWN, C_PCT, C_SECONDS, C_USECS, C_CALLS, C_ERRORS, C_NAME,
	C_MIN, C_MAX
};

#define MAXCOLS 16

struct st {
	const struct parse_ctx *ctx;
	int state;		/* 0 idle, 1 header seen, 2 rows, 3 total next */
	struct buf header;
	int ncols;
	size_t cs[MAXCOLS], ce[MAXCOLS];
	enum col kind[MAXCOLS];
	int wall;
};

static int is_digit(int c) { return c >= '0' && c <= '9'; }

static enum col
label_kind(const char *s, size_t n, int *wall)
{
	static const struct { const char *l; enum col k; } map[] = {
		{ "% time", C_PCT }, { "seconds", C_SECONDS },
		{ "usecs/call", C_USECS }, { "calls", C_CALLS },
		{ "errors", C_ERRORS }, { "syscall", C_NAME },
		{ "shortest", C_MIN }, { "longest", C_MAX },
		{ "min", C_MIN }, { "max", C_MAX },
		{ "total", C_SECONDS }, { "avg", C_USECS },
	};

	for (size_t i = 0; i + 4 <= n; i++)
		if (memcmp(s + i, "wall", 4) == 0)
			*wall = 1;
	for (size_t i = 0; i < sizeof(map) / sizeof(map[0]); i++)
		if (strlen(map[i].l) == n && memcmp(map[i].l, s, n) == 0)
			return map[i].k;
	return C_UNKNOWN;
}

static int
has_word(const char *s, size_t n, const char *w)
{
	size_t k = strlen(w);

	for (size_t i = 0; i + k <= n; i++)
		if (memcmp(s + i, w, k) == 0 &&
		    (i == 0 || s[i - 1] == ' ') &&
		    (i + k == n || s[i + k] == ' '))
			return 1;
	return 0;
}

static int
is_header(const char *s, size_t n)
{
	return has_word(s, n, "calls") && has_word(s, n, "syscall") &&
	    (has_word(s, n, "seconds") || has_word(s, n, "usecs/call") ||
	    has_word(s, n, "time") || has_word(s, n, "errors"));
}

/* Dash runs separated by single spaces, nothing else. */
static int
is_sep(const char *s, size_t n)
{
	int runs = 0;

	if (n < 3 || s[0] != '-')
		return 0;
	for (size_t i = 0; i < n; i++) {
		if (s[i] == '-') {
			if (i == 0 || s[i - 1] == ' ')
				runs++;
		} else if (s[i] != ' ')
			return 0;
	}
	return runs >= 2;
}


static int
sniff(const char *buf, size_t len, const char *name)
{
	const char *p = buf, *end = buf + len;
	int lines = 0;

	(void)name;
	/* The table must come first (after an optional mode line). */
	while (p < end && lines < 3) {
		const char *nl = memchr(p, '\n', (size_t)(end - p));
		size_t n = (size_t)((nl ? nl : end) - p);

		if (n && p[n - 1] == '\r')
			n--;
		if (n) {
			if (is_header(p, n))
				return 80;
			if (!lex_starts(p, n, "System call usage summary for "))
				return 0;
			lines++;
		}
		p = nl ? nl + 1 : end;
	}
	return 0;
}

static void *
open_(const struct parse_ctx *ctx)
{
	struct st *st = xcalloc(1, sizeof(*st));

	st->ctx = ctx;
	return st;
}

/* Sets up the column spans from the separator and the held header. */
static void
map_columns(struct st *st, const char *s, size_t n)
{
	const char *h = st->header.s ? st->header.s : "";
	size_t hn = st->header.len;

	st->ncols = 0;
	for (size_t i = 0; i < n && st->ncols < MAXCOLS;) {
		size_t j = i, a, b;

		while (j < n && s[j] == '-')
			j++;
		st->cs[st->ncols] = i;
		st->ce[st->ncols] = j;
		/* The label is the header text within the span. */
		a = i < hn ? i : hn;
		b = j < hn ? j : hn;
		if (st->ncols > 0 && j >= n)
			b = hn;		/* last column: to the end */
		while (a < b && h[a] == ' ')
			a++;
		while (b > a && h[b - 1] == ' ')
			b--;
		st->kind[st->ncols] = label_kind(h + a, b - a, &st->wall);
		st->ncols++;
		i = j;
		while (i < n && s[i] == ' ')
			i++;
	}
}

static int
parse_num(const char *s, size_t n, int is_real, int64_t *iv, double *rv)
{
	int64_t ip = 0, fp = 0;
	double sc = 1;
	size_t i = 0;

	if (n == 0 || !is_digit(s[0]))
		return 0;
	while (i < n && is_digit(s[i])) {
		/* A number too big for a count is not a summary cell. */
		if (ip > (INT64_MAX - 9) / 10)
			return 0;
		ip = ip * 10 + (s[i++] - '0');
	}
	if (i < n && (s[i] == '.' || s[i] == ',')) {
		if (!is_real)
			return 0;
		i++;
		while (i < n && is_digit(s[i])) {
			if (sc < 1e15) {
				fp = fp * 10 + (s[i] - '0');
				sc *= 10;
			}
			i++;
		}
	}
	if (i != n)
		return 0;
	*iv = ip;
	*rv = (double)ip + (double)fp / sc;
	return 1;
}

/* A data or total row; 0 when it does not fit the columns. */
static int
row(struct st *st, const char *s, size_t n, long lineno)
{
	struct val v[SU__COUNT];
	int got_name = 0, got_num = 0;

	memset(v, 0, sizeof(v));
	v[SU_LINE] = val_int(lineno);
	for (size_t i = 0; i < n;) {
		size_t ts, te;
		int best = -1;
		size_t bestov = 0;
		int64_t iv;
		double rv;

		while (i < n && s[i] == ' ')
			i++;
		if (i >= n)
			break;
		ts = i;
		while (i < n && s[i] != ' ')
			i++;
		te = i;
		for (int c = 0; c < st->ncols; c++) {
			size_t a = ts > st->cs[c] ? ts : st->cs[c];
			size_t b = te < st->ce[c] ? te : st->ce[c];

			if (c == st->ncols - 1)
				b = te;	/* the last column runs to the end */
			if (b > a && b - a > bestov) {
				bestov = b - a;
				best = c;
			}
		}
		if (best < 0)
			return 0;
		switch (st->kind[best]) {
		case C_NAME:
			if (got_name)
				return 0;
			v[SU_SYSCALL] = val_text(s + ts, te - ts);
			got_name = 1;
			continue;
		case C_UNKNOWN:
			continue;
		default:
			break;
		}
		if (!parse_num(s + ts, te - ts, st->kind[best] != C_CALLS &&
		    st->kind[best] != C_ERRORS, &iv, &rv))
			return 0;
		got_num = 1;
		switch (st->kind[best]) {
		case C_PCT: v[SU_PCT] = val_real(rv); break;
		case C_SECONDS: v[SU_SECONDS] = val_real(rv); break;
		case C_USECS: v[SU_USECS_CALL] = val_int((int64_t)(rv + 0.5)); break;
		case C_CALLS: v[SU_CALLS] = val_int(iv); break;
		case C_ERRORS: v[SU_ERRORS] = val_int(iv); break;
		case C_MIN: v[SU_MIN_SECONDS] = val_real(rv); break;
		case C_MAX: v[SU_MAX_SECONDS] = val_real(rv); break;
		default: break;
		}
	}
	if (!got_name || !got_num)
		return 0;
	/* A blank errors cell means zero errors. */
	for (int c = 0; c < st->ncols; c++)
		if (st->kind[c] == C_ERRORS && v[SU_ERRORS].t == V_NULL)
			v[SU_ERRORS] = val_int(0);
	if (st->wall)
		v[SU_CLOCK] = val_str("wall");
	st->ctx->sink->row(st->ctx->sink->ctx, &tables[T_STRACE_SUMMARY], v);
	return 1;
}

static int
line(void *vst, const char *s, size_t n, long lineno, const char **why)
{
	struct st *st = vst;

	if (lex_starts(s, n, "System call usage summary for ")) {
		st->state = 0;
		return 1;
	}
	if (is_header(s, n)) {
		buf_reset(&st->header);
		buf_add(&st->header, s, n);
		st->state = 1;
		return 1;
	}
	if (is_sep(s, n)) {
		if (st->state == 1) {
			map_columns(st, s, n);
			st->state = 2;
			return 1;
		}
		if (st->state == 2) {
			st->state = 3;
			return 1;
		}
		*why = "dash line outside a summary table";
		return 0;
	}
	if (st->state == 2 || st->state == 3) {
		int total = st->state == 3;

		if (row(st, s, n, lineno)) {
			if (total)
				st->state = 0;
			return 1;
		}
		st->state = 0;
	}
	*why = "not a strace summary line";
	return 0;
}

static void
finish(void *vst)
{
	struct st *st = vst;

	buf_free(&st->header);
	free(st);
}

const struct parser parser_strace_summary = {
	.type = "strace-summary",
	.sniff = sniff,
	.open = open_,
	.line = line,
	.finish = finish,
	.flags = PARSER_MIXABLE,
};
