/*
 * JSON, terminal, HTML and Markdown string output.  Artifact text is
 * hostile: JSON strings are always valid UTF-8 (invalid bytes become
 * U+FFFD); text for a terminal, an HTML page or a Markdown document never
 * carries control or escape sequences (they are shown as \xNN, like
 * invalid UTF-8), and HTML and Markdown text cannot open markup.
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
/*
 * s[0..n) as HTML text, safe in element content and in quoted attribute
 * values: & < > " ' as character references, everything else as
 * term_string() shows it.  Never use it inside <script> or <style>.
 */
void html_string(FILE *fp, const char *s, size_t n);
void html_cstr(FILE *fp, const char *s);
/*
 * s[0..n) as Markdown inline text: as term_string() shows it, with every
 * ASCII punctuation character that Markdown (CommonMark, GFM tables)
 * could read as markup backslash-escaped, and < > & as HTML character
 * references, so that no artifact text becomes a link, emphasis, a table
 * cell border or raw HTML.
 */
void md_string(FILE *fp, const char *s, size_t n);
void md_cstr(FILE *fp, const char *s);
/* Length of the valid UTF-8 sequence at s (1..4), or 0 if invalid. */
size_t utf8_seq(const unsigned char *s, size_t n);

#endif
