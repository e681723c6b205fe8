/*
 * Go block and mutex profiles (types "pprof-block" and "pprof-mutex"), in
 * both forms net/http/pprof serves:
 *
 *   - the legacy text form (?debug=1): a "--- contention:" or "--- mutex:"
 *     header, "cycles/second=" and "sampling period=" attributes, then
 *     samples "CYCLES COUNT @ 0xPC..." each followed by its symbolized
 *     frames "#<TAB>0xPC<TAB>FUNC+0xOFF<TAB>FILE:LINE";
 *   - the binary form (default): a gzip-compressed protobuf
 *     perftools.profiles.Profile, decompressed by the driver.
 *
 * Both go through .blob (the driver hands a .blob parser the whole
 * artifact); the text form is then split into lines here, with the
 * driver's conventions (1-based lines, CR stripped, empty lines skipped,
 * over-long or NUL-carrying lines reported), so text records keep their
 * line and protobuf records have line NULL and their index in the profile.
 *
 * The protobuf decoder below is small and reads hostile input: every read
 * is bounds-checked, a truncated or malformed profile stops decoding with
 * a problem naming the byte offset, and what was decoded before it is
 * still stored.  Nothing is resolved by trusting an id or an index.
 *
 * Block or mutex?  The text header says.  In the binary form Go writes
 * both with the same sample types (contentions/count, delay/nanoseconds)
 * and period type, so the content that tells them apart is the leaf frame:
 * a mutex profile records the unlocker's stack (sync.(*Mutex).Unlock ...),
 * a block profile the waiter's (Lock, chanrecv, selectgo, Wait ...).  When
 * the leaves are not visible (no samples, or a profile larger than the
 * sniffing window), the file name is the hint CONTRACT.md allows ("mutex"
 * in it), else block.  pprof_meta key kind_from records which decided.
 */
#include "parser.h"
#include "xmalloc.h"

#include <ctype.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

/* ---- record tables (src/schema/pprof.sql) ---- */

enum { PS_LINE, PS_IDX, PS_PROFILE, PS_COUNT, PS_DELAY, PS_CYCLES, PS_TOP,
	PS_LABELS, PS_STACK, PS_RAW, PS__COUNT };
static const char *const samples_cols[PS__COUNT] = {
	"line", "idx", "profile", "count", "delay_ns", "cycles", "top_func",
	"labels", "stack", "raw",
};
static const struct rec_table t_samples = {
	.id = -1, .name = "pprof_samples", .ncols = PS__COUNT, .cols = samples_cols,
};

enum { PF_LINE, PF_SAMPLE, PF_DEPTH, PF_FUNC, PF_FILE, PF_SRC_LINE, PF_ADDR,
	PF__COUNT };
static const char *const frames_cols[PF__COUNT] = {
	"line", "sample_idx", "depth", "func", "file", "src_line", "addr",
};
static const struct rec_table t_frames = {
	.id = -1, .name = "pprof_frames", .ncols = PF__COUNT, .cols = frames_cols,
};

enum { PM_LINE, PM_KEY, PM_VALUE, PM__COUNT };
static const char *const meta_cols[PM__COUNT] = { "line", "key", "value" };
static const struct rec_table t_meta = {
	.id = -1, .name = "pprof_meta", .ncols = PM__COUNT, .cols = meta_cols,
};

static const struct rec_table *const pprof_tables[] = {
	&t_samples, &t_frames, &t_meta, NULL
};

/* ---- shared output: one sample and its frames ---- */

/*
 * Bounds on what one sample may expand to: a protobuf sample can name the
 * same location thousands of times and a location can hold thousands of
 * inlined lines, so a small hostile input could otherwise produce huge
 * rows.  Go itself records at most 128 frames per stack.
 */
#define MAX_FRAMES 1024		/* frames stored per sample */
#define MAX_TEXT 4096		/* bytes of a rendered stack, label list or type list */
#define MAX_NAME 4096		/* bytes of a function or file name stored */
/*
 * Records of one artifact may hold at most this many bytes of text: a
 * profile's strings are stored once and referenced by every frame, so its
 * records are far larger than the profile (about 50 times for Go's), and
 * a hostile one could make them unbounded.
 */
#define BUDGET(n) ((n) < (size_t)2 * 1024 * 1024 ? (size_t)(n) * 256 + 16 * 1024 * 1024 : \
	(size_t)512 * 1024 * 1024)

/* A frame to store; strings point into the artifact's data. */
struct frame {
	const char *fn, *file;
	size_t fn_n, file_n;
	int64_t src_line;	/* -1: not known */
	uint64_t addr;
	int has_addr;
	long lineno;		/* text form: the '#' line; 0 binary */
};

/* Growable arrays, reused across samples (no allocation per sample). */
struct frames { struct frame *v; size_t n, cap; long dropped; };

static void
frames_push(struct frames *f, const struct frame *x)
{
	if (f->n == MAX_FRAMES) {
		f->dropped++;
		return;
	}
	if (f->n == f->cap) {
		f->cap = f->cap ? f->cap * 2 : 32;
		f->v = xrealloc(f->v, f->cap * sizeof(*f->v));
	}
	f->v[f->n++] = *x;
}

struct out {
	const struct parse_ctx *ctx;
	const char *profile;	/* "block" | "mutex" */
	struct frames fr;
	struct buf stack, labels, tmp;
	size_t budget, used;	/* bytes of record text allowed, emitted */
	long over;		/* samples not stored for the budget */
	long first_over;
	long long_names;	/* names cut at MAX_NAME */
};

static void
meta_row(struct out *o, long lineno, const char *key, const char *value)
{
	struct val v[PM__COUNT];

	v[PM_LINE] = lineno > 0 ? val_int(lineno) : val_null();
	v[PM_KEY] = val_str(key);
	v[PM_VALUE] = val_str(value);
	o->ctx->sink->row(o->ctx->sink->ctx, &t_meta, v);
}

static void
meta_int(struct out *o, long lineno, const char *key, int64_t x)
{
	char b[32];

	snprintf(b, sizeof(b), "%" PRId64, x);
	meta_row(o, lineno, key, b);
}

static void
problem(const struct out *o, long lineno, const char *why, const char *s,
    size_t n)
{
	o->ctx->sink->problem(o->ctx->sink->ctx, lineno, why, s, n);
}

/*
 * Stores sample idx with the frames gathered in o->fr (leaf first): the
 * sample row first (its top_func and stack come from the frames), then
 * one pprof_frames row per frame.  count/delay/cycles may be V_NULL.
 */
static void
emit_sample(struct out *o, long lineno, long idx, struct val count,
    struct val delay, struct val cycles, const char *raw, size_t raw_n)
{
	struct val v[PS__COUNT];
	char addr[24];
	size_t cost = raw_n + o->labels.len + 64;

