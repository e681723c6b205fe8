/*
 * /proc/PID/fdinfo/FD (type "fdinfo", FORMATS.md section 7): one fdinfo
 * row per descriptor, one inotify_watches row per watch.
 *
 *   pos:	0
 *   flags:	02000000
 *   mnt_id:	17
 *   ino:	1038
 *   inotify wd:2 ino:13 sdev:fe00000 mask:2 ignored_mask:0 fhandle-bytes:8 ...
 *
 * The kind comes from the lines after the header: `inotify wd:` lines
 * (one per watch, newest first: watches = their count; wd is hex like
 * every field there, `wd:1f` is 31, although FORMATS.md says decimal),
 * eventpoll `tfd:`
 * lines, else other.  An inotify fd with no watch left looks like any
 * other fd, unless a saved `readlink` says so (see below).
 *
 * pid and fd are not in the file: they come from the artifact's path
 * (`.../1234/fdinfo/3`, `fdinfo-1234-3`, `fdinfo.1234.3`), or, when
 * several fdinfo files were saved into one, from the separators people
 * print between them: `== /proc/1234/fd/3 -> anon_inode:inotify` (whose
 * link target also names the kind), `==> /proc/1234/fdinfo/3 <==` (head),
 * or `grep -H`'s `/proc/1234/fdinfo/3:` prefix on every line.
 * A descriptor's row is emitted when the next one starts or at the end.
 */
#include "parser.h"
#include "xmalloc.h"

#include <stdint.h>
#include <stdlib.h>
#include <string.h>

enum fd_col {
	FD_LINE, FD_PID, FD_FD, FD_POS, FD_FLAGS, FD_MNT_ID, FD_INO, FD_KIND,
	FD_WATCHES, FD__COUNT
};
static const char *const fd_cols[FD__COUNT] = {
	"line", "pid", "fd", "pos", "flags", "mnt_id", "ino", "kind", "watches",
};
enum iw_col {
	IW_LINE, IW_PID, IW_FD, IW_WD, IW_INO, IW_SDEV, IW_MASK, IW_RAW,
	IW__COUNT
};
static const char *const iw_cols[IW__COUNT] = {
	"line", "pid", "fd", "wd", "ino", "sdev", "mask", "raw",
};
static const struct rec_table fd_table = {
	.id = -1, .name = "fdinfo", .ncols = FD__COUNT, .cols = fd_cols,
};
static const struct rec_table iw_table = {
	.id = -1, .name = "inotify_watches", .ncols = IW__COUNT, .cols = iw_cols,
};
static const struct rec_table *const fd_tables[] = { &fd_table, &iw_table, NULL };

struct st {
	const struct parse_ctx *ctx;
	int64_t name_pid, name_fd;	/* from the artifact path, or -1 */
	int64_t pid, fd;		/* of the current descriptor, or -1 */
	const char *hint;		/* kind named by a readlink separator */
	int open;			/* a pos: line was seen */
	long line;
	int64_t pos, mnt_id, ino;
	int have_pos, have_mnt, have_ino;
	char flags[32];
	int watches, tfds;
};

static int is_digit(char c) { return c >= '0' && c <= '9'; }

/* Digits at s[*i..n); advances *i.  0 when there are none. */
static int
digits(const char *s, size_t n, size_t *i, int64_t *out)
{
	int64_t v = 0;
	size_t a = *i;

	while (*i < n && is_digit(s[*i]) && *i - a < 18)
		v = v * 10 + (s[(*i)++] - '0');
	*out = v;
	return *i > a;
}

/*
 * pid and fd from a path: ".../PID/fdinfo/FD" or ".../PID/fd/FD", or a
 * base name "fdinfo-PID-FD" ('-', '_' or '.' between).  Returns 1 and
 * sets both, or 0.  Stops at end, ':' or a blank.
 */
static int
path_ids(const char *s, size_t n, int64_t *pid, int64_t *fd)
{
	static const char *const mid[] = { "/fdinfo/", "/fd/" };

	for (size_t m = 0; m < 2; m++) {
		size_t ml = strlen(mid[m]);

		for (size_t i = 1; i + ml < n; i++) {
			size_t j = i + ml, a = i;
			int64_t p, f;

			if (memcmp(s + i, mid[m], ml) != 0)
				continue;
			while (a > 0 && is_digit(s[a - 1]))
				a--;
			if (a == i || (a > 0 && s[a - 1] != '/'))
				continue;
			if (!digits(s, n, &a, &p) || !digits(s, n, &j, &f))
				continue;
			if (j < n && s[j] != ':' && s[j] != ' ' && s[j] != '.')
				continue;
			*pid = p;
			*fd = f;
			return 1;
		}
	}
	for (size_t i = 0; i + 7 < n; i++) {
		size_t j = i + 7;
		int64_t p, f;

		if (memcmp(s + i, "fdinfo", 6) != 0 || strchr("-_.", s[i + 6]) == NULL)
			continue;
		if (!digits(s, n, &j, &p) || j >= n || strchr("-_.", s[j]) == NULL)
			continue;
		j++;
		if (!digits(s, n, &j, &f))
			continue;
		*pid = p;
		*fd = f;
		return 1;
	}
	return 0;
}

