/*
 * Rule evaluation.  A rule's evidence query must return the columns
 * artifact_id, line and text; it may return syscall_id and app_error_id
 * (which link evidence to calls and reported errors), path (what suppress
 * entries match) and any other column, usable as {name} in the fix text.
 */
#include "eval.h"
#include "re.h"
#include "xmalloc.h"

#include <ctype.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <time.h>

static void finding_free(struct finding *f);

static int
col_index(sqlite3_stmt *s, const char *name)
{
	int n = sqlite3_column_count(s);

	for (int i = 0; i < n; i++)
		if (strcasecmp(sqlite3_column_name(s, i), name) == 0)
			return i;
	return -1;
}

/* The file a value at m is written in: the rule's, or an override's. */
static const char *
mark_file(const struct rule *r, const struct mark *m)
{
	return m->file ? m->file : r->file;
}

/* Line and column of offset off of sql, one of r's queries, written at m. */
static void
query_position(const struct rule *r, const char *sql, const struct mark *m,
    long off, long *line, long *col)
{
	struct rule tmp = *r;

	/* rule_sql_position maps offsets of r->sql at r->m_sql. */
	tmp.sql = (char *)sql;
	tmp.m_sql = *m;
	rule_sql_position(&tmp, off, line, col);
}

static int
rule_fail(struct diag *d, const struct rule *r, const struct mark *m,
    char *msg)
{
	diag_clear(d);
	d->file = xstrdup(mark_file(r, m));
	d->line = m->line;
	d->col = m->col;
	d->msg = msg;
	return -1;
}

/*
 * Where in the SQL an error is, when SQLite does not say: the name after
 * "no such table: " / "no such column: " or the token in `near "X"`.
 */
static long
guess_offset(const char *sql, const char *msg)
{
	const char *tok = NULL, *hit;
	size_t n = 0;

	if ((tok = strstr(msg, "near \"")) != NULL) {
		tok += 6;
		n = strcspn(tok, "\"");
	} else if ((tok = strrchr(msg, ':')) != NULL && tok[1] == ' ') {
		tok += 2;
		n = strlen(tok);
		/* "no such column: t.x" names the column as written. */
	}
	if (tok == NULL || n == 0)
		return -1;
	for (hit = sql; *hit; hit++)
		if (strncasecmp(hit, tok, n) == 0)
			return (long)(hit - sql);
	return -1;
}

/*
 * Compiles every literal pattern of one of the rule's queries (sql, at
 * mark m: `x REGEXP 'p'`, `regexp('p', x)`), so that a bad pattern is a
 * rule error found by `rules check`, with its position, and not a
 * failure mid-analysis.
 */
static int
check_patterns(const struct rule *r, const char *sql, const struct mark *m,
    struct diag *d)
{
	for (const char *p = sql; *p; p++) {
		const char *q;
		struct buf pat = { 0 };
		struct re *re;
		char *err = NULL;

		if (strncasecmp(p, "regexp", 6) != 0 ||
		    (p > sql && (isalnum((unsigned char)p[-1]) || p[-1] == '_')) ||
		    isalnum((unsigned char)p[6]) || p[6] == '_')
			continue;
		q = p + 6;
		while (*q == ' ' || *q == '\t' || *q == '\n' || *q == '(')
			q++;
		if (*q != '\'')
			continue;
		for (q++; *q; q++) {
			if (*q == '\'') {
				if (q[1] != '\'')
					break;
				q++;
			}
			buf_addc(&pat, *q);
		}
		re = re_compile(buf_str(&pat), &err);
		if (re == NULL) {
			long line, col;

			diag_clear(d);
			d->file = xstrdup(mark_file(r, m));
			query_position(r, sql, m, (long)(p - sql), &line, &col);
			d->line = line;
			d->col = col;
			d->msg = xasprintf("rule %s: %s in '%s'", r->id, err, buf_str(&pat));
			free(err);
			buf_free(&pat);
			return -1;
		}
		re_free(re);
		buf_free(&pat);
	}
	return 0;
}

