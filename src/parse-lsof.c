/*
 * lsof listings (type "lsof", FORMATS.md section 6) into lsof_files, one
 * row per open file.  Two shapes:
 *
 * The default column listing, with or without TID/TASKCMD (-K, or a
 * system-wide run):
 *
 *   COMMAND  PID USER   FD      TYPE DEVICE SIZE/OFF     NODE NAME
 *   app     7340 root    3r  a_inode   0,16        0     1038 inotify
 *
 * Cells may be blank, so the header gives the columns: lsof sizes every
 * column to its widest cell before printing the header, so a cell either
 * ends where its label ends (right-aligned: PID, DEVICE, SIZE/OFF, NODE,
 * and in 4.95 FD and TYPE) or starts where its label starts (COMMAND,
 * USER, TASKCMD).  Each blank-separated cell left of NAME is given to the
 * column it lines up with, else to the label it overlaps.  NAME is the
 * rest of the line from the NAME label on: it may hold spaces and
 * suffixes ("(deleted)", "(LISTEN)").
 *
 * Field output (-F), one field per line ("p7340", "f3", "ar" ...), or
 * several NUL-terminated fields per line with -F0.  A p field starts a
 * process, K a task of it, f a file, whose row is emitted at the next f,
 * K or p, or at the end.  Devices are hex there (0xfe00) and become
 * "major,minor" as in the column listing.  -F0 lines contain NUL bytes;
 * today the driver skips such lines (see the report of this work), but
 * line() splits on NUL so that it needs no change when they come.
 *
 * kind classifies each file for the rules: inotify, eventpoll, eventfd,
 * timerfd, signalfd (anon inodes by name), pipe (FIFO), socket, file
 * (REG), dir, device (CHR/BLK), memory (mem/txt/DEL/mmap rows: mappings,
 * not descriptors), other.
 */
#include "parser.h"
#include "xmalloc.h"

#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

enum lsof_col {
	LF_LINE, LF_PID, LF_TID, LF_COMMAND, LF_USER, LF_FD, LF_FD_NUM,
	LF_ACCESS, LF_LOCK, LF_TYPE, LF_DEVICE, LF_SIZE_OFF, LF_NODE, LF_NAME,
	LF_KIND, LF_RAW, LF__COUNT
};
static const char *const lsof_cols[LF__COUNT] = {
	"line", "pid", "tid", "command", "user", "fd", "fd_num", "access",
	"lock", "type", "device", "size_off", "node", "name", "kind", "raw",
};
static const struct rec_table lsof_table = {
	.id = -1, .name = "lsof_files", .ncols = LF__COUNT, .cols = lsof_cols,
};
static const struct rec_table *const lsof_tables[] = { &lsof_table, NULL };

/* Header columns of the default listing, NAME excluded. */
enum hcol { H_COMMAND, H_PID, H_TID, H_TASKCMD, H_USER, H_FD, H_TYPE,
	H_DEVICE, H_SIZE, H_NODE, H__COUNT };
static const char *const hlabels[H__COUNT] = {
	"COMMAND", "PID", "TID", "TASKCMD", "USER", "FD", "TYPE", "DEVICE",
	"SIZE/OFF", "NODE",
};
#define MAXH 12

/* A copied field value of the -F form (a path fits; longer is cut). */
struct fval {
	char s[4100];
	size_t n;
	int set;
};

struct st {
	const struct parse_ctx *ctx;
	/* column listing */
	int have_header;
	int nh;
	enum hcol hk[MAXH];
	size_t hs[MAXH], he[MAXH];	/* label span in the header */
	size_t name_at;			/* where NAME starts */
	/* field listing: process, task and file held until complete */
	int fmode;
	struct fval pid, cmd, uid, login, tid;
	struct fval fd, acc, lck, type, dev, devc, size, off, node, proto, name;
	int in_file;
	long file_line;
	struct buf raw;			/* the file set's fields */
};

/* Field letters lsof -F may print (lsof(8) OUTPUT FOR OTHER PROGRAMS). */
static const char fletters[] = "acCdDfFgGiklKLmnNopPrRsStTuZ0";

static int is_digit(char c) { return c >= '0' && c <= '9'; }

/* Parses a whole decimal token; 0 when it is not one. */
static int
dec(const char *s, size_t n, int64_t *out)
{
	int64_t v = 0;

	if (n == 0 || n > 18)
		return 0;
	for (size_t i = 0; i < n; i++) {
		if (!is_digit(s[i]))
			return 0;
		v = v * 10 + (s[i] - '0');
	}
	*out = v;
	return 1;
}

