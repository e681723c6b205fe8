/*
 * The application's own log or stderr (type "app-log").  What matters in
 * it for a post-mortem is the error the program reported: Go's
 * *PathError ("mkdir /x/y: permission denied"), *LinkError ("rename /a
 * /b: file exists") and *SyscallError ("inotify_add_watch: no space left
 * on device"), also wrapped ("failed to create dir: mkdir /x: ...": the
 * innermost op and path are taken), panics and fatal errors, and the
 * errno-carrying lines of the runtimes that run beside a Go service
 * (Python's [Errno N], Node's "Error: EACCES: ..., mkdir '/x'", Java's
 * java.nio.file exceptions, coreutils/shell strerror text), with the
 * log's time stamp (log.LstdFlags, RFC 3339, JSON and logfmt time keys,
 * zap/logrus/slog, klog).  Those become app_errors rows; other lines are
 * claimed silently when this is the file's main format, and refused when
 * the parser only looks at lines inside another format (a Go program's
 * stderr interleaved with strace -f output).  As the main format it first
 * offers each line to the formats that mix into a Go program's stderr
 * (goroutine dumps, schedtrace, gctrace), so a log ending in a panic
 * yields both the panic as an app error and the dump's goroutines.
 */
#include "parser.h"
#include "errnos.h"
#include "xmalloc.h"

#include <ctype.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

struct applog {
	const struct parse_ctx *ctx;
	const char *py_op;	/* op named by the last Python traceback line */
};

/* Ops Go's os and syscall packages name in *PathError and *LinkError. */
static const char *const path_ops[] = {
	"mkdir", "mkdirat", "open", "openat", "stat", "lstat", "remove",
	"unlinkat", "rmdir", "chmod", "chown", "lchown", "chdir", "readlink",
	"truncate", "utimes", "chtimes", "readdirent", "readdir", "fstat",
	"write", "read", "close", "seek", "sync", "fcntl", "statfs",
	"inotify_add_watch", "creat", "access", "mknod", "mkfifo",
};
static const char *const link_ops[] = { "rename", "link", "symlink" };

/* Go-level texts with no errno behind them (io/fs errors). */
static const char *const fs_texts[] = {
	"file does not exist", "file already exists", "invalid argument",
	"file already closed", "not implemented on",
};

/*
 * A wall-clock time "YYYY/MM/DD hh:mm:ss[.ffffff]" (Go log.LstdFlags and
 * Lmicroseconds) or RFC 3339 / ISO 8601 "YYYY-MM-DDThh:mm:ss[.f][Z|+hh:mm
 * |+hhmm]" at s; returns its length (0 if none) and seconds since
 * midnight of the clock it was printed in (the zone is not applied).
 */
static size_t
clock_at(const char *s, size_t n, double *ts)
{
	int Y, M, D, h, m, sec;
	char sep, head[20];
	size_t i;

	if (n < 19 || !isdigit((unsigned char)s[0]))
		return 0;
	/* sscanf needs a string: the line (or a sniffed head) may not be one. */
	memcpy(head, s, 19);
	head[19] = '\0';
	if (sscanf(head, "%4d%c%2d%*c%2d%*c%2d:%2d:%2d", &Y, &sep, &M, &D, &h, &m,
	    &sec) != 7 || (sep != '/' && sep != '-'))
		return 0;
	if (!(s[10] == ' ' || s[10] == 'T') || s[13] != ':' || s[16] != ':' ||
	    M < 1 || M > 12 || D < 1 || D > 31 || h > 23 || m > 59 || sec > 60)
		return 0;
	*ts = h * 3600.0 + m * 60.0 + sec;
	i = 19;
	if (i < n && (s[i] == '.' || s[i] == ',')) {
		double scale = 0.1;

		for (i++; i < n && isdigit((unsigned char)s[i]); i++) {
			*ts += (s[i] - '0') * scale;
			scale /= 10;
		}
	}
	/* Zone: Z, +hh:mm, +hhmm */
	if (i < n && s[i] == 'Z')
		i++;
	else if (i + 4 < n && (s[i] == '+' || s[i] == '-') &&
	    isdigit((unsigned char)s[i + 1]) && isdigit((unsigned char)s[i + 2])) {
		if (s[i + 3] == ':' && i + 5 < n)
			i += 6;
		else if (isdigit((unsigned char)s[i + 3]))
			i += 5;
	}
	return i;
}

