/*
 * The packing sink and its writer thread (asink.h).  A message is a kind
 * byte and its fields; texts are a length and their bytes, NUL-terminated
 * so that the writer can hand them on as C strings.  A text that a row's
 * reference columns point into (the raw lines, rec_table.ref_a/ref_b) is
 * packed once: a refable column inside it travels as an offset, and the
 * writer points it back into the copy, so the store finds the same
 * pieces-of-the-line it would have found without the thread.
 */
#include "asink.h"
#include "xmalloc.h"

#include <pthread.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

enum msg_kind { M_ROW = 1, M_PROBLEM, M_META, M_BEGIN, M_END, M_SKIPPED };

/* Column tags in a packed row (enum val_type, plus a piece of a ref text). */
#define TAG_REF 0x80

#define NO_TEXT SIZE_MAX	/* the length of a NULL string */
#define MAX_COLS 64		/* columns of the widest record table, at most */

struct chunk {
	unsigned char *p;
	size_t len, cap;
};

struct asink {
	struct artifact_sink sink;		/* what the parser side calls */
	const struct artifact_sink *next;	/* what the writer calls */
	pthread_t thread;
	pthread_mutex_t mu;
	pthread_cond_t to_writer, to_parser;
	struct chunk ring[ASINK_CHUNKS];
	/*
	 * ring[head .. head + ready) are full and wait for the writer, which
	 * owns ring[head] while it unpacks it; the parser fills ring[fill].
	 */
	size_t head, ready, fill;
	int done;		/* no more chunks will come */
};

/* --- packing, on the parser's thread --- */

static size_t
text_size(size_t n)
{
	return sizeof(size_t) + (n == NO_TEXT ? 0 : n + 1);
}

static unsigned char *
put(unsigned char *p, const void *v, size_t n)
{
	memcpy(p, v, n);
	return p + n;
}

static unsigned char *
put_text(unsigned char *p, const char *s, size_t n)
{
	p = put(p, &n, sizeof(n));
	if (n != NO_TEXT) {
		p = put(p, s, n);
		*p++ = '\0';
	}
	return p;
}

static unsigned char *
put_str(unsigned char *p, const char *s)
{
	return put_text(p, s, s ? strlen(s) : NO_TEXT);
}

static size_t
str_size(const char *s)
{
	return text_size(s ? strlen(s) : NO_TEXT);
}

/* Hands the chunk being filled to the writer and takes a free one. */
static void
publish(struct asink *as)
{
	pthread_mutex_lock(&as->mu);
	as->ready++;
	pthread_cond_signal(&as->to_writer);
	while (as->ready == ASINK_CHUNKS)
		pthread_cond_wait(&as->to_parser, &as->mu);
	as->fill = (as->head + as->ready) % ASINK_CHUNKS;
	pthread_mutex_unlock(&as->mu);
	as->ring[as->fill].len = 0;
}

/* Room for a message of n bytes in the chunk being filled. */
static unsigned char *
reserve(struct asink *as, size_t n)
{
	struct chunk *c = &as->ring[as->fill];

	if (c->len > 0 && c->len + n > c->cap) {
		publish(as);
		c = &as->ring[as->fill];
	}
	if (n > c->cap) {
		/* One record bigger than a chunk: a chunk its size, for now. */
		free(c->p);
		c->p = xmalloc(n);
		c->cap = n;
	}
	return c->p + c->len;
}

static void
commit(struct asink *as, const unsigned char *end)
{
	struct chunk *c = &as->ring[as->fill];

	c->len = (size_t)(end - c->p);
}

/* The offset of v inside src, if v is a piece of it. */
static int
piece_of(const struct val *v, const struct val *src, size_t *off)
{
	uintptr_t a = (uintptr_t)v->s, b = (uintptr_t)src->s;

	if (src->t != V_TEXT || a < b || a + v->n > b + src->n)
		return 0;
	*off = a - b;
	return 1;
}

/* Which ref text (0, 1) holds column i of a row, or -1. */
static int
ref_which(const struct rec_table *t, const struct val *v, int i, size_t *off)
{
	if (t->refable == NULL || !t->refable[i] || v[i].t != V_TEXT ||
	    i == t->ref_a || i == t->ref_b)
		return -1;
	if (piece_of(&v[i], &v[t->ref_a], off))
		return 0;
	if (piece_of(&v[i], &v[t->ref_b], off))
		return 1;
	return -1;
}

