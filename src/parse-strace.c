/*
 * strace text output (FORMATS.md section 1): syscall lines, split calls,
 * signals, exits, strace's own messages and -k stack frames.
 *
 * One pass per line, no regex, no allocation in the common path: a line
 * is split into prefix (pid, timestamps, -n/-i decorations) and body; a
 * syscall body is scanned once by a small tokenizer that knows strings,
 * nesting, comments and -y decorations, which finds the closing paren,
 * the top-level argument spans and the first two string arguments.
 *
 * Split calls: an <unfinished ...> line is held (copied into a reused
 * slot) keyed by (pid, name) until its <... name resumed> line; then ONE
 * row is emitted for both.  Calls never resumed are emitted by finish()
 * as 'blocked'.  Rows may therefore come out of line order.
 *
 * Choices the grammar leaves open, documented here once:
 *  - pid: from the `PID ` column or `[pid N]`; a line with neither takes
 *    the -ff file-name pid (ctx->pid_hint) when there is one, else NULL
 *    (in stderr traces the first process has no prefix and its pid is not
 *    printed anywhere reliable).
 *  - `-1 (errno 123)`: ret -1, errno NULL (strace knew no name for it, we
 *    will not invent one), errno_text "errno 123".
 *  - `= ?`: ret NULL; state 'interrupted', except exit/exit_group, which
 *    never return and are 'complete'.
 *  - `= ? ERESTARTSYS (To be restarted ...)`: errno ERESTARTSYS, errno_text
 *    the text, note the whole "ERESTARTSYS (...)", state 'interrupted'.
 *  - access/faccessat mode (R_OK ...) is symbolic: it goes to flags.
 *    inotify_add_watch's mask goes to flags too.
 *  - mode: the octal number after the last `|` (S_IFREG|0644 gives 0644).
 *  - `+++ superseded by execve in pid N +++`: code = N.
 *  - -k frames after a signal line belong to it: call_line is the line of
 *    the last call, resumed or signal line before them.  An unwinding
 *    error frame has binary NULL and the error text in symbol.
 *  - args of an unfinished part alone (blocked, or `<unfinished ...>) = ?`)
 *    keep the text as printed, trailing ", " included.
 */
#include "parser.h"
#include "xmalloc.h"

#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* ------------------------------------------------------------------ */
/* Per-syscall knowledge                                               */

#define F_PATH   0x1	/* first string argument is a path */
#define F_PATH2  0x2	/* second string argument is a path */
#define F_FDRET  0x4	/* a non-negative return value is a new fd */
#define A_NONE   (-1)
#define A_STRUCT (-2)	/* openat2: flags=/mode= inside the how struct */

struct scinfo {
	const char *name;
	unsigned char f;
	signed char dirfd, flags, mode;
};

/* Sorted by name in strcmp() order: scinfo_find() is a binary search. */
static const struct scinfo scinfos[] = {
	{ "accept", F_FDRET, -1, -1, -1 },
	{ "accept4", F_FDRET, -1, -1, -1 },
	{ "access", F_PATH, -1, 1, -1 },
	{ "acct", F_PATH, -1, -1, -1 },
	{ "chdir", F_PATH, -1, -1, -1 },
	{ "chmod", F_PATH, -1, -1, 1 },
	{ "chown", F_PATH, -1, -1, -1 },
	{ "chown32", F_PATH, -1, -1, -1 },
	{ "chroot", F_PATH, -1, -1, -1 },
	{ "creat", F_PATH | F_FDRET, -1, -1, 1 },
	{ "dup", F_FDRET, -1, -1, -1 },
	{ "dup2", F_FDRET, -1, -1, -1 },
	{ "dup3", F_FDRET, -1, -1, -1 },
	{ "epoll_create", F_FDRET, -1, -1, -1 },
	{ "epoll_create1", F_FDRET, -1, -1, -1 },
	{ "eventfd", F_FDRET, -1, -1, -1 },
	{ "eventfd2", F_FDRET, -1, -1, -1 },
	{ "execve", F_PATH, -1, -1, -1 },
	{ "execveat", F_PATH, 0, 4, -1 },
	{ "faccessat", F_PATH, 0, 2, -1 },
	{ "faccessat2", F_PATH, 0, 3, -1 },
	{ "fanotify_init", F_FDRET, -1, -1, -1 },
	{ "fchmod", 0, -1, -1, 1 },
	{ "fchmodat", F_PATH, 0, 3, 2 },
	{ "fchmodat2", F_PATH, 0, 3, 2 },
	{ "fchownat", F_PATH, 0, 4, -1 },
	{ "fsmount", F_FDRET, -1, -1, -1 },
	{ "fsopen", F_FDRET, -1, -1, -1 },
	{ "fspick", F_PATH | F_FDRET, 0, 2, -1 },
	{ "fstatat64", F_PATH, 0, 3, -1 },
	{ "futimesat", F_PATH, 0, -1, -1 },
	{ "getxattr", F_PATH, -1, -1, -1 },
	{ "inotify_add_watch", F_PATH, -1, 2, -1 },
	{ "inotify_init", F_FDRET, -1, -1, -1 },
	{ "inotify_init1", F_FDRET, -1, -1, -1 },
	{ "lchown", F_PATH, -1, -1, -1 },
	{ "lchown32", F_PATH, -1, -1, -1 },
	{ "lgetxattr", F_PATH, -1, -1, -1 },
	{ "link", F_PATH | F_PATH2, -1, -1, -1 },
	{ "linkat", F_PATH | F_PATH2, 0, 4, -1 },
	{ "listxattr", F_PATH, -1, -1, -1 },
	{ "llistxattr", F_PATH, -1, -1, -1 },
	{ "lremovexattr", F_PATH, -1, -1, -1 },
	{ "lsetxattr", F_PATH, -1, -1, -1 },
	{ "lstat", F_PATH, -1, -1, -1 },
	{ "lstat64", F_PATH, -1, -1, -1 },
	{ "memfd_create", F_FDRET, -1, -1, -1 },
	{ "mkdir", F_PATH, -1, -1, 1 },
	{ "mkdirat", F_PATH, 0, -1, 2 },
	{ "mknod", F_PATH, -1, -1, 1 },
	{ "mknodat", F_PATH, 0, -1, 2 },
	{ "mount", F_PATH | F_PATH2, -1, -1, -1 },
	{ "mount_setattr", F_PATH, 0, 2, -1 },
	{ "move_mount", F_PATH | F_PATH2, 0, 4, -1 },
	{ "name_to_handle_at", F_PATH, 0, 4, -1 },
	{ "newfstatat", F_PATH, 0, 3, -1 },
	{ "open", F_PATH | F_FDRET, -1, 1, 2 },
	{ "open_by_handle_at", F_FDRET, -1, 2, -1 },
	{ "open_tree", F_PATH | F_FDRET, 0, 2, -1 },
	{ "openat", F_PATH | F_FDRET, 0, 2, 3 },
	{ "openat2", F_PATH | F_FDRET, 0, A_STRUCT, A_STRUCT },
	{ "perf_event_open", F_FDRET, -1, -1, -1 },
	{ "pidfd_getfd", F_FDRET, -1, -1, -1 },
	{ "pidfd_open", F_FDRET, -1, -1, -1 },
	{ "pivot_root", F_PATH | F_PATH2, -1, -1, -1 },
	{ "readlink", F_PATH, -1, -1, -1 },
	{ "readlinkat", F_PATH, 0, -1, -1 },
	{ "removexattr", F_PATH, -1, -1, -1 },
	{ "rename", F_PATH | F_PATH2, -1, -1, -1 },
	{ "renameat", F_PATH | F_PATH2, 0, -1, -1 },
	{ "renameat2", F_PATH | F_PATH2, 0, 4, -1 },
	{ "rmdir", F_PATH, -1, -1, -1 },
	{ "setxattr", F_PATH, -1, -1, -1 },
	{ "signalfd", F_FDRET, -1, -1, -1 },
	{ "signalfd4", F_FDRET, -1, -1, -1 },
	{ "socket", F_FDRET, -1, -1, -1 },
	{ "stat", F_PATH, -1, -1, -1 },
	{ "stat64", F_PATH, -1, -1, -1 },
	{ "statfs", F_PATH, -1, -1, -1 },
	{ "statfs64", F_PATH, -1, -1, -1 },
	{ "statx", F_PATH, 0, 2, -1 },
	{ "swapoff", F_PATH, -1, -1, -1 },
	{ "swapon", F_PATH, -1, -1, -1 },
	{ "symlink", F_PATH | F_PATH2, -1, -1, -1 },
	{ "symlinkat", F_PATH | F_PATH2, 1, -1, -1 },
	{ "timerfd_create", F_FDRET, -1, -1, -1 },
	{ "truncate", F_PATH, -1, -1, -1 },
	{ "truncate64", F_PATH, -1, -1, -1 },
	{ "umount", F_PATH, -1, -1, -1 },
	{ "umount2", F_PATH, -1, -1, -1 },
	{ "unlink", F_PATH, -1, -1, -1 },
	{ "unlinkat", F_PATH, 0, 2, -1 },
	{ "uselib", F_PATH, -1, -1, -1 },
	{ "userfaultfd", F_FDRET, -1, -1, -1 },
	{ "utime", F_PATH, -1, -1, -1 },
	{ "utimensat", F_PATH, 0, 3, -1 },
	{ "utimes", F_PATH, -1, -1, -1 },
};
#define NSCINFO (sizeof(scinfos) / sizeof(scinfos[0]))

