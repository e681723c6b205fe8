/*
 * Resource limits into the limits table, from two formats:
 *
 * /proc/PID/limits (type "proc-limits"), a fixed-width table:
 *
 *   Limit                     Soft Limit           Hard Limit           Units
 *   Max open files            1024                 524288               files
 *
 * The header gives where the Soft, Hard and Units columns start (the
 * label has spaces, so splitting at blanks alone is wrong); without a
 * header (a cut file) the label is the words before the first number or
 * "unlimited".  "unlimited" is NULL.  pid comes from the artifact path
 * (.../1234/limits, limits-1234, limits.1234).
 *
 * `ulimit -a` (type "ulimit"), soft limits unless the saved command says
 * -H, in the shells' three shapes:
 *
 *   open files                          (-n) 1024          bash
 *   -n: file descriptors                1024               zsh, newer dash
 *   nofiles              1024                              dash 0.5.12
 *
 * Names are normalised to the setrlimit resource (RLIMIT_NOFILE ->
 * nofile): from the option letter where there is one, else the label.
 * Values are kept in the unit printed (blocks, kbytes ...; unit says).
 */
#include "parser.h"
#include "xmalloc.h"

#include <stdint.h>
#include <stdlib.h>
#include <string.h>

enum lim_col {
	LM_LINE, LM_PID, LM_NAME, LM_LABEL, LM_SOFT, LM_HARD, LM_UNIT, LM_FORM,
	LM_RAW, LM__COUNT
};
static const char *const lim_cols[LM__COUNT] = {
	"line", "pid", "name", "label", "soft", "hard", "unit", "form", "raw",
};
static const struct rec_table lim_table = {
	.id = -1, .name = "limits", .ncols = LM__COUNT, .cols = lim_cols,
};
static const struct rec_table *const lim_tables[] = { &lim_table, NULL };

/* /proc/PID/limits labels (fs/proc/base.c lnames[]). */
static const struct { const char *label, *name; } proc_names[] = {
	{ "Max cpu time", "cpu" }, { "Max file size", "fsize" },
	{ "Max data size", "data" }, { "Max stack size", "stack" },
	{ "Max core file size", "core" }, { "Max resident set", "rss" },
	{ "Max processes", "nproc" }, { "Max open files", "nofile" },
	{ "Max locked memory", "memlock" }, { "Max address space", "as" },
	{ "Max file locks", "locks" }, { "Max pending signals", "sigpending" },
	{ "Max msgqueue size", "msgqueue" }, { "Max nice priority", "nice" },
	{ "Max realtime priority", "rtprio" }, { "Max realtime timeout", "rttime" },
};

/* ulimit option letters (bash, dash, zsh). */
static const struct { char opt; const char *name; } opt_names[] = {
	{ 't', "cpu" }, { 'f', "fsize" }, { 'd', "data" }, { 's', "stack" },
	{ 'c', "core" }, { 'm', "rss" }, { 'u', "nproc" }, { 'n', "nofile" },
	{ 'l', "memlock" }, { 'v', "as" }, { 'x', "locks" }, { 'i', "sigpending" },
	{ 'q', "msgqueue" }, { 'e', "nice" }, { 'r', "rtprio" }, { 'R', "rttime" },
	{ 'p', "pipe" }, { 'b', "sbsize" }, { 'k', "kqueues" }, { 'P', "npts" },
	{ 'T', "threads" }, { 'w', "swap" },
};

/* dash 0.5.12 labels without option letters (src/miscbltin.c limits[]). */
static const struct { const char *label, *name; } dash_names[] = {
	{ "time", "cpu" }, { "file", "fsize" }, { "data", "data" },
	{ "stack", "stack" }, { "coredump", "core" }, { "memory", "rss" },
	{ "locked memory", "memlock" }, { "process", "nproc" },
	{ "nofiles", "nofile" }, { "vmemory", "as" }, { "locks", "locks" },
	{ "rtprio", "rtprio" }, { "nice", "nice" }, { "sbsize", "sbsize" },
	{ "pipe", "pipe" }, { "rttime", "rttime" }, { "sigpending", "sigpending" },
	{ "msgqueue", "msgqueue" }, { "swap", "swap" },
};

struct st {
	const struct parse_ctx *ctx;
	int ulimit;			/* which format */
	int64_t pid;			/* from the path, or -1 */
	size_t soft_at, hard_at, unit_at;	/* /proc header columns, 0 = none */
	int hard;			/* ulimit: the saved command had -H */
};