/* klog/glog "E1128 10:00:00.123456": length, seconds since midnight. */
static size_t
klog_at(const char *s, size_t n, double *ts)
{
	int mo, d, h, m, sec, len = 0;
	char head[14];

	if (n < 15 || s[0] == '\0' || strchr("IWEF", s[0]) == NULL ||
	    !isdigit((unsigned char)s[1]))
		return 0;
	memcpy(head, s + 1, 13);	/* a bounded string for sscanf */
	head[13] = '\0';
	if (sscanf(head, "%2d%2d %2d:%2d:%2d%n", &mo, &d, &h, &m, &sec, &len) != 5 ||
	    len != 13 || mo < 1 || mo > 12 || d < 1 || d > 31 || h > 23 || m > 59 ||
	    sec > 60)
		return 0;
	*ts = h * 3600.0 + m * 60.0 + sec;
	len++;
	if ((size_t)len < n && s[len] == '.') {
		double scale = 0.1;

		for (len++; (size_t)len < n && isdigit((unsigned char)s[len]); len++) {
			*ts += (s[len] - '0') * scale;
			scale /= 10;
		}
	}
	return (size_t)len;
}

/* Where a log line says when it was written. */
struct stamp {
	double ts;
	const char *text;	/* as printed, NULL if none */
	size_t tlen;
	size_t prefix;		/* bytes before the message (0 for JSON, logfmt) */
};

/*
 * The value of a time key in a JSON object ("time", "ts", "timestamp",
 * "@timestamp": RFC 3339 string, or zap's epoch seconds) or a logfmt line
 * (time=, ts=, t=, quoted or not).  Epoch seconds are taken as UTC.
 */
static int
keyed_time(const char *s, size_t n, struct stamp *t)
{
	static const char *const keys[] = {
		"\"time\":", "\"ts\":", "\"timestamp\":", "\"@timestamp\":",
		"time=", "ts=", "t=",
	};
	size_t lim = n < 512 ? n : 512;

	for (size_t k = 0; k < sizeof(keys) / sizeof(keys[0]); k++) {
		size_t kl = strlen(keys[k]);
		const char *p = s;

		while ((p = memmem(p, (size_t)(s + lim - p), keys[k], kl)) != NULL) {
			const char *v = p + kl;
			size_t rest = (size_t)(s + n - v), len;

			/* logfmt keys start the line or follow a blank. */
			if (keys[k][0] != '"' && p != s && p[-1] != ' ') {
				p += kl;
				continue;
			}
			while (rest > 0 && *v == ' ' && keys[k][0] == '"') {
				v++;
				rest--;
			}
			if (rest > 0 && *v == '"') {
				len = clock_at(v + 1, rest - 1, &t->ts);
				if (len && len < rest - 1 && v[1 + len] == '"') {
					t->text = v + 1;
					t->tlen = len;
					return 1;
				}
			} else if ((len = clock_at(v, rest, &t->ts)) != 0) {
				t->text = v;
				t->tlen = len;
				return 1;
			} else if (rest > 0 && isdigit((unsigned char)*v)) {
				char num[32], *e;
				size_t nl = rest < sizeof(num) - 1 ? rest : sizeof(num) - 1;
				double epoch;

				memcpy(num, v, nl);	/* strtod needs a string */
				num[nl] = '\0';
				epoch = strtod(num, &e);
				if (e - num >= 10 && epoch > 1e9 && epoch < 1e11) {
					long long whole = (long long)epoch;

					t->ts = (double)(whole % 86400) + (epoch - (double)whole);
					t->text = v;
					t->tlen = (size_t)(e - num);
					return 1;
				}
			}
			p += kl;
		}
	}
	return 0;
}

