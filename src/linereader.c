/*
 * Buffered line splitting over gzread().  The buffer holds at most
 * max_line + one read chunk, whatever the input, so a 64 MB line costs
 * no more memory than a short one.
 */
#include "linereader.h"
#include "xmalloc.h"

#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#define CHUNK (256 * 1024)

struct lr {
	gzFile gz;
	char *buf;
	size_t cap;
	size_t start, end;	/* unread bytes are buf[start..end) */
	size_t max_line;
	long lineno;
	uint64_t bytes;
	int eof, failed, compressed;
	int pending_cr;		/* last line ended in CR: swallow a LF */
	char *err;
};

struct lr *
lr_open(const char *path, size_t max_line, char **err)
{
	struct lr *r;
	int fd;

	fd = open(path, O_RDONLY | O_NOFOLLOW | O_CLOEXEC | O_NONBLOCK);
	if (fd < 0) {
		*err = xasprintf("cannot open: %s", strerror(errno));
		return NULL;
	}
	/* O_NONBLOCK only guarded the open against FIFOs; reads block. */
	fcntl(fd, F_SETFL, fcntl(fd, F_GETFL) & ~O_NONBLOCK);
	r = xcalloc(1, sizeof(*r));
	r->gz = gzdopen(fd, "rb");
	if (r->gz == NULL) {
		close(fd);
		free(r);
		*err = xstrdup("cannot open: out of memory in zlib");
		return NULL;
	}
	gzbuffer(r->gz, 128 * 1024);
	r->max_line = max_line;
	r->cap = CHUNK + 1;
	r->buf = xmalloc(r->cap);
	return r;
}

static void
set_gz_error(struct lr *r)
{
	int zerr;
	const char *msg = gzerror(r->gz, &zerr);

	/* zlib prefixes its name for the file, "<fd:4>: ", useless to a reader. */
	if (msg && strncmp(msg, "<fd:", 4) == 0 && strstr(msg, ">: "))
		msg = strstr(msg, ">: ") + 3;

	r->failed = 1;
	free(r->err);
	if (zerr == Z_ERRNO)
		r->err = xasprintf("read error: %s", strerror(errno));
	else
		r->err = xasprintf("%s: %s",
		    r->compressed ? "gzip data" : "read error",
		    msg && *msg ? msg : "unknown error");
}

long
lr_head(struct lr *r, char *buf, size_t cap)
{
	size_t n = 0;

	/* Small reads, so that what precedes a gzip error is still seen. */
	while (n < cap) {
		int got = gzread(r->gz, buf + n, (unsigned)(cap - n < 4096 ? cap - n : 4096));

		if (got < 0) {
			r->compressed = !gzdirect(r->gz);
			set_gz_error(r);
			if (n == 0)
				return -1;
			/* A truncated .gz still has lines: the loop reports the cut. */
			gzclearerr(r->gz);
			break;
		}
		if (got == 0)
			break;
		n += (size_t)got;
	}
	r->compressed = !gzdirect(r->gz);
	if (gzrewind(r->gz) != 0) {
		set_gz_error(r);
		return -1;
	}
	r->failed = 0;
	free(r->err);
	r->err = NULL;
	return (long)n;
}

/* Reads more input; returns bytes added, 0 at end of input or on error. */
static size_t
fill(struct lr *r)
{
	int n;

	if (r->eof || r->failed)
		return 0;
	if (r->start > 0) {
		memmove(r->buf, r->buf + r->start, r->end - r->start);
		r->end -= r->start;
		r->start = 0;
	}
	if (r->cap - r->end - 1 < CHUNK) {
		r->cap = r->end + CHUNK + 1;
		r->buf = xrealloc(r->buf, r->cap);
	}
	n = gzread(r->gz, r->buf + r->end, CHUNK);
	if (n < 0) {
		set_gz_error(r);
		return 0;
	}
	if (n == 0) {
		int zerr;

		gzerror(r->gz, &zerr);
		if (zerr != Z_OK && zerr != Z_BUF_ERROR) {
			set_gz_error(r);
			return 0;
		}
		/* zlib reports a cut gzip stream as Z_BUF_ERROR at EOF. */
		if (zerr == Z_BUF_ERROR && r->compressed) {
			set_gz_error(r);
			return 0;
		}
		r->eof = 1;
		return 0;
	}
	r->end += (size_t)n;
	return (size_t)n;
}

