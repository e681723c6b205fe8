/*
 * Go scheduler traces, GODEBUG=schedtrace=N[,scheddetail=1] (type
 * "schedtrace", FORMATS.md section 2).
 *
 *   SCHED 210ms: gomaxprocs=2 idleprocs=0 threads=6 spinningthreads=0 idlethreads=1 runqueue=4 [1 1]
 *   SCHED 0ms: gomaxprocs=2 idleprocs=0 threads=5 ... runqueue=0 gcwaiting=0 nmidlelocked=1 stopwait=0 sysmonwait=0
 *     P0: status=0 schedtick=0 syscalltick=0 m=-1 runqsize=2 gfreecnt=0 timerslen=0
 *     M1: p=-1 curg=17 mallocing=0 throwing=0 preemptoff= locks=0 dying=0 spinning=false blocked=false lockedg=17
 *     G1: status=4(chan receive) m=-1 lockedm=0
 *
 * A summary line becomes a sched_samples row.  The short form's bracket
 * list (one local run queue length per P) becomes sched_runq rows and
 * the local_runq sum; in the detailed form the P lines that follow carry
 * the queue lengths, so the sample is held until its P lines are read
 * (until the first M line, the next SCHED line or the end) and each P
 * line also gives a sched_runq row.  Detail lines take the ms of the
 * SCHED sample before them; -1 and nil ids are NULL.  Fields are read
 * as key=value pairs by name, so the 1.21+ needspinning= and fields a
 * later release adds do not break the parse; a line cut short (a token
 * without '=', no closing ']', a required field missing) is a problem,
 * not a partial sample.
 *
 * Mixable: a Go program's stderr mixes schedtrace with its own output,
 * gctrace and panics.  Only SCHED lines and, after a detailed SCHED line
 * (or when this is the file's main format), "  P", "  M", "  G" detail
 * lines are claimed; anything else is refused for the other formats.
 */
#include "parser.h"
#include "xmalloc.h"

#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

enum ss_col {
	SS_LINE, SS_MS, SS_GOMAXPROCS, SS_IDLEPROCS, SS_THREADS, SS_SPINNING,
	SS_NEEDSPINNING, SS_IDLETHREADS, SS_RUNQUEUE, SS_LOCAL_RUNQ,
	SS_GCWAITING, SS_NMIDLELOCKED, SS_STOPWAIT, SS_SYSMONWAIT,
	SS_DETAILED, SS_RAW, SS__COUNT
};
static const char *const ss_cols[] = {
	"line", "ms", "gomaxprocs", "idleprocs", "threads", "spinningthreads",
	"needspinning", "idlethreads", "runqueue", "local_runq", "gcwaiting",
	"nmidlelocked", "stopwait", "sysmonwait", "detailed", "raw",
};
enum rq_col { RQ_LINE, RQ_MS, RQ_P, RQ_LEN, RQ__COUNT };
static const char *const rq_cols[] = { "line", "ms", "p", "len" };
enum sp_col {
	SP_LINE, SP_MS, SP_P, SP_STATUS, SP_SCHEDTICK, SP_SYSCALLTICK, SP_M,
	SP_RUNQSIZE, SP_GFREECNT, SP_TIMERSLEN, SP__COUNT
};
static const char *const sp_cols[] = {
	"line", "ms", "p", "status", "schedtick", "syscalltick", "m",
	"runqsize", "gfreecnt", "timerslen",
};
enum sm_col {
	SM_LINE, SM_MS, SM_M, SM_P, SM_CURG, SM_MALLOCING, SM_THROWING,
	SM_PREEMPTOFF, SM_LOCKS, SM_DYING, SM_SPINNING, SM_BLOCKED, SM_LOCKEDG,
	SM__COUNT
};
static const char *const sm_cols[] = {
	"line", "ms", "m", "p", "curg", "mallocing", "throwing", "preemptoff",
	"locks", "dying", "spinning", "blocked", "lockedg",
};
enum sg_col {
	SG_LINE, SG_MS, SG_GOID, SG_STATUS, SG_WAITREASON, SG_M, SG_LOCKEDM,
	SG__COUNT
};
static const char *const sg_cols[] = {
	"line", "ms", "goid", "status", "waitreason", "m", "lockedm",
};

