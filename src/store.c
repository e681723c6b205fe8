/*
 * Loading records into SQLite: one transaction, one prepared INSERT per
 * table (built from the table descriptors, so parsers and schema are
 * checked against each other when the store opens), indexes at the end.
 */
#include "store.h"
#include "embed.h"
#include "parser.h"
#include "xmalloc.h"

#include <dirent.h>
#include <errno.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

/*
 * A record table and its prepared INSERT.  Bindings outlive
 * sqlite3_reset(), so a parameter that is NULL already (most of a big
 * table's columns, most of the time) and the artifact id, the same for a
 * whole file, are bound only when they change: a bind is a library call
 * that costs more than the test that skips it.
 */
struct tstmt {
	const struct rec_table *t;
	sqlite3_stmt *s;
	unsigned char *null;	/* per parameter: bound to NULL now */
	long artifact_id;	/* bound to parameter 1, or 0 */
};

struct store {
	sqlite3 *db;
	char *final_path;
	char *tmp_path;
	struct tstmt *ins;
	size_t nins, last;
	sqlite3_stmt *ins_problem, *ins_meta, *ins_artifact, *upd_artifact;
	long artifact_id;
	char *load_error;
	struct artifact_sink sink;
};

void
store_init(void)
{
	/* SQLITE_MISUSE once SQLite is initialised: then it is too late, no harm. */
	sqlite3_config(SQLITE_CONFIG_MEMSTATUS, 0);
}

static const char *
embedded(const char *name)
{
	for (size_t i = 0; i < embedded_schema_count; i++)
		if (strcmp(embedded_schema[i].name, name) == 0)
			return embedded_schema[i].text;
	return NULL;
}

int
store_exec(sqlite3 *db, const char *sql, char **err)
{
	char *msg = NULL;

	if (sqlite3_exec(db, sql, NULL, NULL, &msg) != SQLITE_OK) {
		*err = xasprintf("%s", msg ? msg : sqlite3_errmsg(db));
		sqlite3_free(msg);
		return -1;
	}
	return 0;
}

static sqlite3_stmt *
prep(struct store *st, const char *sql, char **err)
{
	sqlite3_stmt *s = NULL;

	if (sqlite3_prepare_v3(st->db, sql, -1, SQLITE_PREPARE_PERSISTENT, &s,
	    NULL) != SQLITE_OK) {
		*err = xasprintf("store: %s (in: %s)", sqlite3_errmsg(st->db), sql);
		return NULL;
	}
	return s;
}

static void
load_fail(struct store *st, const char *what)
{
	if (st->load_error == NULL)
		st->load_error = xasprintf("store: %s: %s", what,
		    sqlite3_errmsg(st->db));
}

static void
bind_val(struct tstmt *ts, int i, const struct val *v)
{
	sqlite3_stmt *s = ts->s;

	if (v->t == V_NULL) {
		if (!ts->null[i])
			sqlite3_bind_null(s, i);
		ts->null[i] = 1;
		return;
	}
	ts->null[i] = 0;
	switch (v->t) {
	case V_NULL: break;
	case V_INT: sqlite3_bind_int64(s, i, v->i); break;
	case V_REAL: sqlite3_bind_double(s, i, v->r); break;
	case V_TEXT: sqlite3_bind_text(s, i, v->s, (int)v->n, SQLITE_STATIC); break;
	}
}

/* The INSERT for t: rows come in runs of one table, so try the last first. */
static struct tstmt *
ins_for(struct store *st, const struct rec_table *t)
{
	if (st->last < st->nins && st->ins[st->last].t == t)
		return &st->ins[st->last];
	for (size_t i = 0; i < st->nins; i++)
		if (st->ins[i].t == t) {
			st->last = i;
			return &st->ins[i];
		}
	return NULL;
}

static const struct val val_null_c;	/* V_NULL */

#define REF_MAX 1048575	/* offsets and lengths a reference can hold */

/*
 * A reference to v as a piece of src (which: 0 or 1), or -1.  Addresses
 * are compared as integers: v and src may point into different buffers.
 */
