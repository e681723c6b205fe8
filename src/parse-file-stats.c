/*
 * Modes and owners of files, into file_stats:
 *
 * type "stat": GNU stat's default output, one block per file; the row is
 * emitted at the block's `Access: (0755/drwxr-xr-x)  Uid: (...)` line,
 * which carries the mode, owner and group:
 *     File: /tmp/x            (older: 'x' or ‘x’, symlinks a -> b)
 *     Size: 4096   Blocks: 8   IO Block: 4096   directory
 *   Device: fe00h/65024d  Inode: 2  Links: 21     (9.x: Device: 254,0)
 *   Access: (0755/drwxr-xr-x)  Uid: (    0/    root)   Gid: (    0/    root)
 *   Access: 2026-11-28 ...  Modify: ...  Change: ...   Birth: ...
 *
 * type "ls": `ls -l`, `ls -ld`, `ls -la` (and -n, -h, -i, -s, --full-time,
 * --time-style=long-iso/iso): "total N" lines, "DIR:" headers (the
 * entries below are DIR/name), and entries
 *   drwxr-xr-x 2 root root 4096 Nov 28 00:15 name
 *   lrwx------ 1 root root   64 Nov 28 00:15 3 -> anon_inode:inotify
 *   crw-rw-rw- 1 root root 1, 3 Nov 28 00:03 null
 * The mode may carry an ACL '+', SELinux '.' or xattr '@' mark.  The
 * name is the rest of the line after the date (names may hold spaces);
 * for a symlink " -> " separates the target.  Error lines of ls and stat
 * ("ls: cannot access ...") carry nothing to store and are claimed.
 */
#include "lex.h"
#include "parser.h"
#include "xmalloc.h"

#include <stdint.h>
#include <stdlib.h>
#include <string.h>

enum fs_col {
	FS_LINE, FS_PATH, FS_TYPE, FS_MODE, FS_MODE_TEXT, FS_LINKS, FS_OWNER,
	FS_GRP, FS_UID, FS_GID, FS_SIZE, FS_TARGET, FS_FORM, FS_RAW, FS__COUNT
};
static const char *const fs_cols[] = {
	"line", "path", "type", "mode", "mode_text", "links", "owner", "grp",
	"uid", "gid", "size", "target", "form", "raw",
};
static const struct rec_table fs_table = {
	.id = -1, .name = "file_stats", .ncols = FS__COUNT, .cols = fs_cols,
};
static const struct rec_table *const fs_tables[] = { &fs_table, NULL };

struct st {
	const struct parse_ctx *ctx;
	/* stat: the block being read */
	int in_block;
	long file_line;
	struct buf path, target;
	int64_t size, links;
	int have_size, have_links;
	/* ls: the current "DIR:" header */
	struct buf dir, full;
};





/* Next blank-separated token at or after *i; 0 at the end. */
static int
next_tok(const char *s, size_t n, size_t *i, struct tok *t)
{
	while (*i < n && (s[*i] == ' ' || s[*i] == '\t'))
		(*i)++;
	if (*i == n)
		return 0;
	t->s = s + *i;
	while (*i < n && s[*i] != ' ' && s[*i] != '\t')
		(*i)++;
	t->n = (size_t)(s + *i - t->s);
	return 1;
}

static const char *
type_of(char c)
{
	switch (c) {
	case 'd': return "dir";
	case '-': return "file";
	case 'l': return "symlink";
	case 'p': return "fifo";
	case 's': return "socket";
	case 'c': return "char";
	case 'b': return "block";
	default: return NULL;
	}
}

/*
 * "drwxr-xr-x" (10 characters, optionally followed by one of . + @):
 * the permission bits with setuid/setgid/sticky, or -1.
 */
static int
mode_bits(const char *s, size_t n)
{
	static const char rwx[] = "rwxrwxrwx";
	int m = 0;

	if (n < 10 || n > 11 || (n == 11 && strchr(".+@", s[10]) == NULL) ||
	    (type_of(s[0]) == NULL && s[0] != 'D' && s[0] != '?'))
		return -1;
	for (int i = 0; i < 9; i++) {
		char c = s[1 + i];
		int bit = 1 << (8 - i);

		if (c == rwx[i])
			m |= bit;
		else if ((i == 2 || i == 5) && (c == 's' || c == 'S'))
			m |= (c == 's' ? bit : 0) | (i == 2 ? 04000 : 02000);
		else if (i == 8 && (c == 't' || c == 'T'))
			m |= (c == 't' ? bit : 0) | 01000;
		else if (c != '-')
			return -1;
	}
	return m;
}

