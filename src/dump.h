/*
 * The canonical record dump: every row a parser emits, as one line of
 * text, for golden tests (`mkpostmortem --dump-records`).
 */
#ifndef MKPM_DUMP_H
#define MKPM_DUMP_H

#include <stdio.h>

#include "ingest.h"

/* A sink writing to fp; the returned sink lives until dump_sink_free(). */
struct artifact_sink *dump_sink_new(FILE *fp);
void dump_sink_free(struct artifact_sink *as);

/* Writes s[0..n) as a double-quoted C-escaped string. */
void dump_quote(FILE *fp, const char *s, size_t n);

#endif