static int is_digit(char c) { return c >= '0' && c <= '9'; }

static int
has_prefix(const char *s, size_t n, const char *p)
{
	size_t k = strlen(p);

	return n >= k && memcmp(s, p, k) == 0;
}

static void
trim(const char **s, size_t *n)
{
	while (*n && (**s == ' ' || **s == '\t'))
		(*s)++, (*n)--;
	while (*n && ((*s)[*n - 1] == ' ' || (*s)[*n - 1] == '\t'))
		(*n)--;
}

/*
 * A limit value: digits, or "unlimited" (*null = 1).  0 when the token
 * is neither.
 */
static int
value(const char *s, size_t n, int64_t *out, int *null)
{
	int64_t v = 0;

	*null = 0;
	if (n == 9 && memcmp(s, "unlimited", 9) == 0) {
		*null = 1;
		return 1;
	}
	if (n == 0 || n > 19)
		return 0;
	for (size_t i = 0; i < n; i++) {
		if (!is_digit(s[i]) || v > (INT64_MAX - 9) / 10)
			return 0;
		v = v * 10 + (s[i] - '0');
	}
	*out = v;
	return 1;
}

/* pid from ".../PID/limits", "limits-PID", "limits.PID" (a hint). */
static int64_t
path_pid(const char *name)
{
	const char *p = strstr(name, "/limits");
	int64_t v = 0;
	size_t i;

	if (p != NULL && p > name && is_digit(p[-1])) {
		const char *a = p;

		while (a > name && is_digit(a[-1]))
			a--;
		if (a == name || a[-1] == '/') {
			for (; a < p && v < 100000000; a++)
				v = v * 10 + (*a - '0');
			return v;
		}
	}
	p = strrchr(name, '/');
	p = p ? p + 1 : name;
	if (strncmp(p, "limits", 6) != 0 || (p[6] != '-' && p[6] != '.' && p[6] != '_'))
		return -1;
	for (i = 7; is_digit(p[i]) && v < 100000000; i++)
		v = v * 10 + (p[i] - '0');
	return i > 7 ? v : -1;
}

static const char *
proc_name(const char *label, size_t n)
{
	for (size_t i = 0; i < sizeof(proc_names) / sizeof(proc_names[0]); i++)
		if (strlen(proc_names[i].label) == n && memcmp(proc_names[i].label, label, n) == 0)
			return proc_names[i].name;
	return NULL;
}

static const char *
opt_name(char c)
{
	for (size_t i = 0; i < sizeof(opt_names) / sizeof(opt_names[0]); i++)
		if (opt_names[i].opt == c)
			return opt_names[i].name;
	return NULL;
}

static int
is_proc_header(const char *s, size_t n)
{
	return has_prefix(s, n, "Limit ") && memmem(s, n, "Soft Limit", 10) &&
	    memmem(s, n, "Hard Limit", 10);
}

static void
emit(struct st *st, long lineno, const char *name, const char *label,
    size_t ln, const int64_t *soft, const int64_t *hard, const char *unit,
    size_t un, const char *s, size_t n)
{
	struct val v[LM__COUNT];

	memset(v, 0, sizeof(v));
	v[LM_LINE] = val_int(lineno);
	if (st->pid >= 0)
		v[LM_PID] = val_int(st->pid);
	v[LM_NAME] = val_str(name);
	v[LM_LABEL] = val_text(label, ln);
	if (soft)
		v[LM_SOFT] = val_int(*soft);
	if (hard)
		v[LM_HARD] = val_int(*hard);
	if (un)
		v[LM_UNIT] = val_text(unit, un);
	v[LM_FORM] = val_str(st->ulimit ? "ulimit" : "proc");
	v[LM_RAW] = val_text(s, n);
	st->ctx->sink->row(st->ctx->sink->ctx, &lim_table, v);
}

/*
 * Splits a /proc limits row into label, soft, hard and unit: at the
 * header's columns when it was seen and the row fits them, else at the
 * first value token.
 */