/*
 * Prepares one of a rule's queries (what: "evidence" or "ruled_out", at
 * mark m) and checks the columns every such query must return.
 */
static int
prepare_query(sqlite3 *db, const struct rule *r, const char *sql,
    const struct mark *m, const char *what, sqlite3_stmt **out, struct diag *d)
{
	sqlite3_stmt *s = NULL;
	const char *tail = NULL;

	if (sqlite3_prepare_v2(db, sql, -1, &s, &tail) != SQLITE_OK) {
		long off = sqlite3_error_offset(db), line, col;

		if (off < 0)
			off = guess_offset(sql, sqlite3_errmsg(db));

		diag_clear(d);
		d->file = xstrdup(mark_file(r, m));
		if (off >= 0) {
			query_position(r, sql, m, off, &line, &col);
			d->line = line;
			d->col = col;
		} else {
			d->line = m->line;
			d->col = m->col;
		}
		d->msg = xasprintf("rule %s: %s SQL: %s", r->id, what,
		    sqlite3_errmsg(db));
		sqlite3_finalize(s);
		return -1;
	}
	if (s == NULL)
		return rule_fail(d, r, m, xasprintf("rule %s: %s SQL is empty",
		    r->id, what));
	while (tail && (*tail == ' ' || *tail == '\n' || *tail == '\t' ||
	    *tail == ';' || *tail == '\r'))
		tail++;
	if (tail && *tail) {
		sqlite3_finalize(s);
		return rule_fail(d, r, m, xasprintf("rule %s: %s must be a single "
		    "SELECT statement", r->id, what));
	}
	if (!sqlite3_stmt_readonly(s)) {
		sqlite3_finalize(s);
		return rule_fail(d, r, m, xasprintf("rule %s: %s must only read "
		    "the store (a SELECT)", r->id, what));
	}
	{
		static const char *const need[] = { "artifact_id", "line", "text" };

		for (size_t i = 0; i < 3; i++)
			if (col_index(s, need[i]) < 0) {
				sqlite3_finalize(s);
				return rule_fail(d, r, m, xasprintf("rule %s: %s must "
				    "return a column named '%s'", r->id, what, need[i]));
			}
	}
	if (check_patterns(r, sql, m, d) != 0) {
		sqlite3_finalize(s);
		return -1;
	}
	*out = s;
	return 0;
}

static int
prepare_rule(sqlite3 *db, const struct rule *r, sqlite3_stmt **out,
    struct diag *d)
{
	sqlite3_stmt *s = NULL;

	if (prepare_query(db, r, r->sql, &r->m_sql, "evidence", &s, d) != 0)
		return -1;
	/* Every {name} in the fix must be a column or a built-in. */
	for (const char *p = r->fix; (p = strchr(p, '{')) != NULL; p++) {
		const char *e = strchr(p, '}');
		char *name;

		if (e == NULL)
			break;
		name = xstrndup(p + 1, (size_t)(e - p - 1));
		if (col_index(s, name) < 0 && strcmp(name, "count") != 0 &&
		    strcmp(name, "artifact") != 0) {
			int rc = rule_fail(d, r, &r->m_fix, xasprintf("rule %s: fix "
			    "uses {%s}, which the evidence query does not return "
			    "(built-ins: {count}, {artifact})", r->id, name));

			free(name);
			sqlite3_finalize(s);
			return rc;
		}
		free(name);
	}
	*out = s;
	return 0;
}

/* Compiles a suppress entry's patterns: -1 with *d on a bad one. */
static int
check_suppress(const struct rule *r, struct diag *d)
{
	for (size_t i = 0; i < r->nsuppress; i++) {
		const struct rule_suppress *sp = &r->suppress[i];
		const char *pats[2] = { sp->path, sp->artifact };

		for (int k = 0; k < 2; k++) {
			char *err = NULL;
			struct re *re;

			if (pats[k] == NULL)
				continue;
			if ((re = re_compile(pats[k], &err)) == NULL) {
				diag_clear(d);
				d->file = xstrdup(sp->file);
				d->line = sp->line;
				d->col = sp->col;
				d->msg = xasprintf("rule %s: suppress: %s in '%s'", r->id,
				    err, pats[k]);
				free(err);
				return -1;
			}
			re_free(re);
		}
	}
	return 0;
}

