/*
 * Go goroutine dumps (type "goroutines"): the tracebacks the runtime
 * prints on a panic, a fatal error or SIGQUIT, the same per-goroutine form
 * served by net/http/pprof at goroutine?debug=2, and the aggregated
 * goroutine?debug=1 profile (FORMATS.md section 4).  A dump shows what
 * every goroutine was doing: for a post-mortem, which ones sat in a system
 * call for minutes and on what (os.Mkdir, syscall.Flock ...), and which
 * waited on a Go mutex instead.
 *
 * Rows: go_crashes (preamble lines), goroutines (one per goroutine header,
 * or per debug=1 group), goroutine_frames (one per function line).  The
 * parser is mixable: a panic turns up inside a program's stderr log and
 * inside strace output written to the same stderr, so it keeps its state
 * across the lines it is offered and claims only lines of a dump.  The
 * driver skips empty lines, so the end of a goroutine block is seen as a
 * gap in line numbers, or as the next header.
 */
#include "parser.h"
#include "xmalloc.h"

#include <ctype.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

static const char *const goroutines_cols[] = {
	"line", "dump", "form", "goid", "status", "wait_minutes", "locked",
	"count", "created_by", "created_goid", "created_file", "created_line",
	"frames", "top_func", "labels", "note", "addrs",
};
enum { G_LINE, G_DUMP, G_FORM, G_GOID, G_STATUS, G_WAIT, G_LOCKED, G_COUNT,
	G_CBY, G_CGOID, G_CFILE, G_CLINE, G_FRAMES, G_TOP, G_LABELS, G_NOTE,
	G_ADDRS, G__COUNT };
static const char *const frames_cols[] = {
	"line", "goroutine_line", "depth", "func", "args", "file", "src_line",
	"pc", "inlined", "addr",
};
enum { F_LINE, F_GLINE, F_DEPTH, F_FUNC, F_ARGS, F_FILE, F_SRCLINE, F_PC,
	F_INLINED, F_ADDR, F__COUNT };
static const char *const crashes_cols[] = {
	"line", "kind", "message", "signal", "raw",
};
enum { C_LINE, C_KIND, C_MESSAGE, C_SIGNAL, C_RAW, C__COUNT };

static const struct rec_table t_goroutines = {
	.id = -1, .name = "goroutines", .ncols = G__COUNT, .cols = goroutines_cols,
};
static const struct rec_table t_frames = {
	.id = -1, .name = "goroutine_frames", .ncols = F__COUNT, .cols = frames_cols,
};
static const struct rec_table t_crashes = {
	.id = -1, .name = "go_crashes", .ncols = C__COUNT, .cols = crashes_cols,
};
static const struct rec_table *const goroutine_tables[] = {
	&t_goroutines, &t_frames, &t_crashes, NULL,
};

/* What the next line of a goroutine block may be. */
enum expect {
	X_NONE,		/* outside a goroutine */
	X_FUNC,		/* a function line, created by, elision, or the end */
	X_FILE,		/* the TAB file:line of the pending function line */
	X_CFILE,	/* the TAB file:line of "created by" */
	X_D1,		/* inside a debug=1 group: "#" lines */
};

/* Goroutine ids seen in the current dump (a repeat starts a new dump). */
struct idset {
	int64_t *v;	/* open addressing, 0 = empty; keys are goid + 1 */
	size_t cap, n;
};

struct gr {
	const struct parse_ctx *ctx;
	int dump;		/* current dump number, 0 before the first */
	int form;		/* 0 none, 1 traceback, 2 debug1 */
	int dump_goroutines;	/* goroutine headers in the current dump */
	int reoffering;		/* guard: a line handed on to the others */
	long last;		/* last line claimed */
	enum expect x;
	int ancestors;		/* inside an [originating from ...] block */

	/* The goroutine being read; its row is emitted when it ends. */
	int in_g;
	long g_line;
	int has_goid;
	int64_t goid;
	struct buf status, top, cby, cfile, labels, note, addrs;
	long wait, count, cline, cgoid, nframes;
	int locked, has_wait, has_cline, has_cgoid;

	/* A function line waiting for its file line. */
	int pend;
	long pend_line;
	struct buf pfunc, pargs;

