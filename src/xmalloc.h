/*
 * Allocation helpers.  Running out of memory is not an error path in
 * mkpostmortem: every function here aborts with a message instead of
 * returning NULL, so callers never check.
 */
#ifndef MKPM_XMALLOC_H
#define MKPM_XMALLOC_H

#include <stddef.h>

void *xmalloc(size_t n);
void *xcalloc(size_t n, size_t size);
void *xrealloc(void *p, size_t n);
char *xstrdup(const char *s);
char *xstrndup(const char *s, size_t n);
char *xasprintf(const char *fmt, ...) __attribute__((format(printf, 1, 2)));

/*
 * A growable byte buffer, always NUL-terminated once anything was added.
 * The buffer owns its memory; buf_free() releases it and leaves it empty.
 */
struct buf {
	char *s;
	size_t len;
	size_t cap;
};

void buf_add(struct buf *b, const void *p, size_t n);
void buf_addc(struct buf *b, char c);
void buf_adds(struct buf *b, const char *s);
void buf_printf(struct buf *b, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
void buf_reset(struct buf *b);
void buf_free(struct buf *b);
/* The contents ("" when empty); valid until the next change. */
const char *buf_str(const struct buf *b);

#endif