static int
has_prefix(const char *s, size_t n, const char *p)
{
	size_t k = strlen(p);

	return n >= k && memcmp(s, p, k) == 0;
}

/* Emits the descriptor held, if any, and forgets it. */
static void
flush(struct st *st)
{
	struct val v[FD__COUNT];
	const char *kind = st->watches ? "inotify" : st->tfds ? "eventpoll" :
	    st->hint ? st->hint : "other";

	if (!st->open)
		return;
	memset(v, 0, sizeof(v));
	v[FD_LINE] = val_int(st->line);
	if (st->pid >= 0)
		v[FD_PID] = val_int(st->pid);
	if (st->fd >= 0)
		v[FD_FD] = val_int(st->fd);
	if (st->have_pos)
		v[FD_POS] = val_int(st->pos);
	if (st->flags[0])
		v[FD_FLAGS] = val_str(st->flags);
	if (st->have_mnt)
		v[FD_MNT_ID] = val_int(st->mnt_id);
	if (st->have_ino)
		v[FD_INO] = val_int(st->ino);
	v[FD_KIND] = val_str(kind);
	if (strcmp(kind, "inotify") == 0)
		v[FD_WATCHES] = val_int(st->watches);
	st->ctx->sink->row(st->ctx->sink->ctx, &fd_table, v);
	st->open = 0;
}

/* A new descriptor begins (at its pos: line). */
static void
start(struct st *st, long lineno)
{
	flush(st);
	st->open = 1;
	st->line = lineno;
	st->have_pos = st->have_mnt = st->have_ino = 0;
	st->flags[0] = '\0';
	st->watches = st->tfds = 0;
}

/* The value of "key:<blanks>VALUE" as a decimal; 0 when it is not one. */
static int
key_num(const char *s, size_t n, size_t klen, int64_t *out)
{
	size_t i = klen;

	while (i < n && (s[i] == ' ' || s[i] == '\t'))
		i++;
	return digits(s, n, &i, out) && i == n;
}

/* "NAME:HEX" inside a watch line; the value's span, or 0. */
static int
attr(const char *s, size_t n, const char *name, const char **v, size_t *vn)
{
	size_t k = strlen(name);

	for (size_t i = 0; i + k < n; i++) {
		if ((i == 0 || s[i - 1] == ' ') && memcmp(s + i, name, k) == 0) {
			size_t j = i + k;

			*v = s + j;
			while (j < n && s[j] != ' ')
				j++;
			*vn = (size_t)(s + j - *v);
			return *vn > 0;
		}
	}
	return 0;
}

static const char *
watch(struct st *st, const char *s, size_t n, long lineno)
{
	struct val v[IW__COUNT];
	const char *x;
	size_t xn, i;
	int64_t wd;

	if (!attr(s, n, "wd:", &x, &xn))
		return "inotify watch line without wd:";
	/* HEX, like the other fields (fs/notify/fdinfo.c: "wd:%x"). */
	for (i = 0, wd = 0; i < xn && i < 8; i++) {
		char c = x[i];
		int d = is_digit(c) ? c - '0' : c >= 'a' && c <= 'f' ? c - 'a' + 10 : -1;

		if (d < 0)
			break;
		wd = wd * 16 + d;
	}
	if (i == 0 || i != xn)
		return "inotify watch line whose wd is not a hex number";
	memset(v, 0, sizeof(v));
	v[IW_LINE] = val_int(lineno);
	if (st->pid >= 0)
		v[IW_PID] = val_int(st->pid);
	if (st->fd >= 0)
		v[IW_FD] = val_int(st->fd);
	v[IW_WD] = val_int(wd);
	if (attr(s, n, "ino:", &x, &xn))
		v[IW_INO] = val_text(x, xn);
	if (attr(s, n, "sdev:", &x, &xn))
		v[IW_SDEV] = val_text(x, xn);
	if (attr(s, n, "mask:", &x, &xn))
		v[IW_MASK] = val_text(x, xn);
	v[IW_RAW] = val_text(s, n);
	st->ctx->sink->row(st->ctx->sink->ctx, &iw_table, v);
	st->watches++;
	return NULL;
}

/*
 * Separator lines between saved files; 1 if s is one (and the ids and
 * kind hint now follow it).
 */