int
eval_check(sqlite3 *db, const struct rule_set *rs, int builtin_too,
    struct diag *d)
{
	for (size_t i = 0; i < rs->n; i++) {
		const struct rule *r = rs->v[i];
		sqlite3_stmt *s;

		if (r->builtin && !builtin_too)
			continue;
		if (prepare_rule(db, r, &s, d) != 0)
			return -1;
		sqlite3_finalize(s);
		if (r->ruled_out) {
			if (prepare_query(db, r, r->ruled_out, &r->m_ruled, "ruled_out",
			    &s, d) != 0)
				return -1;
			sqlite3_finalize(s);
		}
		if (check_suppress(r, d) != 0)
			return -1;
	}
	return 0;
}

static char *
col_text(sqlite3_stmt *s, int i)
{
	const unsigned char *t;

	if (i < 0 || sqlite3_column_type(s, i) == SQLITE_NULL)
		return NULL;
	t = sqlite3_column_text(s, i);
	return xstrndup((const char *)t, (size_t)sqlite3_column_bytes(s, i));
}

static long
col_long(sqlite3_stmt *s, int i)
{
	if (i < 0 || sqlite3_column_type(s, i) == SQLITE_NULL)
		return 0;
	return (long)sqlite3_column_int64(s, i);
}

/* Fills {name} from the first evidence row. */
static char *
fill_fix(const char *fix, sqlite3_stmt *s, const char *artifact)
{
	struct buf b = { 0 };
	const char *p = fix;

	while (*p) {
		const char *o = strchr(p, '{'), *e;

		if (o == NULL || (e = strchr(o, '}')) == NULL) {
			buf_adds(&b, p);
			break;
		}
		buf_add(&b, p, (size_t)(o - p));
		{
			char *name = xstrndup(o + 1, (size_t)(e - o - 1));
			int i = col_index(s, name);

			if (strcmp(name, "count") == 0 && i < 0)
				/* Known only once every row is read: filled later. */
				buf_adds(&b, "{count}");
			else if (strcmp(name, "artifact") == 0 && i < 0)
				buf_adds(&b, artifact ? artifact : "");
			else if (i >= 0 && sqlite3_column_type(s, i) != SQLITE_NULL)
				buf_add(&b, sqlite3_column_text(s, i),
				    (size_t)sqlite3_column_bytes(s, i));
			else
				buf_adds(&b, "(unknown)");
			free(name);
		}
		p = e + 1;
	}
	return b.s ? b.s : xstrdup("");
}

static int
uses_regexp(const char *sql)
{
	for (const char *p = sql; *p; p++)
		if (strncasecmp(p, "regexp", 6) == 0)
			return 1;
	return 0;
}