/* Finds the line's time stamp; 1 if there is one. */
static int
find_stamp(const char *s, size_t n, struct stamp *t)
{
	size_t len;

	memset(t, 0, sizeof(*t));
	if ((len = clock_at(s, n, &t->ts)) != 0 ||
	    (len = klog_at(s, n, &t->ts)) != 0) {
		t->text = s;
		t->tlen = len;
		t->prefix = len;
		/* klog: "E1128 10:00:00.123456   12345 file.go:42] msg" */
		if (s[0] > '9') {
			const char *b = memchr(s + len, ']', n - len);

			if (b != NULL && b - s < 80)
				t->prefix = (size_t)(b + 1 - s);
		}
	} else if (n > 20 && s[0] == '[' && (len = clock_at(s + 1, n - 1, &t->ts)) != 0 &&
	    len + 1 < n && s[len + 1] == ']') {
		t->text = s + 1;
		t->tlen = len;
		t->prefix = len + 2;
	} else if (keyed_time(s, n, t))
		return 1;
	else
		return 0;
	while (t->prefix < n && (s[t->prefix] == ' ' || s[t->prefix] == '\t'))
		t->prefix++;
	return 1;
}

static int
word_before(const char *msg, const char *at, const char *w)
{
	size_t n = strlen(w);

	if ((size_t)(at - msg) < n)
		return 0;
	if (memcmp(at - n, w, n) != 0)
		return 0;
	/* Start of message, or after a space, quote, colon or bracket. */
	return at - n == msg || strchr(" \t\"'`:([{=", *(at - n - 1)) != NULL;
}

struct found {
	const char *kind;
	const char *op;
	size_t op_len;
	const char *path, *path2;
	size_t path_len, path2_len;
	const char *err;
	size_t err_len;
	const struct errno_info *en;
};

/* Searches msg for "OP PATH: ERRTEXT"; 1 if found. */
static int
find_error(const char *msg, size_t n, struct found *f)
{
	for (const char *p = msg; (p = memmem(p, (size_t)(msg + n - p), ": ", 2)) != NULL; p += 2) {
		const char *e = p + 2;
		size_t rest = (size_t)(msg + n - e);
		const struct errno_info *en = errno_prefix(e, rest);
		size_t elen = 0;

		if (en)
			elen = strlen(en->text);
		else {
			for (size_t k = 0; k < sizeof(fs_texts) / sizeof(fs_texts[0]); k++)
				if (rest >= strlen(fs_texts[k]) &&
				    memcmp(e, fs_texts[k], strlen(fs_texts[k])) == 0) {
					elen = strlen(fs_texts[k]);
					break;
				}
		}
		if (elen == 0)
			continue;
		/* The error text ends the message or a quoted/wrapped part. */
		if (elen < rest && strchr("\"'`)]}, ;\t", e[elen]) == NULL)
			continue;
		memset(f, 0, sizeof(*f));
		f->err = e;
		f->err_len = elen;
		f->en = en;
		/* Find the op: the nearest "OP " before p. */
		for (const char *q = p - 1; q > msg; q--) {
			if (*q != ' ')
				continue;
			for (size_t k = 0; k < sizeof(link_ops) / sizeof(link_ops[0]); k++)
				if (word_before(msg, q, link_ops[k])) {
					const char *a = q + 1, *sp = memchr(a, ' ', (size_t)(p - a));

					if (sp == NULL)
						continue;
					f->kind = "LinkError";
					f->op = q - strlen(link_ops[k]);
					f->op_len = strlen(link_ops[k]);
					f->path = a;
					f->path_len = (size_t)(sp - a);
					f->path2 = sp + 1;
					f->path2_len = (size_t)(p - sp - 1);
					return 1;
				}
			for (size_t k = 0; k < sizeof(path_ops) / sizeof(path_ops[0]); k++)
				if (word_before(msg, q, path_ops[k])) {
					f->kind = "PathError";
					f->op = q - strlen(path_ops[k]);
					f->op_len = strlen(path_ops[k]);
					f->path = q + 1;
					f->path_len = (size_t)(p - q - 1);
					return 1;
				}
		}
		/* "inotify_init1: too many open files": a *SyscallError. */
		{
			const char *q = p;

			while (q > msg && (isalnum((unsigned char)q[-1]) || q[-1] == '_'))
				q--;
			if (q < p && (q == msg || strchr(" \t\"'`:([{=", q[-1]))) {
				f->kind = "SyscallError";
				f->op = q;
				f->op_len = (size_t)(p - q);
				return 1;
			}
		}
	}
	return 0;
}

