/*
 * Go GC traces, GODEBUG=gctrace=1, and scavenger traces, scavtrace=1
 * (type "gctrace", FORMATS.md section 3).
 *
 *   gc 4 @0.199s 3%: 0.11+0.67+0.003 ms clock, 0.23+0/0.30/0.33+0.007 ms cpu, 32->32->32 MB, 32 MB goal, 0 MB stacks, 0 MB globals, 2 P
 *   gc 3 @0.002s 21%: ... 0->0->0 MB, 4 MB goal, 0 MB stacks, 0 MB globals, 2 P (forced)
 *   scav 65632 KiB work, 69144 KiB total, 100% util                      (1.19)
 *   scav 0 KiB work (bg), 12 KiB work (eager), 3512 KiB now, 9% util     (newer)
 *   scvg0: inuse: 4, idle: 0, sys: 4, released: 0, consumed: 4 (MB)       (<= 1.12)
 *
 * A gc line becomes a gc_cycles row: cycle, seconds since the program
 * started, the cumulative GC CPU share, the three wall-clock phases and
 * five CPU components in ms (fmtNSAsMS prints them with variable
 * precision: "5.6", "0.012", "11"), heap sizes and goal in MiB, the
 * stacks/globals MiB that Go 1.18+ prints (NULL before), the P count and
 * (forced).  Scavenger lines become gc_scav rows; the old scvg lines
 * (from memory, unverified) keep their text and the released MiB, as
 * KiB: "N MB released" (one pass) in work_kib, "released: N" (so far)
 * in total_kib.
 *
 * Mixable: only lines starting "gc N @", "scav N" or "scvgN:" are
 * claimed, in a file of its own or inside a program's stderr; a line of
 * that shape that does not parse (cut short, garbled) is claimed as a
 * problem, everything else is refused for the other formats.
 */
#include "parser.h"
#include "xmalloc.h"

#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

enum gc_col {
	GC_LINE, GC_GC, GC_AT_S, GC_CPU_PCT, GC_STW1, GC_MARK, GC_STW2,
	GC_CPU_STW1, GC_CPU_ASSIST, GC_CPU_BG, GC_CPU_IDLE, GC_CPU_STW2,
	GC_HEAP0, GC_HEAP1, GC_HEAP2, GC_GOAL, GC_STACKS, GC_GLOBALS,
	GC_PROCS, GC_FORCED, GC_RAW, GC__COUNT
};
static const char *const gc_cols[] = {
	"line", "gc", "at_s", "cpu_pct", "stw1_ms", "mark_ms", "stw2_ms",
	"cpu_stw1_ms", "cpu_assist_ms", "cpu_bg_ms", "cpu_idle_ms",
	"cpu_stw2_ms", "heap0_mb", "heap1_mb", "heap2_mb", "goal_mb",
	"stacks_mb", "globals_mb", "procs", "forced", "raw",
};
enum sc_col {
	SC_LINE_, SC_WORK, SC_EAGER, SC_TOTAL, SC_UTIL, SC_FORCED_, SC_FORM,
	SC_RAW_, SC__COUNT_
};
static const char *const sc_cols[] = {
	"line", "work_kib", "eager_kib", "total_kib", "util_pct", "forced",
	"form", "raw",
};
static const struct rec_table t_cycles = {
	.id = -1, .name = "gc_cycles", .ncols = GC__COUNT, .cols = gc_cols,
};
static const struct rec_table t_scav = {
	.id = -1, .name = "gc_scav", .ncols = SC__COUNT_, .cols = sc_cols,
};
static const struct rec_table *const gc_tables[] = { &t_cycles, &t_scav, NULL };

struct st {
	const struct parse_ctx *ctx;
	long rows;
};

/* A cursor over one line: each step advances it or fails. */
struct cur {
	const char *p, *end;
};

static int is_digit(int c) { return c >= '0' && c <= '9'; }

static int
lit(struct cur *c, const char *s)
{
	size_t n = strlen(s);

	if ((size_t)(c->end - c->p) < n || memcmp(c->p, s, n) != 0)
		return 0;
	c->p += n;
	return 1;
}

static int
uint_(struct cur *c, int64_t *out)
{
	int64_t v = 0;

	if (c->p >= c->end || !is_digit(*c->p))
		return 0;
	for (; c->p < c->end && is_digit(*c->p); c->p++) {
		if (v > (INT64_MAX - 9) / 10)
			return 0;
		v = v * 10 + (*c->p - '0');
	}
	*out = v;
	return 1;
}

/* A time as fmtNSAsMS prints it: digits, optionally "." digits. */
static int
real_(struct cur *c, struct val *out)
{
	int64_t ip, fp = 0;
	double scale = 1, v;

	if (!uint_(c, &ip))
		return 0;
	v = (double)ip;
	if (c->p < c->end && *c->p == '.') {
		c->p++;
		if (c->p >= c->end || !is_digit(*c->p))
			return 0;
		for (; c->p < c->end && is_digit(*c->p); c->p++) {
			if (scale < 1e15) {
				fp = fp * 10 + (*c->p - '0');
				scale *= 10;
			}
		}
		v += (double)fp / scale;
	}
	*out = val_real(v);
	return 1;
}