/* Strips one pair of quotes ('x', "x" or ‘x’) around a name. */
static void
unquote(const char **s, size_t *n)
{
	if (*n >= 2 && ((**s == '\'' && (*s)[*n - 1] == '\'') ||
	    (**s == '"' && (*s)[*n - 1] == '"'))) {
		(*s)++;
		*n -= 2;
	} else if (*n >= 6 && memcmp(*s, "\xe2\x80\x98", 3) == 0 &&
	    memcmp(*s + *n - 3, "\xe2\x80\x99", 3) == 0) {
		*s += 3;
		*n -= 6;
	}
}

/* Splits "a -> b" at the arrow; the target is NULL when there is none. */
static void
split_arrow(const char *s, size_t n, const char **name, size_t *nn,
    const char **tgt, size_t *tn)
{
	size_t from = 0;

	*name = s;
	*nn = n;
	*tgt = NULL;
	*tn = 0;
	/* A quoted name ('a -> b') may hold the arrow itself. */
	if (n > 1 && (s[0] == '\'' || s[0] == '"')) {
		const char *q = memchr(s + 1, s[0], n - 1);

		if (q)
			from = (size_t)(q - s);
	}
	for (size_t i = from; i + 4 <= n; i++)
		if (memcmp(s + i, " -> ", 4) == 0) {
			*nn = i;
			*tgt = s + i + 4;
			*tn = n - i - 4;
			break;
		}
	unquote(name, nn);
	if (*tgt)
		unquote(tgt, tn);
}

/* ---- stat ---- */

static void
stat_reset(struct st *st)
{
	st->in_block = 0;
	st->have_size = st->have_links = 0;
	buf_reset(&st->path);
	buf_reset(&st->target);
}

static void
stat_cut(struct st *st)
{
	if (st->in_block)
		st->ctx->sink->problem(st->ctx->sink->ctx, st->file_line,
		    "stat block without its Access: (mode) line",
		    st->path.s, st->path.len);
	stat_reset(st);
}

/* "Uid: (    0/    root)": the number and the name. */
static int
id_pair(const char *s, size_t n, const char *key, int64_t *id,
    const char **name, size_t *nn)
{
	size_t k = strlen(key), i, j;

	for (i = 0; i + k <= n; i++)
		if (memcmp(s + i, key, k) == 0)
			break;
	if (i + k > n)
		return 0;
	i += k;
	while (i < n && s[i] == ' ')
		i++;
	j = i;
	while (j < n && s[j] >= '0' && s[j] <= '9')
		j++;
	if (!lex_digits(s + i, j - i) || j >= n || s[j] != '/')
		return 0;
	*id = lex_to_int(s + i, j - i);
	for (i = ++j; i < n && s[i] == ' '; i++)
		;
	for (j = i; j < n && s[j] != ')'; j++)
		;
	if (j == n)
		return 0;
	*name = s + i;
	*nn = j - i;
	return 1;
}