static const struct scinfo *
scinfo_find(const char *name, size_t n)
{
	size_t lo = 0, hi = NSCINFO;

	while (lo < hi) {
		size_t mid = (lo + hi) / 2;
		const char *m = scinfos[mid].name;
		int c = strncmp(m, name, n);

		if (c == 0 && m[n] != '\0')
			c = 1;
		if (c == 0)
			return &scinfos[mid];
		if (c < 0)
			lo = mid + 1;
		else
			hi = mid;
	}
	return NULL;
}

/* ------------------------------------------------------------------ */
/* Small scanning helpers                                              */

static int is_digit(int c) { return c >= '0' && c <= '9'; }
static int is_xdigit(int c) { return is_digit(c) || (c >= 'a' && c <= 'f') || (c >= 'A' && c <= 'F'); }
static int is_alpha(int c) { return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z'); }
static int is_alnum(int c) { return is_alpha(c) || is_digit(c); }
static int is_ident(int c) { return is_alnum(c) || c == '_'; }

static int
starts(const char *p, const char *end, const char *lit)
{
	size_t n = strlen(lit);

	return (size_t)(end - p) >= n && memcmp(p, lit, n) == 0;
}

static const char *
find(const char *p, const char *end, const char *lit)
{
	size_t n = strlen(lit);

	for (; p + n <= end; p++) {
		p = memchr(p, lit[0], (size_t)(end - p));
		if (p == NULL || p + n > end)
			return NULL;
		if (memcmp(p, lit, n) == 0)
			return p;
	}
	return NULL;
}

static const char *
skip_sp(const char *p, const char *end)
{
	while (p < end && *p == ' ')
		p++;
	return p;
}

static void
trim(const char **s, const char **e)
{
	while (*s < *e && **s == ' ')
		(*s)++;
	while (*e > *s && (*e)[-1] == ' ')
		(*e)--;
}

/*
 * Seconds from "D+[.F*]" (either '.' or ',' as the point, as printed
 * under a locale).  Returns the end, or NULL when there is no digit.
 */
static const char *
parse_secs(const char *p, const char *end, double *out)
{
	int64_t ip = 0, fp = 0;
	double scale = 1;
	const char *s = p;

	while (p < end && is_digit(*p)) {
		if (ip < (INT64_MAX - 9) / 10)
			ip = ip * 10 + (*p - '0');
		p++;
	}
	if (p == s)
		return NULL;
	if (p < end && (*p == '.' || *p == ',') && p + 1 < end && is_digit(p[1])) {
		p++;
		while (p < end && is_digit(*p)) {
			if (scale < 1e15) {
				fp = fp * 10 + (*p - '0');
				scale *= 10;
			}
			p++;
		}
	}
	*out = (double)ip + (double)fp / scale;
	return p;
}

/* An integer as strace prints it: [-]decimal, 0x hex, 0 octal. */
static const char *
parse_int(const char *p, const char *end, int64_t *out)
{
	int neg = 0;
	uint64_t v = 0;
	const char *s;

	if (p < end && *p == '-') {
		neg = 1;
		p++;
	}
	s = p;
	if (end - p > 2 && p[0] == '0' && (p[1] == 'x' || p[1] == 'X') && is_xdigit(p[2])) {
		p += 2;
		while (p < end && is_xdigit(*p)) {
			int c = *p;
			v = v * 16 + (uint64_t)(is_digit(c) ? c - '0' : (c | 0x20) - 'a' + 10);
			p++;
		}
	} else if (p < end && *p == '0') {
		while (p < end && *p >= '0' && *p <= '7')
			v = v * 8 + (uint64_t)(*p++ - '0');
	} else {
		while (p < end && is_digit(*p))
			v = v * 10 + (uint64_t)(*p++ - '0');
	}
	if (p == s)
		return NULL;
	*out = neg ? (int64_t)(0 - v) : (int64_t)v;
	return p;
}

/*
 * At p[0] == '<' after an fd number or AT_FDCWD: the end of the -y
 * decoration, or NULL when this '<' does not open one.  Socket-like
 * decorations `<TCP:[a->b]>` end at "]>"; others at the matching '>'
 * (paths escape their own '<' and '>', devices nest: `</dev/x<char 1:2>>`).
 */
static const char *
skip_deco(const char *p, const char *end)
{
	const char *q = p + 1;
	int d = 0;

	if (q < end && *q == '<')
		return NULL;
	while (q < end && (is_ident(*q) || *q == '-'))
		q++;
	if (q > p + 1 && end - q >= 2 && q[0] == ':' && q[1] == '[') {
		q = find(q, end, "]>");
		return q ? q + 2 : NULL;
	}
	for (q = p; q < end; q++) {
		if (*q == '<')
			d++;
		else if (*q == '>' && --d == 0)
			return q + 1;
	}
	return NULL;
}

/* Appends the unescaped bytes of a C-quoted string body to b. */
static void
unescape(struct buf *b, const char *s, const char *e)
{
	while (s < e) {
		const char *bs = memchr(s, '\\', (size_t)(e - s));
		int c;

		if (bs == NULL) {
			buf_add(b, s, (size_t)(e - s));
			return;
		}
		buf_add(b, s, (size_t)(bs - s));
		s = bs + 1;
		if (s >= e) {
			buf_addc(b, '\\');
			return;
		}
		c = *s++;
		switch (c) {
		case 'n': buf_addc(b, '\n'); break;
		case 't': buf_addc(b, '\t'); break;
		case 'r': buf_addc(b, '\r'); break;
		case 'v': buf_addc(b, '\v'); break;
		case 'f': buf_addc(b, '\f'); break;
		case 'a': buf_addc(b, '\a'); break;
		case 'b': buf_addc(b, '\b'); break;
		case 'x': {
			int v = 0, k = 0;

			while (k < 2 && s < e && is_xdigit(*s)) {
				v = v * 16 + (is_digit(*s) ? *s - '0' : (*s | 0x20) - 'a' + 10);
				s++;
				k++;
			}
			if (k == 0)
				buf_add(b, "\\x", 2);
			else
				buf_addc(b, (char)v);
			break;
		}
		default:
			if (c >= '0' && c <= '7') {
				int v = c - '0', k = 1;

				while (k < 3 && s < e && *s >= '0' && *s <= '7') {
					v = v * 8 + (*s - '0');
					s++;
					k++;
				}
				buf_addc(b, (char)(v & 0xff));
			} else
				buf_addc(b, (char)c);	/* \" \\ and unknown */
		}
	}
}

/* ------------------------------------------------------------------ */
/* The argument scanner                                                */

#define MAXARGS 8
enum { STOP_EOL, STOP_PAREN, STOP_UNFINISHED, STOP_DETACHED };

struct scan {
	int nargs;
	const char *as[MAXARGS], *ae[MAXARGS];	/* top-level args, trimmed */
	int nstr;
	const char *ss[2], *se[2];		/* top-level string bodies */
	int strunc[2];				/* followed by "..." */
	int stop;
	const char *stop_at;			/* ')' or '<' of the marker */
	const char *after;			/* just past it */
};

static void
add_arg(struct scan *sc, const char *s, const char *e)
{
	trim(&s, &e);
	if (sc->nargs < MAXARGS) {
		sc->as[sc->nargs] = s;
		sc->ae[sc->nargs] = e;
	}
	sc->nargs++;
}

/* Scans argument text from p (just inside the '(') to the closing ')'. */
static void
scan_args(const char *p, const char *end, struct scan *sc)
{
	const char *argstart = p;
	int depth = 1;

	sc->nargs = 0;
	sc->nstr = 0;
	sc->stop = STOP_EOL;
	sc->stop_at = end;
	sc->after = end;
	while (p < end) {
		const char *q;

		switch (*p) {
		case '"':
			q = p + 1;
			while (q < end && *q != '"')
				q += (*q == '\\') ? 2 : 1;
			if (q >= end) {
				p = end;
				break;
			}
			if (depth == 1 && sc->nstr < 2) {
				sc->ss[sc->nstr] = p + 1;
				sc->se[sc->nstr] = q;
				sc->strunc[sc->nstr] = starts(q + 1, end, "...");
				sc->nstr++;
			}
			p = q + 1;
			if (starts(p, end, "..."))
				p += 3;
			continue;
		case '(': case '{': case '[':
			depth++;
			break;
		case ')': case '}': case ']':
			if (--depth == 0) {
				add_arg(sc, argstart, p);
				sc->stop = STOP_PAREN;
				sc->stop_at = p;
				sc->after = p + 1;
				return;
			}
			break;
		case ',':
			if (depth == 1) {
				add_arg(sc, argstart, p);
				argstart = p + 1;
			}
			break;
		case '/':
			if (p + 1 < end && p[1] == '*') {
				q = find(p + 2, end, "*/");
				p = q ? q + 2 : end;
				continue;
			}
			break;
		case '<':
			if (starts(p, end, "<unfinished ...>")) {
				sc->stop = STOP_UNFINISHED;
				sc->stop_at = p;
				sc->after = p + 16;
				q = p;
				if (q > argstart && q[-1] == ' ')
					q--;
				if (q > argstart)
					add_arg(sc, argstart, q);
				return;
			}
			if (starts(p, end, "<detached ...>")) {
				sc->stop = STOP_DETACHED;
				sc->stop_at = p;
				sc->after = p + 14;
				if (p > argstart)
					add_arg(sc, argstart, p);
				return;
			}
			if (starts(p, end, "<... ")) {
				q = find(p + 5, end, "...>");
				p = q ? q + 4 : end;
				continue;
			}
			if (p > argstart && is_alnum(p[-1])) {
				q = skip_deco(p, end);
				if (q) {
					p = q;
					continue;
				}
			}
			break;
		default:
			break;
		}
		p++;
	}
	if (end > argstart)
		add_arg(sc, argstart, end);
}

/* ------------------------------------------------------------------ */
/* Line prefix                                                         */

enum { CLK_NONE, CLK_TOD, CLK_EPOCH, CLK_REL };
enum { PK_NONE, PK_COLUMN, PK_BRACKET };

struct pfx {
	int pidkind;
	long pid;
	int clock;
	double t;		/* tod seconds, epoch seconds, or relative delta */
	const char *tstext, *tsend;
	const char *body;
};

static const char *
parse_tod(const char *p, const char *end, double *t)
{
	double s;
	const char *q;

	if (end - p < 9 || !is_digit(p[0]) || !is_digit(p[1]) || p[2] != ':' ||
	    !is_digit(p[3]) || !is_digit(p[4]) || p[5] != ':' ||
	    !is_digit(p[6]) || !is_digit(p[7]))
		return NULL;
	q = parse_secs(p + 6, end, &s);
	if (q == NULL || q >= end || *q != ' ')
		return NULL;
	*t = ((p[0] - '0') * 10 + (p[1] - '0')) * 3600.0 +
	    ((p[3] - '0') * 10 + (p[4] - '0')) * 60.0 + s;
	return q;
}

static void
parse_prefix(const char *p, const char *end, struct pfx *x)
{
	const char *q;
	double t;

	memset(x, 0, sizeof(*x));
	/* [pid  1234] or [pid 1234<comm>] */
	if (starts(p, end, "[pid ")) {
		long pid = 0;

		q = skip_sp(p + 5, end);
		if (q < end && is_digit(*q)) {
			while (q < end && is_digit(*q) && pid < 100000000)
				pid = pid * 10 + (*q++ - '0');
			if (q < end && *q == '<') {
				const char *c = memchr(q, ']', (size_t)(end - q));
				q = c ? c : end;
			}
			if (q + 1 < end && q[0] == ']' && q[1] == ' ') {
				x->pidkind = PK_BRACKET;
				x->pid = pid;
				p = q + 2;
			}
		}
	} else if (p < end && is_digit(*p)) {
		/* `%-5u ` pid column (a pid has at most 7 digits) */
		long pid = 0;
		int n = 0;

		q = p;
		while (q < end && is_digit(*q) && n < 9) {
			pid = pid * 10 + (*q++ - '0');
			n++;
		}
		if (q < end && *q == '<' && n <= 7) {	/* -Y comm */
			const char *c = memchr(q, '>', (size_t)(end - q));
			if (c)
				q = c + 1;
		}
		if (n <= 7 && q < end && *q == ' ') {
			const char *r = skip_sp(q, end);

			if (r - q >= (n < 5 ? 6 - n : 1)) {
				x->pidkind = PK_COLUMN;
				x->pid = pid;
				p = r;
			}
		}
	}
	/* absolute timestamp */
	if ((q = parse_tod(p, end, &t)) != NULL) {
		x->clock = CLK_TOD;
		x->t = t;
		x->tstext = p;
		x->tsend = q;
		p = q + 1;
	} else if (p < end && is_digit(*p)) {
		q = p;
		while (q < end && is_digit(*q))
			q++;
		if (q - p >= 9 && (q = parse_secs(p, end, &t)) != NULL &&
		    q < end && *q == ' ') {
			x->clock = CLK_EPOCH;
			x->t = t;
			x->tstext = p;
			x->tsend = q;
			p = q + 1;
		}
	}
	/* relative timestamp: `(+ 0.000123) ` after an absolute one, else bare */
	if (x->clock != CLK_NONE) {
		if (starts(p, end, "(+")) {
			q = skip_sp(p + 2, end);
			q = parse_secs(q, end, &t);
			if (q && q + 1 < end && q[0] == ')' && q[1] == ' ')
				p = q + 2;
		}
	} else {
		const char *s = skip_sp(p, end);

		q = parse_secs(s, end, &t);
		if (q && q < end && *q == ' ' && q > s && memchr(s, '.', (size_t)(q - s))) {
			x->clock = CLK_REL;
			x->t = t;
			x->tstext = s;
			x->tsend = q;
			p = q + 1;
		}
	}
	/* -n `[ 257] ` and -i `[00007f...] ` */
	for (int k = 0; k < 2 && p < end && *p == '[' && !starts(p, end, "[pid "); k++) {
		q = p + 1;
		while (q < end && (*q == ' ' || is_xdigit(*q)))
			q++;
		if (q > p + 1 && q + 1 < end && q[0] == ']' && q[1] == ' ')
			p = q + 2;
		else
			break;
	}
	x->body = p;
}

/* ------------------------------------------------------------------ */
/* Return value                                                        */

enum { ST_COMPLETE, ST_INTERRUPTED, ST_UNAVAILABLE, ST_BLOCKED, ST_DETACHED };
static const char *const state_names[] = {
	"complete", "interrupted", "unavailable", "blocked", "detached",
};

struct ret {
	const char *text, *text_end;	/* as printed */
	int has_ret;
	int64_t ret;
	const char *deco, *deco_end;	/* fd decoration body */
	const char *eno, *eno_end;
	const char *etext, *etext_end;
	const char *n1, *n1_end, *n2, *n2_end;	/* notes */
	int has_dur;
	double dur;
	int state;
};

/* Past a balanced "( ... )" starting at p, or NULL. */
static const char *
skip_parens(const char *p, const char *end)
{
	int d = 0;

	for (; p < end; p++) {
		if (*p == '"') {
			p++;
			while (p < end && *p != '"')
				p += (*p == '\\') ? 2 : 1;
			if (p >= end)
				return NULL;
		} else if (*p == '(')
			d++;
		else if (*p == ')' && --d == 0)
			return p + 1;
	}
	return NULL;
}

static void
add_note(struct ret *r, const char *s, const char *e)
{
	if (r->n1 == NULL) {
		r->n1 = s;
		r->n1_end = e;
	} else if (r->n2 == NULL) {
		r->n2 = s;
		r->n2_end = e;
	}
}

/* p at the text after the closing ')'.  0 when there is no "= value". */
static int
parse_ret(const char *p, const char *end, struct ret *r)
{
	const char *q;

	memset(r, 0, sizeof(*r));
	p = skip_sp(p, end);
	if (p >= end || *p != '=' || (p + 1 < end && p[1] != ' '))
		return 0;
	p = skip_sp(p + 1, end);
	if (p >= end)
		return 0;
	r->text = p;
	if (*p == '?') {
		p++;
		r->state = ST_INTERRUPTED;
	} else {
		q = parse_int(p, end, &r->ret);
		if (q == NULL)
			return 0;
		r->has_ret = 1;
		p = q;
		if (p < end && *p == '<') {
			q = skip_deco(p, end);
			if (q) {
				r->deco = p + 1;
				r->deco_end = q - 1;
				p = q;
			}
		}
		r->state = ST_COMPLETE;
	}
	r->text_end = p;
	if (p < end && *p != ' ')
		return 0;
	while ((p = skip_sp(p, end)) < end) {
		if (*p == '<') {
			double d;

			q = parse_secs(p + 1, end, &d);
			if (q && q < end && *q == '>') {
				r->has_dur = 1;
				r->dur = d;
				p = q + 1;
				continue;
			}
			if (starts(p, end, "<unavailable>")) {
				r->state = ST_UNAVAILABLE;
				p += 13;
				continue;
			}
			if (starts(p, end, "<detached ...>")) {
				r->state = ST_DETACHED;
				p += 14;
				continue;
			}
		} else if (*p == 'E' && r->eno == NULL) {
			q = p;
			while (q < end && (is_ident(*q)))
				q++;
			r->eno = p;
			r->eno_end = q;
			p = skip_sp(q, end);
			if (p < end && *p == '(' && (q = skip_parens(p, end)) != NULL) {
				r->etext = p + 1;
				r->etext_end = q - 1;
				if (r->eno_end - r->eno > 8 && memcmp(r->eno, "ERESTART", 8) == 0) {
					add_note(r, r->eno, q);
					r->state = ST_INTERRUPTED;
				}
				p = q;
			} else if (r->eno_end - r->eno > 8 && memcmp(r->eno, "ERESTART", 8) == 0) {
				add_note(r, r->eno, r->eno_end);
				r->state = ST_INTERRUPTED;
			}
			continue;
		} else if (*p == '(' && (q = skip_parens(p, end)) != NULL) {
			if (r->has_ret && r->eno == NULL && r->etext == NULL &&
			    starts(p, end, "(errno ")) {
				r->etext = p + 1;
				r->etext_end = q - 1;
			} else
				add_note(r, p + 1, q - 1);
			p = q;
			continue;
		}
		/* Anything else: keep it as a note, whole. */
		add_note(r, p, end);
		break;
	}
	return 1;
}

/* ------------------------------------------------------------------ */
/* State                                                               */

struct pend {
	int used;
	int hnext;		/* hash chain */
	int prev, next;		/* insertion order (oldest first) */
	unsigned h;
	long pid;		/* 0: unknown */
	long line;
	int has_ts;
	double ts;
	struct buf b;		/* raw line, then parsed text (if different) */
	size_t text_off;	/* where the parsed text starts in b */
	size_t name_off, name_len, args_off, args_len, ts_off, ts_len;
};

#define NBUCKET 1024

/* Calls of one syscall as strace -c counts them (strace_counts). */
struct count {
	char *name;		/* NULL: a free slot */
	size_t nlen;
	long line, calls, errors;
};

struct st {
	const struct parse_ctx *ctx;
	struct count *cnt;	/* open addressing, ncnt_cap slots, a power of 2 */
	size_t ncnt, ncnt_cap;
	struct buf clean;	/* line without ANSI colour */
	struct buf path, path2, dpath, fpath, note, args, carry;
	long carry_line;	/* a broken call line held for its continuation */
	int joining;
	/* clock */
	int clock;		/* first clock kind seen */
	int any_ts;
	/*
	 * The latest time a stored call shows (its end_ts, else its ts): how
	 * long a call still blocked at the end had waited (blocked_calls).
	 */
	double last_ts;
	int has_last_ts;
	double last_tod, day_off, rel_sum;
	int saw_column, saw_bracket, saw_dur;
	/* pending calls */
	struct pend *pv;
	int npv, cappv, free_head;
	int bucket[NBUCKET];
	int oldest, newest;
	long npending;
	int limit_reported;
	/* the line -k frames attach to */
	long frame_line, frame_pid;
	int frame_has_pid, depth;
};

static unsigned
hash_key(long pid, const char *name, size_t n)
{
	unsigned h = 2166136261u ^ (unsigned)pid;

	for (size_t i = 0; i < n; i++)
		h = (h ^ (unsigned char)name[i]) * 16777619u;
	return h;
}

/* ------------------------------------------------------------------ */
/* Emission                                                            */

struct callrow {
	long line, end_line;
	int has_pid;
	long pid;
	int has_ts, has_end_ts;
	double ts, end_ts;
	const char *tstext;
	size_t tslen;
	const char *name;
	size_t nlen;
	const char *args;
	size_t alen;
	const struct ret *r;	/* NULL: no result (blocked) */
	int state;
	const char *extra_note;
	const char *raw, *raw_end;
	size_t rawlen, raw_endlen;
};

static struct val
span(const char *s, const char *e)
{
	return s ? val_text(s, (size_t)(e - s)) : val_null();
}

static void
note_add(struct buf *b, const char *s, size_t n)
{
	if (b->len)
		buf_add(b, "; ", 2);
	buf_add(b, s, n);
}

/* Decoded value of a dirfd argument: "AT_FDCWD" or the number text. */
static void
set_dirfd(struct st *st, const char *s, const char *e, struct val *v)
{
	const char *q;

	if (starts(s, e, "AT_FDCWD")) {
		v[SC_DIRFD] = val_str("AT_FDCWD");
		q = s + 8;
	} else {
		q = s;
		if (q < e && *q == '-')
			q++;
		while (q < e && is_digit(*q))
			q++;
		if (q == s)
			return;
		if ((size_t)(q - s) == 4 && memcmp(s, "-100", 4) == 0)
			v[SC_DIRFD] = val_str("AT_FDCWD");
		else
			v[SC_DIRFD] = val_text(s, (size_t)(q - s));
	}
	if (q < e && *q == '<') {
		const char *d = skip_deco(q, e);

		if (d) {
			/*
			 * Without escapes the decoration is its own text: point
			 * into the line, so the store keeps a reference, not a copy.
			 */
			if (memchr(q + 1, '\\', (size_t)(d - 1 - (q + 1))) == NULL)
				v[SC_DIRFD_PATH] = val_text(q + 1, (size_t)(d - 1 - (q + 1)));
			else {
				buf_reset(&st->dpath);
				unescape(&st->dpath, q + 1, d - 1);
				v[SC_DIRFD_PATH] = val_text(st->dpath.s ? st->dpath.s : "", st->dpath.len);
			}
		}
	}
}

static int
parse_mode(const char *s, const char *e, int64_t *out)
{
	const char *bar = s, *q;

	for (q = s; q < e && !(q[0] == '/' && q + 1 < e && q[1] == '*'); q++)
		if (*q == '|')
			bar = q + 1;
	bar = skip_sp(bar, e);
	if (bar >= e || *bar != '0')
		return 0;
	return parse_int(bar, e, out) != NULL;
}

/* The value of `key=` at the top level of a {...} struct argument. */
static int
struct_field(const char *s, const char *e, const char *key, const char **vs, const char **ve)
{
	size_t kn = strlen(key);
	int d = 0;

	for (const char *p = s; p < e; p++) {
		if (*p == '{' || *p == '[' || *p == '(')
			d++;
		else if (*p == '}' || *p == ']' || *p == ')')
			d--;
		else if (d == 1 && p > s && (p[-1] == '{' || p[-1] == ' ') &&
		    (size_t)(e - p) > kn && memcmp(p, key, kn) == 0 && p[kn] == '=') {
			const char *q = p + kn + 1;
			int d2 = 0;

			*vs = q;
			while (q < e && !(d2 == 0 && (*q == ',' || *q == '}'))) {
				if (*q == '{' || *q == '[' || *q == '(')
					d2++;
				else if (*q == '}' || *q == ']' || *q == ')')
					d2--;
				q++;
			}
			*ve = q;
			return 1;
		}
	}
	return 0;
}

/* The count of syscall name, made at its first call (line). */
static struct count *
count_for(struct st *st, const char *name, size_t n, long line)
{
	size_t i;

	if (2 * (st->ncnt + 1) > st->ncnt_cap) {
		size_t cap = st->ncnt_cap ? 2 * st->ncnt_cap : 64;
		struct count *v = xcalloc(cap, sizeof(*v));

		for (size_t k = 0; k < st->ncnt_cap; k++)
			if (st->cnt[k].name) {
				i = hash_key(0, st->cnt[k].name, st->cnt[k].nlen) & (cap - 1);
				while (v[i].name)
					i = (i + 1) & (cap - 1);
				v[i] = st->cnt[k];
			}
		free(st->cnt);
		st->cnt = v;
		st->ncnt_cap = cap;
	}
	i = hash_key(0, name, n) & (st->ncnt_cap - 1);
	while (st->cnt[i].name && (st->cnt[i].nlen != n ||
	    memcmp(st->cnt[i].name, name, n) != 0))
		i = (i + 1) & (st->ncnt_cap - 1);
	if (st->cnt[i].name == NULL) {
		st->cnt[i].name = xstrndup(name, n);
		st->cnt[i].nlen = n;
		st->cnt[i].line = line;
		st->ncnt++;
	}
	return &st->cnt[i];
}

/*
 * Counts a call as strace -c does: when it returned, with or without an
 * error; not when the process left it by exiting (`= ?` and no error).
 */
static void
count_call(struct st *st, const struct callrow *c, const struct ret *r)
{
	struct count *k;

	if (r == NULL || (r->text_end - r->text == 1 && r->text[0] == '?' &&
	    r->eno == NULL))
		return;
	k = count_for(st, c->name, c->nlen, c->line);
	k->calls++;
	if (r->eno)
		k->errors++;
}

static int
cmp_count_line(const void *a, const void *b)
{
	const struct count *x = a, *y = b;

	return (x->line > y->line) - (x->line < y->line);
}

/* The counts as strace_counts rows, in the order of their first calls. */
static void
emit_counts(struct st *st)
{
	size_t n = 0;

	if (st->cnt == NULL)
		return;		/* no call returned */
	for (size_t i = 0; i < st->ncnt_cap; i++)
		if (st->cnt[i].name)
			st->cnt[n++] = st->cnt[i];
	qsort(st->cnt, n, sizeof(*st->cnt), cmp_count_line);
	for (size_t i = 0; i < n; i++) {
		struct val v[CT__COUNT];

		v[CT_LINE] = val_int(st->cnt[i].line);
		v[CT_SYSCALL] = val_text(st->cnt[i].name, st->cnt[i].nlen);
		v[CT_CALLS] = val_int(st->cnt[i].calls);
		v[CT_ERRORS] = val_int(st->cnt[i].errors);
		st->ctx->sink->row(st->ctx->sink->ctx, &tables[T_STRACE_COUNTS], v);
		free(st->cnt[i].name);
	}
	free(st->cnt);
	st->cnt = NULL;
	st->ncnt = st->ncnt_cap = 0;
}

static void
emit_call(struct st *st, const struct callrow *c, const struct scan *sc)
{
	struct val v[SC__COUNT];
	const struct scinfo *si = scinfo_find(c->name, c->nlen);
	const struct ret *r = c->r;

	memset(v, 0, sizeof(v));
	buf_reset(&st->note);
	v[SC_LINE] = val_int(c->line);
	if (c->end_line)
		v[SC_END_LINE] = val_int(c->end_line);
	if (c->has_pid)
		v[SC_PID] = val_int(c->pid);
	if (c->has_ts)
		v[SC_TS] = val_real(c->ts);
	if (c->has_end_ts)
		v[SC_END_TS] = val_real(c->end_ts);
	if (c->tstext)
		v[SC_TS_TEXT] = val_text(c->tstext, c->tslen);
	v[SC_SYSCALL] = val_text(c->name, c->nlen);
	v[SC_ARGS] = val_text(c->args, c->alen);
	if (c->has_end_ts || c->has_ts) {
		double t = c->has_end_ts ? c->end_ts : c->ts;

		if (!st->has_last_ts || t > st->last_ts)
			st->last_ts = t;
		st->has_last_ts = 1;
	}

	if (si) {
		if ((si->f & F_PATH) && sc->nstr > 0) {
			buf_reset(&st->path);
			unescape(&st->path, sc->ss[0], sc->se[0]);
			v[SC_PATH] = val_text(st->path.s ? st->path.s : "", st->path.len);
			if (sc->strunc[0])
				note_add(&st->note, "path truncated", 14);
		}
		if ((si->f & F_PATH2) && sc->nstr > 1) {
			buf_reset(&st->path2);
			unescape(&st->path2, sc->ss[1], sc->se[1]);
			v[SC_PATH2] = val_text(st->path2.s ? st->path2.s : "", st->path2.len);
			if (sc->strunc[1])
				note_add(&st->note, "path2 truncated", 15);
		}
		if (si->dirfd >= 0 && si->dirfd < sc->nargs && si->dirfd < MAXARGS)
			set_dirfd(st, sc->as[si->dirfd], sc->ae[si->dirfd], v);
		if (si->flags >= 0 && si->flags < sc->nargs && si->flags < MAXARGS &&
		    sc->ae[si->flags] > sc->as[si->flags])
			v[SC_FLAGS] = span(sc->as[si->flags], sc->ae[si->flags]);
		if (si->mode >= 0 && si->mode < sc->nargs && si->mode < MAXARGS) {
			int64_t m;

			if (parse_mode(sc->as[si->mode], sc->ae[si->mode], &m))
				v[SC_MODE] = val_int(m);
		}
		if (si->flags == A_STRUCT && sc->nargs > 2) {
			const char *vs, *ve;
			int64_t m;

			if (struct_field(sc->as[2], sc->ae[2], "flags", &vs, &ve))
				v[SC_FLAGS] = span(vs, ve);
			if (struct_field(sc->as[2], sc->ae[2], "mode", &vs, &ve) &&
			    parse_mode(vs, ve, &m))
				v[SC_MODE] = val_int(m);
		}
	}
	/* write(3</path>, ...): the fd argument's -y decoration names the file. */
	if (v[SC_DIRFD].t == V_NULL && sc->nargs > 0 && sc->ae[0] > sc->as[0] &&
	    is_digit(*sc->as[0]) &&
	    memchr(sc->as[0], '<', (size_t)(sc->ae[0] - sc->as[0])))
		set_dirfd(st, sc->as[0], sc->ae[0], v);
	if (r) {
		if (r->has_dur)
			st->saw_dur = 1;
		v[SC_RET_TEXT] = span(r->text, r->text_end);
		if (r->has_ret)
			v[SC_RET] = val_int(r->ret);
		if (r->eno)
			v[SC_ERRNO] = span(r->eno, r->eno_end);
		if (r->etext)
			v[SC_ERRNO_TEXT] = span(r->etext, r->etext_end);
		if (r->has_dur)
			v[SC_DURATION] = val_real(r->dur);
		if (r->has_ret && r->ret >= 0 && (r->deco || (si && (si->f & F_FDRET))))
			v[SC_FD] = val_int(r->ret);
		if (r->deco) {
			if (memchr(r->deco, '\\', (size_t)(r->deco_end - r->deco)) == NULL)
				v[SC_FD_PATH] = span(r->deco, r->deco_end);
			else {
				buf_reset(&st->fpath);
				unescape(&st->fpath, r->deco, r->deco_end);
				v[SC_FD_PATH] = val_text(st->fpath.s ? st->fpath.s : "", st->fpath.len);
			}
		}
		if (r->n1)
			note_add(&st->note, r->n1, (size_t)(r->n1_end - r->n1));
		if (r->n2)
			note_add(&st->note, r->n2, (size_t)(r->n2_end - r->n2));
	}
	if (c->extra_note)
		note_add(&st->note, c->extra_note, strlen(c->extra_note));
	if (st->note.len)
		v[SC_NOTE] = val_text(st->note.s, st->note.len);
	v[SC_STATE] = val_str(state_names[c->state]);
	v[SC_RAW] = val_text(c->raw, c->rawlen);
	if (c->raw_end)
		v[SC_RAW_END] = val_text(c->raw_end, c->raw_endlen);
	st->ctx->sink->row(st->ctx->sink->ctx, &tables[T_SYSCALLS], v);
	count_call(st, c, r);
}

/* State of a finished call from its name and result. */
static int
call_state(const char *name, size_t n, const struct ret *r)
{
	if (r->state == ST_INTERRUPTED && !r->eno &&
	    ((n == 4 && memcmp(name, "exit", 4) == 0) ||
	    (n == 10 && memcmp(name, "exit_group", 10) == 0)))
		return ST_COMPLETE;
	return r->state;
}

/* ------------------------------------------------------------------ */
/* Pending calls                                                       */

static void
pend_unlink(struct st *st, int i)
{
	struct pend *pe = &st->pv[i];
	int *pp = &st->bucket[pe->h % NBUCKET];

	while (*pp != i)
		pp = &st->pv[*pp].hnext;
	*pp = pe->hnext;
	if (pe->prev >= 0)
		st->pv[pe->prev].next = pe->next;
	else
		st->oldest = pe->next;
	if (pe->next >= 0)
		st->pv[pe->next].prev = pe->prev;
	else
		st->newest = pe->prev;
	pe->used = 0;
	pe->hnext = st->free_head;
	st->free_head = i;
	st->npending--;
}

/* Emits a held call that never resumed, then releases it. */
static void
pend_emit_blocked(struct st *st, int i, const char *note)
{
	struct pend *pe = &st->pv[i];
	const char *text = pe->b.s + pe->text_off;
	struct callrow c;
	struct scan sc;

	memset(&c, 0, sizeof(c));
	c.line = pe->line;
	c.has_pid = pe->pid != 0;
	c.pid = pe->pid;
	c.has_ts = pe->has_ts;
	c.ts = pe->ts;
	if (pe->ts_len) {
		c.tstext = text + pe->ts_off;
		c.tslen = pe->ts_len;
	}
	c.name = text + pe->name_off;
	c.nlen = pe->name_len;
	c.args = text + pe->args_off;
	c.alen = pe->args_len;
	c.state = ST_BLOCKED;
	c.extra_note = note;
	c.raw = pe->b.s;
	c.rawlen = pe->text_off == 0 ? pe->b.len : pe->text_off;
	scan_args(c.args, c.args + c.alen, &sc);
	emit_call(st, &c, &sc);
	pend_unlink(st, i);
}

static int
pend_find(struct st *st, long pid, const char *name, size_t n)
{
	unsigned h = hash_key(pid, name, n);

	for (int i = st->bucket[h % NBUCKET]; i >= 0; i = st->pv[i].hnext) {
		struct pend *pe = &st->pv[i];

		if (pe->h == h && pe->pid == pid && pe->name_len == n &&
		    memcmp(pe->b.s + pe->text_off + pe->name_off, name, n) == 0)
			return i;
	}
	return -1;
}

static void
pend_add(struct st *st, long pid, long lineno, const struct pfx *x, int has_ts,
    double ts, const char *raw, size_t rawlen, const char *text, size_t textlen,
    const char *name, size_t nlen, const char *args, size_t alen)
{
	long max = st->ctx->limits ? st->ctx->limits->max_pending : 0;
	struct pend *pe;
	int i;

	/* A second start for the same key: the first never resumed. */
	if ((i = pend_find(st, pid, name, nlen)) >= 0)
		pend_emit_blocked(st, i, "superseded by a later call of the same pid");
	if (max > 0 && st->npending >= max) {
		if (!st->limit_reported) {
			st->ctx->sink->problem(st->ctx->sink->ctx, lineno,
			    "too many unfinished calls held; the oldest are emitted as blocked",
			    NULL, 0);
			st->limit_reported = 1;
		}
		pend_emit_blocked(st, st->oldest, "pending limit reached");
	}
	if (st->free_head >= 0) {
		i = st->free_head;
		st->free_head = st->pv[i].hnext;
	} else {
		if (st->npv == st->cappv) {
			st->cappv = st->cappv ? st->cappv * 2 : 16;
			st->pv = xrealloc(st->pv, (size_t)st->cappv * sizeof(*st->pv));
		}
		i = st->npv++;
		memset(&st->pv[i], 0, sizeof(st->pv[i]));
	}
	pe = &st->pv[i];
	pe->used = 1;
	pe->pid = pid;
	pe->line = lineno;
	pe->has_ts = has_ts;
	pe->ts = ts;
	buf_reset(&pe->b);
	buf_add(&pe->b, raw, rawlen);
	pe->text_off = 0;
	if (text != raw) {
		pe->text_off = rawlen;
		buf_add(&pe->b, text, textlen);
	}
	pe->name_off = (size_t)(name - text);
	pe->name_len = nlen;
	pe->args_off = (size_t)(args - text);
	pe->args_len = alen;
	pe->ts_off = x->tstext ? (size_t)(x->tstext - text) : 0;
	pe->ts_len = x->tstext ? (size_t)(x->tsend - x->tstext) : 0;
	pe->h = hash_key(pid, name, nlen);
	pe->hnext = st->bucket[pe->h % NBUCKET];
	st->bucket[pe->h % NBUCKET] = i;
	pe->next = -1;
	pe->prev = st->newest;
	if (st->newest >= 0)
		st->pv[st->newest].next = i;
	else
		st->oldest = i;
	st->newest = i;
	st->npending++;
}

/* ------------------------------------------------------------------ */
/* Events and frames                                                   */

static void
emit_event(struct st *st, long lineno, int has_pid, long pid, int has_ts,
    double ts, const struct pfx *x, const char *kind, const char *sig,
    const char *sig_end, int has_code, int64_t code, const char *det,
    const char *det_end, const char *raw, size_t rawlen)
{
	struct val v[EV__COUNT];

	memset(v, 0, sizeof(v));
	v[EV_LINE] = val_int(lineno);
	if (has_pid)
		v[EV_PID] = val_int(pid);
	if (has_ts)
		v[EV_TS] = val_real(ts);
	if (x && x->tstext)
		v[EV_TS_TEXT] = span(x->tstext, x->tsend);
	v[EV_KIND] = val_str(kind);
	if (sig)
		v[EV_SIGNAL] = span(sig, sig_end);
	if (has_code)
		v[EV_CODE] = val_int(code);
	if (det && det_end > det)
		v[EV_DETAIL] = span(det, det_end);
	v[EV_RAW] = val_text(raw, rawlen);
	st->ctx->sink->row(st->ctx->sink->ctx, &tables[T_STRACE_EVENTS], v);
}

/* ` > binary(symbol+0xoff) [0xaddr] [src]`; p after "> ". */
static void
emit_frame(struct st *st, long lineno, const char *p, const char *end)
{
	struct val v[FR__COUNT];
	const char *cb, *lb, *plus = NULL, *q;

	memset(v, 0, sizeof(v));
	v[FR_LINE] = val_int(lineno);
	if (st->frame_line)
		v[FR_CALL_LINE] = val_int(st->frame_line);
	if (st->frame_has_pid)
		v[FR_PID] = val_int(st->frame_pid);
	v[FR_DEPTH] = val_int(st->depth++);
	/* the last ") [" */
	cb = NULL;
	for (q = p; (q = find(q, end, ") [")) != NULL; q++)
		cb = q;
	lb = cb ? memchr(p, '(', (size_t)(cb - p)) : NULL;
	if (cb && lb) {
		const char *ae;

		v[FR_BINARY] = span(p, lb);
		for (q = lb + 1; (q = find(q, cb, "+0x")) != NULL; q++)
			plus = q;
		if (plus) {
			v[FR_SYMBOL] = span(lb + 1, plus);
			v[FR_OFFSET] = span(plus + 1, cb);
		} else if (cb > lb + 1)
			v[FR_SYMBOL] = span(lb + 1, cb);
		q = cb + 3;
		ae = memchr(q, ']', (size_t)(end - q));
		if (ae) {
			v[FR_ADDR] = span(q, ae);
			q = skip_sp(ae + 1, end);
			if (q < end)
				v[FR_SRC] = span(q, end);
		}
	} else {
		/* unwinding error: text [0xaddr] */
		const char *lbr = NULL;

		for (q = p; (q = find(q, end, " [0x")) != NULL; q++)
			lbr = q;
		if (lbr && end[-1] == ']') {
			v[FR_SYMBOL] = span(p, lbr);
			v[FR_ADDR] = span(lbr + 2, end - 1);
		} else
			v[FR_SYMBOL] = span(p, end);
	}
	st->ctx->sink->row(st->ctx->sink->ctx, &tables[T_STRACE_FRAMES], v);
}

/* `strace: ...` lines: attach/detach or a message. */
static void
strace_msg(struct st *st, long lineno, const char *p, const char *end,
    const char *raw, size_t rawlen)
{
	const char *q = p + 8;
	long pid = 0;

	if (starts(q, end, "Process ")) {
		const char *d = q + 8, *e = d;

		while (e < end && is_digit(*e) && pid < 100000000)
			pid = pid * 10 + (*e++ - '0');
		if (e > d && e == end - 9 && starts(e, end, " attached")) {
			emit_event(st, lineno, 1, pid, 0, 0, NULL, "attached", NULL, NULL,
			    0, 0, NULL, NULL, raw, rawlen);
			return;
		}
		if (e > d && starts(e, end, " attached with ")) {
			int64_t n;
			const char *f = parse_int(e + 15, end, &n);

			if (f && starts(f, end, " thread")) {
				emit_event(st, lineno, 1, pid, 0, 0, NULL, "attached", NULL,
				    NULL, 1, n, NULL, NULL, raw, rawlen);
				return;
			}
		}
		if (e > d && e == end - 9 && starts(e, end, " detached")) {
			emit_event(st, lineno, 1, pid, 0, 0, NULL, "detached", NULL, NULL,
			    0, 0, NULL, NULL, raw, rawlen);
			return;
		}
	}
	emit_event(st, lineno, 0, 0, 0, 0, NULL, "message", NULL, NULL, 0, 0,
	    q, end, raw, rawlen);
}

/* ------------------------------------------------------------------ */
/* Line classification, shared by sniff() and line()                   */

enum {
	L_NONE, L_CALL, L_UNFINISHED, L_RESUMED, L_SIGNAL, L_EXIT, L_MSG,
	L_FRAME, L_BROKEN
};

/* The name of a syscall body `name(`; 0 when the body is not one. */
static size_t
call_name(const char *p, const char *end)
{
	const char *q = p;

	/* strace prints an unknown syscall (e.g. after a personality change) as ??? */
	if (end - p >= 4 && p[0] == '?' && p[1] == '?' && p[2] == '?' && p[3] == '(')
		return 3;
	if (q >= end || !(is_alpha(*q) || *q == '_'))
		return 0;
	while (q < end && is_ident(*q))
		q++;
	return (q < end && *q == '(') ? (size_t)(q - p) : 0;
}

static int
classify_body(const char *b, const char *end, int full)
{
	if (starts(b, end, "<... ")) {
		/*
		 * The name runs from b + 5 to " resumed>"; "<... resumed>" has
		 * none (found by the fuzzer: the name's length went negative).
		 */
		const char *r = b + 5 < end ? find(b + 5, end, " resumed>") : NULL;

		return r && r > b + 5 ? L_RESUMED : L_BROKEN;
	}
	if (starts(b, end, "--- ") && end - b >= 8 && memcmp(end - 4, " ---", 4) == 0)
		return L_SIGNAL;
	if (starts(b, end, "+++ ") && end - b >= 8 && memcmp(end - 4, " +++", 4) == 0)
		return L_EXIT;
	if (starts(b, end, "> ") || starts(b, end, " > "))
		return L_FRAME;
	if (starts(b, end, "strace: "))
		return L_MSG;
	if (call_name(b, end) && !full)
		return L_CALL;
	if (call_name(b, end)) {
		struct scan sc;
		struct ret r;
		size_t n = call_name(b, end);

		scan_args(b + n + 1, end, &sc);
		if (sc.stop == STOP_UNFINISHED || sc.stop == STOP_DETACHED)
			return L_UNFINISHED;
		if (sc.stop == STOP_PAREN && parse_ret(sc.after, end, &r))
			return L_CALL;
		return L_BROKEN;
	}
	return L_NONE;
}

/* ------------------------------------------------------------------ */
/* Parser interface                                                    */

static int
sniff(const char *buf, size_t len, const char *name)
{
	const char *p = buf, *end = buf + len;
	int n = 0, m = 0, summary = 0;

	(void)name;
	while (p < end && n < 400) {
		const char *nl = memchr(p, '\n', (size_t)(end - p));
		const char *le = nl ? nl : end;
		const char *b;
		struct pfx x;
		int k;

		if (nl == NULL && len >= 65536)
			break;		/* a cut last line */
		if (le > p && le[-1] == '\r')
			le--;
		if (le > p) {
			n++;
			if (starts(p, le, "strace: ") || starts(p, le, " > ")) {
				m++;
			} else {
				parse_prefix(p, le, &x);
				b = x.body;
				k = classify_body(b, le, 1);
				if (k != L_NONE && k != L_BROKEN && k != L_FRAME)
					m++;
				if (find(p, le, "usecs/call") || (starts(p, le, "------ ----")))
					summary++;
			}
		}
		p = nl ? nl + 1 : end;
	}
	if (m == 0)
		return 0;
	if (m >= 20 || (m >= 3 && m * 2 >= n))
		return 90;
	if (m >= 3 && m * 10 >= n)
		return 60;
	if (m == n && summary == 0)
		return 50;
	return m * 20 >= n ? 30 : 5;
}

static void *
open_(const struct parse_ctx *ctx)
{
	struct st *st = xcalloc(1, sizeof(*st));

	st->ctx = ctx;
	st->free_head = -1;
	st->oldest = st->newest = -1;
	for (int i = 0; i < NBUCKET; i++)
		st->bucket[i] = -1;
	return st;
}

/* Copies line without `ESC [ digits/; m` sequences into st->clean. */
static const char *
strip_ansi(struct st *st, const char *line, size_t *len)
{
	const char *p = line, *end = line + *len;

	buf_reset(&st->clean);
	while (p < end) {
		const char *e = memchr(p, 0x1b, (size_t)(end - p));
		const char *q;

		if (e == NULL) {
			buf_add(&st->clean, p, (size_t)(end - p));
			break;
		}
		buf_add(&st->clean, p, (size_t)(e - p));
		q = e + 1;
		if (q < end && *q == '[') {
			q++;
			while (q < end && (is_digit(*q) || *q == ';'))
				q++;
			if (q < end && is_alpha(*q))
				q++;
		}
		p = q;
	}
	*len = st->clean.len;
	return st->clean.s ? st->clean.s : "";
}

/*
 * Strace on stderr shares the terminal with its own messages and with the
 * program's output, so a call line can be cut by `strace: Process N
 * attached` or by a whole application log line, its end (` <unfinished
 * ...>`, ` => {...}) = N`) coming on the next line.  A call line that does
 * not parse is held; a next line starting with a space is its
 * continuation and the two are parsed as one (line number of the first,
 * raw = both joined).  An embedded strace message becomes its event; an
 * embedded Go log line (`YYYY/MM/DD HH:MM:SS ...`) is reported as a
 * problem with its text, since parsers cannot hand text to each other.
 * A held line with no continuation is reported as it was.
 */
static int line1(struct st *st, const char *raw, size_t rawlen, long lineno,
    const char **why);

static int
is_golog_ts(const char *p, const char *end)
{
	static const char pat[] = "dddd/dd/dd dd:dd:dd";

	if (end - p < 19)
		return 0;
	for (int i = 0; i < 19; i++)
		if (pat[i] == 'd' ? !is_digit(p[i]) : p[i] != pat[i])
			return 0;
	return 1;
}

/*
 * An application line spliced into a strace line goes back to the driver,
 * which offers it to the formats that mix into other streams.
 */
static void
offer_mixable(struct st *st, const char *s, size_t n, long lineno)
{
	if (st->ctx->offer && st->ctx->offer(st->ctx->drv, s, n, lineno))
		return;
	st->ctx->sink->problem(st->ctx->sink->ctx, lineno,
	    "application output inside a strace line", s, n);
}

static int
broken(struct st *st, const char *raw, size_t rawlen, long lineno)
{
	const char *end = raw + rawlen, *cut = NULL, *p;

	if (st->joining || st->carry_line) {
		st->ctx->sink->problem(st->ctx->sink->ctx, lineno,
		    "syscall line without a return value", raw, rawlen);
		return 1;
	}
	p = memchr(raw, '(', rawlen);
	if (p && (cut = find(p, end, "strace: ")) != NULL) {
		strace_msg(st, lineno, cut, end, cut, (size_t)(end - cut));
	} else if (p) {
		/* the last one: the head may quote the same text in a string */
		for (const char *q = end - 19; q > p; q--)
			if (*q == '2' && is_golog_ts(q, end)) {
				cut = q;
				offer_mixable(st, cut, (size_t)(end - cut), lineno);
				break;
			}
	}
	buf_reset(&st->carry);
	buf_add(&st->carry, raw, (size_t)((cut ? cut : end) - raw));
	st->carry_line = lineno;
	return 1;
}

static void
flush_carry(struct st *st)
{
	if (st->carry_line) {
		st->ctx->sink->problem(st->ctx->sink->ctx, st->carry_line,
		    "syscall line without a return value", st->carry.s, st->carry.len);
		st->carry_line = 0;
	}
}

static int
line(void *vst, const char *raw, size_t rawlen, long lineno, const char **why)
{
	struct st *st = vst;

	if (st->carry_line) {
		if (rawlen > 0 && (raw[0] == ' ' || raw[0] == ')') &&
		    !starts(raw, raw + rawlen, " > ")) {
			long ln = st->carry_line;
			int rc;

			buf_add(&st->carry, raw, rawlen);
			st->carry_line = 0;
			st->joining = 1;
			rc = line1(st, st->carry.s, st->carry.len, ln, why);
			st->joining = 0;
			if (!rc)
				st->ctx->sink->problem(st->ctx->sink->ctx, ln,
				    "syscall line without a return value",
				    st->carry.s, st->carry.len);
			return 1;
		}
		flush_carry(st);
	}
	return line1(st, raw, rawlen, lineno, why);
}

static int
line1(struct st *st, const char *raw, size_t rawlen, long lineno, const char **why)
{
	const char *text = raw, *end, *b;
	size_t len = rawlen;
	struct pfx x;
	int has_pid, has_ts = 0, kind;
	long pid;
	double ts = 0;

	if (memchr(raw, 0x1b, rawlen))
		text = strip_ansi(st, raw, &len);
	end = text + len;
	if (starts(text, end, " > ")) {
		emit_frame(st, lineno, text + 3, end);
		return 1;
	}
	if (starts(text, end, "strace: ")) {
		strace_msg(st, lineno, text, end, raw, rawlen);
		return 1;
	}
	parse_prefix(text, end, &x);
	b = x.body;
	kind = classify_body(b, end, 0);
	if (kind == L_NONE) {
		if (x.pidkind != PK_NONE && b >= end) {
			st->ctx->sink->problem(st->ctx->sink->ctx, lineno,
			    "strace line cut after its prefix", raw, rawlen);
			return 1;
		}
		if (x.pidkind != PK_NONE && x.clock != CLK_NONE) {
			st->ctx->sink->problem(st->ctx->sink->ctx, lineno,
			    "strace line of an unknown kind", raw, rawlen);
			return 1;
		}
		*why = (x.pidkind == PK_COLUMN && st->saw_column) ?
		    "strace line cut or garbled" : "not a strace line";
		return 0;
	}
	if (kind == L_BROKEN) {
		return broken(st, raw, rawlen, lineno);
	}

	/* The line is ours: account for its prefix. */
	if (x.pidkind == PK_COLUMN)
		st->saw_column = 1;
	else if (x.pidkind == PK_BRACKET)
		st->saw_bracket = 1;
	has_pid = x.pidkind != PK_NONE || st->ctx->pid_hint > 0;
	pid = x.pidkind != PK_NONE ? x.pid : st->ctx->pid_hint;
	if (x.clock != CLK_NONE) {
		if (!st->any_ts) {
			st->any_ts = 1;
			st->clock = x.clock;
		}
		has_ts = 1;
		switch (x.clock) {
		case CLK_TOD:
			if (st->any_ts > 1 && x.t < st->last_tod - 43200)
				st->day_off += 86400;
			st->last_tod = x.t;
			st->any_ts = 2;
			ts = x.t + st->day_off;
			break;
		case CLK_EPOCH:
			ts = x.t;
			break;
		case CLK_REL:
			st->rel_sum += x.t;
			ts = st->rel_sum;
			break;
		}
	}

	switch (kind) {
	case L_FRAME:
		b = skip_sp(b, end);
		emit_frame(st, lineno, b + 2, end);
		return 1;
	case L_MSG:
		strace_msg(st, lineno, b, end, raw, rawlen);
		return 1;
	case L_SIGNAL: {
		const char *s = b + 4, *e = end - 4, *q;

		st->frame_line = lineno;
		st->frame_has_pid = has_pid;
		st->frame_pid = pid;
		st->depth = 0;
		if (starts(s, e, "stopped by ")) {
			s += 11;
			emit_event(st, lineno, has_pid, pid, has_ts, ts, &x, "stopped",
			    s, e, 0, 0, NULL, NULL, raw, rawlen);
			return 1;
		}
		q = s;
		while (q < e && *q != ' ')
			q++;
		emit_event(st, lineno, has_pid, pid, has_ts, ts, &x, "signal", s, q,
		    0, 0, skip_sp(q, e), e, raw, rawlen);
		return 1;
	}
	case L_EXIT: {
		const char *s = b + 4, *e = end - 4, *q;
		int64_t code;

		if (starts(s, e, "exited with ") && (q = parse_int(s + 12, e, &code)) && q == e) {
			emit_event(st, lineno, has_pid, pid, has_ts, ts, &x, "exited",
			    NULL, NULL, 1, code, NULL, NULL, raw, rawlen);
			return 1;
		}
		if (starts(s, e, "killed by ")) {
			const char *sg = s + 10, *d;

			q = sg;
			while (q < e && *q != ' ')
				q++;
			d = skip_sp(q, e);
			if (d < e && *d == '(' && e[-1] == ')') {
				d++;
				e--;
			}
			emit_event(st, lineno, has_pid, pid, has_ts, ts, &x, "killed",
			    sg, q, 0, 0, d, e, raw, rawlen);
			return 1;
		}
		if (starts(s, e, "superseded by execve in pid ") &&
		    (q = parse_int(s + 28, e, &code)) && q == e) {
			emit_event(st, lineno, has_pid, pid, has_ts, ts, &x,
			    "superseded", NULL, NULL, 1, code, NULL, NULL, raw, rawlen);
			return 1;
		}
		emit_event(st, lineno, has_pid, pid, has_ts, ts, &x, "message", NULL,
		    NULL, 0, 0, s, e, raw, rawlen);
		return 1;
	}
	default:
		break;
	}

	/* Calls. */
	st->frame_line = lineno;
	st->frame_has_pid = has_pid;
	st->frame_pid = pid;
	st->depth = 0;
	if (kind == L_RESUMED) {
		const char *nm = b + 5, *ne = find(nm, end, " resumed>");
		const char *rest = ne + 9;
		struct callrow c;
		struct scan sc;
		struct ret r;
		int unf = 0, i, ok;

		memset(&c, 0, sizeof(c));
		/* `<... x resumed> <unfinished ...>) = ?`: killed mid-call */
		if (starts(skip_sp(rest, end), end, "<unfinished ...>")) {
			rest = skip_sp(rest, end) + 16;
			unf = 1;
		}
		scan_args(rest, end, &sc);
		ok = (sc.stop == STOP_PAREN && parse_ret(sc.after, end, &r));
		if (!ok && sc.stop != STOP_DETACHED) {
			return broken(st, raw, rawlen, lineno);
		}
		if (sc.stop == STOP_DETACHED) {
			memset(&r, 0, sizeof(r));
			r.state = ST_DETACHED;
		}
		c.r = sc.stop == STOP_DETACHED ? NULL : &r;
		c.state = sc.stop == STOP_DETACHED ? ST_DETACHED :
		    call_state(nm, (size_t)(ne - nm), &r);
		if (unf && c.state == ST_COMPLETE && !r.has_ret)
			c.state = ST_INTERRUPTED;
		if (sc.stop == STOP_DETACHED)
			sc.stop_at = sc.stop_at > rest && sc.stop_at[-1] == ' ' ? sc.stop_at - 1 : sc.stop_at;
		i = pend_find(st, has_pid ? pid : 0, nm, (size_t)(ne - nm));
		if (i >= 0) {
			struct pend *pe = &st->pv[i];
			const char *ptext = pe->b.s + pe->text_off;
			struct scan jsc;

			buf_reset(&st->args);
			buf_add(&st->args, ptext + pe->args_off, pe->args_len);
			buf_add(&st->args, rest, (size_t)(sc.stop_at - rest));
			c.line = pe->line;
			c.end_line = lineno;
			c.has_pid = pe->pid != 0;
			c.pid = pe->pid;
			c.has_ts = pe->has_ts;
			c.ts = pe->ts;
			c.has_end_ts = has_ts;
			c.end_ts = ts;
			if (pe->ts_len) {
				c.tstext = ptext + pe->ts_off;
				c.tslen = pe->ts_len;
			}
			c.name = ptext + pe->name_off;
			c.nlen = pe->name_len;
			c.args = st->args.s ? st->args.s : "";
			c.alen = st->args.len;
			c.raw = pe->b.s;
			c.rawlen = pe->text_off == 0 ? pe->b.len : pe->text_off;
			c.raw_end = raw;
			c.raw_endlen = rawlen;
			scan_args(c.args, c.args + c.alen, &jsc);
			emit_call(st, &c, &jsc);
			pend_unlink(st, i);
		} else {
			struct scan jsc;

			c.line = lineno;
			c.has_pid = has_pid;
			c.pid = pid;
			c.has_ts = has_ts;
			c.ts = ts;
			if (x.tstext) {
				c.tstext = x.tstext;
				c.tslen = (size_t)(x.tsend - x.tstext);
			}
			c.name = nm;
			c.nlen = (size_t)(ne - nm);
			c.args = rest;
			c.alen = (size_t)(sc.stop_at - rest);
			c.extra_note = "resumed without its start";
			c.raw = raw;
			c.rawlen = rawlen;
			/* Args of the second half only: no path position is sure. */
			memset(&jsc, 0, sizeof(jsc));
			emit_call(st, &c, &jsc);
		}
		return 1;
	}

	/* A call line, whole or unfinished. */
	{
		size_t nlen = call_name(b, end);
		const char *args = b + nlen + 1;
		struct callrow c;
		struct scan sc;
		struct ret r;

		scan_args(args, end, &sc);
		memset(&c, 0, sizeof(c));
		c.line = lineno;
		c.has_pid = has_pid;
		c.pid = pid;
		c.has_ts = has_ts;
		c.ts = ts;
		if (x.tstext) {
			c.tstext = x.tstext;
			c.tslen = (size_t)(x.tsend - x.tstext);
		}
		c.name = b;
		c.nlen = nlen;
		c.args = args;
		c.raw = raw;
		c.rawlen = rawlen;
		if (sc.stop == STOP_UNFINISHED) {
			const char *ae = sc.stop_at;

			if (ae > args && ae[-1] == ' ')
				ae--;
			/* `call(args <unfinished ...>) = ?` in -ff files: one line. */
			if (sc.after < end && *sc.after == ')' &&
			    parse_ret(sc.after + 1, end, &r)) {
				c.alen = (size_t)(ae - args);
				c.r = &r;
				c.state = call_state(b, nlen, &r);
				if (c.state == ST_COMPLETE && !r.has_ret)
					c.state = ST_INTERRUPTED;
				emit_call(st, &c, &sc);
				return 1;
			}
			if (skip_sp(sc.after, end) < end) {
				st->ctx->sink->problem(st->ctx->sink->ctx, lineno,
				    "text after <unfinished ...>", raw, rawlen);
				return 1;
			}
			pend_add(st, has_pid ? pid : 0, lineno, &x, has_ts, ts, raw,
			    rawlen, text, len, b, nlen, args, (size_t)(ae - args));
			return 1;
		}
		if (sc.stop == STOP_DETACHED) {
			const char *ae = sc.stop_at;

			if (ae > args && ae[-1] == ' ')
				ae--;
			c.alen = (size_t)(ae - args);
			c.state = ST_DETACHED;
			emit_call(st, &c, &sc);
			return 1;
		}
		if (sc.stop != STOP_PAREN || !parse_ret(sc.after, end, &r)) {
			return broken(st, raw, rawlen, lineno);
		}
		c.alen = (size_t)(sc.stop_at - args);
		c.r = &r;
		c.state = call_state(b, nlen, &r);
		emit_call(st, &c, &sc);
		return 1;
	}
}

static int
cmp_pend_line(const void *a, const void *b)
{
	long x = *(const long *)a, y = *(const long *)b;

	return (x > y) - (x < y);
}

static void
finish(void *vst)
{
	struct st *st = vst;
	static const char *const clocks[] = {
		"none", "time-of-day", "epoch", "relative",
	};
	const struct sink *s = st->ctx->sink;

	flush_carry(st);
	/* Still pending: blocked at the end of the trace, in line order. */
	if (st->npending > 0) {
		long *order = xmalloc((size_t)st->npending * 2 * sizeof(long));
		long k = 0;

		for (int i = 0; i < st->npv; i++)
			if (st->pv[i].used) {
				order[2 * k] = st->pv[i].line;
				order[2 * k + 1] = i;
				k++;
			}
		qsort(order, (size_t)k, 2 * sizeof(long), cmp_pend_line);
		for (long j = 0; j < k; j++)
			pend_emit_blocked(st, (int)order[2 * j + 1], NULL);
		free(order);
	}
	s->meta(s->ctx, "clock", clocks[st->any_ts ? st->clock : CLK_NONE]);
	s->meta(s->ctx, "pid_prefix", st->saw_column ? "column" :
	    st->saw_bracket ? "bracket" : st->ctx->pid_hint > 0 ? "file-name" : "none");
	s->meta(s->ctx, "durations", st->saw_dur ? "yes" : "no");
	if (st->has_last_ts) {
		char t[32];

		/* The shortest text that reads back as the double the rows hold. */
		for (int prec = 15; prec <= 17; prec++) {
			snprintf(t, sizeof(t), "%.*g", prec, st->last_ts);
			if (strtod(t, NULL) == st->last_ts)
				break;
		}
		s->meta(s->ctx, "last_ts", t);
	}
	emit_counts(st);

	for (int i = 0; i < st->npv; i++)
		buf_free(&st->pv[i].b);
	free(st->pv);
	buf_free(&st->clean);
	buf_free(&st->path);
	buf_free(&st->path2);
	buf_free(&st->dpath);
	buf_free(&st->fpath);
	buf_free(&st->note);
	buf_free(&st->args);
	buf_free(&st->carry);
	free(st);
}

const struct parser parser_strace = {
	.type = "strace",
	.sniff = sniff,
	.open = open_,
	.line = line,
	.finish = finish,
};