static int
has_prefix(const char *s, size_t n, const char *p)
{
	size_t k = strlen(p);

	return n >= k && memcmp(s, p, k) == 0;
}

/*
 * What a file is, for the rules.  type and name as lsof prints them;
 * fd is the FD cell (cwd, txt, 3u ...).
 */
static const char *
classify(const char *fd, size_t fdn, const char *type, size_t tn,
    const char *name, size_t nn)
{
	static const char *const mem_fds[] = { "mem", "txt", "DEL", "mmap", "ltx" };
	static const char *const sock_types[] = {
		"IPv4", "IPv6", "unix", "sock", "netlink", "raw", "raw6", "PACK",
		"ax25", "inet", "rose", "x.25", "ATALK", "IPX",
	};
	const char *nm = name;
	size_t nl = nn;

	for (size_t i = 0; i < sizeof(mem_fds) / sizeof(mem_fds[0]); i++)
		if (fdn == strlen(mem_fds[i]) && memcmp(fd, mem_fds[i], fdn) == 0)
			return "memory";
	if (tn == 3 && memcmp(type, "DEL", 3) == 0)
		return "memory";
	if (has_prefix(nm, nl, "anon_inode:")) {
		nm += 11;
		nl -= 11;
	}
	if ((tn == 7 && memcmp(type, "a_inode", 7) == 0) ||
	    (tn == 7 && memcmp(type, "unknown", 7) == 0) || name != nm) {
		if (nl == 7 && memcmp(nm, "inotify", 7) == 0)
			return "inotify";
		if (has_prefix(nm, nl, "[eventpoll"))
			return "eventpoll";
		if (has_prefix(nm, nl, "[eventfd"))
			return "eventfd";
		if (has_prefix(nm, nl, "[timerfd"))
			return "timerfd";
		if (has_prefix(nm, nl, "[signalfd"))
			return "signalfd";
	}
	if (tn == 4 && memcmp(type, "FIFO", 4) == 0)
		return "pipe";
	for (size_t i = 0; i < sizeof(sock_types) / sizeof(sock_types[0]); i++)
		if (tn == strlen(sock_types[i]) && memcmp(type, sock_types[i], tn) == 0)
			return "socket";
	if (tn == 3 && memcmp(type, "REG", 3) == 0)
		return "file";
	if (tn == 3 && memcmp(type, "DIR", 3) == 0)
		return "dir";
	if (tn == 3 && (memcmp(type, "CHR", 3) == 0 || memcmp(type, "BLK", 3) == 0))
		return "device";
	return "other";
}

/*
 * Splits an FD cell into number, access mode and lock: "10uW" gives 10,
 * "u", "W".  Cells that do not start with a digit (cwd, mem, NOFD) leave
 * the three NULL.  Mode and lock are kept only when they are lsof's
 * characters; a space is "none".
 */
static void
split_fd(const char *fd, size_t n, struct val *v)
{
	int64_t num = 0;
	size_t i = 0;

	while (i < n && is_digit(fd[i]) && i < 10)
		num = num * 10 + (fd[i++] - '0');
	if (i == 0)
		return;
	v[LF_FD_NUM] = val_int(num);
	if (i < n && strchr("rwu", fd[i]) != NULL && fd[i] != '\0')
		v[LF_ACCESS] = val_text(fd + i, 1);
	if (i < n)
		i++;
	if (i < n && strchr("rRwWuUxXN", fd[i]) != NULL && fd[i] != '\0')
		v[LF_LOCK] = val_text(fd + i, 1);
}

/* Reads a header line into the column map; 1 if it is one. */
static int
header(struct st *st, const char *s, size_t n)
{
	size_t i = 0;
	int nh = 0, seen_name = 0;

	if (!has_prefix(s, n, "COMMAND"))
		return 0;
	while (i < n) {
		size_t a, b;
		int k;

		while (i < n && s[i] == ' ')
			i++;
		if (i == n)
			break;
		a = i;
		while (i < n && s[i] != ' ')
			i++;
		b = i;
		if (b - a == 4 && memcmp(s + a, "NAME", 4) == 0) {
			seen_name = 1;
			st->name_at = a;
			break;
		}
		for (k = 0; k < H__COUNT; k++)
			if (strlen(hlabels[k]) == b - a && memcmp(hlabels[k], s + a, b - a) == 0)
				break;
		if (k == H__COUNT || nh == MAXH)
			return 0;
		st->hk[nh] = (enum hcol)k;
		st->hs[nh] = a;
		st->he[nh] = b;
		nh++;
	}
	if (!seen_name || nh < 3 || st->hk[1] != H_PID)
		return 0;
	st->nh = nh;
	st->have_header = 1;
	return 1;
}