static const struct rec_table t_samples = {
	.id = -1, .name = "sched_samples", .ncols = SS__COUNT, .cols = ss_cols,
};
static const struct rec_table t_runq = {
	.id = -1, .name = "sched_runq", .ncols = RQ__COUNT, .cols = rq_cols,
};
static const struct rec_table t_p = {
	.id = -1, .name = "sched_p", .ncols = SP__COUNT, .cols = sp_cols,
};
static const struct rec_table t_m = {
	.id = -1, .name = "sched_m", .ncols = SM__COUNT, .cols = sm_cols,
};
static const struct rec_table t_g = {
	.id = -1, .name = "sched_g", .ncols = SG__COUNT, .cols = sg_cols,
};
static const struct rec_table *const sched_tables[] = {
	&t_samples, &t_runq, &t_p, &t_m, &t_g, NULL
};

/* A key=value field: its column, and whether the line needs it. */
struct key {
	const char *name;
	int col;
	int required;
	int id;			/* -1 and nil mean "none": NULL */
};

static const struct key summary_keys[] = {
	{ "gomaxprocs", SS_GOMAXPROCS, 1, 0 },
	{ "idleprocs", SS_IDLEPROCS, 1, 0 },
	{ "threads", SS_THREADS, 1, 0 },
	{ "spinningthreads", SS_SPINNING, 1, 0 },
	{ "needspinning", SS_NEEDSPINNING, 0, 0 },
	{ "idlethreads", SS_IDLETHREADS, 1, 0 },
	{ "runqueue", SS_RUNQUEUE, 1, 0 },
	{ "gcwaiting", SS_GCWAITING, 0, 0 },
	{ "nmidlelocked", SS_NMIDLELOCKED, 0, 0 },
	{ "stopwait", SS_STOPWAIT, 0, 0 },
	{ "sysmonwait", SS_SYSMONWAIT, 0, 0 },
	{ NULL, 0, 0, 0 }
};
static const struct key p_keys[] = {
	{ "status", SP_STATUS, 1, 0 },
	{ "schedtick", SP_SCHEDTICK, 1, 0 },
	{ "syscalltick", SP_SYSCALLTICK, 1, 0 },
	{ "m", SP_M, 1, 1 },
	{ "runqsize", SP_RUNQSIZE, 1, 0 },
	{ "gfreecnt", SP_GFREECNT, 1, 0 },
	{ "timerslen", SP_TIMERSLEN, 1, 0 },
	{ NULL, 0, 0, 0 }
};
static const struct key m_keys[] = {
	{ "p", SM_P, 1, 1 },
	{ "curg", SM_CURG, 1, 1 },
	{ "mallocing", SM_MALLOCING, 1, 0 },
	{ "throwing", SM_THROWING, 1, 0 },
	{ "preemptoff", SM_PREEMPTOFF, 1, 0 },
	{ "locks", SM_LOCKS, 1, 0 },
	{ "dying", SM_DYING, 1, 0 },
	{ "spinning", SM_SPINNING, 1, 0 },
	{ "blocked", SM_BLOCKED, 1, 0 },
	{ "lockedg", SM_LOCKEDG, 1, 1 },
	{ NULL, 0, 0, 0 }
};

struct st {
	const struct parse_ctx *ctx;
	int have_ms;		/* a SCHED line was seen: ms is valid */
	int64_t ms;
	int detailed;		/* the last SCHED line was the detailed form */
	int pending;		/* a detailed sample waits for its P lines */
	struct val pv[SS__COUNT];
	struct buf praw;	/* the pending sample's raw line (pv[SS_RAW]) */
	int64_t psum;		/* its P lines' runqsize sum so far */
	int pcount;		/* and how many P lines */
	long samples;
	char why[160];
};

