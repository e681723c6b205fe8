/*
 * Escaping for every place artifact text leaves the program as text:
 * JSON, the terminal, HTML and Markdown.
 */
#include "json.h"

#include <string.h>

size_t
utf8_seq(const unsigned char *s, size_t n)
{
	unsigned c = s[0];
	size_t len;
	unsigned cp;

	if (c < 0x80)
		return 1;
	if (c >= 0xc2 && c <= 0xdf) {
		len = 2;
		cp = c & 0x1f;
	} else if (c >= 0xe0 && c <= 0xef) {
		len = 3;
		cp = c & 0x0f;
	} else if (c >= 0xf0 && c <= 0xf4) {
		len = 4;
		cp = c & 0x07;
	} else
		return 0;
	if (n < len)
		return 0;
	for (size_t i = 1; i < len; i++) {
		if ((s[i] & 0xc0) != 0x80)
			return 0;
		cp = (cp << 6) | (s[i] & 0x3f);
	}
	/* Overlong forms, surrogates, beyond U+10FFFF. */
	if ((len == 3 && cp < 0x800) || (len == 4 && cp < 0x10000) ||
	    (cp >= 0xd800 && cp <= 0xdfff) || cp > 0x10ffff)
		return 0;
	return len;
}

void
json_string(FILE *fp, const char *str, size_t n)
{
	const unsigned char *s = (const unsigned char *)str;

	fputc('"', fp);
	for (size_t i = 0; i < n;) {
		unsigned char c = s[i];
		size_t l;

		if (c == '"' || c == '\\') {
			fputc('\\', fp);
			fputc(c, fp);
			i++;
		} else if (c == '\n') {
			fputs("\\n", fp);
			i++;
		} else if (c == '\t') {
			fputs("\\t", fp);
			i++;
		} else if (c == '\r') {
			fputs("\\r", fp);
			i++;
		} else if (c < 0x20 || c == 0x7f) {
			fprintf(fp, "\\u%04x", c);
			i++;
		} else if ((l = utf8_seq(s + i, n - i)) == 0) {
			fputs("\xef\xbf\xbd", fp);	/* U+FFFD */
			i++;
		} else {
			fwrite(s + i, 1, l, fp);
			i += l;
		}
	}
	fputc('"', fp);
}

void
json_cstr(FILE *fp, const char *s)
{
	if (s == NULL)
		fputs("null", fp);
	else
		json_string(fp, s, strlen(s));
}

void
term_string(FILE *fp, const char *str, size_t n)
{
	const unsigned char *s = (const unsigned char *)str;

	for (size_t i = 0; i < n;) {
		unsigned char c = s[i];
		size_t l;

		if (c == '\t') {
			fputc(c, fp);
			i++;
		} else if (c == '\n') {
			/* Callers print line by line: a newline here is data. */
			fputs("\\n", fp);
			i++;
		} else if (c < 0x20 || c == 0x7f) {
			fprintf(fp, "\\x%02x", c);
			i++;
		} else if ((l = utf8_seq(s + i, n - i)) == 0) {
			fprintf(fp, "\\x%02x", c);
			i++;
		} else if (l == 2 && c == 0xc2 && s[i + 1] < 0xa0) {
			/* C1 controls (U+0080..U+009F) include CSI. */
			fprintf(fp, "\\u%04x", s[i + 1]);
			i += 2;
		} else {
			fwrite(s + i, 1, l, fp);
			i += l;
		}
	}
}

void
term_cstr(FILE *fp, const char *s)
{
	if (s)
		term_string(fp, s, strlen(s));
}

/*
 * One byte sequence of s at i as text for people, whatever the target:
 * controls, C1 controls and invalid UTF-8 become visible escapes.  Returns
 * the bytes consumed, or 0 when s[i] is plain printable ASCII that the
 * caller writes itself (so that it can escape markup characters).
 */
static size_t
visible_seq(FILE *fp, const unsigned char *s, size_t i, size_t n)
{
	unsigned char c = s[i];
	size_t l;

	if (c >= 0x20 && c < 0x7f)
		return 0;
	if (c == '\t') {
		fputc(c, fp);
		return 1;
	}
	if (c == '\n') {
		fputs("\\n", fp);
		return 1;
	}
	if (c < 0x20 || c == 0x7f) {
		fprintf(fp, "\\x%02x", c);
		return 1;
	}
	if ((l = utf8_seq(s + i, n - i)) == 0) {
		fprintf(fp, "\\x%02x", c);
		return 1;
	}
	if (l == 2 && c == 0xc2 && s[i + 1] < 0xa0) {
		fprintf(fp, "\\u%04x", s[i + 1]);
		return 2;
	}
	fwrite(s + i, 1, l, fp);
	return l;
}

void
html_string(FILE *fp, const char *str, size_t n)
{
	const unsigned char *s = (const unsigned char *)str;

	for (size_t i = 0; i < n;) {
		size_t l = visible_seq(fp, s, i, n);

		if (l) {
			i += l;
			continue;
		}
		switch (s[i]) {
		case '&': fputs("&amp;", fp); break;
		case '<': fputs("&lt;", fp); break;
		case '>': fputs("&gt;", fp); break;
		case '"': fputs("&quot;", fp); break;
		case '\'': fputs("&#39;", fp); break;
		default: fputc(s[i], fp); break;
		}
		i++;
	}
}

void
html_cstr(FILE *fp, const char *s)
{
	if (s)
		html_string(fp, s, strlen(s));
}

void
md_string(FILE *fp, const char *str, size_t n)
{
	const unsigned char *s = (const unsigned char *)str;

	for (size_t i = 0; i < n;) {
		size_t l = visible_seq(fp, s, i, n);
		unsigned char c = s[i];

		if (l) {
			i += l;
			continue;
		}
		if (c == '<')
			fputs("&lt;", fp);
		else if (c == '>')
			fputs("&gt;", fp);
		else if (c == '&')
			fputs("&amp;", fp);
		else if (strchr("\\`*_{}[]()#+-.!|~:$", c) != NULL) {
			fputc('\\', fp);
			fputc(c, fp);
		} else
			fputc(c, fp);
		i++;
	}
}

void
md_cstr(FILE *fp, const char *s)
{
	if (s)
		md_string(fp, s, strlen(s));
}