static char *
find_eol(char *p, size_t n)
{
	char *nl = memchr(p, '\n', n);
	char *cr = memchr(p, '\r', nl ? (size_t)(nl - p) : n);

	return cr ? cr : nl;
}

int
lr_next(struct lr *r, const char **line, size_t *len, unsigned *flags,
    size_t *full_len)
{
	size_t scanned = 0, skipped = 0;
	char *eol;

	*flags = 0;
	for (;;) {
		if (r->pending_cr && r->start < r->end) {
			if (r->buf[r->start] == '\n') {
				r->start++;
				r->bytes++;
			}
			r->pending_cr = 0;
		}
		eol = find_eol(r->buf + r->start + scanned,
		    r->end - r->start - scanned);
		if (eol != NULL)
			break;
		scanned = r->end - r->start;
		if (scanned > r->max_line) {
			/* Keep the first max_line bytes, drop the rest. */
			*flags |= LR_TOOLONG;
			skipped += scanned - r->max_line;
			r->bytes += scanned - r->max_line;
			r->end = r->start + r->max_line;
			scanned = r->max_line;
		}
		if (fill(r) == 0) {
			if (r->end == r->start)
				return r->failed ? -1 : 0;
			/* The last line has no newline. */
			*flags |= LR_NOEOL;
			eol = r->buf + r->end;
			break;
		}
		if (r->pending_cr && r->start == 0 && scanned == 0)
			continue;
	}
	{
		char *s = r->buf + r->start;
		size_t n = (size_t)(eol - s);
		size_t consumed = n + (eol < r->buf + r->end ? 1 : 0);

		if (eol < r->buf + r->end && *eol == '\r') {
			if (eol + 1 < r->buf + r->end) {
				if (eol[1] == '\n')
					consumed++;
			} else {
				r->pending_cr = 1;
			}
		}
		*full_len = n + skipped;
		if (n > r->max_line) {
			*flags |= LR_TOOLONG;
			*full_len = n + skipped;
			n = r->max_line;
		}
		r->bytes += consumed;
		r->start += consumed;
		/* The byte after the line is the EOL (or spare room): reuse it. */
		s[n] = '\0';
		if (memchr(s, '\0', n) != NULL)
			*flags |= LR_NUL;
		r->lineno++;
		*line = s;
		*len = n;
	}
	return 1;
}

int
lr_read_all(struct lr *r, struct buf *out, size_t max)
{
	char chunk[65536];

	for (;;) {
		int n = gzread(r->gz, chunk, sizeof(chunk));

		if (n < 0) {
			set_gz_error(r);
			return -1;
		}
		if (n == 0)
			break;
		if (out->len + (size_t)n > max)
			return -2;
		buf_add(out, chunk, (size_t)n);
		r->bytes += (uint64_t)n;
	}
	{
		int zerr;

		gzerror(r->gz, &zerr);
		if (zerr != Z_OK) {
			set_gz_error(r);
			return -1;
		}
	}
	return 0;
}

long
lr_lineno(const struct lr *r)
{
	return r->lineno;
}

uint64_t
lr_bytes(const struct lr *r)
{
	return r->bytes;
}

int
lr_compressed(const struct lr *r)
{
	return r->compressed;
}

const char *
lr_error(const struct lr *r)
{
	return r->err;
}

void
lr_close(struct lr *r)
{
	if (r == NULL)
		return;
	gzclose(r->gz);
	free(r->buf);
	free(r->err);
	free(r);
}