static void
a_row(void *ctx, const struct rec_table *t, const struct val *v)
{
	struct asink *as = ctx;
	size_t n = 1 + sizeof(t), off;
	unsigned char *p;

	if (t->ncols > MAX_COLS)
		abort();	/* a table wider than unpack_row() knows: a bug */
	for (int i = 0; i < t->ncols; i++) {
		n += 1;
		if (ref_which(t, v, i, &off) >= 0)
			n += 2 * sizeof(size_t);
		else if (v[i].t == V_INT)
			n += sizeof(v[i].i);
		else if (v[i].t == V_REAL)
			n += sizeof(v[i].r);
		else if (v[i].t == V_TEXT)
			n += text_size(v[i].n);
	}
	p = reserve(as, n);
	*p++ = M_ROW;
	p = put(p, &t, sizeof(t));
	for (int i = 0; i < t->ncols; i++) {
		int w = ref_which(t, v, i, &off);

		if (w >= 0) {
			*p++ = (unsigned char)(TAG_REF | w);
			p = put(p, &off, sizeof(off));
			p = put(p, &v[i].n, sizeof(v[i].n));
			continue;
		}
		*p++ = (unsigned char)v[i].t;
		if (v[i].t == V_INT)
			p = put(p, &v[i].i, sizeof(v[i].i));
		else if (v[i].t == V_REAL)
			p = put(p, &v[i].r, sizeof(v[i].r));
		else if (v[i].t == V_TEXT)
			p = put_text(p, v[i].s, v[i].n);
	}
	commit(as, p);
}

static void
a_problem(void *ctx, long line, const char *reason, const char *text,
    size_t len)
{
	struct asink *as = ctx;
	size_t tn = text ? len : NO_TEXT;
	unsigned char *p = reserve(as, 1 + sizeof(line) + str_size(reason) +
	    text_size(tn));

	*p++ = M_PROBLEM;
	p = put(p, &line, sizeof(line));
	p = put_str(p, reason);
	p = put_text(p, text, tn);
	commit(as, p);
}

/* A message of kind with the first n (1 or 2) of the strings a, b. */
static void
pack_strs(struct asink *as, enum msg_kind kind, int n, const char *a,
    const char *b)
{
	unsigned char *p = reserve(as, 1 + str_size(a) + (n > 1 ? str_size(b) : 0));

	*p++ = (unsigned char)kind;
	p = put_str(p, a);
	if (n > 1)
		p = put_str(p, b);
	commit(as, p);
}

static void
a_meta(void *ctx, const char *key, const char *value)
{
	pack_strs(ctx, M_META, 2, key, value);
}

static void
a_begin(void *ctx, const char *path)
{
	pack_strs(ctx, M_BEGIN, 1, path, NULL);
}

static void
a_end(void *ctx, const struct artifact_info *in)
{
	struct asink *as = ctx;
	struct artifact_info copy = *in;
	unsigned char *p;

	/* The strings are packed after the struct, which keeps the rest. */
	copy.path = copy.type = copy.types = copy.status = copy.note = NULL;
	p = reserve(as, 1 + sizeof(copy) + str_size(in->path) +
	    str_size(in->type) + str_size(in->types) + str_size(in->status) +
	    str_size(in->note));
	*p++ = M_END;
	p = put(p, &copy, sizeof(copy));
	p = put_str(p, in->path);
	p = put_str(p, in->type);
	p = put_str(p, in->types);
	p = put_str(p, in->status);
	p = put_str(p, in->note);
	commit(as, p);
}

static void
a_skipped(void *ctx, const char *path, const char *reason)
{
	pack_strs(ctx, M_SKIPPED, 2, path, reason);
}

/* --- unpacking, on the writer's thread --- */

static const unsigned char *
get(const unsigned char *p, void *v, size_t n)
{
	memcpy(v, p, n);
	return p + n;
}

/* A packed text: *s is NULL for a NULL string. */
static const unsigned char *
get_text(const unsigned char *p, const char **s, size_t *n)
{
	p = get(p, n, sizeof(*n));
	if (*n == NO_TEXT) {
		*s = NULL;
		*n = 0;
		return p;
	}
	*s = (const char *)p;
	return p + *n + 1;
}

static const unsigned char *
get_str(const unsigned char *p, const char **s)
{
	size_t n;

	return get_text(p, s, &n);
}

static const unsigned char *
unpack_row(const struct artifact_sink *next, const unsigned char *p)
{
	const struct rec_table *t;
	struct val v[MAX_COLS];
	size_t off[MAX_COLS];
	int which[MAX_COLS];

	p = get(p, &t, sizeof(t));
	for (int i = 0; i < t->ncols; i++) {
		unsigned char tag = *p++;

		v[i] = val_null();
		which[i] = -1;
		if (tag & TAG_REF) {
			which[i] = tag & 1;
			v[i].t = V_TEXT;
			p = get(p, &off[i], sizeof(off[i]));
			p = get(p, &v[i].n, sizeof(v[i].n));
		} else if (tag == V_INT) {
			v[i].t = V_INT;
			p = get(p, &v[i].i, sizeof(v[i].i));
		} else if (tag == V_REAL) {
			v[i].t = V_REAL;
			p = get(p, &v[i].r, sizeof(v[i].r));
		} else if (tag == V_TEXT) {
			v[i].t = V_TEXT;
			p = get_text(p, &v[i].s, &v[i].n);
		}
	}
	for (int i = 0; i < t->ncols; i++)
		if (which[i] >= 0)
			v[i].s = v[which[i] ? t->ref_b : t->ref_a].s + off[i];
	next->rec.row(next->rec.ctx, t, v);
	return p;
}