static sqlite3_int64
ref_of(const struct val *v, const struct val *src, int which)
{
	uintptr_t a, b;

	if (v->t != V_TEXT || src->t != V_TEXT)
		return -1;
	a = (uintptr_t)v->s;
	b = (uintptr_t)src->s;
	if (a < b || a + v->n > b + src->n || a - b > REF_MAX || v->n > REF_MAX)
		return -1;
	return ((((sqlite3_int64)(a - b) << 20) | (sqlite3_int64)v->n) << 1) | which;
}

static void
st_row(void *ctx, const struct rec_table *t, const struct val *v)
{
	struct store *st = ctx;
	struct tstmt *ts = ins_for(st, t);
	sqlite3_stmt *s;
	int k = 2;

	if (ts == NULL) {
		if (st->load_error == NULL)
			st->load_error = xasprintf("store: no table %s", t->name);
		return;
	}
	s = ts->s;
	if (ts->artifact_id != st->artifact_id) {
		sqlite3_bind_int64(s, 1, st->artifact_id);
		ts->artifact_id = st->artifact_id;
	}
	for (int i = 0; i < t->ncols; i++) {
		if (t->refable && t->refable[i]) {
			sqlite3_int64 r = ref_of(&v[i], &v[t->ref_a], 0);
			struct val rv;

			if (r < 0)
				r = ref_of(&v[i], &v[t->ref_b], 1);
			if (r >= 0) {
				rv = val_int(r);
				bind_val(ts, k++, &val_null_c);
				bind_val(ts, k++, &rv);
			} else {
				bind_val(ts, k++, &v[i]);
				bind_val(ts, k++, &val_null_c);
			}
		} else
			bind_val(ts, k++, &v[i]);
	}
	if (sqlite3_step(s) != SQLITE_DONE)
		load_fail(st, t->name);
	sqlite3_reset(s);
}

static void
st_problem(void *ctx, long line, const char *reason, const char *text,
    size_t len)
{
	struct store *st = ctx;
	sqlite3_stmt *s = st->ins_problem;

	sqlite3_bind_int64(s, 1, st->artifact_id);
	sqlite3_bind_int64(s, 2, line);
	sqlite3_bind_text(s, 3, reason, -1, SQLITE_STATIC);
	if (text)
		sqlite3_bind_text(s, 4, text, (int)len, SQLITE_STATIC);
	else
		sqlite3_bind_null(s, 4);
	if (sqlite3_step(s) != SQLITE_DONE)
		load_fail(st, "parse_errors");
	sqlite3_reset(s);
}

static void
st_meta(void *ctx, const char *key, const char *value)
{
	struct store *st = ctx;
	sqlite3_stmt *s = st->ins_meta;

	sqlite3_bind_int64(s, 1, st->artifact_id);
	sqlite3_bind_text(s, 2, key, -1, SQLITE_STATIC);
	sqlite3_bind_text(s, 3, value, -1, SQLITE_STATIC);
	if (sqlite3_step(s) != SQLITE_DONE)
		load_fail(st, "artifact_meta");
	sqlite3_reset(s);
}

/* A row of artifacts for path: a file about to be read, or one skipped. */
static void
add_artifact(struct store *st, const char *path, const char *status,
    const char *note)
{
	sqlite3_stmt *s = st->ins_artifact;

	sqlite3_bind_text(s, 1, path, -1, SQLITE_STATIC);
	sqlite3_bind_text(s, 2, "unknown", -1, SQLITE_STATIC);
	sqlite3_bind_text(s, 3, "", -1, SQLITE_STATIC);
	sqlite3_bind_text(s, 4, status, -1, SQLITE_STATIC);
	sqlite3_bind_text(s, 5, note, -1, SQLITE_STATIC);
	if (sqlite3_step(s) != SQLITE_DONE)
		load_fail(st, "artifacts");
	sqlite3_reset(s);
}

static void
st_begin(void *ctx, const char *path)
{
	struct store *st = ctx;

	add_artifact(st, path, "ok", NULL);
	st->artifact_id = (long)sqlite3_last_insert_rowid(st->db);
}

