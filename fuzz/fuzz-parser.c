/*
 * Parser harness: one input, handed to a parser exactly as the driver
 * (src/ingest.c over src/linereader.c) would hand a file of those bytes
 * to it, with a sink that checks everything the parser emits.
 *
 * Which parser: FUZZ_PARSER=<type> in the environment (or compiled in
 * with -DFUZZ_PARSER='"lsof"'); unset or "all", every parser in
 * parsers[] takes the same input in turn.  So a parser added to
 * src/parsers.c is fuzzed without touching this file, and
 * FUZZ_LIST_PARSERS=1 prints the types and exits (used by `make fuzz`).
 *
 * What the driver does and this copies, without calling it (ingest_file
 * wants a path; the fuzzer wants no file system):
 *   - lines end at "\n", "\r\n" or a lone "\r", which are stripped;
 *   - a line longer than max_line, or holding a NUL byte, is skipped
 *     (the driver reports it itself); an empty line is skipped;
 *   - a line the main parser does not claim is offered to the mixable
 *     parsers, opened lazily, as is text a parser offers via ctx->offer;
 *   - a binary parser (blob) gets the whole input at once.
 * Unlike the driver, each line is copied into its own allocation of
 * exactly len + 1 bytes, so AddressSanitizer catches a read past the
 * terminating NUL and a pointer kept into a previous line.
 */
#include "fuzz.h"
#include "parser.h"
#include "record.h"

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

const char fuzz_harness_name[] = "fuzz-parser";

/* The driver's defaults (src/main.c), but a small pending cap, so that
 * the code paths taken when it is hit are reached by short inputs. */
#define FZ_MAX_LINE (1024 * 1024)
#define FZ_MAX_PENDING 16
#define FZ_MAX_BLOB (64 * 1024 * 1024)
#define FZ_MAX_SLOTS 16

struct fz_slot {
	const struct parser *p;
	void *st;
};

/* One run of one parser over one input. */
struct fz {
	const struct parser *main_p;
	struct fz_slot slots[FZ_MAX_SLOTS];
	size_t nslots;
	struct sink sink;	/* the checks below, with this run as ctx */
	struct parse_ctx ctx, sctx;
	long lineno;		/* last line handed out (blob: lines in it); rows
				 * may not name a later one */
	size_t max_text;	/* no text value can be longer than this */
	int blob;
};

static const struct parser *only;	/* NULL: every parser */
static const struct limits fz_limits = { FZ_MAX_LINE, FZ_MAX_PENDING, FZ_MAX_BLOB };
static struct fz *cur;			/* for messages */

/* A contract violation: say which parser and what, then crash. */
static void __attribute__((noreturn, format(printf, 1, 2)))
fz_fail(const char *fmt, ...)
{
	va_list ap;

	fprintf(stderr, "%s: parser %s, line %ld: ", fuzz_harness_name,
	    cur && cur->main_p ? cur->main_p->type : "?", cur ? cur->lineno : 0L);
	va_start(ap, fmt);
	vfprintf(stderr, fmt, ap);
	va_end(ap);
	fputc('\n', stderr);
	abort();
}

/* A NUL-terminated string of sane length at s (reads it: ASan checks). */
static void
check_cstr(const char *what, const char *s, int may_be_empty)
{
	size_t n;

	if (s == NULL)
		fz_fail("%s is NULL", what);
	n = strlen(s);
	if (n == 0 && !may_be_empty)
		fz_fail("%s is empty", what);
	if (n > 4096)
		fz_fail("%s is %zu bytes long", what, n);
}

/* t is one of the record tables some parser (or the core) declares. */
static void
check_table(const struct rec_table *t)
{
	if (t == NULL)
		fz_fail("row for a NULL table");
	for (int i = 0; i < T__COUNT; i++)
		if (t == &tables[i])
			return;
	for (size_t i = 0; i < parsers_count; i++)
		for (const struct rec_table *const *tp = parsers[i]->tables;
		    tp != NULL && *tp != NULL; tp++)
			if (*tp == t)
				return;
	fz_fail("row for table %s, which no parser lists in .tables",
	    t->name ? t->name : "(no name)");
}