	for (size_t i = 0; i < o->fr.n; i++)
		cost += 2 * (o->fr.v[i].fn_n < MAX_NAME ? o->fr.v[i].fn_n : MAX_NAME) +
		    (o->fr.v[i].file_n < MAX_NAME ? o->fr.v[i].file_n : MAX_NAME) + 64;
	if (o->used + cost > o->budget) {
		if (o->over++ == 0)
			o->first_over = idx;
		o->fr.dropped = 0;
		return;
	}
	o->used += cost;
	buf_reset(&o->stack);
	for (size_t i = 0; i < o->fr.n; i++) {
		const struct frame *f = &o->fr.v[i];

		if (o->stack.len > MAX_TEXT) {
			buf_adds(&o->stack, " < ...");
			break;
		}
		if (i > 0)
			buf_adds(&o->stack, " < ");
		if (f->fn != NULL)
			buf_add(&o->stack, f->fn, f->fn_n < MAX_TEXT ? f->fn_n : MAX_TEXT);
		else if (f->has_addr)
			buf_printf(&o->stack, "0x%" PRIx64, f->addr);
		else
			buf_addc(&o->stack, '?');
	}
	v[PS_LINE] = lineno > 0 ? val_int(lineno) : val_null();
	v[PS_IDX] = val_int(idx);
	v[PS_PROFILE] = val_str(o->profile);
	v[PS_COUNT] = count;
	v[PS_DELAY] = delay;
	v[PS_CYCLES] = cycles;
	v[PS_TOP] = o->fr.n > 0 ? val_text(o->fr.v[0].fn, o->fr.v[0].fn_n) :
	    val_null();
	v[PS_LABELS] = o->labels.len ? val_text(o->labels.s, o->labels.len) :
	    val_null();
	v[PS_STACK] = o->fr.n ? val_text(o->stack.s, o->stack.len) : val_null();
	v[PS_RAW] = val_text(raw, raw_n);
	o->ctx->sink->row(o->ctx->sink->ctx, &t_samples, v);
	if (o->fr.dropped) {
		char why[120];

		snprintf(why, sizeof(why), "sample %ld: stack deeper than %d frames; "
		    "the deeper ones are not stored", idx, MAX_FRAMES);
		problem(o, lineno, why, NULL, 0);
		o->fr.dropped = 0;
	}

	for (size_t i = 0; i < o->fr.n; i++) {
		const struct frame *f = &o->fr.v[i];
		struct val w[PF__COUNT];

		snprintf(addr, sizeof(addr), "0x%" PRIx64, f->addr);
		w[PF_LINE] = f->lineno > 0 ? val_int(f->lineno) : val_null();
		w[PF_SAMPLE] = val_int(idx);
		w[PF_DEPTH] = val_int((int64_t)i);
		if (f->fn_n > MAX_NAME || f->file_n > MAX_NAME)
			o->long_names++;
		w[PF_FUNC] = val_text(f->fn, f->fn_n < MAX_NAME ? f->fn_n : MAX_NAME);
		w[PF_FILE] = val_text(f->file, f->file_n < MAX_NAME ? f->file_n : MAX_NAME);
		w[PF_SRC_LINE] = f->src_line >= 0 ? val_int(f->src_line) : val_null();
		w[PF_ADDR] = f->has_addr ? val_str(addr) : val_null();
		o->ctx->sink->row(o->ctx->sink->ctx, &t_frames, w);
	}
}

/* ---- small scanning helpers over (p, end) ---- */

static int
has_prefix(const char *s, size_t n, const char *pre)
{
	size_t k = strlen(pre);

	return n >= k && memcmp(s, pre, k) == 0;
}

/* Decimal digits at *p as an int64; advances *p.  -1 when none/too big. */
static int
scan_dec(const char **p, const char *end, int64_t *out)
{
	uint64_t x = 0;
	const char *s = *p;

	if (s >= end || !isdigit((unsigned char)*s))
		return -1;
	for (; s < end && isdigit((unsigned char)*s); s++) {
		if (x > ((uint64_t)INT64_MAX - (uint64_t)(*s - '0')) / 10)
			return -1;
		x = x * 10 + (uint64_t)(*s - '0');
	}
	*p = s;
	*out = (int64_t)x;
	return 0;
}

/* "0x" and hex digits at *p (at most 16); advances *p. */
static int
scan_hex(const char **p, const char *end, uint64_t *out)
{
	const char *s = *p;
	uint64_t x = 0;
	int nd = 0;

	if (end - s < 3 || s[0] != '0' || (s[1] != 'x' && s[1] != 'X'))
		return -1;
	for (s += 2; s < end && isxdigit((unsigned char)*s); s++, nd++) {
		int d = isdigit((unsigned char)*s) ? *s - '0' :
		    tolower((unsigned char)*s) - 'a' + 10;

		if (nd == 16)
			return -1;
		x = x << 4 | (uint64_t)d;
	}
	if (nd == 0)
		return -1;
	*p = s;
	*out = x;
	return 0;
}

static const char *
skip_blanks(const char *s, const char *end)
{
	while (s < end && (*s == ' ' || *s == '\t'))
		s++;
	return s;
}

/* ---- the legacy text form ---- */

struct text {
	struct out *o;
	int have_header;
	int64_t cps;		/* cycles/second, 0 = not given */
	int64_t period;		/* sampling period, 0 = not given */
	int warned_cps;
	long idx;		/* next sample index */
	/* The sample being read: its line, values and frames in o->fr. */
	int pending;
	long s_line;
	int64_t s_cycles, s_count;
	const char *s_raw, *s_addrs;
	size_t s_raw_n;
};

/*
 * delay_ns and count of a text sample as pprof's legacy parser computes
 * them: cycles / (cycles/second) * 1e9, both scaled by the sampling
 * period when one is given.  Out of range or unknown: V_NULL.
 */
static void
text_values(struct text *t, struct val *count, struct val *delay)
{
	int64_t period = t->period > 0 ? t->period : 1;
	double d;

	*count = val_null();
	if (t->s_count <= INT64_MAX / period)
		*count = val_int(t->s_count * period);
	else
		problem(t->o, t->s_line, "count times sampling period out of range",
		    NULL, 0);
	*delay = val_null();
	if (t->cps <= 0) {
		if (!t->warned_cps)
			problem(t->o, t->s_line, "no cycles/second= attribute "
			    "before the samples: delay_ns unknown", NULL, 0);
		t->warned_cps = 1;
		return;
	}
	d = (double)t->s_cycles * (double)period / ((double)t->cps / 1e9);
	if (d < 9.2e18)
		*delay = val_int((int64_t)d);
	else
		problem(t->o, t->s_line, "delay out of range", NULL, 0);
}

/*
 * Emits the sample being read.  Without '#' frames (a profile written
 * unsymbolized) its frames are the "@" addresses, function unknown.
 */