	/* A debug=1 "#" frame waiting to learn whether it is inlined. */
	int d1pend;
	long d1_line;
	struct buf d1func, d1file, d1pc, d1addr;
	long d1_src;
	int d1_has_src;

	/* A crash preamble waiting for its "[signal ...]" line. */
	int cpend;
	long c_line;
	const char *c_kind;
	struct buf craw, cmsg, csig;

	struct idset seen;
};

static int
starts(const char *s, size_t n, const char *p)
{
	size_t k = strlen(p);

	return n >= k && memcmp(s, p, k) == 0;
}

static int
ends(const char *s, size_t n, const char *p)
{
	size_t k = strlen(p);

	return n >= k && memcmp(s + n - k, p, k) == 0;
}

/* Parses decimal digits s[*i..n) into *v; 1 if at least one digit. */
static int
num(const char *s, size_t n, size_t *i, long *v)
{
	size_t j = *i;
	long x = 0;

	while (j < n && isdigit((unsigned char)s[j]) && x < 100000000000L)
		x = x * 10 + (s[j++] - '0');
	if (j == *i || (j < n && isdigit((unsigned char)s[j])))
		return 0;
	*i = j;
	*v = x;
	return 1;
}

/* 1 if s[0..n) is "0x" followed by at least one hex digit and nothing else. */
static int
is_hex(const char *s, size_t n)
{
	if (n < 3 || s[0] != '0' || s[1] != 'x')
		return 0;
	for (size_t i = 2; i < n; i++)
		if (!isxdigit((unsigned char)s[i]))
			return 0;
	return 1;
}

static void
idset_clear(struct idset *s)
{
	if (s->v)
		memset(s->v, 0, s->cap * sizeof(*s->v));
	s->n = 0;
}

/* Adds id; returns 1 if it was already there. */
static int
idset_add(struct idset *s, int64_t id)
{
	uint64_t key = (uint64_t)id + 1, h;

	if (s->n * 2 >= s->cap) {
		struct idset big = { xcalloc(s->cap ? s->cap * 2 : 64, sizeof(int64_t)),
		    s->cap ? s->cap * 2 : 64, 0 };

		for (size_t i = 0; i < s->cap; i++)
			if (s->v[i])
				idset_add(&big, s->v[i] - 1);
		free(s->v);
		*s = big;
	}
	for (h = (key * 0x9E3779B97F4A7C15ULL) & (s->cap - 1); s->v[h];
	    h = (h + 1) & (s->cap - 1))
		if ((uint64_t)s->v[h] == key)
			return 1;
	s->v[h] = (int64_t)key;
	s->n++;
	return 0;
}

static struct val
bufval(const struct buf *b)
{
	return b->len ? val_text(b->s, b->len) : val_null();
}

static void
note_add(struct gr *st, const char *what)
{
	if (st->note.len)
		buf_adds(&st->note, "; ");
	buf_adds(&st->note, what);
}

static void
emit_frame(struct gr *st, long line, const char *func, size_t flen,
    const char *args, size_t alen, const char *file, size_t filen,
    long src, int has_src, const char *pc, size_t pclen, int inlined,
    const char *addr, size_t addrlen)
{
	struct val v[F__COUNT];

	memset(v, 0, sizeof(v));
	v[F_LINE] = val_int(line);
	v[F_GLINE] = val_int(st->g_line);
	v[F_DEPTH] = val_int(st->nframes);
	v[F_FUNC] = val_text(func, flen);
	v[F_ARGS] = val_text(args, alen);
	v[F_FILE] = val_text(file, filen);
	if (has_src)
		v[F_SRCLINE] = val_int(src);
	v[F_PC] = val_text(pc, pclen);
	v[F_INLINED] = val_int(inlined);
	v[F_ADDR] = val_text(addr, addrlen);
	if (st->nframes == 0 && func)
		buf_add(&st->top, func, flen);
	st->nframes++;
	st->ctx->sink->row(st->ctx->sink->ctx, &t_frames, v);
}

/* A function line whose file line never came (cut dump): keep the name. */
static void
flush_pending(struct gr *st)
{
	if (!st->pend)
		return;
	st->pend = 0;
	if (st->ancestors)
		return;
	emit_frame(st, st->pend_line, st->pfunc.s, st->pfunc.len,
	    st->pargs.len ? st->pargs.s : NULL, st->pargs.len, NULL, 0, 0, 0,
	    NULL, 0, st->pargs.len == 3 && memcmp(st->pargs.s, "...", 3) == 0,
	    NULL, 0);
}