static void
fz_row(void *vctx, const struct rec_table *t, const struct val *v)
{
	struct fz *f = vctx;

	check_table(t);
	check_cstr("table name", t->name, 0);
	if (t->ncols < 1 || t->ncols > 200 || t->cols == NULL)
		fz_fail("table %s has %d columns", t->name, t->ncols);
	if (strcmp(t->cols[0], "line") != 0)
		fz_fail("table %s: first column is %s, not line", t->name, t->cols[0]);
	if (v == NULL)
		fz_fail("table %s: NULL values", t->name);
	/* Every value is read: a row array shorter than ncols is an overflow. */
	for (int c = 0; c < t->ncols; c++) {
		const struct val *x = &v[c];

		check_cstr("column name", t->cols[c], 0);
		switch (x->t) {
		case V_NULL:
		case V_REAL:
			break;
		case V_INT:
			break;
		case V_TEXT:
			if (x->s == NULL)
				fz_fail("%s.%s: text with a NULL pointer", t->name, t->cols[c]);
			if (x->n > f->max_text)
				fz_fail("%s.%s: text of %zu bytes from an input of %zu",
				    t->name, t->cols[c], x->n, f->max_text);
			fuzz_touch(x->s, x->n);
			break;
		default:
			fz_fail("%s.%s: value type %d", t->name, t->cols[c], (int)x->t);
		}
	}
	/* A blob parser reading a text form may number its lines. */
	if (f->blob && v[0].t == V_NULL)
		return;
	if (v[0].t != V_INT || v[0].i < 1 || v[0].i > f->lineno) {
		fz_fail("%s: line is %s%lld, lines read so far %ld", t->name,
		    v[0].t == V_INT ? "" : "not an integer, ",
		    v[0].t == V_INT ? (long long)v[0].i : 0LL, f->lineno);
	}
}

static void
fz_problem(void *vctx, long line, const char *reason, const char *text,
    size_t len)
{
	struct fz *f = vctx;

	check_cstr("problem reason", reason, 0);
	if (line < 0 || line > f->lineno)
		fz_fail("problem '%s' at line %ld, lines read so far %ld", reason,
		    line, f->lineno);
	if (text == NULL) {
		if (len != 0)
			fz_fail("problem '%s': NULL text of length %zu", reason, len);
		return;
	}
	if (len > f->max_text)
		fz_fail("problem '%s': text of %zu bytes from an input of %zu",
		    reason, len, f->max_text);
	fuzz_touch(text, len);
}

static void
fz_meta(void *vctx, const char *key, const char *value)
{
	(void)vctx;
	check_cstr("meta key", key, 0);
	if (value != NULL)
		check_cstr("meta value", value, 1);
}

/* A parser's line(): the reason it gives when it declines must be a string. */
static int
call_line(const struct fz_slot *s, const char *line, size_t n, long ln)
{
	const char *why = NULL;
	int rc = s->p->line(s->st, line, n, ln, &why);

	if (rc == 0 && why != NULL)
		check_cstr("decline reason", why, 0);
	return rc;
}

/* The driver's offer_mixable(), same order and same lazy opening. */
static int
fz_offer(void *vd, const char *line, size_t n, long ln)
{
	struct fz *f = vd;

	if (line == NULL)
		fz_fail("offered a NULL line");
	fuzz_touch(line, n);
	if (ln < 1 || ln > f->lineno)
		fz_fail("offered text at line %ld, lines read so far %ld", ln, f->lineno);
	for (size_t i = 0; i < parsers_count; i++) {
		const struct parser *p = parsers[i];
		size_t k;

		if (!(p->flags & PARSER_MIXABLE) || p == f->main_p)
			continue;
		for (k = 1; k < f->nslots && f->slots[k].p != p; k++)
			;
		if (k == f->nslots) {
			if (f->nslots == FZ_MAX_SLOTS)
				continue;
			f->slots[k].p = p;
			f->slots[k].st = p->open(&f->sctx);
			f->nslots++;
		}
		if (call_line(&f->slots[k], line, n, ln))
			return 1;
	}
	return 0;
}

