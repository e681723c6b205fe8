/*
 * The analysis pipeline, in the order a reader of the report would
 * explain it; each stage is its own module and this file only sequences
 * them and times them.
 */
#include "analyse.h"
#include "asink.h"
#include "ingest.h"
#include "rank.h"
#include "re.h"
#include "store.h"
#include "walk.h"
#include "xmalloc.h"

#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

static double
now(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

/*
 * Two threads pay only when there are two CPUs to run them: on one, the
 * hand-offs cost more than they overlap.
 */
static int
threads(const struct analysis_opts *o)
{
	if (o->threads > 0)
		return o->threads;
	return sysconf(_SC_NPROCESSORS_ONLN) > 1 ? 2 : 1;
}

enum analyse_status
analyse(const struct analysis_opts *o, const struct rule_set *rs,
    struct analysis *a, char **err)
{
	struct store *st = NULL;
	const struct artifact_sink *sink;
	struct asink *as = NULL;
	sqlite3 *check = NULL;
	struct walk wk = { 0 };
	struct diag d = { 0 };
	enum analyse_status rc = ANALYSE_CANNOT;
	double t0 = now(), t1, t2;
	char *e = NULL;
	size_t k;

	memset(a, 0, sizeof(*a));
	/*
	 * A broken site rule stops the run before any work is done; the
	 * built-in ones alone need no schema to be checked against (a fifth
	 * of a small bundle's run).
	 */
	for (k = 0; k < rs->n && rs->v[k]->builtin; k++)
		;
	if (k < rs->n) {
		if (store_schema_db(&check, err) != 0)
			goto out;
		re_register_sqlite(check);
		if (eval_check(check, rs, 0, &d) != 0) {
			*err = diag_format(&d);
			rc = ANALYSE_BAD_RULE;
			goto out;
		}
		sqlite3_close(check);
		check = NULL;
	}
	t1 = now();
	a->t_check = t1 - t0;
	t0 = t1;
	if (walk_bundle(o->bundle, &wk, &e) != 0) {
		*err = xasprintf("cannot analyse %s", e);
		free(e);
		goto out;
	}
	if (store_create(o->db, &st, err) != 0)
		goto out;
	re_register_sqlite(store_db(st));
	store_set_meta(st, "bundle", o->bundle);
	store_set_meta(st, "tool_version", PACKAGE_VERSION);
	sink = store_sink(st);
	if (threads(o) > 1 && (as = asink_start(sink)) != NULL)
		sink = asink_sink(as);
	for (size_t i = 0; i < wk.n; i++) {
		struct artifact_info info;

		if (wk.v[i].skip) {
			sink->skipped(sink->rec.ctx, wk.v[i].rel, wk.v[i].skip);
			continue;
		}
		ingest_file(wk.v[i].abs, wk.v[i].rel, wk.v[i].size,
		    o->forced_type ? o->forced_type(o->type_ctx, wk.v[i].rel) : NULL,
		    o->limits, sink, &info);
		a->records += info.records;
	}
	/* The store is this thread's again once every record is in. */
	asink_finish(as);
	if (store_load_error(st)) {
		*err = xstrdup(store_load_error(st));
		goto out;
	}
	t1 = now();
	a->t_ingest = t1 - t0;
	if (store_index(st, err) != 0)
		goto out;
	t2 = now();
	a->t_index = t2 - t1;
	eval_rule_times = o->rule_times;
	if (eval_run(store_db(st), rs, &a->fl, &d) != 0) {
		*err = diag_format(&d);
		rc = ANALYSE_BAD_RULE;
		goto out;
	}
	rank_findings(store_db(st), &a->fl);
	if (eval_store_ranks(store_db(st), &a->fl, err) != 0)
		goto out;
	a->t_rules = now() - t2;
	a->rep.bundle = o->bundle;
	a->rep.store = o->db;
	a->rep.findings = &a->fl;
	a->rep.regex_limit_hits = re_limit_hits();
	a->rep.charts = o->charts;
	if (report_load(store_db(st), &a->rep, err) != 0)
		goto out;
	if (store_commit(st, err) != 0) {
		st = NULL;
		goto out;
	}
	st = NULL;
	rc = ANALYSE_OK;
out:
	sqlite3_close(check);
	store_close(st);
	walk_free(&wk);
	diag_clear(&d);
	return rc;
}

void
analysis_free(struct analysis *a)
{
	report_free(&a->rep);
	findings_free(&a->fl);
}