static int is_digit(int c) { return c >= '0' && c <= '9'; }

/* Reads a decimal integer, optionally negative, at *p; 1 on success. */
static int
read_int(const char **p, const char *end, int64_t *out)
{
	const char *q = *p;
	int neg = 0;
	int64_t v = 0;

	if (q < end && *q == '-') {
		neg = 1;
		q++;
	}
	if (q >= end || !is_digit(*q))
		return 0;
	for (; q < end && is_digit(*q); q++) {
		if (v > (INT64_MAX - 9) / 10)
			return 0;
		v = v * 10 + (*q - '0');
	}
	*out = neg ? -v : v;
	*p = q;
	return 1;
}

static int
starts(const char *s, const char *end, const char *lit)
{
	size_t n = strlen(lit);

	return (size_t)(end - s) >= n && memcmp(s, lit, n) == 0;
}

/*
 * One field value [p, e): an integer, true/false (1/0), or for an id
 * field -1/nil (NULL).  1 on success.
 */
static int
field_value(const char *p, const char *e, int id, struct val *v)
{
	int64_t i;

	if (id && ((e - p == 2 && memcmp(p, "-1", 2) == 0) ||
	    (e - p == 3 && memcmp(p, "nil", 3) == 0))) {
		*v = val_null();
		return 1;
	}
	if (e - p == 4 && memcmp(p, "true", 4) == 0) {
		*v = val_int(1);
		return 1;
	}
	if (e - p == 5 && memcmp(p, "false", 5) == 0) {
		*v = val_int(0);
		return 1;
	}
	if (!read_int(&p, e, &i) || p != e)
		return 0;
	*v = val_int(i);
	return 1;
}

/*
 * Reads space-separated key=value fields from p to end into v by the
 * keys table; unknown keys are skipped (a later release may add some).
 * M lines' preemptoff= is free text up to " locks=", stored NULL when
 * empty.  Stops at " [" (the bracket list), setting *bracket.  Returns 1,
 * or 0 with st->why set.
 */
static int
read_fields(struct st *st, const char *p, const char *end,
    const struct key *keys, struct val *v, const char **bracket)
{
	unsigned seen = 0;

	if (bracket)
		*bracket = NULL;
	while (p < end) {
		const char *tok, *eq, *e;
		const struct key *k;

		while (p < end && *p == ' ')
			p++;
		if (p == end)
			break;
		if (*p == '[' && bracket) {
			*bracket = p;
			break;
		}
		tok = p;
		eq = memchr(p, '=', (size_t)(end - p));
		e = memchr(p, ' ', (size_t)(end - p));
		if (e == NULL)
			e = end;
		if (eq == NULL || eq > e) {
			snprintf(st->why, sizeof(st->why),
			    "cut short or garbled: '%.*s' is not a key=value field",
			    (int)(e - tok > 40 ? 40 : e - tok), tok);
			return 0;
		}
		for (k = keys; k->name; k++)
			if ((size_t)(eq - tok) == strlen(k->name) &&
			    memcmp(tok, k->name, (size_t)(eq - tok)) == 0)
				break;
		if (k->name && k->col == SM_PREEMPTOFF && keys == m_keys) {
			const char *l = memmem(eq + 1, (size_t)(end - eq - 1),
			    " locks=", 7);

			if (l == NULL) {
				snprintf(st->why, sizeof(st->why),
				    "cut short: no locks= after preemptoff=");
				return 0;
			}
			v[k->col] = l > eq + 1 ? val_text(eq + 1, (size_t)(l - eq - 1))
			    : val_null();
			seen |= 1u << (k - keys);
			p = l;
			continue;
		}
		if (k->name) {
			if (!field_value(eq + 1, e, k->id, &v[k->col])) {
				snprintf(st->why, sizeof(st->why),
				    "cut short or garbled: bad value for %s=", k->name);
				return 0;
			}
			seen |= 1u << (k - keys);
		}
		p = e;
	}
	for (const struct key *k = keys; k->name; k++)
		if (k->required && !(seen & (1u << (k - keys)))) {
			snprintf(st->why, sizeof(st->why),
			    "cut short: no %s= field", k->name);
			return 0;
		}
	return 1;
}

