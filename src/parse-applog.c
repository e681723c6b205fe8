/*
 * The application's own log or stderr (type "app-log").  What matters in
 * it for a post-mortem is the error the program reported: Go's
 * *PathError ("mkdir /x/y: permission denied"), *LinkError ("rename /a
 * /b: file exists") and *SyscallError ("inotify_add_watch: no space left
 * on device"), with the log's timestamp.  Those become app_errors rows;
 * other lines are claimed silently when this is the file's main format,
 * and refused when the parser only looks at lines inside another format
 * (a Go program's stderr interleaved with strace -f output).
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
 * Log prefix "2026/11/28 10:00:00[.ffffff] " (Go log.LstdFlags) or an
 * RFC 3339 time; returns its length and seconds since midnight.
 */
static size_t
log_time(const char *s, size_t n, double *ts)
{
	int Y, M, D, h, m, sec;
	char sep;
	size_t i;

	if (n < 19 || !isdigit((unsigned char)s[0]))
		return 0;
	if (sscanf(s, "%4d%c%2d%*c%2d%*c%2d:%2d:%2d", &Y, &sep, &M, &D, &h, &m,
	    &sec) != 7 || (sep != '/' && sep != '-'))
		return 0;
	if (!(s[10] == ' ' || s[10] == 'T') || s[13] != ':' || s[16] != ':')
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
	/* Zone: Z, +hh:mm */
	if (i < n && s[i] == 'Z')
		i++;
	else if (i + 5 < n && (s[i] == '+' || s[i] == '-') &&
	    isdigit((unsigned char)s[i + 1]))
		i += 6;
	while (i < n && s[i] == ' ')
		i++;
	return i;
}

static int
word_before(const char *msg, const char *at, const char *w)
{
	size_t n = strlen(w);

	if ((size_t)(at - msg) < n)
		return 0;
	if (strncmp(at - n, w, n) != 0)
		return 0;
	/* Start of message, or after a space, quote, colon or bracket. */
	return at - n == msg || strchr(" \t\"'`:([{=", at[-n - 1]) != NULL;
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
				if (strncmp(e, fs_texts[k], strlen(fs_texts[k])) == 0) {
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
		double ts;

		if (memchr(p, '\0', n))
			return 0;
		lines++;
		if (log_time(p, n, &ts))
			timed++;
		if (find_error(p, n, &f) && f.path)
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
	double ts = 0;
	size_t pre = log_time(s, n, &ts);
	const char *msg = s + pre;
	size_t mlen = n - pre;

	if (!find_error(msg, mlen, &f) ||
	    (st->ctx->secondary && f.path == NULL && pre == 0)) {
		*why = "not an application error line";
		/*
		 * As the file's own format every line is the log's; inside
		 * another stream, only lines with a log time stamp are.
		 */
		return !st->ctx->secondary || pre > 0;
	}
	memset(v, 0, sizeof(v));
	v[AE_LINE] = val_int(lineno);
	if (pre) {
		size_t tl = pre;

		while (tl > 0 && s[tl - 1] == ' ')
			tl--;
		v[AE_TS] = val_real(ts);
		v[AE_TS_TEXT] = val_text(s, tl);
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
