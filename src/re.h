/*
 * Regular expressions: the only module that includes pcre2.h.  Patterns
 * are PCRE2 with JIT where the machine has it; matching is bounded by
 * match and depth limits so a pathological rule cannot hang a run.
 */
#ifndef MKPM_RE_H
#define MKPM_RE_H

#include <sqlite3.h>
#include <stddef.h>
#include <stdint.h>

struct re;

/* Compiles pattern; NULL with *err (allocated, with the offset) on error. */
struct re *re_compile(const char *pattern, char **err);
/*
 * 1 match, 0 no match, -1 error (limit hit: the count of such errors is
 * kept, see re_limit_hits()).
 */
int re_match(struct re *re, const char *s, size_t n);
void re_free(struct re *re);

/* Registers REGEXP (`x REGEXP pattern`) and regexp(pattern, x) on db. */
int re_register_sqlite(sqlite3 *db);

/* PCRE2's match limit for patterns compiled from now on (default 1e6). */
void re_set_match_limit(uint32_t n);

/* Times a match stopped at a limit instead of finishing (whole run). */
long re_limit_hits(void);
/* 1 if patterns are JIT-compiled. */
int re_jit_available(void);

#endif
