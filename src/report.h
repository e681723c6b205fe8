/*
 * The report: what a run found, gathered from the store into plain
 * structs, and the writers that print it (text for terminals, Markdown
 * for post-mortem documents, a self-contained HTML page with charts, JSON
 * for scripts per CONTRACT.md).  Writers never touch SQLite: whatever a
 * chart draws, report_load() has put in struct report.
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

/* One schedtrace sample (sched_samples), for the run-queue chart. */
struct report_sched {
	long ms;		/* since the program started */
	long gomaxprocs, idleprocs, threads;
	long runqueue;		/* global run queue */
	long local_runq;	/* sum of the per-P queues, -1 when unknown */
};

/*
 * A system call worth drawing on the timeline: it failed (err set), took
 * at least REPORT_LONG_CALL seconds, or never returned before the trace
 * ended (blocked; dur runs to the trace's last timestamp).
 */
struct report_call {
	long pid;
	double ts, dur;		/* the artifact's clock, seconds */
	char *syscall;
	char *err;		/* errno name, NULL when it did not fail */
	int blocked;
};

/* A labelled bar: goroutines per status, or a profile's top stacks. */
struct report_bar {
	char *label;
	char *detail;		/* pprof: the stack; goroutines: NULL */
	double value;		/* goroutines: count; pprof: delay in seconds */
	long count;		/* pprof: contentions */
};

#define REPORT_LONG_CALL 0.1	/* seconds: a "long" call on the timeline */
#define REPORT_LANES 24		/* processes drawn on the timeline */

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

	/* Charts (HTML): each is drawn only when it has data. */
	char *sched_artifact;	/* the artifact with the most samples */
	struct report_sched *sched;
	size_t nsched;
	long sched_artifacts;	/* artifacts with samples */

	char *calls_artifact;	/* the trace the timeline shows */
	struct report_call *calls;
	size_t ncalls;
	long calls_total;	/* matching calls before the cap */
	long *lanes;		/* pids, one lane each, by first call */
	size_t nlanes;
	long lanes_total;	/* processes with a matching call */
	int have_failure;	/* the rank-1 finding's first evidence row */
	double failure_ts;	/* is a call of calls_artifact at this time */
	long failure_pid;
	char *failure_label;	/* "file:line" */

	struct report_bar *gstates;	/* goroutines per status, most first */
	size_t ngstates;
	long gdumps;		/* goroutine dumps they come from */

	int charts;		/* load the charts' data (the HTML report's) */
	struct report_bar *stacks;	/* block/mutex samples by delay */
	size_t nstacks;
	char *stacks_profile;	/* "block", "mutex" or "block and mutex" */
};

int report_load(sqlite3 *db, struct report *r, char **err);
void report_free(struct report *r);

struct report_writer {
	const char *name;	/* the --format value */
	void (*write)(FILE *fp, const struct report *r);
};

extern const struct report_writer report_text;
extern const struct report_writer report_json;
extern const struct report_writer report_markdown;
extern const struct report_writer report_html;
const struct report_writer *report_writer_by_name(const char *name);

#endif
