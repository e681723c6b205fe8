/*
 * The parser interface.  One parser per input format, each in its own
 * parse-*.c file exporting one const struct parser, listed in parsers.c.
 * Adding a format is one file and one line in that table.
 *
 * The driver (ingest.c) reads an artifact line by line (decompressed,
 * CR stripped, length capped) and hands each line to the artifact's parser.
 * A line the parser does not claim is offered to the "mixable" parsers
 * (formats that appear inside other streams, like a Go program's own log
 * lines inside strace output written to the same stderr); a line nobody
 * claims is recorded as a problem with the main parser's reason.
 *
 * Ownership: the state returned by open() belongs to the parser and is
 * released by finish().  The line passed to line() is borrowed.
 */
#ifndef MKPM_PARSER_H
#define MKPM_PARSER_H

#include <stddef.h>

#include "record.h"

struct limits {
	size_t max_line;	/* longer lines are skipped and reported */
	long max_pending;	/* unfinished calls held at once, per artifact */
	size_t max_blob;	/* largest binary artifact read whole */
};

struct parse_ctx {
	const struct sink *sink;
	const char *name;	/* artifact path relative to the bundle */
	long pid_hint;		/* pid from a strace -ff file name, else 0 */
	const struct limits *limits;
	int secondary;		/* opened for lines inside another format */
	/*
	 * Hands text found inside one of this parser's lines (a program's
	 * log line spliced into a strace line) to the other formats, as the
	 * driver does with whole lines.  1 if one of them claimed it.
	 */
	int (*offer)(void *drv, const char *s, size_t n, long lineno);
	void *drv;
};

#define PARSER_MIXABLE 0x1	/* may claim lines inside another format */
#define PARSER_NUL_OK  0x2	/* its lines may hold NUL bytes (lsof -F0) */

struct parser {
	const char *type;	/* artifact type, as in CONTRACT.md */
	/*
	 * How sure (0..100) that an artifact whose first bytes are buf
	 * (up to 64 KiB, decompressed; len may cut a line) is of this
	 * format.  name is the path relative to the bundle, a hint only.
	 */
	int (*sniff)(const char *buf, size_t len, const char *name);
	void *(*open)(const struct parse_ctx *ctx);
	/*
	 * One line without its end-of-line, NUL-terminated at line[len].
	 * Returns 1 when the line belongs to this format (it emitted rows,
	 * or a problem, or the line carries nothing to store), 0 when it
	 * does not, setting *why to a static reason.
	 */
	int (*line)(void *st, const char *line, size_t len, long lineno,
	    const char **why);
	/* End of input: emit what is still held, then free the state. */
	void (*finish)(void *st);
	/*
	 * Binary formats instead of open/line/finish: the whole decompressed
	 * artifact (at most limits->max_blob bytes) in one call.  Records
	 * have no line (V_NULL) and keep their index in the file instead.
	 */
	void (*blob)(const struct parse_ctx *ctx, const unsigned char *data,
	    size_t n);
	unsigned flags;
	/*
	 * The format's own record tables (NULL-terminated), created by its
	 * src/schema/<format>.sql; the strace tables of tables.c are core.
	 */
	const struct rec_table *const *tables;
};

/* The table of parsers, in detection priority order (parsers.c). */
extern const struct parser *const parsers[];
extern const size_t parsers_count;
const struct parser *parser_by_type(const char *type);

/* Parsers, one file per format (two related formats may share a file). */
extern const struct parser parser_strace;
extern const struct parser parser_strace_summary;
extern const struct parser parser_app_log;
extern const struct parser parser_lsof;
extern const struct parser parser_inotify_limits;
extern const struct parser parser_fdinfo;
extern const struct parser parser_proc_limits;
extern const struct parser parser_ulimit;
extern const struct parser parser_proc_status;
extern const struct parser parser_df;
extern const struct parser parser_mountinfo;
extern const struct parser parser_findmnt;
extern const struct parser parser_quota;
extern const struct parser parser_stat;
extern const struct parser parser_ls;
extern const struct parser parser_kernel_log;
extern const struct parser parser_audit_log;
extern const struct parser parser_schedtrace;
extern const struct parser parser_gctrace;
extern const struct parser parser_goroutines;
extern const struct parser parser_pprof_block;
extern const struct parser parser_pprof_mutex;

#endif