static void
st_end(void *ctx, const struct artifact_info *in)
{
	struct store *st = ctx;
	sqlite3_stmt *s = st->upd_artifact;

	sqlite3_bind_text(s, 1, in->type, -1, SQLITE_STATIC);
	sqlite3_bind_text(s, 2, in->types, -1, SQLITE_STATIC);
	sqlite3_bind_text(s, 3, in->status, -1, SQLITE_STATIC);
	if (in->note)
		sqlite3_bind_text(s, 4, in->note, -1, SQLITE_STATIC);
	else
		sqlite3_bind_null(s, 4);
	sqlite3_bind_int64(s, 5, (sqlite3_int64)in->size);
	sqlite3_bind_int64(s, 6, (sqlite3_int64)in->bytes);
	sqlite3_bind_int(s, 7, in->compressed);
	sqlite3_bind_int64(s, 8, in->lines);
	sqlite3_bind_int64(s, 9, in->records);
	sqlite3_bind_int64(s, 10, in->errors);
	if (in->pid_hint)
		sqlite3_bind_int64(s, 11, in->pid_hint);
	else
		sqlite3_bind_null(s, 11);
	sqlite3_bind_int64(s, 12, st->artifact_id);
	if (sqlite3_step(s) != SQLITE_DONE)
		load_fail(st, "artifacts");
	sqlite3_reset(s);
}

static void
st_skipped(void *ctx, const char *rel, const char *reason)
{
	add_artifact(ctx, rel, "skipped", reason);
}

static char *
insert_sql(const struct rec_table *t)
{
	struct buf b = { 0 };

	buf_printf(&b, "INSERT INTO %s (artifact_id",
	    t->store_name ? t->store_name : t->name);
	for (int i = 0; i < t->ncols; i++) {
		if (t->refable && t->refable[i])
			buf_printf(&b, ", %s_own, %s_ref", t->cols[i], t->cols[i]);
		else
			buf_printf(&b, ", %s", t->cols[i]);
	}
	buf_adds(&b, ") VALUES (?");
	for (int i = 0; i < t->ncols; i++)
		buf_adds(&b, t->refable && t->refable[i] ? ", ?, ?" : ", ?");
	buf_adds(&b, ")");
	return b.s;
}

static int
add_insert(struct store *st, const struct rec_table *t, char **err)
{
	char *sql = insert_sql(t);
	sqlite3_stmt *s = prep(st, sql, err);
	size_t np;

	free(sql);
	if (s == NULL)
		return -1;
	st->ins = xrealloc(st->ins, (st->nins + 1) * sizeof(*st->ins));
	st->ins[st->nins].t = t;
	st->ins[st->nins].s = s;
	/* A new statement's parameters are all NULL (1-based: one more). */
	np = (size_t)sqlite3_bind_parameter_count(s) + 1;
	st->ins[st->nins].null = xmalloc(np);
	memset(st->ins[st->nins].null, 1, np);
	st->ins[st->nins].artifact_id = 0;
	st->nins++;
	return 0;
}

#define STALE_SECONDS 60

/*
 * Removes what killed runs left beside the store: PATH.tmp-XXXXXX files
 * untouched for a minute that no run holds locked (a live run keeps its
 * file under SQLite's exclusive lock while it writes).
 */
static void
remove_stale(const char *final_path)
{
	char *copy = xstrdup(final_path), *slash = strrchr(copy, '/');
	const char *dir = ".", *base = copy;
	char *prefix;
	DIR *d;
	struct dirent *de;

	if (slash) {
		*slash = '\0';
		dir = *copy ? copy : "/";
		base = slash + 1;
	}
	prefix = xasprintf("%s.tmp-", base);
	if ((d = opendir(dir)) != NULL) {
		while ((de = readdir(d)) != NULL) {
			char *path;
			struct stat sb;
			sqlite3 *db = NULL;

			if (strncmp(de->d_name, prefix, strlen(prefix)) != 0 ||
			    strlen(de->d_name) != strlen(prefix) + 6)
				continue;
			path = xasprintf("%s/%s", dir, de->d_name);
			if (lstat(path, &sb) == 0 && S_ISREG(sb.st_mode) &&
			    time(NULL) - sb.st_mtime > STALE_SECONDS &&
			    sqlite3_open_v2(path, &db, SQLITE_OPEN_READWRITE, NULL) == SQLITE_OK &&
			    sqlite3_exec(db, "BEGIN EXCLUSIVE; ROLLBACK;", NULL, NULL,
			    NULL) == SQLITE_OK)
				unlink(path);
			sqlite3_close(db);
			free(path);
		}
		closedir(d);
	}
	free(prefix);
	free(copy);
}