/*
 * Checks the bracket list "[N N ...]" from b to end: 1 with its sum and
 * count, 0 when it is not closed or holds something else.
 */
static int
check_bracket(const char *b, const char *end, int64_t *sum, int *count)
{
	const char *p = b + 1;

	*sum = 0;
	*count = 0;
	for (;;) {
		int64_t v;

		if (!read_int(&p, end, &v) || v < 0)
			return 0;
		*sum += v;
		(*count)++;
		if (p < end && *p == ']')
			return p + 1 == end;
		if (p >= end || *p != ' ')
			return 0;
		p++;
	}
}

static void
emit_runq(struct st *st, long lineno, int64_t p, int64_t len)
{
	struct val v[RQ__COUNT];

	v[RQ_LINE] = val_int(lineno);
	v[RQ_MS] = val_int(st->ms);
	v[RQ_P] = val_int(p);
	v[RQ_LEN] = val_int(len);
	st->ctx->sink->row(st->ctx->sink->ctx, &t_runq, v);
}

/* Emits the held detailed sample, with the P lines' queue sum. */
static void
flush(struct st *st)
{
	if (!st->pending)
		return;
	st->pv[SS_LOCAL_RUNQ] = st->pcount ? val_int(st->psum) : val_null();
	st->pv[SS_RAW] = val_text(buf_str(&st->praw), st->praw.len);
	st->ctx->sink->row(st->ctx->sink->ctx, &t_samples, st->pv);
	st->pending = 0;
}

static void
problem(struct st *st, long lineno, const char *s, size_t n)
{
	st->ctx->sink->problem(st->ctx->sink->ctx, lineno, st->why, s, n);
}

/* "SCHED 210ms: ..." after the prefix check: one sample. */
static void
summary(struct st *st, const char *s, size_t n, long lineno)
{
	const char *end = s + n, *p = s + 6, *b;
	struct val v[SS__COUNT];
	int64_t ms, sum = 0;
	int count = 0;

	flush(st);
	memset(v, 0, sizeof(v));
	if (!read_int(&p, end, &ms) || ms < 0 || !starts(p, end, "ms:")) {
		snprintf(st->why, sizeof(st->why),
		    "schedtrace line without its 'SCHED Nms:' time");
		problem(st, lineno, s, n);
		return;
	}
	p += 3;
	if (!read_fields(st, p, end, summary_keys, v, &b)) {
		problem(st, lineno, s, n);
		return;
	}
	if (b != NULL && !check_bracket(b, end, &sum, &count)) {
		snprintf(st->why, sizeof(st->why), "cut short or garbled: "
		    "per-P run queue list is not '[N N ...]' ending the line");
		problem(st, lineno, s, n);
		return;
	}
	if (b == NULL && v[SS_SYSMONWAIT].t == V_NULL) {
		snprintf(st->why, sizeof(st->why), "cut short: neither the "
		    "per-P run queue list nor the scheddetail fields");
		problem(st, lineno, s, n);
		return;
	}
	st->ms = ms;
	st->have_ms = 1;
	st->samples++;
	v[SS_LINE] = val_int(lineno);
	v[SS_MS] = val_int(ms);
	v[SS_DETAILED] = val_int(b == NULL);
	v[SS_RAW] = val_text(s, n);
	st->detailed = b == NULL;
	if (st->detailed) {
		/* Held until the P lines give the local queues. */
		memcpy(st->pv, v, sizeof(v));
		buf_reset(&st->praw);
		buf_add(&st->praw, s, n);
		st->psum = 0;
		st->pcount = 0;
		st->pending = 1;
		return;
	}
	v[SS_LOCAL_RUNQ] = val_int(sum);
	st->ctx->sink->row(st->ctx->sink->ctx, &t_samples, v);
	/* Second pass over the list, now known to be well formed. */
	p = b + 1;
	for (int i = 0; i < count; i++) {
		int64_t len = 0;

		read_int(&p, end, &len);
		emit_runq(st, lineno, i, len);
		p++;
	}
}