static void
text_flush(struct text *t)
{
	struct val count, delay;

	if (!t->pending)
		return;
	t->pending = 0;
	if (t->o->fr.n == 0) {
		const char *p = t->s_addrs, *end = t->s_raw + t->s_raw_n;
		struct frame f = { 0 };

		f.src_line = -1;
		f.has_addr = 1;
		f.lineno = t->s_line;
		for (p = skip_blanks(p, end); scan_hex(&p, end, &f.addr) == 0;
		    p = skip_blanks(p, end))
			frames_push(&t->o->fr, &f);
	}
	text_values(t, &count, &delay);
	emit_sample(t->o, t->s_line, t->idx++, count, delay,
	    val_int(t->s_cycles), t->s_raw, t->s_raw_n);
	t->o->fr.n = 0;
}

/* "--- contention:" | "--- mutex:" | "--- contentionz ..." */
static int
text_header(struct text *t, const char *s, size_t n, long ln)
{
	const char *kind;

	if (has_prefix(s, n, "--- contention:") || has_prefix(s, n, "--- contentionz"))
		kind = "block";
	else if (has_prefix(s, n, "--- mutex:"))
		kind = "mutex";
	else {
		/* What follows belongs to a profile this parser does not read. */
		text_flush(t);
		t->have_header = 0;
		problem(t->o, ln, "unknown profile header (expected '--- contention:' "
		    "or '--- mutex:')", s, n);
		return 0;
	}
	text_flush(t);
	t->have_header = 1;
	t->o->profile = kind;
	t->cps = 0;
	t->period = 0;
	t->warned_cps = 0;
	buf_reset(&t->o->tmp);
	buf_add(&t->o->tmp, s, n);
	meta_row(t->o, ln, "header", buf_str(&t->o->tmp));
	meta_row(t->o, ln, "profile", kind);
	meta_row(t->o, ln, "kind_from", "header");
	/* The types pprof's legacy parser gives such a profile. */
	meta_row(t->o, ln, "sample_types", "contentions/count,delay/nanoseconds");
	meta_row(t->o, ln, "period_type", "contentions/count");
	return 1;
}

/* "name=INTEGER" header attributes; 1 if the line is one. */
static int
text_attr(struct text *t, const char *s, size_t n, long ln)
{
	static const struct { const char *name, *key; } known[] = {
		{ "cycles/second", "cycles_per_second" },
		{ "sampling period", "sampling_period" },
		{ "ms since reset", "ms_since_reset" },
		{ "discarded samples", "discarded_samples" },
	};
	const char *eq = memchr(s, '=', n), *p;
	int64_t x;

	if (eq == NULL)
		return 0;
	for (size_t i = 0; i < sizeof(known) / sizeof(known[0]); i++) {
		size_t k = strlen(known[i].name);

		if ((size_t)(eq - s) != k || memcmp(s, known[i].name, k) != 0)
			continue;
		p = eq + 1;
		if (scan_dec(&p, s + n, &x) != 0 || skip_blanks(p, s + n) != s + n) {
			problem(t->o, ln, "attribute value is not an integer", s, n);
			return 1;
		}
		if (i == 0)
			t->cps = x;
		else if (i == 1)
			t->period = x;
		meta_int(t->o, ln, known[i].key, x);
		if (i == 1)
			meta_int(t->o, ln, "period", x);
		return 1;
	}
	problem(t->o, ln, "unknown profile attribute", s, n);
	return 1;
}

/* "CYCLES COUNT @ 0xPC 0xPC ..." */
static void
text_sample(struct text *t, const char *s, size_t n, long ln)
{
	const char *p = s, *end = s + n, *addrs;
	int64_t cycles, count;
	uint64_t a;
	int na = 0;

	/* A new sample starts here, good or not: the frames that follow are
	 * not the previous sample's. */
	text_flush(t);
	if (scan_dec(&p, end, &cycles) != 0 || (p = skip_blanks(p, end)) == end ||
	    scan_dec(&p, end, &count) != 0) {
		problem(t->o, ln, "sample line: expected 'CYCLES COUNT @ 0xPC...' "
		    "(or a number out of range)", s, n);
		return;
	}
	p = skip_blanks(p, end);
	if (p == end || *p != '@') {
		problem(t->o, ln, "sample line: no '@' before the stack", s, n);
		return;
	}
	addrs = ++p;
	for (p = skip_blanks(p, end); p < end; p = skip_blanks(p, end)) {
		if (scan_hex(&p, end, &a) != 0) {
			problem(t->o, ln, "sample line: stack address is not 0xHEX", s, n);
			return;
		}
		na++;
	}
	if (na == 0) {
		problem(t->o, ln, "sample line: empty stack after '@'", s, n);
		return;
	}
	t->pending = 1;
	t->s_line = ln;
	t->s_cycles = cycles;
	t->s_count = count;
	t->s_raw = s;
	t->s_raw_n = n;
	t->s_addrs = addrs;
}

/*
 * "#<TAB>0xPC<TAB>+FUNC+0xOFF<TAB>+FILE:LINE" (Go pads with several tabs),
 * or "#<TAB>0xPC" alone for a PC Go could not symbolize.
 */
static void
text_frame(struct text *t, const char *s, size_t n, long ln)
{
	const char *p = s + 1, *end = s + n, *fn, *fe, *file, *colon, *q;
	struct frame f = { 0 };
	int64_t src;

	if (!t->pending) {
		problem(t->o, ln, "frame line outside a sample", s, n);
		return;
	}
	p = skip_blanks(p, end);
	if (scan_hex(&p, end, &f.addr) != 0)
		goto bad;
	f.has_addr = 1;
	f.src_line = -1;
	f.lineno = ln;
	p = skip_blanks(p, end);
	if (p == end) {
		frames_push(&t->o->fr, &f);
		return;
	}
	fn = p;
	while (p < end && *p != '\t')
		p++;
	fe = p;
	file = skip_blanks(p, end);
	if (file == end)
		goto bad;
	/* FUNC+0xOFF: cut at the last "+0x". */
	for (q = fe - 1; q > fn && !(q[0] == '+' && fe - q > 2 && q[1] == '0' &&
	    q[2] == 'x'); q--)
		;
	if (q > fn)
		fe = q;
	/* FILE:LINE: cut at the last ':' followed by digits to the end. */
	colon = NULL;
	for (q = end - 1; q > file; q--)
		if (*q == ':') {
			colon = q;
			break;
		}
	q = colon ? colon + 1 : NULL;
	if (colon == NULL || scan_dec(&q, end, &src) != 0 || q != end)
		goto bad;
	f.fn = fn;
	f.fn_n = (size_t)(fe - fn);
	f.file = file;
	f.file_n = (size_t)(colon - file);
	f.src_line = src;
	frames_push(&t->o->fr, &f);
	return;
bad:
	problem(t->o, ln, "frame line: expected '#<TAB>0xPC<TAB>FUNC+0xOFF<TAB>"
	    "FILE:LINE' (cut short or garbled)", s, n);
}

