/*
 * Gathering the report from the store, and the table of writers.  The
 * chart data (schedtrace samples, the syscall timeline, goroutine states,
 * block/mutex stacks) is loaded here too, capped, so that writers stay
 * free of SQL.
 */
#include "report.h"
#include "xmalloc.h"

#include <stdlib.h>
#include <string.h>

#define REPORT_PROBLEMS 5
#define REPORT_SCHED_MAX 2000	/* samples kept for the chart (strided) */
#define REPORT_CALLS_MAX 4000	/* calls kept for the timeline */
#define REPORT_BARS 12		/* bars per bar chart */

static const struct report_writer *const writers[] = {
	&report_text,
	&report_json,
	&report_markdown,
	&report_html,
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

static long
col_long(sqlite3_stmt *s, int i, long dflt)
{
	if (sqlite3_column_type(s, i) == SQLITE_NULL)
		return dflt;
	return (long)sqlite3_column_int64(s, i);
}

/*
 * The run-queue chart: the samples of the artifact with the most of them
 * (several programs' clocks cannot share an axis), strided down to
 * REPORT_SCHED_MAX points.  0, or -1 on an SQL error.
 */
static int
load_sched(sqlite3 *db, struct report *r)
{
	sqlite3_stmt *s = NULL;
	long aid = 0, n = 0, stride = 1, i = 0;

	if (sqlite3_prepare_v2(db, "SELECT s.artifact_id, a.path, count(*), "
	    "(SELECT count(DISTINCT artifact_id) FROM sched_samples) "
	    "FROM sched_samples s JOIN artifacts a ON a.id = s.artifact_id "
	    "GROUP BY s.artifact_id ORDER BY count(*) DESC, s.artifact_id LIMIT 1",
	    -1, &s, NULL) != SQLITE_OK)
		return -1;
	if (sqlite3_step(s) == SQLITE_ROW) {
		aid = (long)sqlite3_column_int64(s, 0);
		r->sched_artifact = dup_col(s, 1);
		n = (long)sqlite3_column_int64(s, 2);
		r->sched_artifacts = (long)sqlite3_column_int64(s, 3);
	}
	sqlite3_finalize(s);
	if (n == 0)
		return 0;
	stride = (n + REPORT_SCHED_MAX - 1) / REPORT_SCHED_MAX;
	if (sqlite3_prepare_v2(db, "SELECT ms, gomaxprocs, idleprocs, threads, "
	    "runqueue, local_runq FROM sched_samples WHERE artifact_id = ? "
	    "ORDER BY ms, line", -1, &s, NULL) != SQLITE_OK)
		return -1;
	sqlite3_bind_int64(s, 1, aid);
	r->sched = xcalloc((size_t)(n / stride + 1), sizeof(*r->sched));
	while (sqlite3_step(s) == SQLITE_ROW) {
		struct report_sched *p;

		if (i++ % stride != 0)
			continue;
		p = &r->sched[r->nsched++];
		p->ms = col_long(s, 0, 0);
		p->gomaxprocs = col_long(s, 1, 0);
		p->idleprocs = col_long(s, 2, 0);
		p->threads = col_long(s, 3, 0);
		p->runqueue = col_long(s, 4, 0);
		p->local_runq = col_long(s, 5, -1);
	}
	sqlite3_finalize(s);
	return 0;
}

/*
 * Where the failure is on the timeline: the syscall behind the rank-1
 * finding's first evidence row (by syscall_id, else by its artifact and
 * line).  Sets r->calls_artifact to that trace; returns its artifact id,
 * or 0 when the failure is not a call.
 */
static long
find_failure(sqlite3 *db, struct report *r)
{
	const struct evidence *v;
	sqlite3_stmt *s = NULL;
	long aid = 0;

	if (r->findings == NULL || r->findings->n == 0 ||
	    r->findings->v[0]->nev == 0)
		return 0;
	v = &r->findings->v[0]->ev[0];
	if (sqlite3_prepare_v2(db, "SELECT s.artifact_id, a.path, s.pid, "
	    "coalesce(s.end_ts, s.ts) FROM syscalls s "
	    "JOIN artifacts a ON a.id = s.artifact_id "
	    "WHERE s.ts IS NOT NULL AND (s.id = ?1 OR (?1 = 0 AND "
	    "s.artifact_id = ?2 AND (s.line = ?3 OR s.end_line = ?3))) "
	    "ORDER BY s.id LIMIT 1", -1, &s, NULL) != SQLITE_OK)
		return -1;
	sqlite3_bind_int64(s, 1, v->syscall_id);
	sqlite3_bind_int64(s, 2, v->artifact_id);
	sqlite3_bind_int64(s, 3, v->line);
	if (sqlite3_step(s) == SQLITE_ROW) {
		aid = (long)sqlite3_column_int64(s, 0);
		r->calls_artifact = dup_col(s, 1);
		r->failure_pid = col_long(s, 2, 0);
		r->failure_ts = sqlite3_column_double(s, 3);
		r->have_failure = 1;
		r->failure_label = v->line > 0 ?
		    xasprintf("%s:%ld", v->artifact, v->line) : xstrdup(v->artifact);
	}
	sqlite3_finalize(s);
	return aid;
}

/* The lane of pid, adding it while there is room; -1 when full. */
static long
lane_of(struct report *r, long pid)
{
	for (size_t i = 0; i < r->nlanes; i++)
		if (r->lanes[i] == pid)
			return (long)i;
	if (r->nlanes >= REPORT_LANES)
		return -1;
	r->lanes = xrealloc(r->lanes, (r->nlanes + 1) * sizeof(*r->lanes));
	r->lanes[r->nlanes] = pid;
	return (long)r->nlanes++;
}

/*
 * The timeline: failed, long and blocked calls of one trace (the
 * failure's, else the one with most such calls), in time order, on up to
 * REPORT_LANES process lanes.  0, or -1 on an SQL error.
 */
static int
load_calls(sqlite3 *db, struct report *r)
{
	static const char want[] = "ts IS NOT NULL AND (errno IS NOT NULL OR "
	    "duration >= :long OR state = 'blocked')";
	sqlite3_stmt *s = NULL;
	char *sql;
	long aid = find_failure(db, r);
	double last = 0;

	if (aid < 0)
		return -1;
	if (aid == 0) {
		sql = xasprintf("SELECT artifact_id, a.path FROM syscalls "
		    "JOIN artifacts a ON a.id = artifact_id WHERE %s "
		    "GROUP BY artifact_id ORDER BY count(*) DESC, artifact_id "
		    "LIMIT 1", want);
		if (sqlite3_prepare_v2(db, sql, -1, &s, NULL) != SQLITE_OK) {
			free(sql);
			return -1;
		}
		free(sql);
		sqlite3_bind_double(s, sqlite3_bind_parameter_index(s, ":long"),
		    REPORT_LONG_CALL);
		if (sqlite3_step(s) == SQLITE_ROW) {
			aid = (long)sqlite3_column_int64(s, 0);
			r->calls_artifact = dup_col(s, 1);
		}
		sqlite3_finalize(s);
		if (aid == 0)
			return 0;
	}
	if (sqlite3_prepare_v2(db, "SELECT max(coalesce(end_ts, ts)) FROM "
	    "syscalls WHERE artifact_id = ?", -1, &s, NULL) != SQLITE_OK)
		return -1;
	sqlite3_bind_int64(s, 1, aid);
	if (sqlite3_step(s) == SQLITE_ROW)
		last = sqlite3_column_double(s, 0);
	sqlite3_finalize(s);
	sql = xasprintf("SELECT coalesce(pid, 0), ts, duration, syscall, errno, "
	    "state, count(*) OVER (), (SELECT count(DISTINCT coalesce(pid, 0)) "
	    "FROM syscalls WHERE artifact_id = ?1 AND %s) "
	    "FROM syscalls WHERE artifact_id = ?1 AND %s ORDER BY ts, id",
	    want, want);
	if (sqlite3_prepare_v2(db, sql, -1, &s, NULL) != SQLITE_OK) {
		free(sql);
		return -1;
	}
	free(sql);
	sqlite3_bind_int64(s, 1, aid);
	sqlite3_bind_double(s, sqlite3_bind_parameter_index(s, ":long"),
	    REPORT_LONG_CALL);
	while (sqlite3_step(s) == SQLITE_ROW) {
		struct report_call *c;
		long pid = col_long(s, 0, 0);

		r->calls_total = col_long(s, 6, 0);
		r->lanes_total = col_long(s, 7, 0);
		if (r->ncalls >= REPORT_CALLS_MAX || lane_of(r, pid) < 0)
			continue;
		r->calls = xrealloc(r->calls, (r->ncalls + 1) * sizeof(*r->calls));
		c = &r->calls[r->ncalls++];
		c->pid = pid;
		c->ts = sqlite3_column_double(s, 1);
		c->dur = sqlite3_column_double(s, 2);
		c->syscall = dup_col(s, 3);
		c->err = dup_col(s, 4);
		c->blocked = strcmp((const char *)sqlite3_column_text(s, 5),
		    "blocked") == 0;
		if (c->blocked && last > c->ts)
			c->dur = last - c->ts;
	}
	sqlite3_finalize(s);
	/* The failure's process gets a lane even when the lanes are full. */
	if (r->have_failure && lane_of(r, r->failure_pid) < 0)
		r->lanes[r->nlanes - 1] = r->failure_pid;
	if (r->lanes_total < (long)r->nlanes)
		r->lanes_total = (long)r->nlanes;
	return 0;
}

/*
 * Goroutines per status over every dump (a debug=1 group counts its
 * goroutines), most first.  0, or -1 on an SQL error.
 */
static int
load_goroutines(sqlite3 *db, struct report *r)
{
	sqlite3_stmt *s = NULL;

	if (sqlite3_prepare_v2(db, "SELECT coalesce(status, '?'), sum(count), "
	    "(SELECT count(*) FROM (SELECT DISTINCT artifact_id, dump "
	    "FROM goroutines)) FROM goroutines GROUP BY 1 "
	    "ORDER BY 2 DESC, 1 LIMIT ?", -1, &s, NULL) != SQLITE_OK)
		return -1;
	sqlite3_bind_int(s, 1, REPORT_BARS);
	while (sqlite3_step(s) == SQLITE_ROW) {
		struct report_bar *b;

		r->gstates = xrealloc(r->gstates, (r->ngstates + 1) * sizeof(*b));
		b = &r->gstates[r->ngstates++];
		b->label = dup_col(s, 0);
		b->detail = NULL;
		b->value = (double)sqlite3_column_int64(s, 1);
		b->count = (long)sqlite3_column_int64(s, 1);
		r->gdumps = (long)sqlite3_column_int64(s, 2);
	}
	sqlite3_finalize(s);
	return 0;
}

/*
 * The block/mutex profiles' top samples by total delay; a sample's stack
 * is rebuilt from pprof_frames (leaf first).  0, or -1 on an SQL error.
 */
static int
load_stacks(sqlite3 *db, struct report *r)
{
	sqlite3_stmt *s = NULL;
	int block = 0, mutex = 0;

	if (sqlite3_prepare_v2(db, "SELECT p.profile, coalesce(p.top_func, '?'), "
	    "(SELECT group_concat(func, ' < ') FROM (SELECT f.func FROM "
	    "pprof_frames f WHERE f.artifact_id = p.artifact_id AND "
	    "f.sample_idx = p.idx ORDER BY f.depth LIMIT 6)), "
	    "coalesce(p.delay_ns, 0), coalesce(p.count, 0) FROM pprof_samples p "
	    "ORDER BY p.delay_ns DESC, p.id LIMIT ?", -1, &s, NULL) != SQLITE_OK)
		return -1;
	sqlite3_bind_int(s, 1, REPORT_BARS);
	while (sqlite3_step(s) == SQLITE_ROW) {
		struct report_bar *b;
		const char *prof = (const char *)sqlite3_column_text(s, 0);

		block |= strcmp(prof, "block") == 0;
		mutex |= strcmp(prof, "mutex") == 0;
		r->stacks = xrealloc(r->stacks, (r->nstacks + 1) * sizeof(*b));
		b = &r->stacks[r->nstacks++];
		b->label = xasprintf("%s: %s", prof,
		    (const char *)sqlite3_column_text(s, 1));
		b->detail = dup_col(s, 2);
		b->value = (double)sqlite3_column_int64(s, 3) / 1e9;
		b->count = (long)sqlite3_column_int64(s, 4);
	}
	sqlite3_finalize(s);
	if (block || mutex)
		r->stacks_profile = xstrdup(block && mutex ? "block and mutex" :
		    block ? "block" : "mutex");
	return 0;
}

/*
 * Fills r (whose bundle, store and findings the caller has set) from the
 * store: artifacts, the first problems, and the charts' data.  0, or -1
 * with *err allocated.
 */
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
	s = NULL;
	/* Only the HTML report draws charts: the others skip the queries. */
	if (r->charts && (load_sched(db, r) != 0 || load_calls(db, r) != 0 ||
	    load_goroutines(db, r) != 0 || load_stacks(db, r) != 0))
		goto fail;
	return 0;
fail:
	*err = xasprintf("report: %s", sqlite3_errmsg(db));
	sqlite3_finalize(s);
	return -1;
}

static void
bars_free(struct report_bar *b, size_t n)
{
	for (size_t i = 0; i < n; i++) {
		free(b[i].label);
		free(b[i].detail);
	}
	free(b);
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
	free(r->sched_artifact);
	free(r->sched);
	for (size_t i = 0; i < r->ncalls; i++) {
		free(r->calls[i].syscall);
		free(r->calls[i].err);
	}
	free(r->calls);
	free(r->calls_artifact);
	free(r->lanes);
	free(r->failure_label);
	bars_free(r->gstates, r->ngstates);
	bars_free(r->stacks, r->nstacks);
	free(r->stacks_profile);
	r->sched_artifact = r->calls_artifact = r->failure_label = NULL;
	r->stacks_profile = NULL;
	r->sched = NULL;
	r->calls = NULL;
	r->lanes = NULL;
	r->gstates = r->stacks = NULL;
	r->nsched = r->ncalls = r->nlanes = r->ngstates = r->nstacks = 0;
	r->art = NULL;
	r->prob = NULL;
	r->nart = r->nprob = 0;
}