/* Emits the held debug=1 frame; inlined when the next has the same pc. */
static void
flush_d1(struct gr *st, const char *next_addr, size_t next_len)
{
	int inl;

	if (!st->d1pend)
		return;
	st->d1pend = 0;
	inl = next_addr && st->d1addr.len == next_len &&
	    memcmp(st->d1addr.s, next_addr, next_len) == 0;
	emit_frame(st, st->d1_line, st->d1func.len ? st->d1func.s : NULL,
	    st->d1func.len, NULL, 0, st->d1file.len ? st->d1file.s : NULL,
	    st->d1file.len, st->d1_src, st->d1_has_src,
	    st->d1pc.len ? st->d1pc.s : NULL, st->d1pc.len, inl,
	    st->d1addr.s, st->d1addr.len);
}

static void
flush_crash(struct gr *st)
{
	struct val v[C__COUNT];

	if (!st->cpend)
		return;
	st->cpend = 0;
	memset(v, 0, sizeof(v));
	v[C_LINE] = val_int(st->c_line);
	v[C_KIND] = val_str(st->c_kind);
	v[C_MESSAGE] = bufval(&st->cmsg);
	v[C_SIGNAL] = bufval(&st->csig);
	v[C_RAW] = val_text(st->craw.s, st->craw.len);
	st->ctx->sink->row(st->ctx->sink->ctx, &t_crashes, v);
}

/* Ends the goroutine being read: its row, after its frames. */
static void
end_goroutine(struct gr *st)
{
	struct val v[G__COUNT];

	flush_pending(st);
	flush_d1(st, NULL, 0);
	if (!st->in_g)
		return;
	st->in_g = 0;
	st->x = X_NONE;
	st->ancestors = 0;
	memset(v, 0, sizeof(v));
	v[G_LINE] = val_int(st->g_line);
	v[G_DUMP] = val_int(st->dump);
	v[G_FORM] = val_str(st->form == 2 ? "debug1" : "traceback");
	if (st->has_goid)
		v[G_GOID] = val_int(st->goid);
	v[G_STATUS] = bufval(&st->status);
	if (st->has_wait)
		v[G_WAIT] = val_int(st->wait);
	v[G_LOCKED] = val_int(st->locked);
	v[G_COUNT] = val_int(st->count);
	v[G_CBY] = bufval(&st->cby);
	if (st->has_cgoid)
		v[G_CGOID] = val_int(st->cgoid);
	v[G_CFILE] = bufval(&st->cfile);
	if (st->has_cline)
		v[G_CLINE] = val_int(st->cline);
	v[G_FRAMES] = val_int(st->nframes);
	v[G_TOP] = bufval(&st->top);
	v[G_LABELS] = bufval(&st->labels);
	v[G_NOTE] = bufval(&st->note);
	v[G_ADDRS] = bufval(&st->addrs);
	st->ctx->sink->row(st->ctx->sink->ctx, &t_goroutines, v);
}

static void
begin_goroutine(struct gr *st, long lineno)
{
	end_goroutine(st);
	st->in_g = 1;
	st->g_line = lineno;
	st->has_goid = st->has_wait = st->has_cline = st->has_cgoid = 0;
	st->locked = 0;
	st->count = 1;
	st->nframes = 0;
	buf_reset(&st->status);
	buf_reset(&st->top);
	buf_reset(&st->cby);
	buf_reset(&st->cfile);
	buf_reset(&st->labels);
	buf_reset(&st->note);
	buf_reset(&st->addrs);
	st->x = X_FUNC;
}

static void
new_dump(struct gr *st, int form)
{
	end_goroutine(st);
	flush_crash(st);
	st->dump++;
	st->form = form;
	st->dump_goroutines = 0;
	idset_clear(&st->seen);
}

/*
 * "goroutine N [STATUS[ (scan)][, N minutes][, locked to thread]]:" with
 * the optional " gp=0x.. m=.." of newer releases.  The status text may
 * itself contain ", " and parentheses ("select (no cases)"), so known
 * suffixes are taken off the right only.  Returns 1 if it is a header.
 */
