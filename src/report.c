/*
 * Gathering the report from the store, and the table of writers.
 */
#include "report.h"
#include "xmalloc.h"

#include <stdlib.h>
#include <string.h>

#define REPORT_PROBLEMS 5

static const struct report_writer *const writers[] = {
	&report_text,
	&report_json,
};

const struct report_writer *
report_writer_by_name(const char *name)
{
	for (size_t i = 0; i < sizeof(writers) / sizeof(writers[0]); i++)
		if (strcmp(writers[i]->name, name) == 0)
			return writers[i];
	return NULL;
}

static char *
dup_col(sqlite3_stmt *s, int i)
{
	if (sqlite3_column_type(s, i) == SQLITE_NULL)
		return NULL;
	return xstrndup((const char *)sqlite3_column_text(s, i),
	    (size_t)sqlite3_column_bytes(s, i));
}

int
report_load(sqlite3 *db, struct report *r, char **err)
{
	sqlite3_stmt *s = NULL;

	if (sqlite3_prepare_v2(db, "SELECT path, type, types, status, note, "
	    "records, errors FROM artifacts ORDER BY id", -1, &s, NULL) != SQLITE_OK)
		goto fail;
	while (sqlite3_step(s) == SQLITE_ROW) {
		struct report_artifact *a;

		r->art = xrealloc(r->art, (r->nart + 1) * sizeof(*r->art));
		a = &r->art[r->nart++];
		a->path = dup_col(s, 0);
		a->type = dup_col(s, 1);
		a->types = dup_col(s, 2);
		a->status = dup_col(s, 3);
		a->note = dup_col(s, 4);
		a->records = (long)sqlite3_column_int64(s, 5);
		a->errors = (long)sqlite3_column_int64(s, 6);
		if (a->records > 0)
			r->analysed++;
	}
	sqlite3_finalize(s);
	if (sqlite3_prepare_v2(db, "SELECT count(*) FROM parse_errors", -1, &s,
	    NULL) != SQLITE_OK)
		goto fail;
	if (sqlite3_step(s) == SQLITE_ROW)
		r->problems = (long)sqlite3_column_int64(s, 0);
	sqlite3_finalize(s);
	if (sqlite3_prepare_v2(db, "SELECT a.path, p.line, p.reason FROM "
	    "parse_errors p JOIN artifacts a ON a.id = p.artifact_id "
	    "ORDER BY p.id LIMIT ?", -1, &s, NULL) != SQLITE_OK)
		goto fail;
	sqlite3_bind_int(s, 1, REPORT_PROBLEMS);
	while (sqlite3_step(s) == SQLITE_ROW) {
		struct report_problem *p;

		r->prob = xrealloc(r->prob, (r->nprob + 1) * sizeof(*r->prob));
		p = &r->prob[r->nprob++];
		p->artifact = dup_col(s, 0);
		p->line = (long)sqlite3_column_int64(s, 1);
		p->reason = dup_col(s, 2);
	}
	sqlite3_finalize(s);
	return 0;
fail:
	*err = xasprintf("report: %s", sqlite3_errmsg(db));
	sqlite3_finalize(s);
	return -1;
}

void
report_free(struct report *r)
{
	for (size_t i = 0; i < r->nart; i++) {
		free(r->art[i].path);
		free(r->art[i].type);
		free(r->art[i].types);
		free(r->art[i].status);
		free(r->art[i].note);
	}
	free(r->art);
	for (size_t i = 0; i < r->nprob; i++) {
		free(r->prob[i].artifact);
		free(r->prob[i].reason);
	}
	free(r->prob);
	r->art = NULL;
	r->prob = NULL;
	r->nart = r->nprob = 0;
}