/*
 * Which header column the cell [a, b) belongs to: the one it ends or
 * starts with (lsof aligns every cell on one edge of its label), else
 * the label it overlaps most.  -1 if none.
 */
static int
cell_column(const struct st *st, size_t a, size_t b)
{
	int best = -1;
	size_t bestov = 0;

	for (int c = 0; c < st->nh; c++)
		if (b == st->he[c])
			return c;
	for (int c = 0; c < st->nh; c++)
		if (a == st->hs[c])
			return c;
	for (int c = 0; c < st->nh; c++) {
		size_t x = a > st->hs[c] ? a : st->hs[c];
		size_t y = b < st->he[c] ? b : st->he[c];

		if (y > x && y - x > bestov) {
			bestov = y - x;
			best = c;
		}
	}
	return best;
}

static const char *
table_row(struct st *st, const char *s, size_t n, long lineno)
{
	struct val v[LF__COUNT];
	const char *fd = "", *type = "", *name = "";
	size_t fdn = 0, tn = 0, nn = 0, end = st->name_at, i = 0;
	int64_t num;

	if (n <= st->name_at || s[st->name_at - 1] != ' ')
		return "lsof row does not line up with its header's NAME column";
	memset(v, 0, sizeof(v));
	v[LF_LINE] = val_int(lineno);
	while (i < end) {
		size_t a, b;
		int c;

		while (i < end && s[i] == ' ')
			i++;
		if (i == end)
			break;
		a = i;
		while (i < end && s[i] != ' ')
			i++;
		b = i;
		c = cell_column(st, a, b);
		if (c < 0)
			return "lsof cell under no header column";
		switch (st->hk[c]) {
		case H_COMMAND: v[LF_COMMAND] = val_text(s + a, b - a); break;
		case H_TASKCMD: break;	/* the task's own name */
		case H_USER: v[LF_USER] = val_text(s + a, b - a); break;
		case H_FD: fd = s + a; fdn = b - a; break;
		case H_TYPE: type = s + a; tn = b - a; break;
		case H_DEVICE: v[LF_DEVICE] = val_text(s + a, b - a); break;
		case H_SIZE: v[LF_SIZE_OFF] = val_text(s + a, b - a); break;
		case H_NODE: v[LF_NODE] = val_text(s + a, b - a); break;
		case H_PID:
		case H_TID:
			if (!dec(s + a, b - a, &num))
				return st->hk[c] == H_PID ? "lsof PID that is not a number" :
				    "lsof TID that is not a number";
			v[st->hk[c] == H_PID ? LF_PID : LF_TID] = val_int(num);
			break;
		case H__COUNT: break;
		}
	}
	if (v[LF_PID].t == V_NULL || fdn == 0)
		return "lsof row without a PID or FD";
	name = s + st->name_at;
	nn = n - st->name_at;
	v[LF_FD] = val_text(fd, fdn);
	split_fd(fd, fdn, v);
	v[LF_TYPE] = tn ? val_text(type, tn) : val_null();
	v[LF_NAME] = val_text(name, nn);
	v[LF_KIND] = val_str(classify(fd, fdn, type, tn, name, nn));
	v[LF_RAW] = val_text(s, n);
	st->ctx->sink->row(st->ctx->sink->ctx, &lsof_table, v);
	return NULL;
}

static struct val
fv(const struct fval *f)
{
	return f->set ? val_text(f->s, f->n) : val_null();
}

/* Copies a field value; 0 when it had to be cut. */
static int
fset(struct fval *f, const char *s, size_t n)
{
	int whole = n < sizeof(f->s);

	if (!whole)
		n = sizeof(f->s) - 1;
	memcpy(f->s, s, n);
	f->s[n] = '\0';
	f->n = n;
	f->set = 1;
	return whole;
}

/* Copies as much of d as fits in out (cap > 0), cut on purpose. */
static void
copy_cut(const struct fval *d, char *out, size_t cap)
{
	size_t n = d->n < cap - 1 ? d->n : cap - 1;

	memcpy(out, d->s, n);
	out[n] = '\0';
}