static int
parse_header(struct gr *st, const char *s, size_t n, long lineno)
{
	size_t i = 10, gp, open, close;
	long goid;
	const char *b;
	size_t bl;

	if (!starts(s, n, "goroutine ") || !num(s, n, &i, &goid) ||
	    !ends(s, n, "]:"))
		return 0;
	gp = i;
	if (starts(s + i, n - i, " gp=")) {
		const char *p = memchr(s + i, '[', n - i);

		if (p == NULL)
			return 0;
		i = (size_t)(p - s) - 1;
	}
	if (!starts(s + i, n - i, " ["))
		return 0;
	open = i + 2;
	close = n - 2;
	if (close < open)
		return 0;
	/* A new dump: the first, after a debug=1 profile, or a repeated goid. */
	if (st->dump == 0 || st->form != 1 ||
	    (goid != 0 && idset_add(&st->seen, goid))) {
		if (st->dump == 0 || st->form != 1 || st->dump_goroutines > 0)
			new_dump(st, 1);
		if (goid != 0)
			idset_add(&st->seen, goid);
	}
	begin_goroutine(st, lineno);
	st->dump_goroutines++;
	st->has_goid = 1;
	st->goid = goid;
	if (i > gp)	/* " gp=0x.. m=.." kept as printed */
		buf_add(&st->note, s + gp + 1, i - gp - 1);
	b = s + open;
	bl = close - open;
	for (;;) {
		const char *c = NULL;
		size_t k;

		for (k = bl; k >= 2; k--)
			if (b[k - 2] == ',' && b[k - 1] == ' ') {
				c = b + k;
				break;
			}
		if (c == NULL)
			break;
		{
			size_t cl = (size_t)(b + bl - c), j = 0;
			long m;

			if (cl == 16 && memcmp(c, "locked to thread", 16) == 0)
				st->locked = 1;
			else if (num(c, cl, &j, &m) && strncmp(c + j, " minutes", cl - j) == 0 &&
			    cl - j == 8) {
				st->has_wait = 1;
				st->wait = m;
			} else if (starts(c, cl, "synctest")) {
				note_add(st, "");
				buf_add(&st->note, c, cl);
			} else
				break;
			bl = (size_t)(c - b) - 2;
		}
	}
	if (ends(b, bl, " (scan)")) {
		bl -= 7;
		note_add(st, "scan");
	}
	buf_add(&st->status, b, bl);
	return 1;
}

/*
 * A function line "FUNC(ARGS)": ARGS hold no parentheses, so the last
 * "(" opens them; FUNC has no blanks.  Returns 1 and sets the pending
 * frame.
 */
static int
parse_func(struct gr *st, const char *s, size_t n, long lineno)
{
	const char *op;
	size_t k;

	if (n < 3 || s[n - 1] != ')' || s[0] == '\t' || s[0] == ' ')
		return 0;
	for (op = NULL, k = n - 1; k > 0; k--)
		if (s[k - 1] == '(') {
			op = s + k - 1;
			break;
		}
	if (op == NULL || op == s)
		return 0;
	for (const char *p = s; p < op; p++)
		if (*p == ' ' || *p == '\t')
			return 0;
	st->pend = 1;
	st->pend_line = lineno;
	buf_reset(&st->pfunc);
	buf_reset(&st->pargs);
	buf_add(&st->pfunc, s, (size_t)(op - s));
	buf_add(&st->pargs, op + 1, (size_t)(s + n - 1 - op - 1));
	return 1;
}

/*
 * "\tFILE:LINE[ +0xOFF][ fp=0x.. sp=0x.. pc=0x..]".  FILE may hold
 * blanks and colons, so the suffixes are found first and LINE is the
 * digits after the last ':' before them.  Returns 1 and fills the parts.
 */