static void
text_line(struct text *t, const char *s, size_t n, long ln)
{
	if (has_prefix(s, n, "---")) {
		text_header(t, s, n, ln);
		return;
	}
	if (!t->have_header) {
		problem(t->o, ln, "no '--- contention:' or '--- mutex:' header "
		    "before this line", s, n);
		return;
	}
	if (s[0] == '#')
		text_frame(t, s, n, ln);
	else if (isdigit((unsigned char)s[0]))
		text_sample(t, s, n, ln);
	else if (!text_attr(t, s, n, ln))
		problem(t->o, ln, "not a line of a pprof contention profile", s, n);
}

/*
 * Splits data into lines as the driver does for line parsers and feeds
 * them to text_line().
 */
static void
parse_text(struct out *o, const unsigned char *data, size_t n)
{
	const char *s = (const char *)data, *end = s + n;
	struct text t = { 0 };
	size_t max = o->ctx->limits ? o->ctx->limits->max_line : 0;
	long ln = 0;

	t.o = o;
	meta_row(o, 0, "encoding", "text");
	while (s < end) {
		const char *nl = memchr(s, '\n', (size_t)(end - s));
		const char *le = nl ? nl : end;
		size_t len;

		ln++;
		len = (size_t)(le - s);
		if (len > 0 && s[len - 1] == '\r')
			len--;
		if (max > 0 && len > max) {
			char why[128];

			snprintf(why, sizeof(why), "line of %zu bytes is over the "
			    "%zu-byte limit; skipped", len, max);
			problem(o, ln, why, s, len < 200 ? len : 200);
		} else if (memchr(s, '\0', len) != NULL)
			problem(o, ln, "line contains NUL bytes; skipped", s, len);
		else if (len > 0)
			text_line(&t, s, len, ln);
		s = nl ? nl + 1 : end;
	}
	text_flush(&t);
	meta_int(o, 0, "samples", t.idx);
}

/* ---- protobuf: a bounds-checked reader ---- */

struct pb {
	const unsigned char *p, *end;
};

struct pb_field {
	uint32_t num;
	int wt;			/* 0 varint, 1 fixed64, 2 bytes, 5 fixed32 */
	uint64_t v;		/* wt 0, 1, 5 */
	struct pb sub;		/* wt 2 */
};

static int
pb_varint(struct pb *b, uint64_t *v)
{
	uint64_t x = 0;

	for (int shift = 0; shift < 64; shift += 7) {
		unsigned c;

		if (b->p >= b->end)
			return -1;
		c = *b->p++;
		x |= (uint64_t)(c & 0x7f) << shift;
		if (!(c & 0x80)) {
			*v = x;
			return 0;
		}
	}
	return -1;
}

/* Reads one field; NULL on success, else a static reason. */
static const char *
pb_next(struct pb *b, struct pb_field *f)
{
	uint64_t key, len;

	if (pb_varint(b, &key) != 0)
		return "field key cut short";
	f->num = (uint32_t)(key >> 3);
	f->wt = (int)(key & 7);
	if (f->num == 0 || key >> 3 > 0x1fffffff)
		return "invalid field number";
	switch (f->wt) {
	case 0:
		if (pb_varint(b, &f->v) != 0)
			return "varint cut short";
		return NULL;
	case 1:
	case 5: {
		size_t k = f->wt == 1 ? 8 : 4;

		if ((size_t)(b->end - b->p) < k)
			return "fixed-size value cut short";
		f->v = 0;
		for (size_t i = 0; i < k; i++)
			f->v |= (uint64_t)b->p[i] << (8 * i);
		b->p += k;
		return NULL;
	}
	case 2:
		if (pb_varint(b, &len) != 0)
			return "length cut short";
		if (len > (uint64_t)(b->end - b->p))
			return "length runs past the end of the data";
		f->sub.p = b->p;
		f->sub.end = b->p + len;
		b->p += len;
		return NULL;
	default:
		return "unsupported wire type";
	}
}

/* Growable uint64 array. */
struct u64s { uint64_t *v; size_t n, cap; };

static void
u64_push(struct u64s *a, uint64_t x)
{
	if (a->n == a->cap) {
		a->cap = a->cap ? a->cap * 2 : 16;
		a->v = xrealloc(a->v, a->cap * sizeof(*a->v));
	}
	a->v[a->n++] = x;
}

/* A repeated scalar field, packed (wt 2) or not (wt 0): appends to a. */
static const char *
pb_scalars(const struct pb_field *f, struct u64s *a)
{
	struct pb b;
	uint64_t x;

	if (f->wt == 0) {
		u64_push(a, f->v);
		return NULL;
	}
	if (f->wt != 2)
		return "repeated integer with a wrong wire type";
	for (b = f->sub; b.p < b.end; u64_push(a, x))
		if (pb_varint(&b, &x) != 0)
			return "packed integers cut short";
	return NULL;
}

/* ---- protobuf: the Profile message ---- */

struct str { const char *s; size_t n; };
struct vtype { uint64_t type, unit; };
struct pfunc { uint64_t id, name, filename; int64_t start_line; };
struct ploc { uint64_t id, address; struct pb lines; };

/* Growable arrays of any element. */
#define GROW(arr, n, cap) do { \
	if ((n) == (cap)) { \
		(cap) = (cap) ? (cap) * 2 : 16; \
		(arr) = xrealloc((arr), (cap) * sizeof(*(arr))); \
	} \
} while (0)

struct prof {
	struct str *str; size_t nstr, capstr;
	struct vtype *st; size_t nst, capst;
	struct pfunc *fn; size_t nfn, capfn;
	struct ploc *loc; size_t nloc, caploc;
	struct pb *smp; size_t nsmp, capsmp;
	struct u64s comments;
	struct vtype period_type;
	int has_period_type, has_period, has_time, has_duration, has_default;
	int64_t period, time_nanos, duration_nanos;
	uint64_t default_type, drop_frames, keep_frames;
	int unknown_fields;
	/* Where decoding stopped early: reason and byte offset, or NULL. */
	const char *err;
	size_t err_off;
	int err_sub;		/* a sub-message was bad (rest was read) */
	const char *sub_err;
	uint64_t sub_field;
};

static void
prof_free(struct prof *pr)
{
	free(pr->str);
	free(pr->st);
	free(pr->fn);
	free(pr->loc);
	free(pr->smp);
	free(pr->comments.v);
}

/* ValueType {type = 1, unit = 2}. */
static const char *
dec_vtype(struct pb b, struct vtype *vt)
{
	struct pb_field f;
	const char *e;

	vt->type = vt->unit = 0;
	while (b.p < b.end) {
		if ((e = pb_next(&b, &f)) != NULL)
			return e;
		if (f.num == 1 && f.wt == 0)
			vt->type = f.v;
		else if (f.num == 2 && f.wt == 0)
			vt->unit = f.v;
	}
	return NULL;
}