/* The Access: (0755/drwxr-xr-x) line: the row of the block. */
static int
stat_access(struct st *st, const char *s, size_t n, long lineno,
    const char **why)
{
	struct val v[FS__COUNT];
	const char *slash = memchr(s, '/', n), *close, *on, *gn;
	size_t onl, gnl;
	int64_t uid, gid;
	int m;

	close = slash ? memchr(slash, ')', (size_t)(s + n - slash)) : NULL;
	if (close == NULL || (m = mode_bits(slash + 1, (size_t)(close - slash - 1))) < 0 ||
	    !id_pair(s, n, "Uid: (", &uid, &on, &onl) ||
	    !id_pair(s, n, "Gid: (", &gid, &gn, &gnl)) {
		*why = "stat Access: line without (MODE/TEXT) Uid: (N/name) Gid: (N/name)";
		return 0;
	}
	if (!st->in_block) {
		*why = "stat Access: (mode) line without its File: line";
		return 0;
	}
	memset(v, 0, sizeof(v));
	v[FS_LINE] = val_int(lineno);
	v[FS_PATH] = val_text(buf_str(&st->path), st->path.len);
	v[FS_TYPE] = val_str(type_of(slash[1]));
	v[FS_MODE] = val_int(m);
	v[FS_MODE_TEXT] = val_text(slash + 1, (size_t)(close - slash - 1));
	if (st->have_links)
		v[FS_LINKS] = val_int(st->links);
	v[FS_OWNER] = val_text(on, onl);
	v[FS_GRP] = val_text(gn, gnl);
	v[FS_UID] = val_int(uid);
	v[FS_GID] = val_int(gid);
	if (st->have_size)
		v[FS_SIZE] = val_int(st->size);
	if (st->target.len)
		v[FS_TARGET] = val_text(st->target.s, st->target.len);
	v[FS_FORM] = val_str("stat");
	v[FS_RAW] = val_text(s, n);
	st->ctx->sink->row(st->ctx->sink->ctx, &fs_table, v);
	stat_reset(st);
	return 1;
}

/* The number after "key" on a stat line ("Size: 4096", "Links: 2"). */
static int
stat_num(const char *s, size_t n, const char *key, int64_t *out)
{
	size_t k = strlen(key);

	for (size_t i = 0; i + k <= n; i++)
		if (memcmp(s + i, key, k) == 0) {
			size_t j = i + k, e;

			while (j < n && s[j] == ' ')
				j++;
			for (e = j; e < n && s[e] >= '0' && s[e] <= '9'; e++)
				;
			if (!lex_digits(s + j, e - j))
				return 0;
			*out = lex_to_int(s + j, e - j);
			return 1;
		}
	return 0;
}

static int
line_stat(void *vst, const char *s, size_t n, long lineno, const char **why)
{
	struct st *st = vst;
	size_t i = 0;

	while (i < n && s[i] == ' ')
		i++;
	if (lex_starts(s + i, n - i, "File: ")) {
		const char *name, *tgt;
		size_t nn, tn;

		stat_cut(st);
		split_arrow(s + i + 6, n - i - 6, &name, &nn, &tgt, &tn);
		if (nn == 0) {
			*why = "stat File: line without a name";
			return 0;
		}
		buf_add(&st->path, name, nn);
		if (tgt)
			buf_add(&st->target, tgt, tn);
		st->in_block = 1;
		st->file_line = lineno;
		return 1;
	}
	if (lex_starts(s + i, n - i, "Size: ")) {
		st->have_size = stat_num(s, n, "Size:", &st->size);
		return 1;
	}
	if (lex_starts(s + i, n - i, "Device: ") || lex_starts(s + i, n - i, "Device type: ")) {
		st->have_links = stat_num(s, n, "Links:", &st->links);
		return 1;
	}
	if (lex_starts(s + i, n - i, "Access: ("))
		return stat_access(st, s, n, lineno, why);
	if (lex_starts(s + i, n - i, "Access: ") || lex_starts(s + i, n - i, "Modify: ") ||
	    lex_starts(s + i, n - i, "Change: ") || lex_starts(s + i, n - i, "Birth: ") ||
	    lex_starts(s, n, "stat: "))
		return 1;
	*why = "not a line of stat's default output";
	return 0;
}

/* ---- ls ---- */

/*
 * An ls -l entry; with st NULL only checks.  Leading inode/block
 * numbers (-i, -s) are skipped.  0 with *why when the line is not one.
 */
