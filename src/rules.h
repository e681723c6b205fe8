/*
 * Rule files: YAML documents that name a catalog id, the SQL that finds
 * its evidence in the store, how strongly that evidence counts, and the
 * fix to suggest.  The schema is documented in doc/rules.md.
 *
 * Ownership: a rule_set owns its rules and every string in them;
 * rules_free() releases all.  Errors carry file, line and column (1-based)
 * in a struct diag the caller provides; *msg in it is allocated.
 */
#ifndef MKPM_RULES_H
#define MKPM_RULES_H

#include <stddef.h>

struct diag {
	char *file;
	long line, col;
	char *msg;
};
void diag_clear(struct diag *d);
/* "file:line:col: msg" (allocated). */
char *diag_format(const struct diag *d);

struct mark {
	long line, col;		/* 1-based, of the value in the file */
	int block;		/* value is a block scalar (| or >): text starts on the next line */
	long indent;		/* block scalar: its indentation */
	char *file;		/* NULL: in the rule's file; else an override's */
};

/* A rule's own test: a bundle and what the rule must do on it. */
struct rule_test {
	char *bundle;		/* relative to the rule file's directory */
	char *expect;		/* first | fires | absent | ruled_out */
	long rank;		/* 0, or the exact rank wanted */
	char *confidence;	/* NULL, or high | medium | low */
	char *file;		/* where the test is written: the rule's file or an override's */
	long line, col;
	int origin;		/* as struct rule's, of that file */
};

/* An exception a site adds to a rule: evidence rows it drops. */
struct rule_suppress {
	char *path;		/* PCRE2 on the row's path column, or NULL */
	char *artifact;		/* PCRE2 on the row's artifact path, or NULL */
	char *reason;		/* why this is known to be fine */
	char *file;		/* where the exception is written */
	long line, col;
};

struct rule {
	char *id;
	char *title;
	char *category;
	char *means;
	char *fix;
	char *sql;		/* the evidence query */
	double weight;		/* 0 < weight <= 1: how directly it proves */
	int fallback;		/* evaluated after all others */
	long max_evidence;	/* rows kept per finding */
	char **lookalikes;
	size_t nlookalikes;
	char *file;		/* where it came from, for messages */
	struct mark m_sql, m_fix, m_id;
	int builtin;		/* from the binary, and no site file patched it */
	int origin;		/* 0 built-in, then 1, 2 ... per directory loaded */
	int check;		/* kind: check — an input problem, not a cause */
	double penalty;		/* check: taken off the score of what it affects */
	char **affects;		/* check: the ids it affects (none: all) */
	size_t naffects;
	char *ruled_out;	/* SQL: why this cause is ruled out, when it does not fire */
	struct mark m_ruled;
	struct rule_suppress *suppress;
	size_t nsuppress;
	int override;		/* a patch to the loaded rule of the same id */
	struct rule_test *tests;
	size_t ntests;
};

struct rule_set {
	struct rule **v;
	size_t n, cap;
	int sources;		/* directories loaded: the next origin is sources + 1 */
};

/* Parses one YAML rule document from text; 0 or -1 with *d filled. */
int rules_parse(const char *file, const char *text, size_t len,
    struct rule **out, struct diag *d);
/*
 * Loads the built-in rules, then each directory in dirs (files *.yaml and
 * *.yml, sorted); a rule whose id is already loaded replaces it.  A
 * missing optional directory (the site directory) is not an error when
 * optional is set for it.
 */
int rules_load_builtin(struct rule_set *rs, struct diag *d);
int rules_load_dir(struct rule_set *rs, const char *dir, int optional,
    struct diag *d);

const struct rule *rules_find(const struct rule_set *rs, const char *id);
void rules_free(struct rule_set *rs);
void rule_free(struct rule *r);

/*
 * Converts a byte offset inside a rule's SQL into a file position, for
 * SQL errors reported against the YAML file.
 */
void rule_sql_position(const struct rule *r, long offset, long *line,
    long *col);

#endif
