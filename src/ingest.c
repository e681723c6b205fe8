/*
 * Detection and the line loop.  The driver wraps the caller's sink to
 * count rows and problems per artifact, so every parser's counts are
 * honest without each parser keeping them.
 */
#include "ingest.h"
#include "linereader.h"
#include "xmalloc.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define HEAD_BYTES (64 * 1024)

#define PROGRESS_EVERY (4u << 20)

static ingest_progress_fn progress_fn;
static void *progress_ctx;

void
ingest_set_progress(ingest_progress_fn fn, void *ctx)
{
	progress_fn = fn;
	progress_ctx = ctx;
}

struct counting {
	const struct sink *next;
	long rows, problems;
};

static void
count_row(void *ctx, const struct rec_table *t, const struct val *v)
{
	struct counting *c = ctx;

	if (!t->derived)
		c->rows++;
	c->next->row(c->next->ctx, t, v);
}

static void
count_problem(void *ctx, long line, const char *reason, const char *text,
    size_t len)
{
	struct counting *c = ctx;

	c->problems++;
	c->next->problem(c->next->ctx, line, reason, text, len);
}

static void
count_meta(void *ctx, const char *key, const char *value)
{
	struct counting *c = ctx;

	c->next->meta(c->next->ctx, key, value);
}

long
ingest_pid_from_name(const char *name)
{
	const char *base = strrchr(name, '/');
	const char *dot, *p;
	size_t n;
	long pid = 0;

	base = base ? base + 1 : name;
	n = strlen(base);
	if (n > 3 && strcmp(base + n - 3, ".gz") == 0)
		n -= 3;
	for (dot = NULL, p = base; p < base + n; p++)
		if (*p == '.')
			dot = p;
	if (dot == NULL || dot + 1 == base + n || dot == base)
		return 0;
	for (p = dot + 1; p < base + n; p++) {
		if (*p < '0' || *p > '9' || pid > 99999999)
			return 0;
		pid = pid * 10 + (*p - '0');
	}
	return pid;
}

static const struct parser *
detect(const char *head, size_t n, const char *relpath)
{
	const struct parser *best = NULL;
	int best_score = 0;

	for (size_t i = 0; i < parsers_count; i++) {
		int s = parsers[i]->sniff(head, n, relpath);

		if (s > best_score) {
			best_score = s;
			best = parsers[i];
		}
	}
	return best;
}

/* Heuristic for the "unknown" note: text or binary? */
static int
looks_binary(const char *head, size_t n)
{
	size_t ctl = 0;

	if (n >= 2 && (unsigned char)head[0] == 0x1f && (unsigned char)head[1] == 0x8b)
		return 1;
	for (size_t i = 0; i < n; i++) {
		unsigned char c = (unsigned char)head[i];

		if (c == 0)
			return 1;
		if (c < 0x20 && c != '\n' && c != '\r' && c != '\t' && c != 0x1b)
			ctl++;
	}
	return n > 0 && ctl * 10 > n;
}

struct slot {
	const struct parser *p;
	void *st;
	long claimed;
};

/* The parsers open on one artifact: the main one first, then mixables. */
struct drv {
	struct slot slots[16];
	size_t nslots;
	const struct parser *main_p;
	struct parse_ctx sctx;
};

/* Offers a line to the formats that mix into other streams. */
static int
offer_mixable(void *vd, const char *line, size_t len, long ln)
{
	struct drv *d = vd;

	for (size_t i = 0; i < parsers_count; i++) {
		const struct parser *p = parsers[i];
		const char *why;
		size_t k;

		if (!(p->flags & PARSER_MIXABLE) || p == d->main_p)
			continue;
		for (k = 1; k < d->nslots && d->slots[k].p != p; k++)
			;
		if (k == d->nslots) {
			if (d->nslots == sizeof(d->slots) / sizeof(d->slots[0]))
				continue;
			d->slots[k].p = p;
			d->slots[k].st = p->open(&d->sctx);
			d->slots[k].claimed = 0;
			d->nslots++;
		}
		if (p->line(d->slots[k].st, line, len, ln, &why)) {
			d->slots[k].claimed++;
			return 1;
		}
	}
	return 0;
}

