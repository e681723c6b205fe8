/*
 * The ingest driver: detect one artifact's format and feed its lines to
 * the parsers, counting what was loaded and what was not understood.
 */
#ifndef MKPM_INGEST_H
#define MKPM_INGEST_H

#include <stdint.h>

#include "parser.h"

/* What the driver tells a sink about an artifact, before and after. */
struct artifact_info {
	const char *path;	/* relative to the bundle */
	const char *type;	/* main type, "unknown" when none matched */
	const char *types;	/* every stream found, comma-separated */
	const char *status;	/* "ok", "unknown", "unreadable", "partial" */
	const char *note;	/* why not ok, or NULL */
	long records;		/* rows loaded */
	long errors;		/* lines not understood or capped */
	long lines;
	uint64_t bytes;		/* decompressed bytes read */
	uint64_t size;		/* on-disk size */
	int compressed;
	long pid_hint;
};

/* The driver-facing half of a sink (the parser-facing half is struct sink). */
struct artifact_sink {
	struct sink rec;
	void (*begin)(void *ctx, const char *path);
	void (*end)(void *ctx, const struct artifact_info *info);
	/* A bundle entry that is not read (symlink, FIFO ...); may be NULL. */
	void (*skipped)(void *ctx, const char *path, const char *reason);
};

/*
 * Ingests the file at abspath (shown as relpath).  forced_type, if not
 * NULL, skips detection.  Never fails: unreadable and unknown files are
 * reported through the sink like any other.  *info_out, if not NULL,
 * receives the counts (strings in it are valid until the next call).
 */
void ingest_file(const char *abspath, const char *relpath, uint64_t size,
    const char *forced_type, const struct limits *limits,
    const struct artifact_sink *as, struct artifact_info *info_out);

/*
 * Progress of a long ingest: called about every 4 MiB read with the
 * artifact, the (decompressed) bytes read so far and its size on disk,
 * and once with done == UINT64_MAX when the artifact is finished.  NULL
 * (the default) costs nothing.
 */
typedef void (*ingest_progress_fn)(void *ctx, const char *rel, uint64_t done,
    uint64_t size, int compressed);
void ingest_set_progress(ingest_progress_fn fn, void *ctx);

/* pid suffix of a strace -ff output name ("trace.1234" → 1234), else 0. */
long ingest_pid_from_name(const char *name);

#endif