static int
parse_file(const char *s, size_t n, const char **file, size_t *flen,
    long *src, const char **pc, size_t *pclen, const char **addr,
    size_t *alen)
{
	size_t end = n, i, colon;
	const char *p;

	if (n < 4 || s[0] != '\t')
		return 0;
	*pc = *addr = NULL;
	*pclen = *alen = 0;
	p = memmem(s, n, " fp=0x", 6);
	if (p != NULL) {
		const char *q = memmem(p, (size_t)(s + n - p), " pc=0x", 6);

		if (q != NULL) {
			*addr = q + 4;
			*alen = (size_t)(s + n - q - 4);
		}
		end = (size_t)(p - s);
	}
	p = memmem(s, end, " +0x", 4);
	if (p != NULL) {
		size_t e = (size_t)(p - s) + 2;

		if (!is_hex(s + e, end - e))
			return 0;
		*pc = s + e;
		*pclen = end - e;
		end = (size_t)(p - s);
	}
	for (colon = end; colon > 1 && s[colon - 1] != ':'; colon--)
		;
	if (colon <= 1)
		return 0;
	i = colon;
	if (!num(s, end, &i, src) || i != end)
		return 0;
	*file = s + 1;
	*flen = colon - 2;
	return *flen > 0;
}

/* "pkg.Func(0x1, 0x" : a function line whose argument list was cut. */
static int
looks_cut_func(const char *s, size_t n)
{
	const char *op = memchr(s, '(', n);

	if (op == NULL || op == s || s[n - 1] == ')' || s[0] == '\t')
		return 0;
	for (const char *p = s; p < op; p++)
		if (*p == ' ' || *p == '\t')
			return 0;
	return memchr(op, ' ', (size_t)(s + n - op)) == NULL ||
	    memchr(op, ',', (size_t)(s + n - op)) != NULL;
}

/* Register dump line: "rax    0xca", "rflags 0x246". */
static int
is_register(const char *s, size_t n)
{
	size_t i = 0, j;

	while (i < n && i < 7 && (islower((unsigned char)s[i]) || isdigit((unsigned char)s[i])))
		i++;
	if (i == 0 || i == n || s[i] != ' ')
		return 0;
	for (j = i; j < n && s[j] == ' '; j++)
		;
	return is_hex(s + j, n - j);
}

/* "SIGQUIT: quit", "SIGSEGV: segmentation violation": length of the name. */
static size_t
signal_preamble(const char *s, size_t n)
{
	size_t i = 3;

	if (!starts(s, n, "SIG"))
		return 0;
	while (i < n && (isupper((unsigned char)s[i]) || isdigit((unsigned char)s[i])))
		i++;
	if (i == 3 || !starts(s + i, n - i, ": ") || i + 2 >= n)
		return 0;
	return i;
}

/*
 * Hands a preamble line on to the other formats too (app-log records a
 * panic as the program's error), guarded against coming back here.
 */
static void
reoffer(struct gr *st, const char *s, size_t n, long lineno)
{
	if (st->ctx->offer == NULL)
		return;
	st->reoffering = 1;
	st->ctx->offer(st->ctx->drv, s, n, lineno);
	st->reoffering = 0;
}

/* Preamble lines: "panic: ", "fatal error: ", "SIGxxx: ...". */
static int
preamble(struct gr *st, const char *s, size_t n, long lineno)
{
	const char *kind = NULL, *msg = NULL, *sig = NULL;
	size_t siglen = 0;
	int nested = 0;

	if (starts(s, n, "panic: ")) {
		kind = "panic";
		msg = s + 7;
	} else if (starts(s, n, "\tpanic: ") && st->dump > 0 && st->form == 1 &&
	    st->dump_goroutines == 0) {
		kind = "panic";
		msg = s + 8;
		nested = 1;
	} else if (starts(s, n, "fatal error: ")) {
		kind = "fatal";
		msg = s + 13;
	} else if ((siglen = signal_preamble(s, n)) > 0) {
		sig = s;
		msg = s + siglen + 2;
		kind = siglen == 7 && memcmp(s, "SIGQUIT", 7) == 0 ? "sigquit" : "signal";
	} else
		return 0;
	flush_crash(st);
	if (!nested && (st->dump == 0 || st->form != 1 || st->dump_goroutines > 0))
		new_dump(st, 1);
	end_goroutine(st);
	st->cpend = 1;
	st->c_line = lineno;
	st->c_kind = kind;
	buf_reset(&st->craw);
	buf_reset(&st->cmsg);
	buf_reset(&st->csig);
	buf_add(&st->craw, s, n);
	buf_add(&st->cmsg, msg, (size_t)(s + n - msg));
	if (sig)
		buf_add(&st->csig, sig, siglen);
	if (kind[0] != 's')
		reoffer(st, s, n, lineno);
	return 1;
}