/* Length of the end-of-line at p (1 or 2), 0 if p is not one. */
static size_t
eol_len(const uint8_t *p, const uint8_t *end)
{
	if (*p == '\n')
		return 1;
	if (*p == '\r')
		return p + 1 < end && p[1] == '\n' ? 2 : 1;
	return 0;
}

/* Splits data into lines as the line reader does and feeds them. */
static void
feed_lines(struct fz *f, const uint8_t *data, size_t size)
{
	const uint8_t *p = data, *end = data + size;

	while (p < end) {
		const uint8_t *s = p;
		size_t n;
		char *line;

		while (p < end && eol_len(p, end) == 0)
			p++;
		n = (size_t)(p - s);
		if (p < end)
			p += eol_len(p, end);
		f->lineno++;
		if (n == 0 || n > FZ_MAX_LINE || memchr(s, '\0', n) != NULL)
			continue;
		line = malloc(n + 1);
		if (line == NULL)
			abort();
		memcpy(line, s, n);
		line[n] = '\0';
		if (!call_line(&f->slots[0], line, n, f->lineno))
			fz_offer(f, line, n, f->lineno);
		free(line);
	}
}

/* Lines in data by the line reader's rules: a bound for a blob's rows. */
static long
count_lines(const uint8_t *data, size_t size)
{
	const uint8_t *p = data, *end = data + size;
	long n = 0;

	while (p < end) {
		while (p < end && eol_len(p, end) == 0)
			p++;
		if (p < end)
			p += eol_len(p, end);
		n++;
	}
	return n;
}

/* One parser over one input, the way ingest_file() runs it. */
static void
run_parser(const struct parser *p, const uint8_t *data, size_t size)
{
	struct fz f;

	memset(&f, 0, sizeof(f));
	cur = &f;
	f.main_p = p;
	f.max_text = 2 * size + 65536;
	f.sink.ctx = &f;
	f.sink.row = fz_row;
	f.sink.problem = fz_problem;
	f.sink.meta = fz_meta;
	f.ctx.sink = &f.sink;
	f.ctx.name = "proc/1234/fuzz.4321";
	f.ctx.pid_hint = 4321;
	f.ctx.limits = &fz_limits;
	if (p->blob != NULL) {
		/* Exactly size bytes: a read past the end is caught. */
		unsigned char *copy = malloc(size ? size : 1);

		if (copy == NULL)
			abort();
		memcpy(copy, data, size);
		f.blob = 1;
		f.lineno = count_lines(data, size);
		p->blob(&f.ctx, copy, size);
		free(copy);
	} else {
		f.ctx.offer = fz_offer;
		f.ctx.drv = &f;
		f.sctx = f.ctx;
		f.sctx.secondary = 1;
		f.slots[0].p = p;
		f.slots[0].st = p->open(&f.ctx);
		f.nslots = 1;
		feed_lines(&f, data, size);
		for (size_t i = 0; i < f.nslots; i++)
			f.slots[i].p->finish(f.slots[i].st);
	}
	cur = NULL;
}

int
LLVMFuzzerInitialize(int *argc, char ***argv)
{
	const char *want = getenv("FUZZ_PARSER");

	(void)argc;
	(void)argv;
	if (getenv("FUZZ_LIST_PARSERS") != NULL) {
		for (size_t i = 0; i < parsers_count; i++)
			printf("%s\n", parsers[i]->type);
		exit(0);
	}
#ifdef FUZZ_PARSER
	if (want == NULL)
		want = FUZZ_PARSER;
#endif
	if (want != NULL && *want != '\0' && strcmp(want, "all") != 0) {
		only = parser_by_type(want);
		if (only == NULL) {
			fprintf(stderr, "%s: no parser of type '%s' (FUZZ_LIST_PARSERS=1 "
			    "lists them)\n", fuzz_harness_name, want);
			exit(2);
		}
	}
	return 0;
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	if (only != NULL) {
		run_parser(only, data, size);
		return 0;
	}
	for (size_t i = 0; i < parsers_count; i++)
		run_parser(parsers[i], data, size);
	return 0;
}