static int
ls_entry(struct st *st, const char *s, size_t n, long lineno, const char **why)
{
	struct tok mode, links, owner, grp, size, t;
	struct val v[FS__COUNT];
	size_t i = 0, save;
	int m, dev = 0;
	int64_t sz = 0;
	const char *name, *tgt;
	size_t nn, tn;

	*why = "not an ls -l line (MODE LINKS OWNER GROUP SIZE DATE NAME)";
	for (int k = 0; k < 3; k++) {
		if (!next_tok(s, n, &i, &mode))
			return 0;
		if (!lex_digits(mode.s, mode.n))
			break;
	}
	if ((m = mode_bits(mode.s, mode.n)) < 0)
		return 0;
	if (!next_tok(s, n, &i, &links) || !lex_digits(links.s, links.n) ||
	    !next_tok(s, n, &i, &owner) || !next_tok(s, n, &i, &grp) ||
	    !next_tok(s, n, &i, &size)) {
		*why = "ls -l line cut before its size";
		return 0;
	}
	if (size.n > 1 && size.s[size.n - 1] == ',' && lex_digits(size.s, size.n - 1)) {
		/* A device: "1, 3" instead of a size. */
		if (!next_tok(s, n, &i, &t) || !lex_digits(t.s, t.n))
			return 0;
		dev = 1;
	} else if (lex_digits(size.s, size.n))
		sz = lex_to_int(size.s, size.n);
	else {
		/* -h: 4.0K, 12M */
		size_t d = 0;
		double x = 0, sc = 1;
		int frac = 0;

		for (; d < size.n && ((size.s[d] >= '0' && size.s[d] <= '9') ||
		    (size.s[d] == '.' && !frac) || size.s[d] == ','); d++) {
			if (size.s[d] == '.' || size.s[d] == ',')
				frac = 1;
			else if (frac)
				x += (size.s[d] - '0') * (sc /= 10);
			else
				x = x * 10 + (size.s[d] - '0');
		}
		if (d == 0 || d + 1 != size.n || strchr("KMGTPE", size.s[d]) == NULL ||
		    size.s[d] == '\0')
			return 0;
		for (const char *p = "KMGTPE"; *p; p++) {
			x *= 1024;
			if (*p == size.s[d])
				break;
		}
		/* 9E and up do not fit a signed 64-bit count: not a size. */
		if (!(x + 0.5 < 9.2e18))
			return 0;
		sz = (int64_t)(x + 0.5);
	}
	/* The date: "Nov 28 00:15", "Nov 28  2022", "2026-11-28 00:15[:ss.n +zone]". */
	if (!next_tok(s, n, &i, &t)) {
		*why = "ls -l line cut before its date";
		return 0;
	}
	if (t.n >= 5 && t.s[0] >= '0' && t.s[0] <= '9' && memchr(t.s, '-', t.n)) {
		save = i;
		if (next_tok(s, n, &i, &t) && t.n >= 5 && t.s[2] == ':') {
			save = i;
			if (next_tok(s, n, &i, &t) && t.n == 5 &&
			    (t.s[0] == '+' || t.s[0] == '-') && lex_digits(t.s + 1, 4))
				save = i;
		}
		i = save;
	} else {
		if (!next_tok(s, n, &i, &t) || !lex_digits(t.s, t.n) ||
		    !next_tok(s, n, &i, &t)) {
			*why = "ls -l line cut in its date";
			return 0;
		}
	}
	if (i + 1 >= n || s[i] != ' ') {
		*why = "ls -l line without a name";
		return 0;
	}
	i++;
	split_arrow(s + i, n - i, &name, &nn, &tgt, &tn);
	if (mode.s[0] != 'l' && tgt) {
		/* Only symlinks have targets: the arrow is part of the name. */
		name = s + i;
		nn = n - i;
		tgt = NULL;
		tn = 0;
		unquote(&name, &nn);
	}
	if (st == NULL)
		return 1;
	memset(v, 0, sizeof(v));
	v[FS_LINE] = val_int(lineno);
	if (st->dir.len && !(nn > 0 && name[0] == '/')) {
		buf_reset(&st->full);
		buf_add(&st->full, st->dir.s, st->dir.len);
		if (st->dir.s[st->dir.len - 1] != '/')
			buf_addc(&st->full, '/');
		buf_add(&st->full, name, nn);
		v[FS_PATH] = val_text(st->full.s, st->full.len);
	} else
		v[FS_PATH] = val_text(name, nn);
	v[FS_TYPE] = val_str(type_of(mode.s[0]));
	v[FS_MODE] = val_int(m);
	v[FS_MODE_TEXT] = val_text(mode.s, mode.n);
	v[FS_LINKS] = val_int(lex_to_int(links.s, links.n));
	v[FS_OWNER] = val_text(owner.s, owner.n);
	v[FS_GRP] = val_text(grp.s, grp.n);
	if (!dev)
		v[FS_SIZE] = val_int(sz);
	if (tgt)
		v[FS_TARGET] = val_text(tgt, tn);
	v[FS_FORM] = val_str("ls");
	v[FS_RAW] = val_text(s, n);
	st->ctx->sink->row(st->ctx->sink->ctx, &fs_table, v);
	return 1;
}