static const char *
proc_row(struct st *st, const char *s, size_t n, long lineno)
{
	const char *label = s, *a, *b, *u;
	size_t ln, an, bn, un, i;
	int64_t sv = 0, hv = 0;
	int sn, hn;
	const char *name;

	if (st->soft_at && n > st->hard_at && s[st->soft_at - 1] == ' ' &&
	    s[st->hard_at - 1] == ' ') {
		ln = st->soft_at;
		a = s + st->soft_at;
		an = st->hard_at - st->soft_at;
		b = s + st->hard_at;
		bn = (st->unit_at && n > st->unit_at ? st->unit_at : n) - st->hard_at;
		u = s + st->hard_at + bn;
		un = (size_t)(s + n - u);
	} else {
		/* Label words, then soft, hard, unit. */
		for (i = 0; i < n;) {
			size_t t = i, e;
			int64_t x;
			int nul;

			while (t < n && s[t] == ' ')
				t++;
			e = t;
			while (e < n && s[e] != ' ')
				e++;
			if (e > t && value(s + t, e - t, &x, &nul))
				break;
			i = e;
		}
		ln = i;
		a = s + i;
		while (a < s + n && *a == ' ')
			a++;
		for (b = a; b < s + n && *b != ' '; b++)
			;
		an = (size_t)(b - a);
		while (b < s + n && *b == ' ')
			b++;
		for (u = b; u < s + n && *u != ' '; u++)
			;
		bn = (size_t)(u - b);
		un = (size_t)(s + n - u);
	}
	trim(&label, &ln);
	trim(&a, &an);
	trim(&b, &bn);
	trim(&u, &un);
	if (!value(a, an, &sv, &sn) || !value(b, bn, &hv, &hn))
		return "limits row without a soft and a hard value";
	name = proc_name(label, ln);
	if (name == NULL)
		return "limits row with an unknown limit name";
	emit(st, lineno, name, label, ln, sn ? NULL : &sv, hn ? NULL : &hv,
	    u, un, s, n);
	return NULL;
}

/*
 * One `ulimit -a` line.  The value is the last blank-separated token;
 * before it, "(unit, -X)" (bash), "-X: label (unit)" (zsh, newer dash)
 * or "label(unit)" (dash).
 */
static const char *
ulimit_row(struct st *st, const char *s, size_t n, long lineno)
{
	const char *v = s + n, *name = NULL, *label = s, *unit = "";
	size_t vn, ln, un = 0;
	int64_t x;
	int nul;

	while (v > s && v[-1] != ' ' && v[-1] != '\t')
		v--;
	vn = (size_t)(s + n - v);
	if (v == s || !value(v, vn, &x, &nul))
		return "ulimit line without a value at its end";
	ln = (size_t)(v - s);
	trim(&label, &ln);
	if (ln >= 4 && label[0] == '-' && label[2] == ':' && label[3] == ' ') {
		/* -n: file descriptors [(unit)] */
		name = opt_name(label[1]);
		label += 4;
		ln -= 4;
		trim(&label, &ln);
	}
	if (ln && label[ln - 1] == ')') {
		const char *o = label + ln - 1;

		while (o > label && *o != '(')
			o--;
		if (*o != '(')
			return "ulimit line with an unbalanced parenthesis";
		unit = o + 1;
		un = (size_t)(label + ln - 1 - unit);
		ln = (size_t)(o - label);
		trim(&label, &ln);
		/* bash: "(kbytes, -d)" or "(-n)" */
		if (un >= 2 && unit[un - 2] == '-') {
			name = opt_name(unit[un - 1]);
			un -= 2;
			while (un && (unit[un - 1] == ' ' || unit[un - 1] == ','))
				un--;
		}
	}
	if (name == NULL)
		for (size_t i = 0; i < sizeof(dash_names) / sizeof(dash_names[0]); i++)
			if (strlen(dash_names[i].label) == ln &&
			    memcmp(dash_names[i].label, label, ln) == 0)
				name = dash_names[i].name;
	if (name == NULL)
		return "ulimit line with an unknown limit";
	{
		/* The label as printed, runs of blanks made one. */
		char lab[128];
		size_t k = 0, e = (size_t)(v - s);

		while (e > 0 && (s[e - 1] == ' ' || s[e - 1] == '\t'))
			e--;
		for (size_t i = 0; i < e && k + 1 < sizeof(lab); i++)
			if (!((s[i] == ' ' || s[i] == '\t') && (k == 0 || lab[k - 1] == ' ')))
				lab[k++] = s[i] == '\t' ? ' ' : s[i];
		emit(st, lineno, name, lab, k, st->hard || nul ? NULL : &x,
		    st->hard && !nul ? &x : NULL, unit, un, s, n);
	}
	return NULL;
}