/* A quoted value at s: 'x', "x", or ‘x’ (coreutils in a UTF-8 locale). */
static size_t
quoted(const char *s, size_t n, const char **v, size_t *vlen)
{
	const char *close = NULL;
	size_t ql = 1, cl = 1;

	if (n >= 3 && memcmp(s, "\xe2\x80\x98", 3) == 0) {
		ql = 3;
		close = memmem(s + 3, n - 3, "\xe2\x80\x99", 3);
		cl = 3;
	} else if (n >= 2 && (s[0] == '\'' || s[0] == '"'))
		close = memchr(s + 1, s[0], n - 1);
	if (close == NULL)
		return 0;
	*v = s + ql;
	*vlen = (size_t)(close - s - ql);
	return (size_t)(close - s) + cl;
}

static void
set_err(struct found *f, const char *kind, const char *e, size_t elen,
    const struct errno_info *en)
{
	f->kind = kind;
	f->err = e;
	f->err_len = elen;
	f->en = en;
}

/*
 * Python: "PermissionError: [Errno 13] Permission denied: '/x'" (the
 * last line of a traceback), with " -> '/y'" for two-path calls.
 */
static int
find_python(const char *m, size_t n, struct found *f)
{
	const char *p = memmem(m, n, "[Errno ", 7), *e, *end = m + n, *c;
	size_t q;

	if (p == NULL || p - m < 2 || p[-1] != ' ' || p[-2] != ':')
		return 0;
	for (e = p + 7; e < end && isdigit((unsigned char)*e); e++)
		;
	if (e == p + 7 || end - e < 2 || e[0] != ']' || e[1] != ' ')
		return 0;
	e += 2;
	memset(f, 0, sizeof(*f));
	for (c = e; (c = memmem(c, (size_t)(end - c), ": ", 2)) != NULL; c += 2)
		if (c + 2 < end && (c[2] == '\'' || c[2] == '"'))
			break;
	set_err(f, "python", e, (size_t)((c ? c : end) - e),
	    errno_by_text(e, (size_t)((c ? c : end) - e)));
	if (c && (q = quoted(c + 2, (size_t)(end - c - 2), &f->path, &f->path_len)) != 0) {
		const char *r = c + 2 + q;

		if (end - r > 4 && memcmp(r, " -> ", 4) == 0)
			quoted(r + 4, (size_t)(end - r - 4), &f->path2, &f->path2_len);
	}
	return 1;
}

/* Node: "Error: EACCES: permission denied, mkdir '/x'". */
static int
find_node(const char *m, size_t n, struct found *f)
{
	const char *end = m + n;

	for (const char *p = m; (p = memmem(p, (size_t)(end - p), ": E", 3)) != NULL; p += 3) {
		const char *c = p + 2, *e = c, *comma, *op;
		const struct errno_info *en;
		char name[24];

		while (e < end && (isupper((unsigned char)*e) || isdigit((unsigned char)*e)))
			e++;
		if (e - c < 3 || e - c >= (long)sizeof(name) || end - e < 3 ||
		    e[0] != ':' || e[1] != ' ')
			continue;
		memcpy(name, c, (size_t)(e - c));
		name[e - c] = '\0';
		if ((en = errno_by_name(name)) == NULL)
			continue;
		memset(f, 0, sizeof(*f));
		e += 2;
		comma = memmem(e, (size_t)(end - e), ", ", 2);
		set_err(f, "node", e, (size_t)((comma ? comma : end) - e), en);
		if (comma == NULL)
			return 1;
		for (op = comma + 2; op < end && (isalnum((unsigned char)*op) || *op == '_'); op++)
			;
		f->op = comma + 2;
		f->op_len = (size_t)(op - f->op);
		if (op < end && *op == ' ') {
			size_t q = quoted(op + 1, (size_t)(end - op - 1), &f->path, &f->path_len);
			const char *r = op + 1 + q;

			if (q && end - r > 4 && memcmp(r, " -> ", 4) == 0)
				quoted(r + 4, (size_t)(end - r - 4), &f->path2, &f->path2_len);
		}
		return 1;
	}
	return 0;
}

