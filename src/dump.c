/*
 * Canonical dump: one line per row, columns in schema order, NULLs
 * omitted, text quoted with C escapes so that control bytes and
 * invalid UTF-8 show up as escapes and the dump is always plain ASCII.
 */
#include "dump.h"
#include "xmalloc.h"

#include <inttypes.h>
#include <stdlib.h>
#include <string.h>

void
dump_quote(FILE *fp, const char *s, size_t n)
{
	fputc('"', fp);
	for (size_t i = 0; i < n; i++) {
		unsigned char c = (unsigned char)s[i];

		switch (c) {
		case '"': fputs("\\\"", fp); break;
		case '\\': fputs("\\\\", fp); break;
		case '\n': fputs("\\n", fp); break;
		case '\t': fputs("\\t", fp); break;
		case '\r': fputs("\\r", fp); break;
		default:
			if (c < 0x20 || c >= 0x7f)
				fprintf(fp, "\\x%02x", c);
			else
				fputc(c, fp);
		}
	}
	fputc('"', fp);
}

static void
dump_row(void *ctx, const struct rec_table *t, const struct val *v)
{
	FILE *fp = ctx;

	fprintf(fp, "%s", t->name);
	for (int i = 0; i < t->ncols; i++) {
		switch (v[i].t) {
		case V_NULL:
			continue;
		case V_INT:
			fprintf(fp, " %s=%" PRId64, t->cols[i], v[i].i);
			break;
		case V_REAL:
			fprintf(fp, " %s=%.6f", t->cols[i], v[i].r);
			break;
		case V_TEXT:
			fprintf(fp, " %s=", t->cols[i]);
			dump_quote(fp, v[i].s, v[i].n);
			break;
		}
	}
	fputc('\n', fp);
}

static void
dump_problem(void *ctx, long line, const char *reason, const char *text,
    size_t len)
{
	FILE *fp = ctx;

	fprintf(fp, "problem line=%ld reason=", line);
	dump_quote(fp, reason, strlen(reason));
	if (text != NULL) {
		fputs(" text=", fp);
		dump_quote(fp, text, len);
	}
	fputc('\n', fp);
}

static void
dump_meta(void *ctx, const char *key, const char *value)
{
	FILE *fp = ctx;

	fprintf(fp, "meta %s=", key);
	dump_quote(fp, value, strlen(value));
	fputc('\n', fp);
}

static void
dump_begin(void *ctx, const char *path)
{
	FILE *fp = ctx;

	fputs("artifact ", fp);
	dump_quote(fp, path, strlen(path));
	fputc('\n', fp);
}

static void
dump_end(void *ctx, const struct artifact_info *info)
{
	FILE *fp = ctx;

	fprintf(fp, "end type=%s types=%s status=%s records=%ld errors=%ld lines=%ld\n",
	    info->type, info->types, info->status, info->records,
	    info->errors, info->lines);
}

struct artifact_sink *
dump_sink_new(FILE *fp)
{
	struct artifact_sink *as = xcalloc(1, sizeof(*as));

	as->rec.ctx = fp;
	as->rec.row = dump_row;
	as->rec.problem = dump_problem;
	as->rec.meta = dump_meta;
	as->begin = dump_begin;
	as->end = dump_end;
	return as;
}

void
dump_sink_free(struct artifact_sink *as)
{
	free(as);
}
