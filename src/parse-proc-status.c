/*
 * /proc/PID/status (type "proc-status", FORMATS.md section 8) into
 * proc_status, one row per "Key:<TAB>value" line.  The field set varies
 * by kernel, so every key is kept as printed.
 *
 * pid is the file's own Pid: field, which comes after Name, Umask, State
 * and Tgid: rows are held (a few lines, in one buffer) until it is seen,
 * and emitted at the end with the path's pid, or none, if it never is.
 * A second Name: line after a Pid: starts another process (several
 * status files saved into one).
 *
 * num is the value's leading decimal number ("107332 kB" -> 107332, kB as
 * printed; Uid's first field, the real uid), except for Umask, which is
 * octal (0022 -> 18), and the hex bitmasks (Sig*, Shd*, Cap*, *_allowed,
 * untag_mask), which have none.
 */
#include "parser.h"
#include "xmalloc.h"

#include <stdint.h>
#include <stdlib.h>
#include <string.h>

enum ps_col { PS_LINE, PS_PID, PS_KEY, PS_VALUE, PS_NUM, PS__COUNT };
static const char *const ps_cols[PS__COUNT] = {
	"line", "pid", "key", "value", "num",
};
static const struct rec_table ps_table = {
	.id = -1, .name = "proc_status", .ncols = PS__COUNT, .cols = ps_cols,
};
static const struct rec_table *const ps_tables[] = { &ps_table, NULL };

/* A held row: offsets into st->held. */
struct pend {
	long line;
	size_t key, keyn, val, valn;
};

#define MAXPEND 32

struct st {
	const struct parse_ctx *ctx;
	int64_t pid;		/* Pid: of the current process, or -1 */
	int64_t path_pid;	/* from the artifact's path, or -1 */
	int seen_pid;
	struct buf held;
	struct pend pend[MAXPEND];
	int npend;
};

static int is_digit(char c) { return c >= '0' && c <= '9'; }

static int
has_prefix(const char *s, size_t n, const char *p)
{
	size_t k = strlen(p);

	return n >= k && memcmp(s, p, k) == 0;
}

/* Keys whose values are hex masks: no number. */
static int
is_mask(const char *k, size_t n)
{
	static const char *const exact[] = { "Cpus_allowed", "Mems_allowed",
	    "untag_mask" };

	if (has_prefix(k, n, "Sig") || has_prefix(k, n, "Shd") ||
	    has_prefix(k, n, "Cap"))
		return !(n == 4 && memcmp(k, "SigQ", 4) == 0);
	for (size_t i = 0; i < sizeof(exact) / sizeof(exact[0]); i++)
		if (strlen(exact[i]) == n && memcmp(k, exact[i], n) == 0)
			return 1;
	return 0;
}

static void
emit(struct st *st, long lineno, const char *k, size_t kn, const char *v,
    size_t vn, int64_t pid)
{
	struct val r[PS__COUNT];
	int64_t num = 0;
	size_t i = 0;
	int octal = kn == 5 && memcmp(k, "Umask", 5) == 0;

	memset(r, 0, sizeof(r));
	r[PS_LINE] = val_int(lineno);
	if (pid >= 0)
		r[PS_PID] = val_int(pid);
	r[PS_KEY] = val_text(k, kn);
	r[PS_VALUE] = val_text(v, vn);
	if (!is_mask(k, kn)) {
		while (i < vn && is_digit(v[i]) && i < 18)
			num = num * (octal ? 8 : 10) + (v[i++] - '0');
		if (i > 0 && (!octal || v[i - 1] <= '7'))
			r[PS_NUM] = val_int(num);
	}
	st->ctx->sink->row(st->ctx->sink->ctx, &ps_table, r);
}

static void
flush(struct st *st, int64_t pid)
{
	for (int i = 0; i < st->npend; i++) {
		const struct pend *p = &st->pend[i];

		emit(st, p->line, st->held.s + p->key, p->keyn, st->held.s + p->val,
		    p->valn, pid);
	}
	st->npend = 0;
	buf_reset(&st->held);
}

/* "Key:" then a tab (or blanks, or nothing); key without blanks. */
static int
split(const char *s, size_t n, size_t *kn, const char **v, size_t *vn)
{
	const char *c = memchr(s, ':', n);

	if (c == NULL || c == s)
		return 0;
	for (const char *p = s; p < c; p++)
		if (*p == ' ' || *p == '\t')
			return 0;
	*kn = (size_t)(c - s);
	*v = c + 1;
	while (*v < s + n && (**v == '\t' || **v == ' '))
		(*v)++;
	*vn = (size_t)(s + n - *v);
	return 1;
}

static int
sniff(const char *buf, size_t len, const char *name)
{
	(void)name;
	if (!has_prefix(buf, len, "Name:\t"))
		return 0;
	return memmem(buf, len, "\nPid:\t", 6) || memmem(buf, len, "\nState:\t", 8) ||
	    memmem(buf, len, "\nUmask:\t", 8) ? 90 : 0;
}

/* pid from ".../PID/status" or "status-PID" (a fallback only). */
static int64_t
path_pid(const char *name)
{
	const char *p = strstr(name, "/status");
	int64_t v = 0;

	if (p == NULL || p == name || !is_digit(p[-1]))
		return -1;
	while (p > name && is_digit(p[-1]))
		p--;
	if (p != name && p[-1] != '/')
		return -1;
	for (; is_digit(*p) && v < 100000000; p++)
		v = v * 10 + (*p - '0');
	return v;
}

static void *
open_(const struct parse_ctx *ctx)
{
	struct st *st = xcalloc(1, sizeof(*st));

	st->ctx = ctx;
	st->pid = -1;
	st->path_pid = path_pid(ctx->name);
	return st;
}

static int
line(void *vst, const char *s, size_t n, long lineno, const char **why)
{
	struct st *st = vst;
	const char *v;
	size_t kn, vn;

	if (!split(s, n, &kn, &v, &vn)) {
		*why = "not a Key: value line of /proc/PID/status";
		return 0;
	}
	if (kn == 4 && memcmp(s, "Name", 4) == 0 && st->seen_pid) {
		/* Another process's status follows. */
		st->seen_pid = 0;
		st->pid = -1;
	}
	if (kn == 3 && memcmp(s, "Pid", 3) == 0 && !st->seen_pid) {
		int64_t p = 0;
		size_t i = 0;

		while (i < vn && is_digit(v[i]) && i < 12)
			p = p * 10 + (v[i++] - '0');
		if (i == 0 || i != vn) {
			*why = "Pid: that is not a number";
			return 0;
		}
		st->pid = p;
		st->seen_pid = 1;
		flush(st, p);
	}
	if (st->seen_pid) {
		emit(st, lineno, s, kn, v, vn, st->pid);
		return 1;
	}
	if (st->npend == MAXPEND)
		flush(st, st->path_pid);
	st->pend[st->npend].line = lineno;
	st->pend[st->npend].key = st->held.len;
	st->pend[st->npend].keyn = kn;
	buf_add(&st->held, s, kn);
	st->pend[st->npend].val = st->held.len;
	st->pend[st->npend].valn = vn;
	buf_add(&st->held, v, vn);
	st->npend++;
	return 1;
}

static void
finish(void *vst)
{
	struct st *st = vst;

	flush(st, st->path_pid);
	buf_free(&st->held);
	free(st);
}

const struct parser parser_proc_status = {
	.type = "proc-status",
	.sniff = sniff,
	.open = open_,
	.line = line,
	.finish = finish,
	.tables = ps_tables,
};