/* Java exceptions that name a file, and the errno each stands for. */
static const struct {
	const char *cls;
	const char *errno_name;
} java_ex[] = {
	{ "java.nio.file.AccessDeniedException: ", "EACCES" },
	{ "java.nio.file.NoSuchFileException: ", "ENOENT" },
	{ "java.nio.file.FileAlreadyExistsException: ", "EEXIST" },
	{ "java.nio.file.NotDirectoryException: ", "ENOTDIR" },
	{ "java.nio.file.DirectoryNotEmptyException: ", "ENOTEMPTY" },
	{ "java.nio.file.FileSystemLoopException: ", "ELOOP" },
	{ "java.nio.file.FileSystemException: ", NULL },
	{ "java.io.FileNotFoundException: ", NULL },
	{ "java.io.IOException: ", NULL },
};

/*
 * Java: "java.nio.file.AccessDeniedException: /x",
 * "java.nio.file.FileSystemException: /x[ -> /y]: No space left on
 * device", "java.io.FileNotFoundException: /x (Permission denied)",
 * "java.io.IOException: No space left on device".
 */
static int
find_java(const char *m, size_t n, struct found *f)
{
	const char *end = m + n;

	for (size_t k = 0; k < sizeof(java_ex) / sizeof(java_ex[0]); k++) {
		const char *p = memmem(m, n, java_ex[k].cls, strlen(java_ex[k].cls));
		const char *v, *c, *arrow;

		if (p == NULL)
			continue;
		v = p + strlen(java_ex[k].cls);
		memset(f, 0, sizeof(*f));
		f->kind = "java";
		if (k == sizeof(java_ex) / sizeof(java_ex[0]) - 1) {	/* IOException */
			set_err(f, "java", v, (size_t)(end - v), errno_by_text(v, (size_t)(end - v)));
			return 1;
		}
		if (memcmp(java_ex[k].cls, "java.io.FileNot", 15) == 0) {
			const char *o = end - 1 > v ? memchr(v, '(', (size_t)(end - v)) : NULL;

			if (o && o > v && o[-1] == ' ' && end[-1] == ')') {
				f->path = v;
				f->path_len = (size_t)(o - 1 - v);
				set_err(f, "java", o + 1, (size_t)(end - o - 2),
				    errno_by_text(o + 1, (size_t)(end - o - 2)));
			} else {
				f->path = v;
				f->path_len = (size_t)(end - v);
			}
			return 1;
		}
		/* FileSystemException.getMessage(): file[ -> other][: reason] */
		if (v == end)
			return 0;
		c = memmem(v, (size_t)(end - v), ": ", 2);
		arrow = memmem(v, (size_t)((c ? c : end) - v), " -> ", 4);
		f->path = v;
		f->path_len = (size_t)((arrow ? arrow : c ? c : end) - v);
		if (arrow) {
			f->path2 = arrow + 4;
			f->path2_len = (size_t)((c ? c : end) - arrow - 4);
		}
		if (c)
			set_err(f, "java", c + 2, (size_t)(end - c - 2),
			    errno_by_text(c + 2, (size_t)(end - c - 2)));
		if (f->en == NULL && java_ex[k].errno_name) {
			f->en = errno_by_name(java_ex[k].errno_name);
			if (f->err == NULL && f->en) {
				f->err = f->en->text;
				f->err_len = strlen(f->en->text);
			}
		}
		return 1;
	}
	return 0;
}

/* coreutils' "cannot VERB" phrases and the op each is. */
static const struct {
	const char *verb;
	const char *op;
} shell_verbs[] = {
	{ "cannot create directory ", "mkdir" },
	{ "cannot create regular file ", "open" },
	{ "cannot create symbolic link ", "symlink" },
	{ "cannot create hard link ", "link" },
	{ "cannot create ", "open" },
	{ "cannot touch ", "open" },
	{ "cannot open ", "open" },
	{ "cannot stat ", "stat" },
	{ "cannot access ", "stat" },
	{ "cannot remove ", "remove" },
	{ "cannot move ", "rename" },
	{ "cannot change permissions of ", "chmod" },
	{ "cannot change directory to ", "chdir" },
};