static struct val
ms_val(const struct st *st)
{
	return st->have_ms ? val_int(st->ms) : val_null();
}

/* "  P0: status=..." */
static void
detail_p(struct st *st, int64_t id, const char *p, const char *end,
    const char *s, size_t n, long lineno)
{
	struct val v[SP__COUNT];

	memset(v, 0, sizeof(v));
	if (!read_fields(st, p, end, p_keys, v, NULL)) {
		problem(st, lineno, s, n);
		return;
	}
	v[SP_LINE] = val_int(lineno);
	v[SP_MS] = ms_val(st);
	v[SP_P] = val_int(id);
	st->ctx->sink->row(st->ctx->sink->ctx, &t_p, v);
	if (st->pending && v[SP_RUNQSIZE].t == V_INT) {
		st->psum += v[SP_RUNQSIZE].i;
		st->pcount++;
	}
	if (st->have_ms && v[SP_RUNQSIZE].t == V_INT)
		emit_runq(st, lineno, id, v[SP_RUNQSIZE].i);
}

/* "  M1: p=-1 curg=17 ..." */
static void
detail_m(struct st *st, int64_t id, const char *p, const char *end,
    const char *s, size_t n, long lineno)
{
	struct val v[SM__COUNT];

	flush(st);
	memset(v, 0, sizeof(v));
	if (!read_fields(st, p, end, m_keys, v, NULL)) {
		problem(st, lineno, s, n);
		return;
	}
	v[SM_LINE] = val_int(lineno);
	v[SM_MS] = ms_val(st);
	v[SM_M] = val_int(id);
	st->ctx->sink->row(st->ctx->sink->ctx, &t_m, v);
}

/*
 * "  G12: status=4(select (no cases)) m=-1 lockedm=0": the wait reason
 * may hold parentheses and spaces, so it runs to the LAST ") m=".
 */
static void
detail_g(struct st *st, int64_t id, const char *p, const char *end,
    const char *s, size_t n, long lineno)
{
	struct val v[SG__COUNT];
	const char *rp = NULL, *q, *lk, *le = end;
	int64_t status;

	flush(st);
	memset(v, 0, sizeof(v));
	if (!starts(p, end, "status=")) {
		snprintf(st->why, sizeof(st->why), "G line without status=");
		goto bad;
	}
	p += 7;
	if (!read_int(&p, end, &status) || p >= end || *p != '(') {
		snprintf(st->why, sizeof(st->why),
		    "cut short or garbled: G status not followed by '('");
		goto bad;
	}
	for (q = p; (q = memmem(q, (size_t)(end - q), ") m=", 4)) != NULL; q++)
		rp = q;
	if (rp == NULL) {
		snprintf(st->why, sizeof(st->why),
		    "cut short: no ') m=' after the G wait reason");
		goto bad;
	}
	q = rp + 4;
	lk = memmem(q, (size_t)(end - q), " lockedm=", 9);
	if (lk != NULL) {
		le = memchr(lk + 9, ' ', (size_t)(end - lk - 9));
		if (le == NULL)
			le = end;
	}
	if (lk == NULL || !field_value(q, lk, 1, &v[SG_M]) ||
	    !field_value(lk + 9, le, 1, &v[SG_LOCKEDM])) {
		snprintf(st->why, sizeof(st->why),
		    "cut short or garbled: G m= / lockedm= ids");
		goto bad;
	}
	v[SG_LINE] = val_int(lineno);
	v[SG_MS] = ms_val(st);
	v[SG_GOID] = val_int(id);
	v[SG_STATUS] = val_int(status);
	v[SG_WAITREASON] = rp > p + 1 ? val_text(p + 1, (size_t)(rp - p - 1))
	    : val_null();
	st->ctx->sink->row(st->ctx->sink->ctx, &t_g, v);
	return;
bad:
	problem(st, lineno, s, n);
}