static int
insert_finding(sqlite3 *db, struct finding *f, char **err)
{
	sqlite3_stmt *s = NULL, *e = NULL;
	int rc = -1;

	if (sqlite3_prepare_v2(db, "INSERT INTO findings (rank, rule_id, title, "
	    "score, confidence, base, fix, rule_file) VALUES (0, ?, ?, 0, '', ?, ?, ?)",
	    -1, &s, NULL) != SQLITE_OK ||
	    sqlite3_prepare_v2(db, "INSERT INTO finding_evidence (finding_id, seq, "
	    "artifact_id, line, text, syscall_id, app_error_id) VALUES "
	    "(?, ?, ?, ?, ?, ?, ?)", -1, &e, NULL) != SQLITE_OK)
		goto out;
	sqlite3_bind_text(s, 1, f->rule->id, -1, SQLITE_STATIC);
	sqlite3_bind_text(s, 2, f->rule->title, -1, SQLITE_STATIC);
	sqlite3_bind_double(s, 3, f->rule->weight);
	sqlite3_bind_text(s, 4, f->fix, -1, SQLITE_STATIC);
	sqlite3_bind_text(s, 5, f->rule->file, -1, SQLITE_STATIC);
	if (sqlite3_step(s) != SQLITE_DONE)
		goto out;
	f->db_id = (long)sqlite3_last_insert_rowid(db);
	for (size_t i = 0; i < f->nev; i++) {
		struct evidence *v = &f->ev[i];

		sqlite3_bind_int64(e, 1, f->db_id);
		sqlite3_bind_int64(e, 2, (sqlite3_int64)i + 1);
		sqlite3_bind_int64(e, 3, v->artifact_id);
		if (v->line > 0)
			sqlite3_bind_int64(e, 4, v->line);
		else
			sqlite3_bind_null(e, 4);
		sqlite3_bind_text(e, 5, v->text ? v->text : "", -1, SQLITE_STATIC);
		if (v->syscall_id)
			sqlite3_bind_int64(e, 6, v->syscall_id);
		else
			sqlite3_bind_null(e, 6);
		if (v->app_error_id)
			sqlite3_bind_int64(e, 7, v->app_error_id);
		else
			sqlite3_bind_null(e, 7);
		if (sqlite3_step(e) != SQLITE_DONE)
			goto out;
		sqlite3_reset(e);
	}
	if (uses_regexp(f->rule->sql))
		f->query = xasprintf("SELECT a.path AS artifact, e.line, e.text "
		    "FROM finding_evidence e JOIN artifacts a ON a.id = e.artifact_id "
		    "WHERE e.finding_id = %ld ORDER BY e.seq;", f->db_id);
	else
		f->query = xstrdup(f->rule->sql);
	rc = 0;
out:
	if (rc != 0)
		*err = xasprintf("storing finding %s: %s", f->rule->id,
		    sqlite3_errmsg(db));
	sqlite3_finalize(s);
	sqlite3_finalize(e);
	return rc;
}

enum run_kind { RUN_CAUSE, RUN_CHECK, RUN_RULED_OUT };

FILE *eval_rule_times;