static int
separator(struct st *st, const char *s, size_t n)
{
	int64_t p, f;
	const char *arrow;

	if (!has_prefix(s, n, "== ") && !has_prefix(s, n, "==> "))
		return 0;
	flush(st);
	st->hint = NULL;
	if (path_ids(s, n, &p, &f)) {
		st->pid = p;
		st->fd = f;
	} else {
		st->pid = st->name_pid;
		st->fd = st->name_fd;
	}
	arrow = memmem(s, n, " -> ", 4);
	if (arrow) {
		const char *t = arrow + 4;
		size_t tn = (size_t)(s + n - t);

		if (tn == 17 && memcmp(t, "anon_inode:inotify", 17) == 0)
			st->hint = "inotify";
		else if (has_prefix(t, tn, "anon_inode:[eventpoll]"))
			st->hint = "eventpoll";
	}
	return 1;
}

static int
sniff(const char *buf, size_t len, const char *name)
{
	const char *p = buf, *end = buf + len;
	int pos = 0, flags = 0, lines = 0;

	(void)name;
	while (p < end && lines < 4) {
		const char *nl = memchr(p, '\n', (size_t)(end - p));
		size_t n = (size_t)((nl ? nl : end) - p);
		const char *c = memchr(p, ':', n);
		int64_t a, b;

		if (n) {
			lines++;
			/* grep -H prefix */
			if (p[0] == '/' && c && path_ids(p, (size_t)(c - p), &a, &b)) {
				n -= (size_t)(c + 1 - p);
				p = c + 1;
			}
			if (has_prefix(p, n, "pos:\t"))
				pos++;
			else if (has_prefix(p, n, "flags:\t"))
				flags++;
			else if (!has_prefix(p, n, "== ") && !has_prefix(p, n, "==> "))
				break;
		}
		p = nl ? nl + 1 : end;
	}
	return pos && flags ? 85 : 0;
}

static void *
open_(const struct parse_ctx *ctx)
{
	struct st *st = xcalloc(1, sizeof(*st));

	st->ctx = ctx;
	st->name_pid = st->name_fd = -1;
	path_ids(ctx->name, strlen(ctx->name), &st->name_pid, &st->name_fd);
	st->pid = st->name_pid;
	st->fd = st->name_fd;
	return st;
}

static int
line(void *vst, const char *s, size_t n, long lineno, const char **why)
{
	struct st *st = vst;
	const char *c = memchr(s, ':', n);
	int64_t p, f, x;

	if (separator(st, s, n))
		return 1;
	/* grep -H . /proc/PID/fdinfo/N: a prefix on every line. */
	if (s[0] == '/' && c && path_ids(s, (size_t)(c - s), &p, &f)) {
		if (p != st->pid || f != st->fd) {
			flush(st);
			st->hint = NULL;
			st->pid = p;
			st->fd = f;
		}
		n -= (size_t)(c + 1 - s);
		s = c + 1;
		c = memchr(s, ':', n);
	}
	if (has_prefix(s, n, "pos:")) {
		start(st, lineno);
		if (!key_num(s, n, 4, &st->pos)) {
			*why = "fdinfo pos: that is not a number";
			return 0;
		}
		st->have_pos = 1;
		return 1;
	}
	if (!st->open) {
		*why = "fdinfo line before the pos: line that starts a file";
		return 0;
	}
	if (has_prefix(s, n, "flags:")) {
		size_t i = 6, a;

		while (i < n && (s[i] == ' ' || s[i] == '\t'))
			i++;
		a = i;
		while (i < n && s[i] >= '0' && s[i] <= '7')
			i++;
		if (i == a || i != n || i - a >= sizeof(st->flags)) {
			*why = "fdinfo flags: that is not an octal number";
			return 0;
		}
		memcpy(st->flags, s + a, i - a);
		st->flags[i - a] = '\0';
		return 1;
	}
	if (has_prefix(s, n, "mnt_id:") || has_prefix(s, n, "ino:")) {
		int mnt = s[0] == 'm';

		if (!key_num(s, n, mnt ? 7 : 4, &x)) {
			*why = "fdinfo mnt_id:/ino: that is not a number";
			return 0;
		}
		if (mnt)
			st->mnt_id = x, st->have_mnt = 1;
		else
			st->ino = x, st->have_ino = 1;
		return 1;
	}
	if (has_prefix(s, n, "inotify ")) {
		*why = watch(st, s, n, lineno);
		return *why == NULL;
	}
	if (has_prefix(s, n, "tfd:")) {
		st->tfds++;
		return 1;
	}
	/* Other kinds' lines (eventfd-count:, clockid:, sigmask:, lock: ...). */
	if (c && c > s && memchr(s, ' ', (size_t)(c - s)) == NULL)
		return 1;
	*why = "not an fdinfo line";
	return 0;
}

static void
finish(void *vst)
{
	flush(vst);
	free(vst);
}

const struct parser parser_fdinfo = {
	.type = "fdinfo",
	.sniff = sniff,
	.open = open_,
	.line = line,
	.finish = finish,
	.tables = fd_tables,
};