/* "[signal SIGSEGV: segmentation violation code=0x1 addr=0x0 pc=0x671668]" */
static int
signal_line(struct gr *st, const char *s, size_t n)
{
	size_t i = 8;

	if (!starts(s, n, "[signal ") || !ends(s, n, "]") || st->dump == 0 ||
	    st->form != 1 || st->dump_goroutines > 0)
		return 0;
	while (i < n && s[i] != ':' && s[i] != ' ' && s[i] != ']')
		i++;
	if (st->cpend && st->csig.len == 0)
		buf_add(&st->csig, s + 8, i - 8);
	return 1;
}

/* debug=1: "N @ 0x.. 0x..", a group of goroutines with one stack. */
static int
debug1_group(struct gr *st, const char *s, size_t n, long lineno)
{
	size_t i = 0;
	long count;

	if (!num(s, n, &i, &count) || !starts(s + i, n - i, " @ 0x"))
		return 0;
	for (size_t j = i + 3; j < n;) {
		size_t e = j;

		while (e < n && s[e] != ' ')
			e++;
		if (!is_hex(s + j, e - j))
			return 0;
		j = e + (e < n);
	}
	begin_goroutine(st, lineno);
	st->dump_goroutines++;
	st->count = count;
	buf_add(&st->addrs, s + i + 3, n - i - 3);
	st->x = X_D1;
	return 1;
}

/* debug=1: "#\t0xADDR\tFUNC+0xOFF\t\tFILE:LINE" (tabs are padding). */
static int
debug1_frame(struct gr *st, const char *s, size_t n, long lineno)
{
	const char *f[3];
	size_t fl[3], nf = 0, i = 1;

	if (n < 4 || s[0] != '#' || s[1] != '\t')
		return 0;
	while (i < n && nf < 3) {
		size_t e;

		while (i < n && s[i] == '\t')
			i++;
		if (i == n)
			break;
		e = i;
		while (e < n && s[e] != '\t')
			e++;
		f[nf] = s + i;
		fl[nf++] = e - i;
		i = e;
	}
	if (nf == 0 || !is_hex(f[0], fl[0]))
		return 0;
	flush_d1(st, f[0], fl[0]);
	st->d1pend = 1;
	st->d1_line = lineno;
	st->d1_has_src = 0;
	buf_reset(&st->d1func);
	buf_reset(&st->d1file);
	buf_reset(&st->d1pc);
	buf_reset(&st->d1addr);
	buf_add(&st->d1addr, f[0], fl[0]);
	if (nf >= 2) {
		const char *plus = NULL;

		for (size_t k = fl[1]; k > 0; k--)
			if (f[1][k - 1] == '+') {
				plus = f[1] + k - 1;
				break;
			}
		if (plus && is_hex(plus + 1, (size_t)(f[1] + fl[1] - plus - 1))) {
			buf_add(&st->d1func, f[1], (size_t)(plus - f[1]));
			buf_add(&st->d1pc, plus + 1, (size_t)(f[1] + fl[1] - plus - 1));
		} else
			buf_add(&st->d1func, f[1], fl[1]);
	}
	if (nf == 3) {
		size_t c = fl[2], j;

		while (c > 0 && f[2][c - 1] != ':')
			c--;
		j = c;
		if (c > 1 && num(f[2], fl[2], &j, &st->d1_src) && j == fl[2]) {
			st->d1_has_src = 1;
			buf_add(&st->d1file, f[2], c - 1);
		} else
			buf_add(&st->d1file, f[2], fl[2]);
	}
	return 1;
}