/* Function {id 1, name 2, system_name 3, filename 4, start_line 5}. */
static const char *
dec_func(struct pb b, struct pfunc *fn)
{
	struct pb_field f;
	const char *e;

	memset(fn, 0, sizeof(*fn));
	while (b.p < b.end) {
		if ((e = pb_next(&b, &f)) != NULL)
			return e;
		if (f.wt != 0)
			continue;
		if (f.num == 1)
			fn->id = f.v;
		else if (f.num == 2)
			fn->name = f.v;
		else if (f.num == 4)
			fn->filename = f.v;
		else if (f.num == 5)
			fn->start_line = (int64_t)f.v;
	}
	return NULL;
}

/*
 * Location {id 1, mapping_id 2, address 3, line 4 (repeated Line)}: the
 * lines are kept as the message itself and decoded when used.
 */
static const char *
dec_loc(struct pb b, struct ploc *l)
{
	struct pb_field f;
	const char *e;

	memset(l, 0, sizeof(*l));
	l->lines = b;
	while (b.p < b.end) {
		if ((e = pb_next(&b, &f)) != NULL)
			return e;
		if (f.num == 1 && f.wt == 0)
			l->id = f.v;
		else if (f.num == 3 && f.wt == 0)
			l->address = f.v;
	}
	return NULL;
}

/* Records the first bad sub-message; decoding goes on with the next. */
static void
sub_error(struct prof *pr, const char *e, uint32_t field)
{
	if (!pr->err_sub) {
		pr->sub_err = e;
		pr->sub_field = field;
	}
	pr->err_sub++;
}

/* One top-level field of Profile. */
static void
prof_field(struct prof *pr, const struct pb_field *f)
{
	const char *e = NULL;

	switch (f->num) {
	case 1:
		GROW(pr->st, pr->nst, pr->capst);
		if (f->wt != 2 || (e = dec_vtype(f->sub, &pr->st[pr->nst])) != NULL)
			break;
		pr->nst++;
		return;
	case 2:
		if (f->wt != 2)
			break;
		GROW(pr->smp, pr->nsmp, pr->capsmp);
		pr->smp[pr->nsmp++] = f->sub;
		return;
	case 3:		/* mapping: not needed */
		if (f->wt != 2)
			break;
		return;
	case 4:
		GROW(pr->loc, pr->nloc, pr->caploc);
		if (f->wt != 2 || (e = dec_loc(f->sub, &pr->loc[pr->nloc])) != NULL)
			break;
		pr->nloc++;
		return;
	case 5:
		GROW(pr->fn, pr->nfn, pr->capfn);
		if (f->wt != 2 || (e = dec_func(f->sub, &pr->fn[pr->nfn])) != NULL)
			break;
		pr->nfn++;
		return;
	case 6:
		if (f->wt != 2)
			break;
		GROW(pr->str, pr->nstr, pr->capstr);
		pr->str[pr->nstr].s = (const char *)f->sub.p;
		pr->str[pr->nstr].n = (size_t)(f->sub.end - f->sub.p);
		pr->nstr++;
		return;
	case 7: case 8: case 9: case 10: case 12: case 14:
		if (f->wt != 0)
			break;
		if (f->num == 7)
			pr->drop_frames = f->v;
		else if (f->num == 8)
			pr->keep_frames = f->v;
		else if (f->num == 9)
			pr->has_time = 1, pr->time_nanos = (int64_t)f->v;
		else if (f->num == 10)
			pr->has_duration = 1, pr->duration_nanos = (int64_t)f->v;
		else if (f->num == 12)
			pr->has_period = 1, pr->period = (int64_t)f->v;
		else
			pr->has_default = 1, pr->default_type = f->v;
		return;
	case 11:
		if (f->wt != 2 || (e = dec_vtype(f->sub, &pr->period_type)) != NULL)
			break;
		pr->has_period_type = 1;
		return;
	case 13:
		if ((e = pb_scalars(f, &pr->comments)) != NULL)
			break;
		return;
	default:
		pr->unknown_fields++;
		return;
	}
	sub_error(pr, e ? e : "wrong wire type", f->num);
}

/*
 * Decodes the top level of a Profile.  Stops at the first field that
 * cannot be read (pr->err, pr->err_off); what came before is kept.
 */
static void
prof_decode(struct prof *pr, const unsigned char *data, size_t n)
{
	struct pb b = { data, data + n };

	memset(pr, 0, sizeof(*pr));
	while (b.p < b.end) {
		const unsigned char *at = b.p;
		struct pb_field f;
		const char *e = pb_next(&b, &f);

		if (e != NULL) {
			pr->err = e;
			pr->err_off = (size_t)(at - data);
			return;
		}
		prof_field(pr, &f);
	}
}

/* String i of the table, or NULL when out of range. */
static const struct str *
prof_str(const struct prof *pr, uint64_t i)
{
	return i < pr->nstr ? &pr->str[i] : NULL;
}

static int
str_is(const struct str *s, const char *lit)
{
	return s != NULL && s->n == strlen(lit) && memcmp(s->s, lit, s->n) == 0;
}

static int
cmp_fn(const void *a, const void *b)
{
	const struct pfunc *x = a, *y = b;

	return x->id < y->id ? -1 : x->id > y->id;
}

static int
cmp_loc(const void *a, const void *b)
{
	const struct ploc *x = a, *y = b;

	return x->id < y->id ? -1 : x->id > y->id;
}

/* Sorts functions and locations by id for bsearch. */
static void
prof_index(struct prof *pr)
{
	if (pr->nfn > 1)
		qsort(pr->fn, pr->nfn, sizeof(*pr->fn), cmp_fn);
	if (pr->nloc > 1)
		qsort(pr->loc, pr->nloc, sizeof(*pr->loc), cmp_loc);
}

static const struct pfunc *
find_fn(const struct prof *pr, uint64_t id)
{
	struct pfunc key = { 0 };

	key.id = id;
	return pr->nfn ? bsearch(&key, pr->fn, pr->nfn, sizeof(*pr->fn), cmp_fn) : NULL;
}

static const struct ploc *
find_loc(const struct prof *pr, uint64_t id)
{
	struct ploc key = { 0 };

	key.id = id;
	return pr->nloc ? bsearch(&key, pr->loc, pr->nloc, sizeof(*pr->loc), cmp_loc) : NULL;
}

/* Which sample value is the count and which the delay, and its scale. */
struct roles { long count, delay; double to_ns; };

static void
prof_roles(const struct prof *pr, struct roles *r)
{
	static const struct { const char *unit; double to_ns; } units[] = {
		{ "nanoseconds", 1 }, { "microseconds", 1e3 },
		{ "milliseconds", 1e6 }, { "seconds", 1e9 },
	};

	r->count = r->delay = -1;
	r->to_ns = 0;
	for (size_t i = 0; i < pr->nst; i++) {
		const struct str *ty = prof_str(pr, pr->st[i].type);
		const struct str *un = prof_str(pr, pr->st[i].unit);

		if (str_is(ty, "contentions") && r->count < 0)
			r->count = (long)i;
		else if (str_is(ty, "delay") && r->delay < 0) {
			r->delay = (long)i;
			for (size_t k = 0; k < sizeof(units) / sizeof(units[0]); k++)
				if (str_is(un, units[k].unit))
					r->to_ns = units[k].to_ns;
		}
	}
}

