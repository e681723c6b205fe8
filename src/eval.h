/*
 * Evaluating rules against a loaded store: each rule's evidence query
 * runs (with the PCRE2 REGEXP available), matches become findings with
 * their evidence rows, and both are written to the store's findings and
 * finding_evidence tables.  Ranking is rank.c's job.
 *
 * Ownership: a finding_list owns its findings; findings_free() releases.
 */
#ifndef MKPM_EVAL_H
#define MKPM_EVAL_H

#include <sqlite3.h>
#include <stdio.h>

#include "rules.h"

struct evidence {
	long artifact_id;
	char *artifact;		/* path relative to the bundle */
	long line;		/* 0 when the record has no line */
	char *text;
	long syscall_id;	/* 0 when not a syscall row */
	long app_error_id;	/* 0 when not an application error */
	char *reported_at;	/* "file:line" of the app error reporting it */
	long start_line;	/* a split call: the line it started on, else 0 */
	char *start_text;	/* and that line's text */
};

struct finding {
	const struct rule *rule;
	long db_id;		/* findings.id */
	struct evidence *ev;
	size_t nev;
	long rows;		/* rows the query returned (ev keeps max_evidence) */
	long artifacts;		/* distinct artifacts among the evidence */
	char *fix;		/* with placeholders filled */
	char *query;		/* SQL a user can run in sqlite3 */
	/* Set by rank.c. */
	double base, reported, corroboration, penalty, score;
	const char *confidence;
	char *explanation;
	long rank;
};

/* An evidence row a suppress entry dropped. */
struct suppressed_row {
	const struct rule *rule;
	const struct rule_suppress *by;
	char *artifact;
	long line;
	char *text;
};

struct finding_list {
	struct finding **v;	/* the causes found, ranked by rank.c */
	size_t n;
	struct finding **checks;	/* input checks that fired (rule->check) */
	size_t nchecks;
	struct finding **ruled;	/* causes ruled out; ev = the reasons */
	size_t nruled;
	struct suppressed_row *sup;
	size_t nsup;
};

/*
 * Prepares every rule against db (column checks, placeholders), so that a
 * broken rule stops the run before analysis: 0, or -1 with *d pointing
 * into the rule file.  The binary's own rules, unpatched, only when
 * builtin_too: `make check` proves them (tests/cli.sh, `rules check`),
 * and eval_run prepares them again anyway.
 */
int eval_check(sqlite3 *db, const struct rule_set *rs, int builtin_too,
    struct diag *d);
/* Runs the rules: 0, or -1 with *d (a rule failed while running). */
int eval_run(sqlite3 *db, const struct rule_set *rs, struct finding_list *fl,
    struct diag *d);
/* When set, eval_run prints each rule that took over 5 ms to run. */
extern FILE *eval_rule_times;

/* Writes ranks and scores back to the findings table. */
int eval_store_ranks(sqlite3 *db, const struct finding_list *fl, char **err);
void findings_free(struct finding_list *fl);

#endif