/* "SCHED " followed by a digit: a summary line, whole or not. */
static int
is_summary(const char *s, size_t n)
{
	return n > 6 && memcmp(s, "SCHED ", 6) == 0 && is_digit(s[6]);
}

/* "  P0: " / "  M12: " / "  G3: ": the kind letter, else 0. */
static int
detail_kind(const char *s, size_t n, int64_t *id, const char **rest)
{
	const char *p = s + 3, *end = s + n;

	if (n < 6 || s[0] != ' ' || s[1] != ' ' ||
	    (s[2] != 'P' && s[2] != 'M' && s[2] != 'G'))
		return 0;
	if (!read_int(&p, end, id) || *id < 0 || !starts(p, end, ": "))
		return 0;
	*rest = p + 2;
	return s[2];
}

static int
sniff(const char *buf, size_t len, const char *name)
{
	const char *p = buf, *end = buf + len;
	int lines = 0, ours = 0, sched = 0;

	(void)name;
	while (p < end && lines < 2000) {
		const char *nl = memchr(p, '\n', (size_t)(end - p));
		size_t n = (size_t)((nl ? nl : end) - p);
		int64_t id;
		const char *rest;

		if (memchr(p, '\0', n))
			return 0;
		if (n && p[n - 1] == '\r')
			n--;
		if (n) {
			lines++;
			if (is_summary(p, n) && memmem(p, n, "ms: gomaxprocs=", 15)) {
				sched++;
				ours++;
			} else if (detail_kind(p, n, &id, &rest))
				ours++;
		}
		p = nl ? nl + 1 : end;
	}
	if (sched == 0)
		return 0;
	/*
	 * Mostly schedtrace: a sure thing (above app-log's 40).  A few
	 * SCHED lines in a program's own log: low, so that the log's
	 * format wins if it is recognised; the driver hands us our lines.
	 */
	if (ours * 2 >= lines)
		return 50 + 40 * ours / lines;
	return 10 + 20 * ours / lines;
}

static void *
open_(const struct parse_ctx *ctx)
{
	struct st *st = xcalloc(1, sizeof(*st));

	st->ctx = ctx;
	return st;
}

static int
line(void *vst, const char *s, size_t n, long lineno, const char **why)
{
	struct st *st = vst;
	const char *rest;
	int64_t id;
	int kind;

	if (is_summary(s, n)) {
		summary(st, s, n, lineno);
		return 1;
	}
	kind = detail_kind(s, n, &id, &rest);
	/* Inside another stream, detail lines only after a detailed SCHED. */
	if (kind == 0 || (st->ctx->secondary && !st->detailed)) {
		*why = "not a schedtrace line";
		return 0;
	}
	if (kind == 'P')
		detail_p(st, id, rest, s + n, s, n, lineno);
	else if (kind == 'M')
		detail_m(st, id, rest, s + n, s, n, lineno);
	else
		detail_g(st, id, rest, s + n, s, n, lineno);
	return 1;
}

static void
finish(void *vst)
{
	struct st *st = vst;

	flush(st);
	/*
	 * The file's clock.  Inside another format, that format owns
	 * "clock"; ours is then named after the stream.
	 */
	if (!st->ctx->secondary)
		st->ctx->sink->meta(st->ctx->sink->ctx, "clock", "since-start");
	else if (st->samples > 0)
		st->ctx->sink->meta(st->ctx->sink->ctx, "schedtrace_clock",
		    "since-start");
	buf_free(&st->praw);
	free(st);
}

const struct parser parser_schedtrace = {
	.type = "schedtrace",
	.sniff = sniff,
	.open = open_,
	.line = line,
	.finish = finish,
	.flags = PARSER_MIXABLE,
	.tables = sched_tables,
};