/* "0xfe00" (Linux dev_t) as lsof's column listing prints it: "254,0". */
static void
hex_device(const struct fval *d, char *out, size_t cap)
{
	uint64_t dev = 0;
	size_t i = 2;

	if (d->n < 3 || d->s[0] != '0' || d->s[1] != 'x' || d->n > 18) {
		copy_cut(d, out, cap);
		return;
	}
	for (; i < d->n; i++) {
		char c = d->s[i];
		int x = is_digit(c) ? c - '0' : c >= 'a' && c <= 'f' ? c - 'a' + 10 :
		    c >= 'A' && c <= 'F' ? c - 'A' + 10 : -1;

		if (x < 0) {
			copy_cut(d, out, cap);
			return;
		}
		dev = dev << 4 | (uint64_t)x;
	}
	snprintf(out, cap, "%llu,%llu",
	    (unsigned long long)(((dev >> 8) & 0xfff) | ((dev >> 32) & ~0xfffULL)),
	    (unsigned long long)((dev & 0xff) | ((dev >> 12) & ~0xffULL)));
}

/* Emits the file set held from -F fields, if any. */
static void
flush_file(struct st *st)
{
	struct val v[LF__COUNT];
	char devbuf[48];
	int64_t num;

	if (!st->in_file)
		return;
	st->in_file = 0;
	memset(v, 0, sizeof(v));
	v[LF_LINE] = val_int(st->file_line);
	if (st->pid.set && dec(st->pid.s, st->pid.n, &num))
		v[LF_PID] = val_int(num);
	if (st->tid.set && dec(st->tid.s, st->tid.n, &num))
		v[LF_TID] = val_int(num);
	v[LF_COMMAND] = fv(&st->cmd);
	v[LF_USER] = st->login.set ? fv(&st->login) : fv(&st->uid);
	v[LF_FD] = fv(&st->fd);
	split_fd(st->fd.s, st->fd.n, v);
	/* -F gives mode and lock as their own fields. */
	v[LF_ACCESS] = st->acc.set && st->acc.n == 1 && st->acc.s[0] != ' ' ?
	    fv(&st->acc) : v[LF_ACCESS];
	v[LF_LOCK] = st->lck.set && st->lck.n == 1 && st->lck.s[0] != ' ' ?
	    fv(&st->lck) : v[LF_LOCK];
	v[LF_TYPE] = fv(&st->type);
	if (st->dev.set) {
		hex_device(&st->dev, devbuf, sizeof(devbuf));
		v[LF_DEVICE] = val_str(devbuf);
	} else
		v[LF_DEVICE] = fv(&st->devc);	/* sockets: d, as in the table */
	v[LF_SIZE_OFF] = st->size.set ? fv(&st->size) : fv(&st->off);
	/* The table's NODE shows the protocol (TCP) for IP sockets. */
	v[LF_NODE] = st->node.set ? fv(&st->node) : fv(&st->proto);
	v[LF_NAME] = fv(&st->name);
	v[LF_KIND] = val_str(classify(st->fd.s, st->fd.n,
	    st->type.set ? st->type.s : "", st->type.set ? st->type.n : 0,
	    st->name.set ? st->name.s : "", st->name.set ? st->name.n : 0));
	v[LF_RAW] = val_text(buf_str(&st->raw), st->raw.len);
	st->ctx->sink->row(st->ctx->sink->ctx, &lsof_table, v);
}

static void
clear_file(struct st *st)
{
	struct fval *fs[] = { &st->fd, &st->acc, &st->lck, &st->type, &st->dev,
	    &st->devc, &st->size, &st->off, &st->node, &st->proto, &st->name };

	for (size_t i = 0; i < sizeof(fs) / sizeof(fs[0]); i++)
		fs[i]->set = 0;
	buf_reset(&st->raw);
}