/*
 * The tables, views and schema version of a new store, as loading needs
 * them: without the generated columns (generated.sql), added after.
 */
static int
create_schema(sqlite3 *db, char **err)
{
	char *v, *e = NULL;
	int rc;

	if (store_exec(db, embedded("schema.sql"), err) != 0)
		return -1;
	v = xasprintf("PRAGMA user_version=%d", STORE_SCHEMA_VERSION);
	rc = store_exec(db, v, err);
	free(v);
	if (rc != 0)
		return -1;
	for (size_t i = 0; i < embedded_schema_count; i++) {
		const char *name = embedded_schema[i].name;

		/* Each format's own tables: schema/<format>.sql. */
		if (strncmp(name, "schema/", 7) != 0)
			continue;
		if (store_exec(db, embedded_schema[i].text, &e) != 0) {
			*err = xasprintf("%s: %s", name, e);
			free(e);
			return -1;
		}
	}
	return 0;
}

int
store_schema_db(sqlite3 **out, char **err)
{
	sqlite3 *db = NULL;
	char *e = NULL;

	if (sqlite3_open_v2(":memory:", &db, SQLITE_OPEN_READWRITE |
	    SQLITE_OPEN_CREATE | SQLITE_OPEN_NOMUTEX, NULL) != SQLITE_OK) {
		*err = xasprintf("cannot open an in-memory database: %s",
		    sqlite3_errmsg(db));
		sqlite3_close(db);
		return -1;
	}
	if (create_schema(db, &e) != 0 ||
	    store_exec(db, embedded("generated.sql"), &e) != 0) {
		*err = xasprintf("store schema: %s", e);
		free(e);
		sqlite3_close(db);
		return -1;
	}
	*out = db;
	return 0;
}

int
store_create(const char *final_path, struct store **out, char **err)
{
	struct store *st = xcalloc(1, sizeof(*st));
	char *e = NULL;
	int fd;

	remove_stale(final_path);

	st->final_path = xstrdup(final_path);
	st->tmp_path = xasprintf("%s.tmp-XXXXXX", final_path);
	fd = mkstemp(st->tmp_path);
	if (fd < 0) {
		*err = xasprintf("cannot create the store %s: %s", st->tmp_path,
		    strerror(errno));
		free(st->tmp_path);
		st->tmp_path = NULL;
		store_close(st);
		return -1;
	}
	{
		/* mkstemp makes the file 0600; a store is as shareable as any file. */
		mode_t um = umask(0);

		umask(um);
		fchmod(fd, 0666 & ~um);
	}
	close(fd);
	if (sqlite3_open_v2(st->tmp_path, &st->db,
	    /* One connection, one thread: no mutexes to pay for per row. */
	    SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE | SQLITE_OPEN_NOMUTEX,
	    NULL) != SQLITE_OK) {
		*err = xasprintf("cannot open the store %s: %s", st->tmp_path,
		    sqlite3_errmsg(st->db));
		store_close(st);
		return -1;
	}
	/*
	 * The file is private until renamed, so durability per statement buys
	 * nothing: a crash leaves a temporary file, never a broken store.
	 * Large pages halve the time spent writing a big store (measured with
	 * `make bench`); a 16 MiB cache and on-disk temporary data keep memory
	 * flat whatever the input size (the index sorter spills to disk).
	 */
	if (store_exec(st->db,
	    "PRAGMA page_size=16384; PRAGMA journal_mode=OFF;"
	    "PRAGMA synchronous=OFF; PRAGMA locking_mode=EXCLUSIVE;"
	    "PRAGMA cache_size=-16384;", &e) != 0 ||
	    store_exec(st->db, "BEGIN", &e) != 0 ||
	    create_schema(st->db, &e) != 0) {
		*err = xasprintf("store schema: %s", e);
		free(e);
		store_close(st);
		return -1;
	}
	for (int i = 0; i < T__COUNT; i++)
		if (add_insert(st, &tables[i], err) != 0) {
			store_close(st);
			return -1;
		}
	for (size_t i = 0; i < parsers_count; i++)
		for (const struct rec_table *const *t = parsers[i]->tables; t && *t; t++)
			if (add_insert(st, *t, err) != 0) {
				store_close(st);
				return -1;
			}
	if ((st->ins_problem = prep(st, "INSERT INTO parse_errors "
	    "(artifact_id, line, reason, text) VALUES (?, ?, ?, ?)", err)) == NULL ||
	    (st->ins_meta = prep(st, "INSERT INTO artifact_meta "
	    "(artifact_id, key, value) VALUES (?, ?, ?)", err)) == NULL ||
	    (st->ins_artifact = prep(st, "INSERT INTO artifacts "
	    "(path, type, types, status, note) VALUES (?, ?, ?, ?, ?)", err)) == NULL ||
	    (st->upd_artifact = prep(st, "UPDATE artifacts SET type = ?, "
	    "types = ?, status = ?, note = ?, size = ?, bytes = ?, "
	    "compressed = ?, lines = ?, records = ?, errors = ?, pid_hint = ? "
	    "WHERE id = ?", err)) == NULL) {
		store_close(st);
		return -1;
	}
	st->sink.rec.ctx = st;
	st->sink.rec.row = st_row;
	st->sink.rec.problem = st_problem;
	st->sink.rec.meta = st_meta;
	st->sink.begin = st_begin;
	st->sink.end = st_end;
	st->sink.skipped = st_skipped;
	*out = st;
	return 0;
}