void
ingest_file(const char *abspath, const char *relpath, uint64_t size,
    const char *forced_type, const struct limits *limits,
    const struct artifact_sink *as, struct artifact_info *info_out)
{
	static char types_buf[512];
	static char note_buf[512];
	struct counting cnt = { &as->rec, 0, 0 };
	struct sink wrap = { &cnt, count_row, count_problem, count_meta };
	struct artifact_info info = { 0 };
	struct parse_ctx pctx;
	struct drv drv = { 0 };
	struct buf nulbuf = { 0 };
	struct slot *slots = drv.slots;
	const struct parser *main_p = NULL;
	struct lr *r;
	char *err = NULL, *head;
	long n;
	int rc;

	info.path = relpath;
	info.size = size;
	info.status = "ok";
	info.pid_hint = ingest_pid_from_name(relpath);
	as->begin(as->rec.ctx, relpath);

	r = lr_open(abspath, limits->max_line, &err);
	if (r == NULL) {
		snprintf(note_buf, sizeof(note_buf), "%s", err);
		free(err);
		info.type = "unknown";
		info.types = "";
		info.status = "unreadable";
		info.note = note_buf;
		wrap.problem(wrap.ctx, 0, note_buf, NULL, 0);
		goto done;
	}
	head = xmalloc(HEAD_BYTES);
	n = lr_head(r, head, HEAD_BYTES);
	info.compressed = lr_compressed(r);
	if (n < 0) {
		snprintf(note_buf, sizeof(note_buf), "%s", lr_error(r));
		free(head);
		info.type = "unknown";
		info.types = "";
		info.status = "unreadable";
		info.note = note_buf;
		wrap.problem(wrap.ctx, 0, note_buf, NULL, 0);
		goto done;
	}
	if (forced_type != NULL)
		main_p = parser_by_type(forced_type);
	else
		main_p = detect(head, (size_t)n, relpath);
	if (main_p == NULL) {
		snprintf(note_buf, sizeof(note_buf), "%s",
		    n == 0 ? "empty file" :
		    looks_binary(head, (size_t)n) ? "binary content of no known format" :
		    "text of no known format");
		free(head);
		info.type = "unknown";
		info.types = "";
		info.status = "unknown";
		info.note = note_buf;
		goto done;
	}
	free(head);

	pctx.sink = &wrap;
	pctx.name = relpath;
	pctx.pid_hint = info.pid_hint;
	pctx.limits = limits;
	pctx.secondary = 0;
	pctx.offer = NULL;
	pctx.drv = NULL;
	if (main_p->blob != NULL) {
		struct buf data = { 0 };

		rc = lr_read_all(r, &data, limits->max_blob);
		if (rc == -2) {
			snprintf(note_buf, sizeof(note_buf), "binary artifact larger "
			    "than %zu bytes; not read", limits->max_blob);
			info.status = "partial";
			info.note = note_buf;
			wrap.problem(wrap.ctx, 0, note_buf, NULL, 0);
		} else {
			if (rc < 0) {
				snprintf(note_buf, sizeof(note_buf), "%s", lr_error(r));
				info.status = "partial";
				info.note = note_buf;
				wrap.problem(wrap.ctx, 0, note_buf, NULL, 0);
			}
			main_p->blob(&pctx, (const unsigned char *)buf_str(&data), data.len);
		}
		buf_free(&data);
		info.type = main_p->type;
		info.types = main_p->type;
		goto done;
	}
	pctx.name = relpath;
	pctx.pid_hint = info.pid_hint;
	pctx.limits = limits;
	pctx.secondary = 0;
	pctx.offer = offer_mixable;
	pctx.drv = &drv;
	/* Parsers may keep the context pointer: both live until finish(). */
	drv.main_p = main_p;
	drv.sctx = pctx;
	drv.sctx.secondary = 1;
	slots[0].p = main_p;
	slots[0].st = main_p->open(&pctx);
	slots[0].claimed = 0;
	drv.nslots = 1;

	for (uint64_t next_report = PROGRESS_EVERY;;) {
		const char *line, *why = "not understood";
		size_t len, full;
		unsigned fl;
		long ln;
		int claimed = 0;

		rc = lr_next(r, &line, &len, &fl, &full);
		if (rc <= 0)
			break;
		ln = lr_lineno(r);
		if (progress_fn && lr_bytes(r) >= next_report) {
			progress_fn(progress_ctx, relpath, lr_bytes(r), size,
			    lr_compressed(r));
			next_report = lr_bytes(r) + PROGRESS_EVERY;
		}
		info.lines = ln;
		if (fl & LR_TOOLONG) {
			char reason[128];

			snprintf(reason, sizeof(reason),
			    "line of %zu bytes is over the %zu-byte limit; skipped",
			    full, limits->max_line);
			wrap.problem(wrap.ctx, ln, reason, line, len > 200 ? 200 : len);
			continue;
		}
		if ((fl & LR_NUL) && !(main_p->flags & PARSER_NUL_OK)) {
			/*
			 * A NUL in a text format is damage, or data (a path with a
			 * NUL a program logged): read the line with each NUL as
			 * the two characters \0, and say so.
			 */
			wrap.problem(wrap.ctx, ln, "line contains NUL bytes; read with "
			    "each NUL as \\0", line, len);
			buf_reset(&nulbuf);
			for (size_t i = 0; i < len; i++) {
				if (line[i] == '\0')
					buf_add(&nulbuf, "\\0", 2);
				else
					buf_addc(&nulbuf, line[i]);
			}
			line = nulbuf.s;
			len = nulbuf.len;
		}
		if (len == 0)
			continue;
		if (slots[0].p->line(slots[0].st, line, len, ln, &why)) {
			slots[0].claimed++;
			continue;
		}
		claimed = offer_mixable(&drv, line, len, ln);
		if (!claimed)
			wrap.problem(wrap.ctx, ln, why, line, len);
	}
	if (rc < 0) {
		snprintf(note_buf, sizeof(note_buf), "%s after line %ld",
		    lr_error(r), lr_lineno(r));
		info.status = "partial";
		info.note = note_buf;
		wrap.problem(wrap.ctx, lr_lineno(r) + 1, note_buf, NULL, 0);
	}
	for (size_t i = 0; i < drv.nslots; i++)
		slots[i].p->finish(slots[i].st);
	buf_free(&nulbuf);

	info.type = main_p->type;
	types_buf[0] = '\0';
	for (size_t i = 0; i < drv.nslots; i++) {
		if (i > 0 && slots[i].claimed == 0)
			continue;
		if (types_buf[0])
			strncat(types_buf, ",", sizeof(types_buf) - strlen(types_buf) - 1);
		strncat(types_buf, slots[i].p->type, sizeof(types_buf) - strlen(types_buf) - 1);
	}
	info.types = types_buf;
	if (cnt.rows == 0 && slots[0].claimed == 0 && info.status[0] == 'o') {
		info.status = "unknown";
		info.note = "no line of the detected format";
	}
done:
	if (progress_fn)
		progress_fn(progress_ctx, relpath, UINT64_MAX, size, info.compressed);
	info.bytes = r ? lr_bytes(r) : 0;
	info.records = cnt.rows;
	info.errors = cnt.problems;
	lr_close(r);
	as->end(as->rec.ctx, &info);
	if (info_out)
		*info_out = info;
}