static double
seconds(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

/* 1 if a suppress entry of r matches the row (path, artifact); *by = it. */
static int
suppressed_by(struct re **res, const struct rule *r, const char *path,
    const char *artifact, const struct rule_suppress **by)
{
	for (size_t i = 0; i < r->nsuppress; i++) {
		const struct rule_suppress *sp = &r->suppress[i];
		struct re *rp = res[2 * i], *ra = res[2 * i + 1];

		if (rp && (path == NULL || re_match(rp, path, strlen(path)) != 1))
			continue;
		if (ra && (artifact == NULL || re_match(ra, artifact, strlen(artifact)) != 1))
			continue;
		*by = sp;
		return 1;
	}
	return 0;
}

static int
insert_note(sqlite3 *db, const struct finding *f, enum run_kind kind,
    char **err)
{
	sqlite3_stmt *s = NULL, *e = NULL;
	long id;
	int rc = -1;

	if (kind == RUN_CHECK) {
		struct buf aff = { 0 };

		for (size_t i = 0; i < f->rule->naffects; i++)
			buf_printf(&aff, "%s%s", i ? "," : "", f->rule->affects[i]);
		if (sqlite3_prepare_v2(db, "INSERT INTO checks (rule_id, title, "
		    "penalty, affects, advice, rule_file) VALUES (?, ?, ?, ?, ?, ?)",
		    -1, &s, NULL) != SQLITE_OK) {
			buf_free(&aff);
			goto out;
		}
		sqlite3_bind_text(s, 1, f->rule->id, -1, SQLITE_STATIC);
		sqlite3_bind_text(s, 2, f->rule->title, -1, SQLITE_STATIC);
		sqlite3_bind_double(s, 3, f->rule->penalty);
		if (aff.len)
			sqlite3_bind_text(s, 4, aff.s, -1, SQLITE_TRANSIENT);
		sqlite3_bind_text(s, 5, f->fix ? f->fix : "", -1, SQLITE_STATIC);
		sqlite3_bind_text(s, 6, f->rule->file, -1, SQLITE_STATIC);
		buf_free(&aff);
	} else {
		if (sqlite3_prepare_v2(db, "INSERT INTO ruled_out (rule_id, title, "
		    "rule_file) VALUES (?, ?, ?)", -1, &s, NULL) != SQLITE_OK)
			goto out;
		sqlite3_bind_text(s, 1, f->rule->id, -1, SQLITE_STATIC);
		sqlite3_bind_text(s, 2, f->rule->title, -1, SQLITE_STATIC);
		sqlite3_bind_text(s, 3, f->rule->file, -1, SQLITE_STATIC);
	}
	if (sqlite3_step(s) != SQLITE_DONE)
		goto out;
	id = (long)sqlite3_last_insert_rowid(db);
	if (sqlite3_prepare_v2(db, "INSERT INTO notes_evidence (owner, owner_id, "
	    "seq, artifact_id, line, text) VALUES (?, ?, ?, ?, ?, ?)", -1, &e,
	    NULL) != SQLITE_OK)
		goto out;
	for (size_t i = 0; i < f->nev; i++) {
		sqlite3_bind_text(e, 1, kind == RUN_CHECK ? "check" : "ruled_out", -1,
		    SQLITE_STATIC);
		sqlite3_bind_int64(e, 2, id);
		sqlite3_bind_int64(e, 3, (sqlite3_int64)i + 1);
		sqlite3_bind_int64(e, 4, f->ev[i].artifact_id);
		if (f->ev[i].line > 0)
			sqlite3_bind_int64(e, 5, f->ev[i].line);
		else
			sqlite3_bind_null(e, 5);
		sqlite3_bind_text(e, 6, f->ev[i].text ? f->ev[i].text : "", -1,
		    SQLITE_STATIC);
		if (sqlite3_step(e) != SQLITE_DONE)
			goto out;
		sqlite3_reset(e);
	}
	rc = 0;
out:
	if (rc != 0)
		*err = xasprintf("storing %s %s: %s", kind == RUN_CHECK ? "check" :
		    "ruled-out cause", f->rule->id, sqlite3_errmsg(db));
	sqlite3_finalize(s);
	sqlite3_finalize(e);
	return rc;
}

static void
note_suppressed(sqlite3 *db, struct finding_list *fl, const struct rule *r,
    const struct rule_suppress *by, long artifact_id, const char *artifact,
    long line, const char *text, long syscall_id, long app_error_id)
{
	sqlite3_stmt *s = NULL;
	struct suppressed_row *row;
	char *at = xasprintf("%s:%ld:%ld", by->file, by->line, by->col);

	fl->sup = xrealloc(fl->sup, (fl->nsup + 1) * sizeof(*fl->sup));
	row = &fl->sup[fl->nsup++];
	row->rule = r;
	row->by = by;
	row->artifact = artifact ? xstrdup(artifact) : NULL;
	row->line = line;
	row->text = text ? xstrdup(text) : NULL;
	if (sqlite3_prepare_v2(db, "INSERT INTO suppressed (rule_id, artifact_id, "
	    "line, text, reason, suppress_at, syscall_id, app_error_id) VALUES "
	    "(?, ?, ?, ?, ?, ?, ?, ?)", -1, &s, NULL) == SQLITE_OK) {
		sqlite3_bind_text(s, 1, r->id, -1, SQLITE_STATIC);
		sqlite3_bind_int64(s, 2, artifact_id);
		if (line > 0)
			sqlite3_bind_int64(s, 3, line);
		sqlite3_bind_text(s, 4, text ? text : "", -1, SQLITE_STATIC);
		sqlite3_bind_text(s, 5, by->reason, -1, SQLITE_STATIC);
		sqlite3_bind_text(s, 6, at, -1, SQLITE_STATIC);
		if (syscall_id)
			sqlite3_bind_int64(s, 7, syscall_id);
		if (app_error_id)
			sqlite3_bind_int64(s, 8, app_error_id);
		sqlite3_step(s);
	}
	sqlite3_finalize(s);
	free(at);
}

static int run_rule1(sqlite3 *db, const struct rule *r, enum run_kind kind,
    struct finding_list *fl, struct diag *d);

/* Runs one rule's query, timing it for --stats. */
static int
run_rule(sqlite3 *db, const struct rule *r, enum run_kind kind,
    struct finding_list *fl, struct diag *d)
{
	double t0 = eval_rule_times ? seconds() : 0;
	int rc = run_rule1(db, r, kind, fl, d);

	if (eval_rule_times && seconds() - t0 > 0.005)
		fprintf(eval_rule_times, "mkpostmortem:   rule %s%s: %.3fs\n", r->id,
		    kind == RUN_RULED_OUT ? " (ruled_out)" : "", seconds() - t0);
	return rc;
}

static int
run_rule1(sqlite3 *db, const struct rule *r, enum run_kind kind,
    struct finding_list *fl, struct diag *d)
{
	sqlite3_stmt *s, *art = NULL, *start = NULL;
	struct finding *f = NULL;
	int c_aid, c_line, c_text, c_sid, c_eid, c_path, rc;
	char *err = NULL;
	struct re **res = NULL;

	if (kind == RUN_RULED_OUT) {
		if (prepare_query(db, r, r->ruled_out, &r->m_ruled, "ruled_out", &s, d) != 0)
			return -1;
	} else if (prepare_rule(db, r, &s, d) != 0)
		return -1;
	if (kind == RUN_CAUSE && r->nsuppress) {
		res = xcalloc(2 * r->nsuppress, sizeof(*res));
		for (size_t i = 0; i < r->nsuppress; i++) {
			char *e2 = NULL;

			if (r->suppress[i].path)
				res[2 * i] = re_compile(r->suppress[i].path, &e2);
			free(e2);
			e2 = NULL;
			if (r->suppress[i].artifact)
				res[2 * i + 1] = re_compile(r->suppress[i].artifact, &e2);
			free(e2);
		}
	}
	sqlite3_prepare_v2(db, "SELECT path FROM artifacts WHERE id = ?", -1,
	    &art, NULL);
	/* A split call's errno is on its resumed line; show where it began. */
	sqlite3_prepare_v2(db, "SELECT line, raw FROM syscalls WHERE id = ? "
	    "AND end_line IS NOT NULL AND end_line = ? AND artifact_id = ?", -1,
	    &start, NULL);
	c_aid = col_index(s, "artifact_id");
	c_line = col_index(s, "line");
	c_text = col_index(s, "text");
	c_sid = col_index(s, "syscall_id");
	c_eid = col_index(s, "app_error_id");
	c_path = col_index(s, "path");
	while ((rc = sqlite3_step(s)) == SQLITE_ROW) {
		struct evidence *v;

		if (res) {
			const struct rule_suppress *by;
			char *path = col_text(s, c_path), *apath = NULL, *text;

			sqlite3_bind_int64(art, 1, col_long(s, c_aid));
			if (sqlite3_step(art) == SQLITE_ROW)
				apath = col_text(art, 0);
			sqlite3_reset(art);
			if (suppressed_by(res, r, path, apath, &by)) {
				text = col_text(s, c_text);
				note_suppressed(db, fl, r, by, col_long(s, c_aid), apath,
				    col_long(s, c_line), text, col_long(s, c_sid),
				    col_long(s, c_eid));
				free(text);
				free(path);
				free(apath);
				continue;
			}
			free(path);
			free(apath);
		}
		if (f == NULL) {
			f = xcalloc(1, sizeof(*f));
			f->rule = r;
		}
		f->rows++;
		if (f->nev >= (size_t)r->max_evidence)
			continue;
		f->ev = xrealloc(f->ev, (f->nev + 1) * sizeof(*f->ev));
		v = &f->ev[f->nev++];
		memset(v, 0, sizeof(*v));
		v->artifact_id = col_long(s, c_aid);
		v->line = col_long(s, c_line);
		v->text = col_text(s, c_text);
		v->syscall_id = col_long(s, c_sid);
		v->app_error_id = col_long(s, c_eid);
		sqlite3_bind_int64(art, 1, v->artifact_id);
		if (sqlite3_step(art) == SQLITE_ROW)
			v->artifact = col_text(art, 0);
		sqlite3_reset(art);
		if (v->syscall_id) {
			sqlite3_bind_int64(start, 1, v->syscall_id);
			sqlite3_bind_int64(start, 2, v->line);
			sqlite3_bind_int64(start, 3, v->artifact_id);
			if (sqlite3_step(start) == SQLITE_ROW) {
				v->start_line = col_long(start, 0);
				v->start_text = col_text(start, 1);
			}
			sqlite3_reset(start);
		}
		if (f->nev == 1 && kind != RUN_RULED_OUT)
			f->fix = fill_fix(r->fix, s, v->artifact);
	}
	sqlite3_finalize(art);
	sqlite3_finalize(start);
	for (size_t i = 0; res && i < 2 * r->nsuppress; i++)
		re_free(res[i]);
	free(res);
	if (rc != SQLITE_DONE) {
		const struct mark *m = kind == RUN_RULED_OUT ? &r->m_ruled : &r->m_sql;

		diag_clear(d);
		d->file = xstrdup(mark_file(r, m));
		d->line = m->line;
		d->col = m->col;
		d->msg = xasprintf("rule %s: %s SQL failed: %s", r->id,
		    kind == RUN_RULED_OUT ? "ruled_out" : "evidence",
		    sqlite3_errmsg(db));
		sqlite3_finalize(s);
		finding_free(f);
		return -1;
	}
	sqlite3_finalize(s);
	if (f == NULL)
		return 0;
	/* {count} needs the total, known only now. */
	if (f->fix && strstr(f->fix, "{count}")) {
		char *n = xasprintf("%ld", f->rows);
		struct buf b = { 0 };
		const char *p = f->fix, *q;

		while ((q = strstr(p, "{count}")) != NULL) {
			buf_add(&b, p, (size_t)(q - p));
			buf_adds(&b, n);
			p = q + 7;
		}
		buf_adds(&b, p);
		free(f->fix);
		f->fix = b.s;
		free(n);
	}
	{
		long distinct = 0;

		for (size_t i = 0; i < f->nev; i++) {
			size_t j;

			for (j = 0; j < i && f->ev[j].artifact_id != f->ev[i].artifact_id; j++)
				;
			if (j == i)
				distinct++;
		}
		f->artifacts = distinct;
	}
	if (kind != RUN_CAUSE) {
		if (insert_note(db, f, kind, &err) != 0) {
			rule_fail(d, r, &r->m_id, err);
			finding_free(f);
			return -1;
		}
		if (kind == RUN_CHECK) {
			fl->checks = xrealloc(fl->checks, (fl->nchecks + 1) * sizeof(*fl->checks));
			fl->checks[fl->nchecks++] = f;
		} else {
			fl->ruled = xrealloc(fl->ruled, (fl->nruled + 1) * sizeof(*fl->ruled));
			fl->ruled[fl->nruled++] = f;
		}
		return 0;
	}
	if (insert_finding(db, f, &err) != 0) {
		rule_fail(d, r, &r->m_id, err);
		finding_free(f);
		return -1;
	}
	fl->v = xrealloc(fl->v, (fl->n + 1) * sizeof(*fl->v));
	fl->v[fl->n++] = f;
	return 0;
}

static int
fired(const struct finding_list *fl, const struct rule *r)
{
	for (size_t i = 0; i < fl->n; i++)
		if (fl->v[i]->rule == r)
			return 1;
	return 0;
}

int
eval_run(sqlite3 *db, const struct rule_set *rs, struct finding_list *fl,
    struct diag *d)
{
	/* Input checks first, then causes, then the fallbacks, which read
	 * what the causes explained; last, why the silent causes are out. */
	for (size_t i = 0; i < rs->n; i++)
		if (rs->v[i]->check && run_rule(db, rs->v[i], RUN_CHECK, fl, d) != 0)
			return -1;
	for (int pass = 0; pass < 2; pass++)
		for (size_t i = 0; i < rs->n; i++)
			if (!rs->v[i]->check && rs->v[i]->fallback == pass &&
			    run_rule(db, rs->v[i], RUN_CAUSE, fl, d) != 0)
				return -1;
	for (size_t i = 0; i < rs->n; i++)
		if (!rs->v[i]->check && rs->v[i]->ruled_out && !fired(fl, rs->v[i]) &&
		    run_rule(db, rs->v[i], RUN_RULED_OUT, fl, d) != 0)
			return -1;
	return 0;
}

int
eval_store_ranks(sqlite3 *db, const struct finding_list *fl, char **err)
{
	sqlite3_stmt *s = NULL;

	if (sqlite3_prepare_v2(db, "UPDATE findings SET rank = ?, score = ?, "
	    "confidence = ?, base = ?, reported = ?, corroboration = ?, "
	    "explanation = ?, query = ?, penalty = ? WHERE id = ?", -1, &s,
	    NULL) != SQLITE_OK) {
		*err = xasprintf("findings: %s", sqlite3_errmsg(db));
		return -1;
	}
	for (size_t i = 0; i < fl->n; i++) {
		const struct finding *f = fl->v[i];

		sqlite3_bind_int64(s, 1, f->rank);
		sqlite3_bind_double(s, 2, f->score);
		sqlite3_bind_text(s, 3, f->confidence, -1, SQLITE_STATIC);
		sqlite3_bind_double(s, 4, f->base);
		sqlite3_bind_double(s, 5, f->reported);
		sqlite3_bind_double(s, 6, f->corroboration);
		sqlite3_bind_text(s, 7, f->explanation, -1, SQLITE_STATIC);
		sqlite3_bind_text(s, 8, f->query, -1, SQLITE_STATIC);
		sqlite3_bind_double(s, 9, f->penalty);
		sqlite3_bind_int64(s, 10, f->db_id);
		if (sqlite3_step(s) != SQLITE_DONE) {
			*err = xasprintf("findings: %s", sqlite3_errmsg(db));
			sqlite3_finalize(s);
			return -1;
		}
		sqlite3_reset(s);
	}
	sqlite3_finalize(s);
	return 0;
}

static void
finding_free(struct finding *f)
{
	if (f == NULL)
		return;
	for (size_t j = 0; j < f->nev; j++) {
		free(f->ev[j].artifact);
		free(f->ev[j].text);
		free(f->ev[j].reported_at);
		free(f->ev[j].start_text);
	}
	free(f->ev);
	free(f->fix);
	free(f->query);
	free(f->explanation);
	free(f);
}

void
findings_free(struct finding_list *fl)
{
	for (size_t i = 0; i < fl->n; i++)
		finding_free(fl->v[i]);
	for (size_t i = 0; i < fl->nchecks; i++)
		finding_free(fl->checks[i]);
	for (size_t i = 0; i < fl->nruled; i++)
		finding_free(fl->ruled[i]);
	for (size_t i = 0; i < fl->nsup; i++) {
		free(fl->sup[i].artifact);
		free(fl->sup[i].text);
	}
	free(fl->checks);
	free(fl->ruled);
	free(fl->sup);
	fl->checks = fl->ruled = NULL;
	fl->sup = NULL;
	fl->nchecks = fl->nruled = fl->nsup = 0;
	free(fl->v);
	fl->v = NULL;
	fl->n = 0;
}
