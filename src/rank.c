/*
 * Scores are sums of named parts, never opaque: the explanation string
 * spells out each part, and the store keeps them in their own columns.
 */
#include "rank.h"
#include "xmalloc.h"

#include <stdlib.h>
#include <string.h>

const char *
rank_confidence(double score)
{
	if (score >= 0.80)
		return "high";
	if (score >= 0.50)
		return "medium";
	return "low";
}

/* Where the application reported the failure of this call, if anywhere. */
static char *
reported_at(sqlite3 *db, const struct evidence *v, long *artifact_id)
{
	sqlite3_stmt *s = NULL;
	char *at = NULL;

	if (v->app_error_id) {
		*artifact_id = v->artifact_id;
		return xasprintf("%s:%ld", v->artifact ? v->artifact : "?", v->line);
	}
	if (!v->syscall_id)
		return NULL;
	sqlite3_prepare_v2(db, "SELECT a.path, e.line, a.id FROM app_errors e "
	    "JOIN artifacts a ON a.id = e.artifact_id WHERE e.syscall_id = ? "
	    "ORDER BY e.id LIMIT 1", -1, &s, NULL);
	sqlite3_bind_int64(s, 1, v->syscall_id);
	if (sqlite3_step(s) == SQLITE_ROW) {
		at = xasprintf("%s:%lld", sqlite3_column_text(s, 0),
		    (long long)sqlite3_column_int64(s, 1));
		*artifact_id = (long)sqlite3_column_int64(s, 2);
	}
	sqlite3_finalize(s);
	return at;
}

/* Exit status of the process after this call, if it exited non-zero. */
static int
exited_after(sqlite3 *db, const struct evidence *v, long *code)
{
	sqlite3_stmt *s = NULL;
	int found = 0;

	if (!v->syscall_id)
		return 0;
	sqlite3_prepare_v2(db, "SELECT e.code FROM syscalls c JOIN strace_events e "
	    "ON e.artifact_id = c.artifact_id AND e.kind = 'exited' AND e.code <> 0 "
	    "AND e.line > coalesce(c.end_line, c.line) WHERE c.id = ? "
	    "UNION ALL SELECT e.code FROM syscalls c JOIN strace_events e "
	    "ON e.pid = c.pid AND e.kind = 'exited' AND e.code <> 0 "
	    "WHERE c.id = ? LIMIT 1", -1, &s, NULL);
	sqlite3_bind_int64(s, 1, v->syscall_id);
	sqlite3_bind_int64(s, 2, v->syscall_id);
	if (sqlite3_step(s) == SQLITE_ROW) {
		*code = (long)sqlite3_column_int64(s, 0);
		found = 1;
	}
	sqlite3_finalize(s);
	return found;
}

/*
 * A failure the program reported within RANK_NEAR_SECONDS after this
 * call, both put on one clock (the clocks table): its "file:line" and how
 * long before it the call ended, or NULL.
 */
static char *
reported_soon_after(sqlite3 *db, const struct evidence *v, double *gap)
{
	sqlite3_stmt *s = NULL;
	char *at = NULL;

	if (!v->syscall_id)
		return NULL;
	sqlite3_prepare_v2(db, "SELECT a.path, e.line, "
	    "(e.ts + ce.offset) - (coalesce(c.end_ts, c.ts) + cs.offset) AS gap "
	    "FROM syscalls c JOIN clocks cs ON cs.artifact_id = c.artifact_id "
	    "AND cs.offset IS NOT NULL, app_errors e JOIN clocks ce ON "
	    "ce.artifact_id = e.artifact_id AND ce.offset IS NOT NULL "
	    "JOIN artifacts a ON a.id = e.artifact_id "
	    "WHERE c.id = ? AND e.errno IS NOT NULL AND c.ts IS NOT NULL "
	    "AND e.ts IS NOT NULL AND gap >= -1.0 AND gap <= ? "
	    "ORDER BY gap LIMIT 1", -1, &s, NULL);
	sqlite3_bind_int64(s, 1, v->syscall_id);
	sqlite3_bind_double(s, 2, RANK_NEAR_SECONDS);
	if (sqlite3_step(s) == SQLITE_ROW) {
		at = xasprintf("%s:%lld", sqlite3_column_text(s, 0),
		    (long long)sqlite3_column_int64(s, 1));
		*gap = sqlite3_column_double(s, 2);
	}
	sqlite3_finalize(s);
	return at;
}