/* One -F field ("p7340", "ar", "n/tmp/x"); NULL or a problem reason. */
static const char *
field(struct st *st, const char *s, size_t n, long lineno)
{
	char c = s[0];
	const char *v = s + 1;
	size_t vn = n - 1;

	if (c == '\0' || strchr(fletters, c) == NULL)
		return "not an lsof -F field";
	switch (c) {
	case 'p':
		flush_file(st);
		if (!dec(v, vn, &(int64_t){ 0 })) {
			st->pid.set = 0;
			return "lsof -F p field without a process id";
		}
		st->pid.set = st->cmd.set = st->uid.set = st->login.set = 0;
		st->tid.set = 0;
		fset(&st->pid, v, vn);
		return NULL;
	case 'K':
		flush_file(st);
		fset(&st->tid, v, vn);
		return NULL;
	case 'f':
		if (!st->pid.set)
			return "lsof -F file set before any process (p) field";
		flush_file(st);
		clear_file(st);
		st->in_file = 1;
		st->file_line = lineno;
		fset(&st->fd, v, vn);
		break;
	case 'c': fset(&st->cmd, v, vn); return NULL;
	case 'u': fset(&st->uid, v, vn); return NULL;
	case 'L': fset(&st->login, v, vn); return NULL;
	case 'g': case 'R':
		return NULL;
	default:
		if (!st->in_file)
			return "lsof -F file field outside a file set";
		break;
	}
	switch (c) {
	case 'a': fset(&st->acc, v, vn); break;
	case 'l': fset(&st->lck, v, vn); break;
	case 't': fset(&st->type, v, vn); break;
	case 'D': fset(&st->dev, v, vn); break;
	case 'd': fset(&st->devc, v, vn); break;
	case 'P': fset(&st->proto, v, vn); break;
	case 's': fset(&st->size, v, vn); break;
	case 'o': fset(&st->off, v, vn); break;
	case 'i': fset(&st->node, v, vn); break;
	case 'n':
		if (!fset(&st->name, v, vn))
			st->ctx->sink->problem(st->ctx->sink->ctx, lineno,
			    "lsof -F name longer than 4099 bytes; cut", s, n);
		break;
	default: break;	/* G flags, k links, S, T ...: kept in raw only */
	}
	if (st->raw.len)
		buf_addc(&st->raw, ' ');
	buf_add(&st->raw, s, n);
	return NULL;
}

/* A line of -F output: one field, or NUL-terminated fields (-F0). */
static const char *
field_line(struct st *st, const char *s, size_t n, long lineno)
{
	const char *why = NULL;

	for (size_t i = 0; i < n;) {
		const char *z = memchr(s + i, '\0', n - i);
		size_t e = z ? (size_t)(z - s) : n;

		if (e > i && (why = field(st, s + i, e - i, lineno)) != NULL)
			return why;
		i = e + 1;
	}
	return NULL;
}

/* "p1234" possibly followed by a NUL (-F0): the start of -F output. */
static int
is_pid_field(const char *s, size_t n)
{
	size_t i = 1;

	if (n < 2 || s[0] != 'p')
		return 0;
	while (i < n && is_digit(s[i]))
		i++;
	return i > 1 && (i == n || s[i] == '\0');
}

static int
sniff(const char *buf, size_t len, const char *name)
{
	const char *nl = memchr(buf, '\n', len);
	size_t n = nl ? (size_t)(nl - buf) : len;
	struct st tmp;

	(void)name;
	if (n && buf[n - 1] == '\r')
		n--;
	memset(&tmp, 0, sizeof(tmp));
	if (header(&tmp, buf, n))
		return 90;
	/* -F: a p field, then another known field. */
	if (is_pid_field(buf, n) && nl && (size_t)(nl + 1 - buf) < len &&
	    strchr(fletters, nl[1]) != NULL && nl[1] != '\0')
		return 85;
	return 0;
}

static void *
open_(const struct parse_ctx *ctx)
{
	struct st *st = xcalloc(1, sizeof(*st));

	st->ctx = ctx;
	return st;
}

static int
line(void *vst, const char *s, size_t n, long lineno, const char **why)
{
	struct st *st = vst;

	if (header(st, s, n)) {
		st->fmode = 0;
		return 1;
	}
	if (has_prefix(s, n, "lsof: ")) {
		/* lsof's own warnings on stderr: nothing to store. */
		return 1;
	}
	if (!st->have_header && (st->fmode || is_pid_field(s, n))) {
		st->fmode = 1;
		*why = field_line(st, s, n, lineno);
		if (*why == NULL)
			return 1;
		st->ctx->sink->problem(st->ctx->sink->ctx, lineno, *why, s, n);
		return 1;
	}
	if (!st->have_header) {
		*why = "lsof row before any lsof header";
		return 0;
	}
	*why = table_row(st, s, n, lineno);
	return *why == NULL;
}

static void
finish(void *vst)
{
	struct st *st = vst;

	flush_file(st);
	buf_free(&st->raw);
	free(st);
}

const struct parser parser_lsof = {
	.type = "lsof",
	.sniff = sniff,
	.open = open_,
	.line = line,
	.finish = finish,
	.tables = lsof_tables,
	.flags = PARSER_NUL_OK,
};
