/*
 * inotify limits as people save them (type "inotify-limits", FORMATS.md
 * section 7) into inotify_limits, one row per value:
 *
 *   fs.inotify.max_user_watches = 8192                 sysctl  (form sysctl)
 *   /proc/sys/fs/inotify/max_user_watches:8192         grep -H (form grep)
 *   8192                                               cat, sysctl -n (form bare)
 *
 * The key is the last dotted or slashed component of the name:
 * max_user_watches, max_user_instances, max_queued_events, and from
 * `sysctl user` (the user namespace's own limits, which apply as well)
 * max_inotify_watches and max_inotify_instances.
 *
 * A bare number names no key, so it needs a hint: the shell command
 * saved before it (`$ cat /proc/sys/fs/inotify/max_user_watches`,
 * `$ sysctl -n fs.inotify.max_user_instances`), else the artifact's file
 * name (`max_user_watches`, `fs.inotify.max_user_watches.txt`), the only
 * case where CONTRACT.md lets a file name decide.  Prompt lines (`$ ...`,
 * `# ...`) are claimed without a row; other sysctl keys are refused.
 */
#include "parser.h"
#include "xmalloc.h"

#include <stdint.h>
#include <stdlib.h>
#include <string.h>

enum il_col { IL_LINE, IL_KEY, IL_VALUE, IL_FORM, IL_RAW, IL__COUNT };
static const char *const il_cols[IL__COUNT] = {
	"line", "key", "value", "form", "raw",
};
static const struct rec_table il_table = {
	.id = -1, .name = "inotify_limits", .ncols = IL__COUNT, .cols = il_cols,
};
static const struct rec_table *const il_tables[] = { &il_table, NULL };

static const char *const keys[] = {
	"max_user_watches", "max_user_instances", "max_queued_events",
	"max_inotify_watches", "max_inotify_instances",
};
#define NKEYS (sizeof(keys) / sizeof(keys[0]))

struct st {
	const struct parse_ctx *ctx;
	int name_key;		/* key named by the file name, or -1 */
	int prompt_key;		/* key named by the last prompt line, or -1 */
};

/* The known key that s[0..n) contains, or -1. */
static int
key_in(const char *s, size_t n)
{
	for (size_t k = 0; k < NKEYS; k++) {
		size_t kl = strlen(keys[k]);

		for (size_t i = 0; i + kl <= n; i++)
			if (memcmp(s + i, keys[k], kl) == 0)
				return (int)k;
	}
	return -1;
}

/* The known key that the name s[0..n) ends with, after . or / or nothing. */
static int
key_at_end(const char *s, size_t n)
{
	for (size_t k = 0; k < NKEYS; k++) {
		size_t kl = strlen(keys[k]);

		if (n >= kl && memcmp(s + n - kl, keys[k], kl) == 0 &&
		    (n == kl || s[n - kl - 1] == '.' || s[n - kl - 1] == '/'))
			return (int)k;
	}
	return -1;
}

