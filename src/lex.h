/*
 * Small lexing helpers the column-table parsers share (df, mounts,
 * quota, ls/stat, kernel logs, strace summaries): blank-separated tokens
 * and prefix tests over a line that is not NUL-terminated at its end.
 * Tokens point into the caller's line; nothing is allocated.
 */
#ifndef MKPM_LEX_H
#define MKPM_LEX_H

#include <stddef.h>

struct tok {
	const char *s;
	size_t n;
};

/* Splits s[0..n) at spaces and tabs into at most max tokens; returns how many. */
int lex_split(const char *s, size_t n, struct tok *t, int max);
/* 1 if the token is exactly w. */
int lex_tok_is(const struct tok *t, const char *w);
/* 1 if s[0..n) is 1 to 18 decimal digits (so that lex_to_int cannot overflow). */
int lex_digits(const char *s, size_t n);
/* The value of digits that lex_digits accepted. */
long long lex_to_int(const char *s, size_t n);
/* 1 if s[0..n) starts with lit. */
int lex_starts(const char *s, size_t n, const char *lit);

#endif