/* Counters of references that do not resolve, reported once each. */
struct misses {
	long loc, fn, str, values;
	long loc_first, fn_first, str_first, values_first;
};

static void
miss(long *n, long *first, long idx)
{
	if ((*n)++ == 0)
		*first = idx;
}

/* The string at i into (s, n); counts a miss when out of range. */
static void
str_ref(const struct prof *pr, uint64_t i, const char **s, size_t *n,
    struct misses *m, long idx)
{
	const struct str *x = prof_str(pr, i);

	*s = NULL;
	*n = 0;
	if (x == NULL) {
		miss(&m->str, &m->str_first, idx);
		return;
	}
	if (x->n > 0) {
		*s = x->s;
		*n = x->n;
	}
}

/*
 * The frames of location id, leaf first: one per Line (the last Line is
 * the outermost of the inlined frames), or one with only the address.
 */
static void
loc_frames(struct out *o, const struct prof *pr, uint64_t id,
    struct misses *m, long idx)
{
	const struct ploc *l = find_loc(pr, id);
	struct frame fr = { 0 };
	struct pb b;
	struct pb_field f;
	size_t before = o->fr.n;

	fr.src_line = -1;
	if (l == NULL) {
		miss(&m->loc, &m->loc_first, idx);
		frames_push(&o->fr, &fr);
		return;
	}
	fr.addr = l->address;
	fr.has_addr = l->address != 0;
	for (b = l->lines; b.p < b.end && o->fr.n < MAX_FRAMES;) {
		struct frame x = fr;
		struct pb lb;

		if (pb_next(&b, &f) != NULL)
			break;		/* dec_loc already read it whole */
		if (f.num != 4 || f.wt != 2)
			continue;
		for (lb = f.sub; lb.p < lb.end;) {
			struct pb_field g;

			if (pb_next(&lb, &g) != NULL)
				break;
			if (g.num == 1 && g.wt == 0) {
				const struct pfunc *fn = find_fn(pr, g.v);

				if (fn == NULL)
					miss(&m->fn, &m->fn_first, idx);
				else {
					str_ref(pr, fn->name, &x.fn, &x.fn_n, m, idx);
					str_ref(pr, fn->filename, &x.file, &x.file_n, m, idx);
				}
			} else if (g.num == 2 && g.wt == 0)
				x.src_line = (int64_t)g.v;
		}
		frames_push(&o->fr, &x);
	}
	if (b.p < b.end)
		o->fr.dropped++;	/* stopped at MAX_FRAMES */
	if (o->fr.n == before)
		frames_push(&o->fr, &fr);
}

/* Label {key 1, str 2, num 3, num_unit 4} appended as "key=value". */
static void
label_text(struct out *o, const struct prof *pr, struct pb b,
    struct misses *m, long idx)
{
	struct pb_field f;
	uint64_t key = 0, str = 0, num = 0, unit = 0;
	int has_str = 0, has_num = 0;
	const char *s;
	size_t n;

	while (b.p < b.end) {
		if (pb_next(&b, &f) != NULL || f.wt != 0)
			break;
		if (f.num == 1)
			key = f.v;
		else if (f.num == 2)
			str = f.v, has_str = 1;
		else if (f.num == 3)
			num = f.v, has_num = 1;
		else if (f.num == 4)
			unit = f.v;
	}
	if (o->labels.len > MAX_TEXT)
		return;
	if (o->labels.len)
		buf_adds(&o->labels, "; ");
	str_ref(pr, key, &s, &n, m, idx);
	buf_add(&o->labels, s ? s : "", n);
	buf_addc(&o->labels, '=');
	if (has_str) {
		str_ref(pr, str, &s, &n, m, idx);
		buf_add(&o->labels, s ? s : "", n);
	} else if (has_num) {
		buf_printf(&o->labels, "%" PRId64, (int64_t)num);
		str_ref(pr, unit, &s, &n, m, idx);
		if (s) {
			buf_addc(&o->labels, ' ');
			buf_add(&o->labels, s, n);
		}
	}
}

/* Sample {location_id 1, value 2, label 3}: resolved and stored. */
static void
prof_sample(struct out *o, const struct prof *pr, const struct roles *r,
    long idx, struct u64s *locs, struct u64s *vals, struct misses *m)
{
	struct pb b = pr->smp[idx];
	struct pb_field f;
	struct val count = val_null(), delay = val_null();
	const char *e = NULL;

	locs->n = vals->n = 0;
	buf_reset(&o->labels);
	o->fr.n = 0;
	while (b.p < b.end && e == NULL) {
		if ((e = pb_next(&b, &f)) != NULL)
			break;
		if (f.num == 1)
			e = pb_scalars(&f, locs);
		else if (f.num == 2)
			e = pb_scalars(&f, vals);
		else if (f.num == 3 && f.wt == 2)
			label_text(o, pr, f.sub, m, idx);
	}
	if (e != NULL) {
		char why[160];

		snprintf(why, sizeof(why), "sample %ld: %s; stored as far as read",
		    idx, e);
		problem(o, 0, why, NULL, 0);
	}
	if (vals->n != pr->nst)
		miss(&m->values, &m->values_first, idx);
	if (r->count >= 0 && (size_t)r->count < vals->n)
		count = val_int((int64_t)vals->v[r->count]);
	if (r->delay >= 0 && (size_t)r->delay < vals->n && r->to_ns > 0) {
		double d = (double)(int64_t)vals->v[r->delay] * r->to_ns;

		if (d > -9.2e18 && d < 9.2e18)
			delay = val_int((int64_t)d);
	}
	for (size_t i = 0; i < locs->n; i++) {
		if (o->fr.n == MAX_FRAMES) {
			o->fr.dropped++;
			break;
		}
		loc_frames(o, pr, locs->v[i], m, idx);
	}
	emit_sample(o, 0, idx, count, delay, val_null(), NULL, 0);
}

static void
report_misses(struct out *o, const struct misses *m)
{
	char why[200];

	if (m->loc) {
		snprintf(why, sizeof(why), "%ld stack entries name a location id "
		    "not in the profile (first in sample %ld)", m->loc, m->loc_first);
		problem(o, 0, why, NULL, 0);
	}
	if (m->fn) {
		snprintf(why, sizeof(why), "%ld frames name a function id not in "
		    "the profile (first in sample %ld)", m->fn, m->fn_first);
		problem(o, 0, why, NULL, 0);
	}
	if (m->str) {
		snprintf(why, sizeof(why), "%ld string indexes are past the string "
		    "table (first in sample %ld)", m->str, m->str_first);
		problem(o, 0, why, NULL, 0);
	}
	if (m->values) {
		snprintf(why, sizeof(why), "%ld samples do not have one value per "
		    "sample type (first: sample %ld)", m->values, m->values_first);
		problem(o, 0, why, NULL, 0);
	}
}