static int
is_total(const char *s, size_t n)
{
	size_t i = 6;

	if (!lex_starts(s, n, "total "))
		return 0;
	while (i < n && ((s[i] >= '0' && s[i] <= '9') || s[i] == '.' ||
	    s[i] == ',' || strchr("KMGTPE", s[i])) && s[i] != '\0')
		i++;
	return i == n && n > 6;
}

/* "DIR:" heading a directory's listing (not an entry, not a total). */
static int
is_dir_header(const char *s, size_t n)
{
	return n >= 2 && s[n - 1] == ':' && s[0] != ' ' && !lex_starts(s, n, "ls: ");
}

static int
line_ls(void *vst, const char *s, size_t n, long lineno, const char **why)
{
	struct st *st = vst;

	if (is_total(s, n) || lex_starts(s, n, "ls: "))
		return 1;
	if (ls_entry(st, s, n, lineno, why))
		return 1;
	if (is_dir_header(s, n)) {
		const char *d = s;
		size_t dn = n - 1;

		unquote(&d, &dn);
		buf_reset(&st->dir);
		buf_add(&st->dir, d, dn);
		return 1;
	}
	return 0;
}

/*
 * The first two non-empty lines of buf, skipping the tool's own error
 * lines (skip, e.g. "ls: ", which come first when stderr was captured).
 */
static int
two_lines(const char *buf, size_t len, struct tok *a, struct tok *b,
    const char *skip)
{
	const char *p = buf, *end = buf + len;
	int k = 0;

	while (p < end && k < 2) {
		const char *nl = memchr(p, '\n', (size_t)(end - p));
		size_t n = (size_t)((nl ? nl : end) - p);

		if (n && p[n - 1] == '\r')
			n--;
		if (n && !lex_starts(p, n, skip)) {
			struct tok *t = k == 0 ? a : b;

			t->s = p;
			t->n = n;
			k++;
		}
		p = nl ? nl + 1 : end;
	}
	return k;
}

static int
sniff_stat(const char *buf, size_t len, const char *name)
{
	struct tok a, b;
	size_t i = 0;

	(void)name;
	if (two_lines(buf, len, &a, &b, "stat: ") < 1)
		return 0;
	while (i < a.n && a.s[i] == ' ')
		i++;
	return lex_starts(a.s + i, a.n - i, "File: ") ? 90 : 0;
}

static int
sniff_ls(const char *buf, size_t len, const char *name)
{
	struct tok a, b;
	const char *why;
	int k = two_lines(buf, len, &a, &b, "ls: ");

	(void)name;
	if (k < 1)
		return 0;
	if (ls_entry(NULL, a.s, a.n, 0, &why))
		return 80;
	if (k < 2)
		return 0;
	if ((is_total(a.s, a.n) || is_dir_header(a.s, a.n)) &&
	    (is_total(b.s, b.n) || ls_entry(NULL, b.s, b.n, 0, &why)))
		return 80;
	return 0;
}

static void *
open_(const struct parse_ctx *ctx)
{
	struct st *st = xcalloc(1, sizeof(*st));

	st->ctx = ctx;
	return st;
}

static void
finish(void *vst)
{
	struct st *st = vst;

	stat_cut(st);
	buf_free(&st->path);
	buf_free(&st->target);
	buf_free(&st->dir);
	buf_free(&st->full);
	free(st);
}

const struct parser parser_stat = {
	.type = "stat",
	.sniff = sniff_stat,
	.open = open_,
	.line = line_stat,
	.finish = finish,
	.tables = fs_tables,
};

const struct parser parser_ls = {
	.type = "ls",
	.sniff = sniff_ls,
	.open = open_,
	.line = line_ls,
	.finish = finish,
	.tables = fs_tables,
};
