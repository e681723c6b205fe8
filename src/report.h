/*
 * The report: what a run found, gathered from the store into plain
 * structs, and the writers that print it (text for people, JSON for
 * scripts, per CONTRACT.md).  Writers never touch SQLite.
 *
 * Ownership: report_load() fills a report that report_free() releases;
 * the findings list stays the caller's.
 */
#ifndef MKPM_REPORT_H
#define MKPM_REPORT_H

#include <sqlite3.h>
#include <stdio.h>

#include "eval.h"

struct report_artifact {
	char *path, *type, *types, *status, *note;
	long records, errors;
};

struct report_problem {
	char *artifact;
	long line;
	char *reason;
};

struct report {
	const char *bundle;
	const char *store;
	const struct finding_list *findings;
	struct report_artifact *art;
	size_t nart;
	long analysed;		/* artifacts that yielded records */
	long problems;		/* parse_errors rows */
	struct report_problem *prob;	/* the first few, for the text report */
	size_t nprob;
	long regex_limit_hits;
};

int report_load(sqlite3 *db, struct report *r, char **err);
void report_free(struct report *r);

struct report_writer {
	const char *name;	/* the --format value */
	void (*write)(FILE *fp, const struct report *r);
};

extern const struct report_writer report_text;
extern const struct report_writer report_json;
const struct report_writer *report_writer_by_name(const char *name);

#endif