/* A ValueType as "type/unit", in o->tmp appended. */
static void
vtype_text(struct buf *b, const struct prof *pr, const struct vtype *vt)
{
	const struct str *t = prof_str(pr, vt->type), *u = prof_str(pr, vt->unit);

	buf_add(b, t ? t->s : "?", t ? t->n : 1);
	buf_addc(b, '/');
	buf_add(b, u ? u->s : "?", u ? u->n : 1);
}

static void
prof_meta(struct out *o, const struct prof *pr)
{
	buf_reset(&o->tmp);
	for (size_t i = 0; i < pr->nst && o->tmp.len <= MAX_TEXT; i++) {
		if (i)
			buf_addc(&o->tmp, ',');
		vtype_text(&o->tmp, pr, &pr->st[i]);
	}
	meta_row(o, 0, "sample_types", buf_str(&o->tmp));
	if (pr->has_period_type) {
		buf_reset(&o->tmp);
		vtype_text(&o->tmp, pr, &pr->period_type);
		meta_row(o, 0, "period_type", buf_str(&o->tmp));
	}
	if (pr->has_period)
		meta_int(o, 0, "period", pr->period);
	if (pr->has_time) {
		time_t sec = (time_t)(pr->time_nanos / 1000000000);
		struct tm tm;
		char tb[64];

		meta_int(o, 0, "time_nanos", pr->time_nanos);
		if (gmtime_r(&sec, &tm) != NULL &&
		    strftime(tb, sizeof(tb), "%Y-%m-%dT%H:%M:%SZ", &tm) > 0)
			meta_row(o, 0, "time_utc", tb);
	}
	if (pr->has_duration)
		meta_int(o, 0, "duration_nanos", pr->duration_nanos);
	if (pr->has_default && pr->default_type) {
		const struct str *s = prof_str(pr, pr->default_type);

		buf_reset(&o->tmp);
		buf_add(&o->tmp, s ? s->s : "?", s ? s->n : 1);
		meta_row(o, 0, "default_sample_type", buf_str(&o->tmp));
	}
	for (size_t i = 0; i < pr->comments.n; i++) {
		const struct str *s = prof_str(pr, pr->comments.v[i]);

		buf_reset(&o->tmp);
		buf_add(&o->tmp, s ? s->s : "?", s ? s->n : 1);
		meta_row(o, 0, "comment", buf_str(&o->tmp));
	}
}

/* Decodes and stores a binary profile. */
static void
parse_proto(struct out *o, const unsigned char *data, size_t n)
{
	struct prof pr;
	struct roles r;
	struct misses m = { 0 };
	struct u64s locs = { 0 }, vals = { 0 };
	char why[240];

	prof_decode(&pr, data, n);
	if (pr.err != NULL && pr.err_off == 0) {
		snprintf(why, sizeof(why), "not a pprof profile: neither a "
		    "'--- contention:'/'--- mutex:' text header nor a protobuf "
		    "Profile (%s at byte 0)", pr.err);
		problem(o, 0, why, NULL, 0);
		prof_free(&pr);
		return;
	}
	if (pr.err != NULL) {
		snprintf(why, sizeof(why), "protobuf cut short or garbled: %s at "
		    "byte %zu of %zu; the rest is not read", pr.err, pr.err_off, n);
		problem(o, 0, why, NULL, 0);
	}
	if (pr.err_sub) {
		snprintf(why, sizeof(why), "%d Profile fields could not be decoded "
		    "(first: field %" PRIu64 ", %s); skipped", pr.err_sub,
		    pr.sub_field, pr.sub_err);
		problem(o, 0, why, NULL, 0);
	}
	prof_index(&pr);
	meta_row(o, 0, "encoding", "protobuf");
	prof_meta(o, &pr);
	prof_roles(&pr, &r);
	if (r.count < 0 && r.delay < 0 && pr.nst == 2 &&
	    prof_str(&pr, pr.st[0].type) == NULL && prof_str(&pr, pr.st[1].type) == NULL) {
		/* Sniffed by its shape; its names were in the lost part. */
		problem(o, 0, "sample types cannot be named (string table missing "
		    "or cut short): taken as Go's contentions/count, "
		    "delay/nanoseconds", NULL, 0);
		r.count = 0;
		r.delay = 1;
		r.to_ns = 1;
	}
	if (r.count < 0 && r.delay < 0) {
		buf_reset(&o->tmp);
		for (size_t i = 0; i < pr.nst && o->tmp.len <= MAX_TEXT; i++) {
			if (i)
				buf_addc(&o->tmp, ',');
			vtype_text(&o->tmp, &pr, &pr.st[i]);
		}
		snprintf(why, sizeof(why), "not a block or mutex profile: sample "
		    "types '%.150s'; samples not stored", buf_str(&o->tmp));
		problem(o, 0, why, NULL, 0);
	} else {
		if (r.delay >= 0 && r.to_ns == 0)
			problem(o, 0, "delay sample type has an unknown unit: "
			    "delay_ns not stored", NULL, 0);
		for (size_t i = 0; i < pr.nsmp; i++)
			prof_sample(o, &pr, &r, (long)i, &locs, &vals, &m);
		report_misses(o, &m);
	}
	meta_int(o, 0, "samples", (int64_t)pr.nsmp);
	free(locs.v);
	free(vals.v);
	prof_free(&pr);
}

/* ---- block or mutex ---- */

/* Leaf frames of a mutex profile: the unlock that ended the wait. */
static int
is_unlock(const char *s, size_t n)
{
	return memmem(s, n, "Unlock", 6) != NULL || memmem(s, n, "unlock", 6) != NULL ||
	    memmem(s, n, "_LostContendedRuntimeLock", 25) != NULL;
}

/*
 * Counts samples whose leaf function is (not) an unlock, for the samples
 * whose leaf resolves within pr.
 */
static void
leaf_votes(const struct prof *pr, long *unlock, long *other)
{
	struct u64s locs = { 0 };

	*unlock = *other = 0;
	for (size_t i = 0; i < pr->nsmp; i++) {
		struct pb b = pr->smp[i];
		struct pb_field f;
		const struct ploc *l;
		const struct pfunc *fn = NULL;
		const struct str *name;

		locs.n = 0;
		while (b.p < b.end && locs.n == 0)
			if (pb_next(&b, &f) != NULL ||
			    (f.num == 1 && pb_scalars(&f, &locs) != NULL))
				break;
		if (locs.n == 0 || (l = find_loc(pr, locs.v[0])) == NULL)
			continue;
		for (b = l->lines; b.p < b.end && fn == NULL;) {
			struct pb lb;

			if (pb_next(&b, &f) != NULL)
				break;
			if (f.num != 4 || f.wt != 2)
				continue;
			for (lb = f.sub; lb.p < lb.end;) {
				struct pb_field g;

				if (pb_next(&lb, &g) != NULL)
					break;
				if (g.num == 1 && g.wt == 0)
					fn = find_fn(pr, g.v);
			}
		}
		if (fn == NULL || (name = prof_str(pr, fn->name)) == NULL)
			continue;
		if (is_unlock(name->s, name->n))
			(*unlock)++;
		else
			(*other)++;
	}
	free(locs.v);
}

