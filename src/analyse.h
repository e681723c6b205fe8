/*
 * One analysis of one bundle: walk → detect → parse → store → evaluate
 * rules → rank, leaving the committed store and the report data.  Used by
 * the main command and by `rules test`, which analyses each test bundle.
 *
 * Ownership: analysis_free() releases what analyse() filled.
 */
#ifndef MKPM_ANALYSE_H
#define MKPM_ANALYSE_H

#include <stdio.h>

#include "parser.h"
#include "report.h"
#include "rules.h"

struct analysis_opts {
	const char *bundle;
	const char *db;		/* the store's final path */
	const struct limits *limits;
	/* The --type override for a path relative to the bundle, or NULL. */
	const char *(*forced_type)(const void *ctx, const char *rel);
	const void *type_ctx;
	int charts;		/* the report will draw charts (HTML) */
	FILE *rule_times;	/* if set, print how long each slow rule took */
	/*
	 * 1: parse and load on this thread; 2: load the store on a second
	 * thread while this one reads and parses (asink.h); 0: 2 when more
	 * than one CPU is online, else 1.
	 */
	int threads;
};

struct analysis {
	struct finding_list fl;
	struct report rep;	/* bundle, store, findings, artifacts ... */
	long records;		/* rows loaded from the whole bundle */
	double t_check;		/* seconds: rules checked against the schema */
	double t_ingest, t_index, t_rules;	/* seconds per stage */
};

enum analyse_status {
	ANALYSE_OK = 0,
	ANALYSE_CANNOT,		/* the bundle or the store could not be used */
	ANALYSE_BAD_RULE,	/* a rule failed to prepare or to run */
};

/*
 * Analyses o->bundle with the rules rs into a new store at o->db (the old
 * one is replaced only on success).  On failure *err says why (allocated).
 */
enum analyse_status analyse(const struct analysis_opts *o,
    const struct rule_set *rs, struct analysis *a, char **err);
void analysis_free(struct analysis *a);

#endif