/* Lines inside a goroutine block of a traceback. */
static int
in_block(struct gr *st, const char *s, size_t n, long lineno, const char **why)
{
	const char *file, *pc, *addr;
	size_t flen, pclen, alen;
	long src;

	switch (st->x) {
	case X_FILE:
		if (parse_file(s, n, &file, &flen, &src, &pc, &pclen, &addr, &alen)) {
			/* No pending function: its line was cut (a problem). */
			if (st->pend && !st->ancestors)
				emit_frame(st, st->pend_line, st->pfunc.s, st->pfunc.len,
				    st->pargs.len ? st->pargs.s : NULL, st->pargs.len,
				    file, flen, src, 1, pc, pclen,
				    st->pargs.len == 3 && memcmp(st->pargs.s, "...", 3) == 0,
				    addr, alen);
			st->pend = 0;
			st->x = X_FUNC;
			return 1;
		}
		if (s[0] == '\t') {
			*why = "goroutine frame: file line without FILE:LINE (cut or garbled)";
			st->ctx->sink->problem(st->ctx->sink->ctx, lineno, *why, s, n);
			flush_pending(st);
			st->x = X_FUNC;
			return 1;
		}
		flush_pending(st);
		st->x = X_FUNC;
		/* FALLTHROUGH */
	case X_FUNC:
		if (parse_func(st, s, n, lineno)) {
			st->x = X_FILE;
			return 1;
		}
		if (starts(s, n, "created by ")) {
			const char *in = memmem(s + 11, n - 11, " in goroutine ", 14);
			size_t e = in ? (size_t)(in - s) : n;

			st->x = X_CFILE;
			if (st->ancestors)	/* an ancestor's creator */
				return 1;
			buf_reset(&st->cby);
			buf_add(&st->cby, s + 11, e - 11);
			if (in) {
				size_t j = e + 14;

				st->has_cgoid = num(s, n, &j, &st->cgoid) && j == n;
			}
			return 1;
		}
		if (strcmp(s, "...additional frames elided...") == 0 ||
		    (starts(s, n, "...") && ends(s, n, " frames elided..."))) {
			note_add(st, s[3] == 'a' ? "additional frames elided" : "");
			if (s[3] != 'a')	/* "N frames elided" */
				buf_add(&st->note, s + 3, n - 6);
			return 1;
		}
		if (strcmp(s, "\tgoroutine running on other thread; stack unavailable") == 0) {
			note_add(st, "stack unavailable (running on other thread)");
			return 1;
		}
		if (starts(s, n, "[originating from goroutine ") && ends(s, n, "]:")) {
			if (!st->ancestors)
				note_add(st, "ancestors listed");
			st->ancestors = 1;
			return 1;
		}
		if (looks_cut_func(s, n)) {
			*why = "goroutine frame: function line cut or garbled";
			st->ctx->sink->problem(st->ctx->sink->ctx, lineno, *why, s, n);
			st->x = X_FILE;	/* its file line may follow */
			st->pend = 0;
			return 1;
		}
		if (s[0] == '\t' && st->nframes > 0) {
			*why = "goroutine frame: file line with no function line before it";
			st->ctx->sink->problem(st->ctx->sink->ctx, lineno, *why, s, n);
			return 1;
		}
		return 0;
	case X_CFILE:
		st->x = X_FUNC;
		if (parse_file(s, n, &file, &flen, &src, &pc, &pclen, &addr, &alen)) {
			if (st->ancestors)
				return 1;
			buf_reset(&st->cfile);
			buf_add(&st->cfile, file, flen);
			st->has_cline = 1;
			st->cline = src;
			return 1;
		}
		return in_block(st, s, n, lineno, why);
	default:
		return 0;
	}
}

static int
sniff_line(const char *s, size_t n)
{
	size_t i = 10;
	long v;

	if (starts(s, n, "panic: ") || starts(s, n, "fatal error: ") ||
	    starts(s, n, "goroutine profile: total ") || signal_preamble(s, n))
		return 1;
	return starts(s, n, "goroutine ") && num(s, n, &i, &v) &&
	    (starts(s + i, n - i, " [") || starts(s + i, n - i, " gp=")) &&
	    ends(s, n, "]:");
}

/*
 * A dump as the file's first line: a sure thing.  A goroutine header
 * further down (a program's log ending in a panic) scores low, so that
 * app-log, which hands us the dump's lines, is the main format when it
 * recognises the log.
 */
static int
sniff(const char *buf, size_t len, const char *name)
{
	const char *p = buf, *end = buf + len;
	int first = 1, lines = 0;

	(void)name;
	while (p < end && lines < 2000) {
		const char *nl = memchr(p, '\n', (size_t)(end - p));
		size_t n = (size_t)((nl ? nl : end) - p);

		if (memchr(p, '\0', n))
			return 0;
		if (n && p[n - 1] == '\r')
			n--;
		if (n) {
			lines++;
			if (sniff_line(p, n))
				return first ? 80 : 15;
			first = 0;
		}
		p = nl ? nl + 1 : end;
	}
	return 0;
}

