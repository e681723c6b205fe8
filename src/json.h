/*
 * JSON and terminal-safe string output.  Artifact text is hostile: JSON
 * strings are always valid UTF-8 (invalid bytes become U+FFFD), and text
 * for a terminal never carries control or escape sequences.
 */
#ifndef MKPM_JSON_H
#define MKPM_JSON_H

#include <stdio.h>

/* s[0..n) as a JSON string literal, quotes included. */
void json_string(FILE *fp, const char *s, size_t n);
void json_cstr(FILE *fp, const char *s);	/* NULL prints null */
/*
 * s[0..n) for a terminal, on one line: controls as \xNN (a newline as
 * \n), C1 controls as \u00NN, invalid UTF-8 as \xNN.
 */
void term_string(FILE *fp, const char *s, size_t n);
void term_cstr(FILE *fp, const char *s);
/* Length of the valid UTF-8 sequence at s (1..4), or 0 if invalid. */
size_t utf8_seq(const unsigned char *s, size_t n);

#endif