/*
 * C programs and shells: "mkdir: cannot create directory '/x': Permission
 * denied" (coreutils), "sh: 1: cannot create /x: Permission denied"
 * (dash), "bash: /x: Permission denied".  The strerror text must end the
 * line.
 */
static int
find_shell(const char *m, size_t n, struct found *f)
{
	const char *end = m + n, *p = m, *c;
	const struct errno_info *en;

	/* PROG: [N: ] */
	while (p < end && *p != ':' && *p != ' ')
		p++;
	if (p == m || end - p < 4 || p[0] != ':' || p[1] != ' ')
		return 0;
	p += 2;
	if (isdigit((unsigned char)*p)) {
		const char *d = p;

		while (d < end && isdigit((unsigned char)*d))
			d++;
		if (end - d > 2 && d[0] == ':' && d[1] == ' ')
			p = d + 2;
	}
	/* The errno text after the last ": " must be the rest of the line. */
	for (c = end - 2; c > p && memcmp(c, ": ", 2) != 0; c--)
		;
	if (c <= p || (en = errno_by_text(c + 2, (size_t)(end - c - 2))) == NULL)
		return 0;
	memset(f, 0, sizeof(*f));
	set_err(f, "shell", c + 2, (size_t)(end - c - 2), en);
	for (size_t k = 0; k < sizeof(shell_verbs) / sizeof(shell_verbs[0]); k++) {
		size_t vl = strlen(shell_verbs[k].verb);
		const char *a;
		size_t q;

		if ((size_t)(c - p) <= vl || memcmp(p, shell_verbs[k].verb, vl) != 0)
			continue;
		f->op = shell_verbs[k].op;
		f->op_len = strlen(f->op);
		a = p + vl;
		q = quoted(a, (size_t)(c - a), &f->path, &f->path_len);
		if (q == 0) {		/* dash: unquoted */
			f->path = a;
			f->path_len = (size_t)(c - a);
		} else if (strcmp(shell_verbs[k].op, "rename") == 0 &&
		    c - (a + q) > 4 && memcmp(a + q, " to ", 4) == 0)
			quoted(a + q + 4, (size_t)(c - a - q - 4), &f->path2, &f->path2_len);
		return 1;
	}
	/* "bash: /x: Permission denied" */
	if (*p == '/' || *p == '.') {
		f->path = p;
		f->path_len = (size_t)(c - p);
		return 1;
	}
	return 0;
}

/* "panic: VALUE" and "fatal error: MSG", with a PathError inside taken too. */
static int
find_crash(const char *m, size_t n, struct found *f)
{
	const char *kind, *v;

	if (n > 7 && memcmp(m, "panic: ", 7) == 0) {
		kind = "panic";
		v = m + 7;
	} else if (n > 8 && memcmp(m, "\tpanic: ", 8) == 0) {
		kind = "panic";
		v = m + 8;
	} else if (n > 13 && memcmp(m, "fatal error: ", 13) == 0) {
		kind = "fatal";
		v = m + 13;
	} else
		return 0;
	if (!find_error(v, (size_t)(m + n - v), f) || f->path == NULL) {
		size_t vl = (size_t)(m + n - v);

		memset(f, 0, sizeof(*f));
		if (vl > 12 && memcmp(m + n - 12, " [recovered]", 12) == 0)
			vl -= 12;
		f->err = v;
		f->err_len = vl;
	}
	f->kind = kind;
	return 1;
}

/* The op a Python traceback's source line was calling, for its last line. */
static void
python_context(struct applog *st, const char *m, size_t n)
{
	if (n == 34 && memcmp(m, "Traceback (most recent call last):", 34) == 0)
		st->py_op = NULL;
	else if (n > 4 && memcmp(m, "    ", 4) == 0 && m[4] != ' ') {
		if (memmem(m, n, "mkdir(", 6) || memmem(m, n, "makedirs(", 9))
			st->py_op = "mkdir";
		else if (memmem(m, n, "open(", 5))
			st->py_op = "open";
		else if (memmem(m, n, "rename(", 7) || memmem(m, n, "replace(", 8))
			st->py_op = "rename";
		else
			st->py_op = NULL;
	}
}

