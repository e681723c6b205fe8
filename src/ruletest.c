/*
 * Rule tests.  A bundle shared by several tests is analysed once: the
 * ranking it gives is the same whichever rule's test asks.
 */
#include "ruletest.h"
#include "analyse.h"
#include "xmalloc.h"

#include <errno.h>
#include <libgen.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

struct outcome {
	char *bundle;		/* resolved path */
	char *error;		/* the analysis failed: why */
	struct finding_list fl;
};

struct cache {
	struct outcome *v;
	size_t n;
	char *tmpdir;
	long runs;
};

static char *
resolve(const struct rule_test *t, const char *bundle)
{
	char *copy, *dir, *p;

	if (bundle[0] == '/')
		return xstrdup(bundle);
	copy = xstrdup(t->file);
	dir = dirname(copy);
	p = xasprintf("%s/%s", dir, bundle);
	free(copy);
	return p;
}

static struct outcome *
outcome_for(struct cache *c, const struct rule_set *rs,
    const struct limits *limits, const char *bundle)
{
	struct analysis a;
	struct analysis_opts o = { 0 };
	struct outcome *oc;
	char *err = NULL, *db;

	for (size_t i = 0; i < c->n; i++)
		if (strcmp(c->v[i].bundle, bundle) == 0)
			return &c->v[i];
	c->v = xrealloc(c->v, (c->n + 1) * sizeof(*c->v));
	oc = &c->v[c->n++];
	memset(oc, 0, sizeof(*oc));
	oc->bundle = xstrdup(bundle);
	db = xasprintf("%s/run-%ld.sqlite", c->tmpdir, ++c->runs);
	o.bundle = bundle;
	o.db = db;
	o.limits = limits;
	if (analyse(&o, rs, &a, &err) != ANALYSE_OK) {
		oc->error = err ? err : xstrdup("analysis failed");
	} else {
		/* Keep the findings; the report data is not needed. */
		oc->fl = a.fl;
		memset(&a.fl, 0, sizeof(a.fl));
		a.rep.findings = NULL;
	}
	analysis_free(&a);
	unlink(db);
	free(db);
	return oc;
}

static const struct finding *
find_in(struct finding *const *v, size_t n, const char *id)
{
	for (size_t i = 0; i < n; i++)
		if (strcmp(v[i]->rule->id, id) == 0)
			return v[i];
	return NULL;
}

/* NULL when the test passes, else why it failed (allocated). */
static char *
check(const struct rule *r, const struct rule_test *t, const struct outcome *oc)
{
	const struct finding *f;

	if (oc->error)
		return xasprintf("the analysis failed: %s", oc->error);
	if (strcmp(t->expect, "ruled_out") == 0)
		return find_in(oc->fl.ruled, oc->fl.nruled, r->id) ? NULL :
		    xstrdup("is not listed as ruled out");
	if (r->check) {
		/* A check has no rank: it fires or it does not. */
		f = find_in(oc->fl.checks, oc->fl.nchecks, r->id);
		if (strcmp(t->expect, "absent") == 0)
			return f ? xstrdup("fires, expected absent") : NULL;
		return f ? NULL : xstrdup("does not fire, expected it to");
	}
	f = find_in(oc->fl.v, oc->fl.n, r->id);
	if (strcmp(t->expect, "absent") == 0)
		return f ? xasprintf("fires (rank %ld, score %.2f), expected absent",
		    f->rank, f->score) : NULL;
	if (f == NULL)
		return xasprintf("does not fire, expected %s%s%s", t->expect,
		    oc->fl.n ? "; rank 1 is " : "", oc->fl.n ? oc->fl.v[0]->rule->id : "");
	if (strcmp(t->expect, "first") == 0 && f->rank != 1)
		return xasprintf("ranks %ld, expected first (rank 1 is %s, score %.2f "
		    "against %.2f)", f->rank, oc->fl.v[0]->rule->id, oc->fl.v[0]->score,
		    f->score);
	if (t->rank && f->rank != t->rank)
		return xasprintf("ranks %ld, expected %ld", f->rank, t->rank);
	if (t->confidence && strcmp(f->confidence, t->confidence) != 0)
		return xasprintf("confidence %s (score %.2f), expected %s",
		    f->confidence, f->score, t->confidence);
	return NULL;
}

long
ruletest_run(const struct rule_set *rs, int min_origin,
    const struct limits *limits, FILE *out)
{
	char tmpl[] = "/tmp/mkpostmortem-rules-test-XXXXXX";
	struct cache c = { 0 };
	long failed = 0, tests = 0, rules = 0;

	if (mkdtemp(tmpl) == NULL) {
		fprintf(stderr, "mkpostmortem: cannot create a temporary directory: %s\n",
		    strerror(errno));
		return -1;
	}
	c.tmpdir = tmpl;
	for (size_t i = 0; i < rs->n; i++) {
		const struct rule *r = rs->v[i];
		long bad = 0;
		size_t n = 0;

		/*
		 * The tests of the directories asked for, an override's of a
		 * rule loaded before them too.
		 */
		for (size_t j = 0; j < r->ntests; j++)
			n += r->tests[j].origin >= min_origin;
		if (n == 0)
			continue;
		rules++;
		for (size_t j = 0; j < r->ntests; j++) {
			const struct rule_test *t = &r->tests[j];
			char *bundle, *why;

			if (t->origin < min_origin)
				continue;
			bundle = resolve(t, t->bundle);
			why = check(r, t, outcome_for(&c, rs, limits, bundle));
			tests++;
			if (why) {
				if (bad++ == 0)
					fprintf(out, "FAIL %s\n", r->id);
				fprintf(out, "  %s:%ld:%ld: %s on %s: %s\n", t->file, t->line,
				    t->col, t->expect, t->bundle, why);
				free(why);
			}
			free(bundle);
		}
		if (bad == 0)
			fprintf(out, "ok   %s (%zu test%s)\n", r->id, n,
			    n == 1 ? "" : "s");
		failed += bad;
	}
	fprintf(out, "%ld rules with tests, %ld tests: %ld passed, %ld failed\n",
	    rules, tests, tests - failed, failed);
	for (size_t i = 0; i < c.n; i++) {
		free(c.v[i].bundle);
		free(c.v[i].error);
		findings_free(&c.v[i].fl);
	}
	free(c.v);
	rmdir(tmpl);
	return failed;
}
