/*
 * A line reader over a (possibly gzip-compressed) file, with line numbers
 * and a length cap.  zlib's gz* functions read plain files transparently,
 * so every artifact goes through here.
 *
 * Lines are returned without "\n" and without a trailing "\r"; a lone
 * "\r" also ends a line (old Mac / CR-only uploads).  A line longer than
 * the cap is not returned in full: its first max_line bytes are, flagged
 * LR_TOOLONG with its real length in *full_len, so memory stays bounded.
 *
 * Ownership: the reader owns its buffer; a returned line is valid until
 * the next lr_next() call.
 */
#ifndef MKPM_LINEREADER_H
#define MKPM_LINEREADER_H

#include <stddef.h>
#include <stdint.h>
#include <zlib.h>

#include "xmalloc.h"

#define LR_TOOLONG 0x1		/* cut at max_line; the rest was skipped */
#define LR_NUL     0x2		/* contains NUL bytes */
#define LR_NOEOL   0x4		/* last line, without a final newline */

struct lr;

/* NULL with *err set (allocated) when the file cannot be opened. */
struct lr *lr_open(const char *path, size_t max_line, char **err);
/*
 * Reads up to cap bytes from the start into buf for sniffing, then
 * rewinds.  Returns the byte count, or -1 on a read error.
 */
long lr_head(struct lr *r, char *buf, size_t cap);
/*
 * 1: a line (NUL-terminated at (*line)[*len]); 0: end of input;
 * -1: read error (lr_error() says which; lines before it were returned).
 */
int lr_next(struct lr *r, const char **line, size_t *len, unsigned *flags,
    size_t *full_len);
/*
 * The rest of the input as raw bytes (for binary formats), into out:
 * 0, -1 on a read error (what was read is kept), -2 when over max bytes.
 */
int lr_read_all(struct lr *r, struct buf *out, size_t max);
long lr_lineno(const struct lr *r);
uint64_t lr_bytes(const struct lr *r);	/* decompressed bytes consumed */
int lr_compressed(const struct lr *r);
const char *lr_error(const struct lr *r);
void lr_close(struct lr *r);

#endif