static int
cmp_findings(const void *a, const void *b)
{
	const struct finding *x = *(struct finding *const *)a;
	const struct finding *y = *(struct finding *const *)b;

	if (x->score != y->score)
		return x->score > y->score ? -1 : 1;
	if (x->base != y->base)
		return x->base > y->base ? -1 : 1;
	return strcmp(x->rule->id, y->rule->id);
}

void
rank_findings(sqlite3 *db, struct finding_list *fl)
{
	for (size_t i = 0; i < fl->n; i++) {
		struct finding *f = fl->v[i];
		struct buf why = { 0 };
		long extra_artifact = 0, code = 0;
		const char *rep = NULL;
		char *near_at = NULL;
		double near_gap = 0;
		int exited = 0;

		f->base = f->rule->weight;
		f->reported = 0;
		for (size_t j = 0; j < f->nev; j++) {
			struct evidence *v = &f->ev[j];
			long aid = 0;

			v->reported_at = reported_at(db, v, &aid);
			if (v->reported_at && rep == NULL) {
				rep = v->reported_at;
				f->reported = RANK_REPORTED_BONUS;
				/* The application's log is a further witness. */
				if (!v->app_error_id) {
					size_t k;

					for (k = 0; k < f->nev && f->ev[k].artifact_id != aid; k++)
						;
					if (k == f->nev)
						extra_artifact = 1;
				}
			}
		}
		if (rep == NULL) {
			for (size_t j = 0; j < f->nev && !exited; j++)
				exited = exited_after(db, &f->ev[j], &code);
			if (exited)
				f->reported = RANK_EXITED_BONUS;
			/* Close in time to what the program did report. */
			for (size_t j = 0; j < f->nev && near_at == NULL; j++)
				near_at = reported_soon_after(db, &f->ev[j], &near_gap);
			if (near_at)
				f->reported += RANK_NEAR_BONUS;
		}
		f->corroboration = RANK_ARTIFACT_BONUS *
		    (double)(f->artifacts - 1 + extra_artifact);
		if (f->corroboration > RANK_ARTIFACT_MAX)
			f->corroboration = RANK_ARTIFACT_MAX;
		if (f->corroboration < 0)
			f->corroboration = 0;
		/* Input checks that affect this cause lower its score. */
		f->penalty = 0;
		for (size_t c = 0; c < fl->nchecks; c++) {
			const struct rule *ck = fl->checks[c]->rule;
			int hit = ck->naffects == 0;

			for (size_t a = 0; a < ck->naffects && !hit; a++)
				hit = strcmp(ck->affects[a], f->rule->id) == 0;
			if (hit)
				f->penalty += ck->penalty;
		}
		f->score = f->base + f->reported + f->corroboration;
		if (f->score > RANK_SCORE_MAX)
			f->score = RANK_SCORE_MAX;
		f->score -= f->penalty;
		if (f->score < RANK_SCORE_MIN)
			f->score = RANK_SCORE_MIN;
		f->confidence = rank_confidence(f->score);

		buf_printf(&why, "%.2f rule weight", f->base);
		if (rep)
			buf_printf(&why, " + %.2f the program reported this failure (%s)",
			    f->reported, rep);
		else {
			if (exited)
				buf_printf(&why, " + %.2f the process exited with status %ld "
				    "after it (no application log links it)", RANK_EXITED_BONUS, code);
			if (near_at)
				buf_printf(&why, " + %.2f %.1f s before the failure the program "
				    "reported at %s", RANK_NEAR_BONUS, near_gap < 0 ? 0 : near_gap,
				    near_at);
			if (!exited && !near_at)
				buf_adds(&why, " + 0.00 no report of this failure by the program");
		}
		free(near_at);
		if (f->corroboration > 0)
			buf_printf(&why, " + %.2f %ld artifacts agree", f->corroboration,
			    f->artifacts + extra_artifact);
		for (size_t c = 0; c < fl->nchecks; c++) {
			const struct rule *ck = fl->checks[c]->rule;
			int hit = ck->naffects == 0;

			for (size_t a = 0; a < ck->naffects && !hit; a++)
				hit = strcmp(ck->affects[a], f->rule->id) == 0;
			if (hit)
				buf_printf(&why, " - %.2f %s (%s)", ck->penalty, ck->title, ck->id);
		}
		buf_printf(&why, " = %.2f", f->score);
		f->explanation = why.s;
	}
	if (fl->n > 1)
		qsort(fl->v, fl->n, sizeof(*fl->v), cmp_findings);
	for (size_t i = 0; i < fl->n; i++)
		fl->v[i]->rank = (long)i + 1;
}