/* "mutex" when the file name says so; "block" for block/contention. */
static const char *
kind_from_name(const char *name)
{
	const char *base = name ? strrchr(name, '/') : NULL;
	char low[256];
	size_t i;

	base = base ? base + 1 : name ? name : "";
	for (i = 0; base[i] && i < sizeof(low) - 1; i++)
		low[i] = (char)tolower((unsigned char)base[i]);
	low[i] = '\0';
	if (strstr(low, "mutex"))
		return "mutex";
	if (strstr(low, "block") || strstr(low, "contention"))
		return "block";
	return NULL;
}

/*
 * Decides block or mutex for a decoded profile; *basis says how.
 */
static const char *
proto_kind(const struct prof *pr, const char *name, const char **basis)
{
	long unlock, other;
	const char *k;

	leaf_votes(pr, &unlock, &other);
	if (unlock > other) {
		*basis = "leaf frames (unlock)";
		return "mutex";
	}
	if (other > 0) {
		*basis = "leaf frames (lock, wait)";
		return "block";
	}
	if ((k = kind_from_name(name)) != NULL) {
		*basis = "file name";
		return k;
	}
	*basis = "default (no leaf frame, no hint in the name)";
	return "block";
}

/* ---- sniffing ---- */

/* First non-blank line of buf starts with s. */
static int
text_starts(const char *buf, size_t len, const char *s)
{
	size_t i = 0;

	while (i < len && isspace((unsigned char)buf[i]))
		i++;
	return has_prefix(buf + i, len - i, s);
}

/*
 * How sure (0..100) that buf is a protobuf block/mutex profile, and of
 * which kind.  A profile whose string table lies beyond the sniffing
 * window is recognised by its shape: two sample types, the first equal
 * to the period type (contentions/count in Go's block and mutex profiles;
 * a CPU or heap profile differs).
 */
static int
sniff_proto(const char *buf, size_t len, const char *name, const char **kind)
{
	struct prof pr;
	struct roles r;
	const char *basis;
	int score = 0;

	prof_decode(&pr, (const unsigned char *)buf, len);
	/* Only a cut at the end of the window is tolerated. */
	if ((pr.err != NULL && strcmp(pr.err, "length runs past the end of the data") != 0 &&
	    strstr(pr.err, "cut short") == NULL) || pr.unknown_fields || pr.nst < 2)
		goto out;
	prof_roles(&pr, &r);
	if (r.count >= 0 && r.delay >= 0)
		score = 90;	/* a bad field inside is then a problem to report */
	else if (pr.err_sub)
		score = 0;
	else if (pr.nstr > 0 && pr.nstr > pr.st[0].type && pr.nstr > pr.st[1].type)
		score = 0;	/* the types are readable and are others */
	else if (pr.has_period_type && pr.period_type.type == pr.st[0].type &&
	    pr.period_type.unit == pr.st[0].unit && pr.nst == 2)
		score = 60;
	if (score > 0) {
		prof_index(&pr);
		*kind = proto_kind(&pr, name, &basis);
	}
out:
	prof_free(&pr);
	return score;
}

static int
sniff_kind(const char *buf, size_t len, const char *name, const char *want)
{
	const char *kind = NULL;
	int score;

	if (text_starts(buf, len, "--- contention:") ||
	    text_starts(buf, len, "--- contentionz"))
		return strcmp(want, "block") == 0 ? 95 : 0;
	if (text_starts(buf, len, "--- mutex:"))
		return strcmp(want, "mutex") == 0 ? 95 : 0;
	score = sniff_proto(buf, len, name, &kind);
	return kind != NULL && strcmp(kind, want) == 0 ? score : 0;
}

static int
sniff_block(const char *buf, size_t len, const char *name)
{
	return sniff_kind(buf, len, name, "block");
}

static int
sniff_mutex(const char *buf, size_t len, const char *name)
{
	return sniff_kind(buf, len, name, "mutex");
}

/* ---- entry points ---- */

/*
 * The whole artifact: text when it starts with a "---" header, else a
 * protobuf Profile.  want is the type detection chose (or --type gave).
 */
static void
parse_blob(const struct parse_ctx *ctx, const unsigned char *data, size_t n,
    const char *want)
{
	struct out o = { 0 };

	o.ctx = ctx;
	o.profile = want;
	o.budget = BUDGET(n);
	if (n == 0)
		problem(&o, 0, "empty profile", NULL, 0);
	else if (text_starts((const char *)data, n, "---"))
		parse_text(&o, data, n);
	else {
		struct prof pr;
		const char *basis = "type given", *k;

		/* Block or mutex: record what decided it. */
		prof_decode(&pr, data, n);
		prof_index(&pr);
		k = proto_kind(&pr, ctx->name, &basis);
		prof_free(&pr);
		if (strcmp(k, want) != 0)
			basis = "type given";
		meta_row(&o, 0, "profile", want);
		meta_row(&o, 0, "kind_from", basis);
		parse_proto(&o, data, n);
	}
	if (o.over) {
		char why[200];

		snprintf(why, sizeof(why), "records would exceed %zu bytes: %ld "
		    "samples not stored (from sample %ld)", o.budget, o.over,
		    o.first_over);
		problem(&o, 0, why, NULL, 0);
	}
	if (o.long_names) {
		char why[120];

		snprintf(why, sizeof(why), "%ld function or file names cut at %d "
		    "bytes", o.long_names, MAX_NAME);
		problem(&o, 0, why, NULL, 0);
	}
	free(o.fr.v);
	buf_free(&o.stack);
	buf_free(&o.labels);
	buf_free(&o.tmp);
}

static void
blob_block(const struct parse_ctx *ctx, const unsigned char *data, size_t n)
{
	parse_blob(ctx, data, n, "block");
}

static void
blob_mutex(const struct parse_ctx *ctx, const unsigned char *data, size_t n)
{
	parse_blob(ctx, data, n, "mutex");
}

const struct parser parser_pprof_block = {
	.type = "pprof-block",
	.sniff = sniff_block,
	.blob = blob_block,
	.tables = pprof_tables,
};

const struct parser parser_pprof_mutex = {
	.type = "pprof-mutex",
	.sniff = sniff_mutex,
	.blob = blob_mutex,
	.tables = pprof_tables,
};