static void *
open_(const struct parse_ctx *ctx)
{
	struct gr *st = xcalloc(1, sizeof(*st));

	st->ctx = ctx;
	return st;
}

static int
dispatch(struct gr *st, const char *s, size_t n, long lineno, const char **why)
{
	int gap = lineno != st->last + 1;

	*why = "not a goroutine dump line";
	/* A block ends at a blank line (skipped by the driver: a gap). */
	if (st->in_g && gap)
		end_goroutine(st);
	if (st->in_g && st->x != X_D1 && in_block(st, s, n, lineno, why))
		return 1;
	if (st->in_g && st->x == X_D1) {
		if (debug1_frame(st, s, n, lineno))
			return 1;
		if (starts(s, n, "# labels: ")) {
			buf_reset(&st->labels);
			buf_add(&st->labels, s + 10, n - 10);
			return 1;
		}
	}
	if (parse_header(st, s, n, lineno) || preamble(st, s, n, lineno) ||
	    signal_line(st, s, n))
		return 1;
	if (starts(s, n, "goroutine profile: total ")) {
		size_t i = 25;
		long total;

		if (!num(s, n, &i, &total) || i != n) {
			*why = "goroutine profile header without a total";
			return 0;
		}
		new_dump(st, 2);
		st->ctx->sink->meta(st->ctx->sink->ctx, "goroutine_profile_total", s + 25);
		return 1;
	}
	if (st->form == 2 && debug1_group(st, s, n, lineno))
		return 1;
	if (starts(s, n, "goroutine ") && isdigit((unsigned char)s[10 < n ? 10 : 0])) {
		*why = "goroutine header cut or garbled";
		st->ctx->sink->problem(st->ctx->sink->ctx, lineno, *why, s, n);
		end_goroutine(st);
		return 1;
	}
	if (st->form == 1) {
		/* Between goroutines of a crash dump. */
		if (strcmp(s, "runtime stack:") == 0) {
			begin_goroutine(st, lineno);
			note_add(st, "runtime stack");
			return 1;
		}
		if ((starts(s, n, "PC=0x") && memmem(s, n, " m=", 3)) ||
		    strcmp(s, "-----") == 0 || starts(s, n, "instruction bytes:") ||
		    strcmp(s, "signal arrived during cgo execution") == 0 ||
		    is_register(s, n))
			return 1;
		if (starts(s, n, "exit status ")) {
			size_t i = 12;
			long code;

			return num(s, n, &i, &code) && i == n;
		}
	}
	if (starts(s, n, "runtime: ") || starts(s, n, "unexpected fault address "))
		return !st->ctx->secondary || st->dump > 0;
	return 0;
}

static int
line(void *vst, const char *s, size_t n, long lineno, const char **why)
{
	struct gr *st = vst;
	int r;

	if (st->reoffering) {
		*why = "not a goroutine dump line";
		return 0;
	}
	r = dispatch(st, s, n, lineno, why);
	if (!r)
		flush_crash(st);
	else {
		if (st->cpend && st->c_line != lineno)
			flush_crash(st);
		st->last = lineno;
	}
	return r;
}

static void
finish(void *vst)
{
	struct gr *st = vst;

	end_goroutine(st);
	flush_crash(st);
	buf_free(&st->status);
	buf_free(&st->top);
	buf_free(&st->cby);
	buf_free(&st->cfile);
	buf_free(&st->labels);
	buf_free(&st->note);
	buf_free(&st->addrs);
	buf_free(&st->pfunc);
	buf_free(&st->pargs);
	buf_free(&st->d1func);
	buf_free(&st->d1file);
	buf_free(&st->d1pc);
	buf_free(&st->d1addr);
	buf_free(&st->craw);
	buf_free(&st->cmsg);
	buf_free(&st->csig);
	free(st->seen.v);
	free(st);
}

const struct parser parser_goroutines = {
	.type = "goroutines",
	.sniff = sniff,
	.open = open_,
	.line = line,
	.finish = finish,
	.flags = PARSER_MIXABLE,
	.tables = goroutine_tables,
};