/* A whole unsigned decimal; 0 when it is not one. */
static int
number(const char *s, size_t n, int64_t *out)
{
	int64_t v = 0;

	if (n == 0 || n > 18)
		return 0;
	for (size_t i = 0; i < n; i++) {
		if (s[i] < '0' || s[i] > '9')
			return 0;
		v = v * 10 + (s[i] - '0');
	}
	*out = v;
	return 1;
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
 * "NAME = VALUE" or "NAME:VALUE": the key index, the value, the form.
 * Returns 1 on a known key with a number, 2 on another sysctl-like
 * name with a number (not ours), 0 when the line is not of that shape.
 */
static int
keyed(const char *s, size_t n, int *key, int64_t *val, const char **form)
{
	const char *eq = memchr(s, '=', n), *colon = memchr(s, ':', n);
	const char *sep = eq ? eq : colon, *name = s, *v;
	size_t nn, vn;

	if (sep == NULL)
		return 0;
	nn = (size_t)(sep - s);
	v = sep + 1;
	vn = (size_t)(s + n - v);
	trim(&name, &nn);
	trim(&v, &vn);
	if (nn == 0 || memchr(name, ' ', nn) || !number(v, vn, val))
		return 0;
	*form = eq ? "sysctl" : "grep";
	*key = key_at_end(name, nn);
	return *key >= 0 ? 1 : 2;
}

/* The file name's key, ignoring a directory and extensions. */
static int
name_key(const char *name)
{
	const char *base = name ? strrchr(name, '/') : NULL;

	if (name == NULL)
		return -1;
	base = base ? base + 1 : name;
	return key_in(base, strlen(base));
}

static int
sniff(const char *buf, size_t len, const char *name)
{
	const char *p = buf, *end = buf + len;
	int lines = 0, ours = 0, bare = 0, other = 0, named = 0;

	while (p < end && lines < 50) {
		const char *nl = memchr(p, '\n', (size_t)(end - p));
		size_t n = (size_t)((nl ? nl : end) - p);
		const char *form;
		int64_t v;
		int k, r;

		if (n && p[n - 1] == '\r')
			n--;
		if (n) {
			const char *t = p;
			size_t tn = n;

			trim(&t, &tn);
			lines++;
			r = memchr(p, '\0', n) ? 0 : keyed(p, n, &k, &v, &form);
			if (r == 1)
				ours++;
			else if (number(t, tn, &v))
				bare++;
			else if (p[0] == '$' || p[0] == '#')
				named += key_in(p, n) >= 0;
			else if (r == 0)
				other++;
		}
		p = nl ? nl + 1 : end;
	}
	/* Mostly limit lines (a cut or garbled line or two may follow). */
	if ((ours || (bare && named)) && ours + named > other)
		return 85;
	if (bare == 1 && lines == 1 && name_key(name) >= 0)
		return 70;
	return 0;
}

static void *
open_(const struct parse_ctx *ctx)
{
	struct st *st = xcalloc(1, sizeof(*st));

	st->ctx = ctx;
	st->name_key = name_key(ctx->name);
	st->prompt_key = -1;
	return st;
}

static void
emit(struct st *st, long lineno, int key, int64_t v, const char *form,
    const char *s, size_t n)
{
	struct val r[IL__COUNT];

	memset(r, 0, sizeof(r));
	r[IL_LINE] = val_int(lineno);
	r[IL_KEY] = val_str(keys[key]);
	r[IL_VALUE] = val_int(v);
	r[IL_FORM] = val_str(form);
	r[IL_RAW] = val_text(s, n);
	st->ctx->sink->row(st->ctx->sink->ctx, &il_table, r);
}

static int
line(void *vst, const char *s, size_t n, long lineno, const char **why)
{
	struct st *st = vst;
	const char *form;
	int64_t v;
	int key, r;

	if (s[0] == '$' || s[0] == '#') {
		/* A saved prompt: it may name the key of a bare value below. */
		st->prompt_key = key_in(s, n);
		return 1;
	}
	r = keyed(s, n, &key, &v, &form);
	if (r == 1) {
		emit(st, lineno, key, v, form, s, n);
		return 1;
	}
	if (r == 2) {
		*why = "sysctl value that is not an inotify limit";
		return 0;
	}
	{
		const char *t = s;
		size_t tn = n;

		trim(&t, &tn);
		if (number(t, tn, &v)) {
			key = st->prompt_key >= 0 ? st->prompt_key : st->name_key;
			st->prompt_key = -1;
			if (key < 0) {
				*why = "bare number with no limit named by a command "
				    "before it or by the file name";
				return 0;
			}
			emit(st, lineno, key, v, "bare", s, n);
			return 1;
		}
	}
	*why = "not an inotify limit line";
	return 0;
}

static void
finish(void *st)
{
	free(st);
}

const struct parser parser_inotify_limits = {
	.type = "inotify-limits",
	.sniff = sniff,
	.open = open_,
	.line = line,
	.finish = finish,
	.tables = il_tables,
};