/* The Go error kinds, found by find_error(). */
static int
is_go_kind(const char *kind)
{
	return kind[0] == 'P' || kind[0] == 'L' || kind[0] == 'S';
}

/* Every recognizer, most specific first; 1 if the message is an error. */
static int
classify(struct applog *st, const char *m, size_t n, struct found *f)
{
	if (find_crash(m, n, f))
		return 1;
	if (find_python(m, n, f)) {
		if (st && st->py_op) {
			f->op = st->py_op;
			f->op_len = strlen(st->py_op);
			st->py_op = NULL;	/* the traceback ends here */
		}
		return 1;
	}
	return find_node(m, n, f) || find_java(m, n, f) || find_shell(m, n, f) ||
	    find_error(m, n, f);
}

static int
sniff(const char *buf, size_t len, const char *name)
{
	const char *p = buf, *end = buf + len;
	int errors = 0, timed = 0, lines = 0;

	(void)name;
	while (p < end && lines < 200) {
		const char *nl = memchr(p, '\n', (size_t)(end - p));
		size_t n = nl ? (size_t)(nl - p) : (size_t)(end - p);
		struct found f;
		struct stamp t;

		if (memchr(p, '\0', n))
			return 0;
		lines++;
		if (find_stamp(p, n, &t))
			timed++;
		if (classify(NULL, p + t.prefix, n - t.prefix, &f) &&
		    (f.path || !is_go_kind(f.kind)))
			errors++;
		p += n + 1;
	}
	if (errors)
		return 40;
	if (timed * 2 > lines)
		return 20;
	return 0;
}

static void *
open_(const struct parse_ctx *ctx)
{
	struct applog *st = xcalloc(1, sizeof(*st));

	st->ctx = ctx;
	return st;
}

static int
line(void *vst, const char *s, size_t n, long lineno, const char **why)
{
	struct applog *st = vst;
	struct val v[AE__COUNT];
	struct found f;
	struct stamp t;
	int stamped = find_stamp(s, n, &t), mixed = 0, found;
	const char *msg = s + t.prefix;
	size_t mlen = n - t.prefix;

	/*
	 * As the main format, the dump, schedtrace and gctrace lines of a Go
	 * program's stderr go to their parsers first; of those, only a
	 * panic or fatal error line is also the program's error.
	 */
	if (!st->ctx->secondary && st->ctx->offer)
		mixed = st->ctx->offer(st->ctx->drv, s, n, lineno);
	python_context(st, msg, mlen);
	found = mixed ? find_crash(msg, mlen, &f) : classify(st, msg, mlen, &f);
	if (!found || (st->ctx->secondary && is_go_kind(f.kind) && f.path == NULL &&
	    !stamped)) {
		*why = "not an application error line";
		/*
		 * As the file's own format every line is the log's; inside
		 * another stream, only lines with a log time stamp are.
		 */
		return !st->ctx->secondary || stamped;
	}
	memset(v, 0, sizeof(v));
	v[AE_LINE] = val_int(lineno);
	if (stamped) {
		v[AE_TS] = val_real(t.ts);
		v[AE_TS_TEXT] = val_text(t.text, t.tlen);
	}
	v[AE_KIND] = val_str(f.kind);
	v[AE_OP] = val_text(f.op, f.op_len);
	v[AE_PATH] = val_text(f.path, f.path_len);
	v[AE_PATH2] = val_text(f.path2, f.path2_len);
	v[AE_ERRNO] = val_str(f.en ? f.en->name : NULL);
	v[AE_ERR_TEXT] = val_text(f.err, f.err_len);
	v[AE_MESSAGE] = val_text(msg, mlen);
	v[AE_RAW] = val_text(s, n);
	st->ctx->sink->row(st->ctx->sink->ctx, &tables[T_APP_ERRORS], v);
	return 1;
}

static void
finish(void *st)
{
	free(st);
}

const struct parser parser_app_log = {
	.type = "app-log",
	.sniff = sniff,
	.open = open_,
	.line = line,
	.finish = finish,
	.flags = PARSER_MIXABLE,
};
