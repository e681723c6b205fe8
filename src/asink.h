/*
 * Loading on a second thread.  An asink is an artifact_sink that packs
 * every call it receives (rows, problems, meta, begin, end, skipped) into
 * chunks of memory and hands full chunks to a writer thread, which
 * unpacks them and makes the same calls, in the same order, on the sink
 * it wraps (the store).  The thread that reads and parses the bundle goes
 * on with the next lines while SQLite inserts the last ones.
 *
 * Memory is flat: a fixed ring of chunks, the parser waiting when the
 * writer is that far behind; a record bigger than a chunk gets a chunk of
 * its own size for as long as it is in flight.
 *
 * Ownership: asink_start() borrows next until asink_finish(), which waits
 * for the writer to make every call and frees the asink.  Between the two
 * the caller must not use next itself (nor what it writes to: the store's
 * connection belongs to the writer thread meanwhile).
 */
#ifndef MKPM_ASINK_H
#define MKPM_ASINK_H

#include "ingest.h"

struct asink;

/* Starts the writer thread; NULL if no thread could be started. */
struct asink *asink_start(const struct artifact_sink *next);
/* The sink to hand to ingest_file(); valid until asink_finish(). */
const struct artifact_sink *asink_sink(struct asink *as);
/* Makes every pending call on next, stops the thread and frees as. */
void asink_finish(struct asink *as);

/* Bytes in a chunk, and chunks in the ring. */
#define ASINK_CHUNK_BYTES (1u << 20)
#define ASINK_CHUNKS 4

#endif