static int
int_val(struct cur *c, struct val *out)
{
	int64_t v;

	if (!uint_(c, &v))
		return 0;
	*out = val_int(v);
	return 1;
}

/*
 * The gc line after "gc ".  Fills v and returns NULL, or returns what
 * was expected where the line stopped matching.
 */
static const char *
gc_fields(struct cur *c, struct val *v)
{
	struct cur save;
	int64_t pct;

	if (!int_val(c, &v[GC_GC]) || !lit(c, " @"))
		return "gc number and @time";
	if (!real_(c, &v[GC_AT_S]) || !lit(c, "s "))
		return "@SECONDSs";
	if (!uint_(c, &pct) || !lit(c, "%: "))
		return "the GC CPU percentage";
	v[GC_CPU_PCT] = val_int(pct);
	if (!real_(c, &v[GC_STW1]) || !lit(c, "+") ||
	    !real_(c, &v[GC_MARK]) || !lit(c, "+") ||
	    !real_(c, &v[GC_STW2]) || !lit(c, " ms clock, "))
		return "the wall-clock phases (A+B+C ms clock)";
	if (!real_(c, &v[GC_CPU_STW1]) || !lit(c, "+") ||
	    !real_(c, &v[GC_CPU_ASSIST]) || !lit(c, "/") ||
	    !real_(c, &v[GC_CPU_BG]) || !lit(c, "/") ||
	    !real_(c, &v[GC_CPU_IDLE]) || !lit(c, "+") ||
	    !real_(c, &v[GC_CPU_STW2]) || !lit(c, " ms cpu, "))
		return "the CPU times (A+B/C/D+E ms cpu)";
	if (!int_val(c, &v[GC_HEAP0]) || !lit(c, "->") ||
	    !int_val(c, &v[GC_HEAP1]) || !lit(c, "->") ||
	    !int_val(c, &v[GC_HEAP2]) || !lit(c, " MB, "))
		return "the heap sizes (A->B->C MB)";
	if (!int_val(c, &v[GC_GOAL]) || !lit(c, " MB goal, "))
		return "the heap goal";
	/* Go 1.18+: stacks and globals; before, the P count follows. */
	save = *c;
	if (int_val(c, &v[GC_STACKS]) && lit(c, " MB stacks, ")) {
		if (!int_val(c, &v[GC_GLOBALS]) || !lit(c, " MB globals, "))
			return "the globals size";
	} else {
		*c = save;
		v[GC_STACKS] = val_null();
	}
	if (!int_val(c, &v[GC_PROCS]) || !lit(c, " P"))
		return "the P count";
	v[GC_FORCED] = val_int(lit(c, " (forced)"));
	if (c->p != c->end)
		return "the end of the line";
	return NULL;
}

/* "scav ..." in its 1.19 or newer form; NULL, or what was expected. */
static const char *
scav_fields(struct cur *c, struct val *v)
{
	if (!int_val(c, &v[SC_WORK]) || !lit(c, " KiB work"))
		return "N KiB work";
	if (lit(c, " (bg), ")) {
		if (!int_val(c, &v[SC_EAGER]) || !lit(c, " KiB work (eager), ") ||
		    !int_val(c, &v[SC_TOTAL]) || !lit(c, " KiB now, "))
			return "N KiB work (eager), N KiB now";
		v[SC_FORM] = val_str("bg-eager");
	} else {
		if (!lit(c, ", ") || !int_val(c, &v[SC_TOTAL]) ||
		    !lit(c, " KiB total, "))
			return "N KiB total";
		v[SC_FORM] = val_str("work-total");
	}
	if (!int_val(c, &v[SC_UTIL]) || !lit(c, "% util"))
		return "N% util";
	v[SC_FORCED_] = val_int(lit(c, " (forced)"));
	/* " [controller reset]" and the like stay in raw. */
	if (c->p != c->end && !(c->end - c->p >= 3 && c->p[0] == ' ' &&
	    c->p[1] == '[' && c->end[-1] == ']'))
		return "the end of the line";
	return NULL;
}

/*
 * "scvg0: inuse: 4, idle: 0, sys: 4, released: 0, consumed: 4 (MB)" or
 * "scvg0: 0 MB released" (Go <= 1.12, unverified): released MiB as KiB,
 * one pass's in work_kib, the running total in total_kib.
 */