const struct artifact_sink *
store_sink(struct store *st)
{
	return &st->sink;
}

void
store_set_meta(struct store *st, const char *key, const char *value)
{
	sqlite3_stmt *s = NULL;

	sqlite3_prepare_v2(st->db,
	    "INSERT OR REPLACE INTO meta (key, value) VALUES (?, ?)", -1, &s, NULL);
	sqlite3_bind_text(s, 1, key, -1, SQLITE_STATIC);
	sqlite3_bind_text(s, 2, value, -1, SQLITE_STATIC);
	if (sqlite3_step(s) != SQLITE_DONE)
		load_fail(st, "meta");
	sqlite3_finalize(s);
}

int
store_index(struct store *st, char **err)
{
	char *e = NULL;

	if (store_exec(st->db, embedded("generated.sql"), &e) != 0 ||
	    store_exec(st->db, embedded("index.sql"), &e) != 0) {
		*err = xasprintf("store indexes: %s", e);
		free(e);
		return -1;
	}
	return 0;
}

sqlite3 *
store_db(struct store *st)
{
	return st->db;
}

const char *
store_path(const struct store *st)
{
	return st->final_path;
}

const char *
store_load_error(const struct store *st)
{
	return st->load_error;
}

static void
finalize_all(struct store *st)
{
	for (size_t i = 0; i < st->nins; i++) {
		sqlite3_finalize(st->ins[i].s);
		free(st->ins[i].null);
	}
	free(st->ins);
	st->ins = NULL;
	st->nins = 0;
	sqlite3_finalize(st->ins_problem);
	sqlite3_finalize(st->ins_meta);
	sqlite3_finalize(st->ins_artifact);
	sqlite3_finalize(st->upd_artifact);
	st->ins_problem = st->ins_meta = st->ins_artifact = st->upd_artifact = NULL;
}

int
store_commit(struct store *st, char **err)
{
	char *e = NULL;

	finalize_all(st);
	if (store_exec(st->db, "COMMIT; PRAGMA optimize;", &e) != 0) {
		*err = xasprintf("store commit: %s", e);
		free(e);
		store_close(st);
		return -1;
	}
	if (sqlite3_close(st->db) != SQLITE_OK) {
		*err = xasprintf("store close: %s", sqlite3_errmsg(st->db));
		st->db = NULL;
		store_close(st);
		return -1;
	}
	st->db = NULL;
	if (rename(st->tmp_path, st->final_path) != 0) {
		*err = xasprintf("cannot move the store into place at %s: %s",
		    st->final_path, strerror(errno));
		store_close(st);
		return -1;
	}
	free(st->tmp_path);
	st->tmp_path = NULL;
	store_close(st);
	return 0;
}

void
store_close(struct store *st)
{
	if (st == NULL)
		return;
	finalize_all(st);
	if (st->db)
		sqlite3_close(st->db);
	if (st->tmp_path) {
		unlink(st->tmp_path);
		free(st->tmp_path);
	}
	free(st->final_path);
	free(st->load_error);
	free(st);
}