static void
unpack(const struct artifact_sink *next, const struct chunk *c)
{
	const unsigned char *p = c->p, *end = c->p + c->len;

	while (p < end) {
		const char *a, *b;
		size_t n;
		long line;
		struct artifact_info info;

		switch (*p++) {
		case M_ROW:
			p = unpack_row(next, p);
			break;
		case M_PROBLEM:
			p = get(p, &line, sizeof(line));
			p = get_str(p, &a);
			p = get_text(p, &b, &n);
			next->rec.problem(next->rec.ctx, line, a, b, n);
			break;
		case M_META:
			p = get_str(p, &a);
			p = get_str(p, &b);
			next->rec.meta(next->rec.ctx, a, b);
			break;
		case M_BEGIN:
			p = get_str(p, &a);
			next->begin(next->rec.ctx, a);
			break;
		case M_END:
			p = get(p, &info, sizeof(info));
			p = get_str(p, &info.path);
			p = get_str(p, &info.type);
			p = get_str(p, &info.types);
			p = get_str(p, &info.status);
			p = get_str(p, &info.note);
			next->end(next->rec.ctx, &info);
			break;
		case M_SKIPPED:
			p = get_str(p, &a);
			p = get_str(p, &b);
			next->skipped(next->rec.ctx, a, b);
			break;
		default:
			abort();	/* only this file packs: a bug */
		}
	}
}

static void *
writer(void *arg)
{
	struct asink *as = arg;

	pthread_mutex_lock(&as->mu);
	for (;;) {
		struct chunk *c;

		while (as->ready == 0 && !as->done)
			pthread_cond_wait(&as->to_writer, &as->mu);
		if (as->ready == 0)
			break;
		c = &as->ring[as->head];
		pthread_mutex_unlock(&as->mu);
		unpack(as->next, c);
		if (c->cap > ASINK_CHUNK_BYTES) {
			/* Back to the usual size: memory stays flat. */
			free(c->p);
			c->p = xmalloc(ASINK_CHUNK_BYTES);
			c->cap = ASINK_CHUNK_BYTES;
		}
		c->len = 0;
		pthread_mutex_lock(&as->mu);
		as->head = (as->head + 1) % ASINK_CHUNKS;
		as->ready--;
		pthread_cond_signal(&as->to_parser);
	}
	pthread_mutex_unlock(&as->mu);
	return NULL;
}

struct asink *
asink_start(const struct artifact_sink *next)
{
	struct asink *as = xcalloc(1, sizeof(*as));

	as->next = next;
	for (size_t i = 0; i < ASINK_CHUNKS; i++) {
		as->ring[i].p = xmalloc(ASINK_CHUNK_BYTES);
		as->ring[i].cap = ASINK_CHUNK_BYTES;
	}
	pthread_mutex_init(&as->mu, NULL);
	pthread_cond_init(&as->to_writer, NULL);
	pthread_cond_init(&as->to_parser, NULL);
	if (pthread_create(&as->thread, NULL, writer, as) != 0) {
		pthread_cond_destroy(&as->to_parser);
		pthread_cond_destroy(&as->to_writer);
		pthread_mutex_destroy(&as->mu);
		for (size_t i = 0; i < ASINK_CHUNKS; i++)
			free(as->ring[i].p);
		free(as);
		return NULL;
	}
	as->sink.rec.ctx = as;
	as->sink.rec.row = a_row;
	as->sink.rec.problem = a_problem;
	as->sink.rec.meta = a_meta;
	as->sink.begin = a_begin;
	as->sink.end = a_end;
	as->sink.skipped = a_skipped;
	return as;
}

const struct artifact_sink *
asink_sink(struct asink *as)
{
	return &as->sink;
}

void
asink_finish(struct asink *as)
{
	if (as == NULL)
		return;
	pthread_mutex_lock(&as->mu);
	if (as->ring[as->fill].len > 0) {
		as->ready++;
		pthread_cond_signal(&as->to_writer);
	}
	as->done = 1;
	pthread_cond_signal(&as->to_writer);
	pthread_mutex_unlock(&as->mu);
	pthread_join(as->thread, NULL);
	pthread_cond_destroy(&as->to_parser);
	pthread_cond_destroy(&as->to_writer);
	pthread_mutex_destroy(&as->mu);
	for (size_t i = 0; i < ASINK_CHUNKS; i++)
		free(as->ring[i].p);
	free(as);
}