static const char *
scvg_fields(struct cur *c, struct val *v)
{
	const char *r;
	int64_t mb;

	v[SC_FORM] = val_str("scvg");
	v[SC_FORCED_] = val_int(0);
	if (uint_(c, &mb)) {
		if (!lit(c, " MB released") || c->p != c->end)
			return "N MB released";
		v[SC_WORK] = val_int(mb * 1024);
		return NULL;
	}
	r = memmem(c->p, (size_t)(c->end - c->p), "released: ", 10);
	if (!lit(c, "inuse: ") || r == NULL ||
	    (c->end - c->p < 5 || memcmp(c->end - 5, " (MB)", 5) != 0))
		return "inuse: ... (MB)";
	c->p = r + 10;
	if (!uint_(c, &mb))
		return "released: N";
	/* Released so far, as the newer "KiB total" counts it. */
	v[SC_TOTAL] = val_int(mb * 1024);
	return NULL;
}

enum kind { K_NONE, K_GC, K_SCAV, K_SCVG };

/* Which of our line shapes s has, and where its fields start. */
static enum kind
classify(const char *s, size_t n, size_t *skip)
{
	if (n > 4 && memcmp(s, "gc ", 3) == 0 && is_digit(s[3])) {
		size_t i = 3;

		while (i < n && is_digit(s[i]))
			i++;
		if (i + 1 < n && s[i] == ' ' && s[i + 1] == '@') {
			*skip = 3;
			return K_GC;
		}
		return K_NONE;
	}
	if (n > 5 && memcmp(s, "scav ", 5) == 0 && is_digit(s[5])) {
		*skip = 5;
		return K_SCAV;
	}
	if (n > 5 && memcmp(s, "scvg", 4) == 0 && is_digit(s[4])) {
		size_t i = 4;

		while (i < n && is_digit(s[i]))
			i++;
		if (i + 1 < n && s[i] == ':' && s[i + 1] == ' ') {
			*skip = i + 2;
			return K_SCVG;
		}
	}
	return K_NONE;
}

static int
sniff(const char *buf, size_t len, const char *name)
{
	const char *p = buf, *end = buf + len;
	int lines = 0, ours = 0, sure = 0;

	(void)name;
	while (p < end && lines < 2000) {
		const char *nl = memchr(p, '\n', (size_t)(end - p));
		size_t n = (size_t)((nl ? nl : end) - p), skip;
		enum kind k;

		if (memchr(p, '\0', n))
			return 0;
		if (n && p[n - 1] == '\r')
			n--;
		if (n) {
			lines++;
			k = classify(p, n, &skip);
			/* A sure sign of the format, beyond the line's start. */
			if ((k == K_GC && memmem(p, n, " ms clock, ", 11)) ||
			    (k == K_SCAV && memmem(p, n, " KiB work", 9)) ||
			    (k == K_SCVG && memmem(p, n, "MB", 2)))
				sure++;
			if (k != K_NONE)
				ours++;
		}
		p = nl ? nl + 1 : end;
	}
	if (sure == 0)
		return 0;
	/* As for schedtrace: sure when most lines are ours, low otherwise. */
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
	const struct sink *sk = st->ctx->sink;
	struct val gv[GC__COUNT], sv[SC__COUNT_];
	struct cur c;
	const char *bad;
	char reason[160];
	size_t skip = 0;
	enum kind k = classify(s, n, &skip);

	if (k == K_NONE) {
		*why = "not a gctrace line";
		return 0;
	}
	c.p = s + skip;
	c.end = s + n;
	memset(gv, 0, sizeof(gv));
	memset(sv, 0, sizeof(sv));
	if (k == K_GC)
		bad = gc_fields(&c, gv);
	else if (k == K_SCAV)
		bad = scav_fields(&c, sv);
	else
		bad = scvg_fields(&c, sv);
	if (bad != NULL) {
		snprintf(reason, sizeof(reason), "%s line cut short or garbled: "
		    "expected %s at column %zu", k == K_GC ? "gc" : "scavenger",
		    bad, (size_t)(c.p - s) + 1);
		sk->problem(sk->ctx, lineno, reason, s, n);
		return 1;
	}
	st->rows++;
	if (k == K_GC) {
		gv[GC_LINE] = val_int(lineno);
		gv[GC_RAW] = val_text(s, n);
		sk->row(sk->ctx, &t_cycles, gv);
	} else {
		sv[SC_LINE_] = val_int(lineno);
		sv[SC_RAW_] = val_text(s, n);
		sk->row(sk->ctx, &t_scav, sv);
	}
	return 1;
}

static void
finish(void *vst)
{
	struct st *st = vst;

	/* As in parse-schedtrace.c: "clock" belongs to the main format. */
	if (!st->ctx->secondary)
		st->ctx->sink->meta(st->ctx->sink->ctx, "clock", "since-start");
	else if (st->rows > 0)
		st->ctx->sink->meta(st->ctx->sink->ctx, "gctrace_clock",
		    "since-start");
	free(st);
}

const struct parser parser_gctrace = {
	.type = "gctrace",
	.sniff = sniff,
	.open = open_,
	.line = line,
	.finish = finish,
	.flags = PARSER_MIXABLE,
	.tables = gc_tables,
};