static int
sniff_proc(const char *buf, size_t len, const char *name)
{
	const char *nl = memchr(buf, '\n', len);

	size_t n = nl ? (size_t)(nl - buf) : len;

	(void)name;
	if (is_proc_header(buf, n))
		return 95;
	/* A copy without its header: a known label, then the column gap. */
	for (size_t i = 0; i < sizeof(proc_names) / sizeof(proc_names[0]); i++) {
		size_t k = strlen(proc_names[i].label);

		if (n > k + 2 && memcmp(buf, proc_names[i].label, k) == 0 &&
		    buf[k] == ' ' && buf[k + 1] == ' ')
			return 80;
	}
	return 0;
}

/* Is s a line of `ulimit -a` output (any shell)? */
static int
ulimit_like(const char *s, size_t n)
{
	const char *v = s + n;
	size_t ln;

	if (n < 4)
		return 0;
	if (s[0] == '-' && s[2] == ':' && s[3] == ' ')
		return 1;
	if (memmem(s, n, ", -", 3) != NULL || memmem(s, n, "(-", 2) != NULL)
		return 1;
	/* dash: "label(unit)   value" with a label of its table */
	while (v > s && v[-1] != ' ')
		v--;
	ln = (size_t)(v - s);
	while (ln && s[ln - 1] == ' ')
		ln--;
	if (ln && s[ln - 1] == ')') {
		size_t o = ln - 1;

		while (o > 0 && s[o] != '(')
			o--;
		if (s[o] == '(')
			ln = o;
	}
	for (size_t i = 0; i < sizeof(dash_names) / sizeof(dash_names[0]); i++)
		if (strlen(dash_names[i].label) == ln && memcmp(dash_names[i].label, s, ln) == 0)
			return 1;
	return 0;
}

static int
sniff_ulimit(const char *buf, size_t len, const char *name)
{
	const char *p = buf, *end = buf + len;
	int lines = 0, hits = 0;

	(void)name;
	while (p < end && lines < 30) {
		const char *nl = memchr(p, '\n', (size_t)(end - p));
		size_t n = (size_t)((nl ? nl : end) - p);

		if (memchr(p, '\0', n))
			return 0;
		if (n && p[0] != '$') {
			lines++;
			hits += ulimit_like(p, n);
		}
		p = nl ? nl + 1 : end;
	}
	return hits >= 3 && hits * 2 >= lines ? 75 : 0;
}

static void *
open_common(const struct parse_ctx *ctx, int ulimit)
{
	struct st *st = xcalloc(1, sizeof(*st));

	st->ctx = ctx;
	st->ulimit = ulimit;
	st->pid = ulimit ? -1 : path_pid(ctx->name);
	return st;
}

static void *open_proc(const struct parse_ctx *ctx) { return open_common(ctx, 0); }
static void *open_ulimit(const struct parse_ctx *ctx) { return open_common(ctx, 1); }

static int
line_proc(void *vst, const char *s, size_t n, long lineno, const char **why)
{
	struct st *st = vst;

	if (is_proc_header(s, n)) {
		const char *a = memmem(s, n, "Soft Limit", 10);
		const char *b = memmem(s, n, "Hard Limit", 10);
		const char *u = memmem(s, n, "Units", 5);

		st->soft_at = (size_t)(a - s);
		st->hard_at = (size_t)(b - s);
		st->unit_at = u ? (size_t)(u - s) : 0;
		if (st->hard_at <= st->soft_at || (u && st->unit_at <= st->hard_at))
			st->soft_at = st->hard_at = st->unit_at = 0;
		return 1;
	}
	*why = proc_row(st, s, n, lineno);
	return *why == NULL;
}

static int
line_ulimit(void *vst, const char *s, size_t n, long lineno, const char **why)
{
	struct st *st = vst;

	if (s[0] == '$' || s[0] == '#') {
		/* The saved command: `ulimit -Ha` / `ulimit -H -a` are hard limits. */
		const char *u = memmem(s, n, "ulimit", 6);

		if (u)
			st->hard = memchr(u, 'H', (size_t)(s + n - u)) != NULL;
		return 1;
	}
	*why = ulimit_row(st, s, n, lineno);
	return *why == NULL;
}

static void
finish(void *st)
{
	free(st);
}

const struct parser parser_proc_limits = {
	.type = "proc-limits",
	.sniff = sniff_proc,
	.open = open_proc,
	.line = line_proc,
	.finish = finish,
	.tables = lim_tables,
};

const struct parser parser_ulimit = {
	.type = "ulimit",
	.sniff = sniff_ulimit,
	.open = open_ulimit,
	.line = line_ulimit,
	.finish = finish,
	.tables = lim_tables,
};
