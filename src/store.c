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
 * A record table and its prepared INSERTs.  Rows are bound as they come
 * into the next free row of a statement that inserts BATCH rows (fewer
 * when SQLite's limit on parameters would be passed), and go
 * in when it is full: a statement's fixed cost (opening the table's
 * cursors, seeking the last rowid, halting) is a fifth of a wide row's
 * insert, paid once per batch instead of once per row (`make bench`).
 * A batch cut short (the artifact ended, the load is over) goes in row
 * by row through the one-row statement, from the copy kept in pend.  A
 * row's texts are copied into arena, since the parser's buffers are
 * reused at the next line; a row too big for it goes in alone, bound
 * where it lies.
 *
 * Bindings outlive sqlite3_reset(), so a parameter already bound to the
 * value at hand is not bound again: a bind is a library call that costs
 * more than the test that skips it, and most of a big table's columns
 * are NULL or repeat the row before (the artifact, the pid, the place of
 * the time in the line, "complete").  A short text is bound from a copy
 * kept beside the parameter, so that the next row can be compared with
 * it.
 */
#define BATCH 32
#define ARENA_SIZE (256 * 1024)

#define SHORT_TEXT 22

struct bound {
	unsigned char t;	/* enum val_type, or B_OTHER */
	unsigned char n;	/* V_TEXT: length of s */
	char s[SHORT_TEXT];	/* V_TEXT: the text */
	int64_t i;		/* V_INT: the value; V_REAL: its bits */
};

#define B_OTHER 0xff		/* a long text: never the same */

struct tstmt {
	const struct rec_table *t;
	sqlite3_stmt *s;	/* one row */
	sqlite3_stmt *sk;	/* rows rows, or NULL */
	int rows;		/* per batch; 1: row by row; 0: not yet known */
	struct bound *b;	/* per parameter of s: what it is bound to */
	struct bound *bk;	/* the same for sk */
	int np;			/* parameters of one row */
	struct val *pend;	/* the rows bound to sk, np values each */
	int npend;
	char *arena;		/* ARENA_SIZE bytes: their texts */
	size_t alen;
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

/*
 * Binds parameter i of s to v unless it is bound to that already, as b
 * says.  Returns where a text is bound from (a short one: b's copy).
 */
static inline const char *
bind_val(sqlite3_stmt *s, struct bound *b, int i, const struct val *v)
{
	int64_t bits;

	switch (v->t) {
	case V_NULL:
		if (b->t != V_NULL)
			sqlite3_bind_null(s, i);
		break;
	case V_INT:
		if (b->t == V_INT && b->i == v->i)
			return NULL;
		sqlite3_bind_int64(s, i, v->i);
		b->i = v->i;
		break;
	case V_REAL:
		memcpy(&bits, &v->r, sizeof(bits));
		if (b->t == V_REAL && b->i == bits)
			return NULL;
		sqlite3_bind_double(s, i, v->r);
		b->i = bits;
		break;
	case V_TEXT:
		if (v->n > SHORT_TEXT) {
			sqlite3_bind_text(s, i, v->s, (int)v->n, SQLITE_STATIC);
			b->t = B_OTHER;
			return v->s;
		}
		if (b->t != V_TEXT || b->n != v->n || memcmp(b->s, v->s, v->n) != 0) {
			memcpy(b->s, v->s, v->n);
			b->n = (unsigned char)v->n;
			sqlite3_bind_text(s, i, b->s, (int)v->n, SQLITE_STATIC);
		}
		b->t = V_TEXT;
		return b->s;
	}
	b->t = (unsigned char)v->t;
	return NULL;
}

static void
insert_one(struct store *st, struct tstmt *ts, const struct val *p)
{
	for (int i = 0; i < ts->np; i++)
		bind_val(ts->s, &ts->b[i + 1], i + 1, &p[i]);
	if (sqlite3_step(ts->s) != SQLITE_DONE)
		load_fail(st, ts->t->name);
	sqlite3_reset(ts->s);
}

/* Inserts the pending rows of ts; its arena is free again after. */
static void
flush_rows(struct store *st, struct tstmt *ts)
{
	if (ts->npend > 0 && ts->npend == ts->rows) {
		if (sqlite3_step(ts->sk) != SQLITE_DONE)
			load_fail(st, ts->t->name);
		sqlite3_reset(ts->sk);
	} else
		for (int r = 0; r < ts->npend; r++)
			insert_one(st, ts, &ts->pend[r * ts->np]);
	ts->npend = 0;
	ts->alen = 0;
}

static void
flush_all(struct store *st)
{
	for (size_t i = 0; i < st->nins; i++)
		flush_rows(st, &st->ins[i]);
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

/*
 * The values of one row of t, in parameter order: a refable column is
 * its reference when its text is a piece of a raw line, else the text.
 * Returns how many bytes of text the row holds.
 */
static size_t
row_params(const struct rec_table *t, const struct val *v, long artifact_id,
    struct val *out)
{
	size_t text = 0;
	int k = 0;

	out[k++] = val_int(artifact_id);
	for (int i = 0; i < t->ncols; i++) {
		if (t->refable && t->refable[i]) {
			sqlite3_int64 r = ref_of(&v[i], &v[t->ref_a], 0);

			if (r < 0)
				r = ref_of(&v[i], &v[t->ref_b], 1);
			if (r >= 0) {
				out[k++] = val_int(r);
				continue;
			}
			out[k++] = v[i];
		} else
			out[k++] = v[i];
		if (v[i].t == V_TEXT)
			text += v[i].n;
	}
	return text;
}

static void batch_init(struct store *, struct tstmt *);

static void
st_row(void *ctx, const struct rec_table *t, const struct val *v)
{
	struct store *st = ctx;
	struct tstmt *ts = ins_for(st, t);
	struct val *p;
	size_t text;
	int base;

	if (ts == NULL) {
		if (st->load_error == NULL)
			st->load_error = xasprintf("store: no table %s", t->name);
		return;
	}
	if (ts->rows == 0)
		batch_init(st, ts);
	if (ts->rows == 1) {
		row_params(t, v, st->artifact_id, ts->pend);
		insert_one(st, ts, ts->pend);
		return;
	}
	/* The row is made in its slot of pend, bound again if the batch is cut short. */
	base = ts->npend * ts->np;
	p = &ts->pend[base];
	text = row_params(t, v, st->artifact_id, p);
	if (ts->alen + text > ARENA_SIZE && ts->npend > 0) {
		flush_rows(st, ts);
		memmove(ts->pend, p, (size_t)ts->np * sizeof(*p));
		p = ts->pend;
		base = 0;
	}
	if (text > ARENA_SIZE) {
		/* Rows keep their order: the batch before it went in first. */
		insert_one(st, ts, p);
		return;
	}
	for (int i = 0; i < ts->np; i++) {
		struct bound *b = &ts->bk[base + i + 1];
		const char *at;

		if (p[i].t == V_NULL && b->t == V_NULL)
			continue;
		if (p[i].t == V_TEXT && p[i].n > SHORT_TEXT) {
			char *d = ts->arena + ts->alen;

			memcpy(d, p[i].s, p[i].n);
			ts->alen += p[i].n;
			p[i].s = d;
		}
		at = bind_val(ts->sk, b, base + i + 1, &p[i]);
		if (p[i].t == V_TEXT)
			p[i].s = at;
	}
	if (++ts->npend == ts->rows)
		flush_rows(st, ts);
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

	/* An artifact's rows are all in once it is ended. */
	flush_all(st);
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
insert_sql(const struct rec_table *t, int rows)
{
	struct buf b = { 0 };

	buf_printf(&b, "INSERT INTO %s (artifact_id",
	    t->store_name ? t->store_name : t->name);
	for (int i = 0; i < t->ncols; i++) {
		if (t->refable && t->refable[i])
			buf_printf(&b, ", %s_ref", t->cols[i]);
		else
			buf_printf(&b, ", %s", t->cols[i]);
	}
	buf_adds(&b, ") VALUES ");
	for (int r = 0; r < rows; r++) {
		buf_adds(&b, r ? ", (?" : "(?");
		for (int i = 0; i < t->ncols; i++)
			buf_adds(&b, ", ?");
		buf_adds(&b, ")");
	}
	return b.s;
}

static int
add_insert(struct store *st, const struct rec_table *t, char **err)
{
	char *sql = insert_sql(t, 1);
	sqlite3_stmt *s = prep(st, sql, err);
	struct tstmt *ts;

	free(sql);
	if (s == NULL)
		return -1;
	st->ins = xrealloc(st->ins, (st->nins + 1) * sizeof(*st->ins));
	ts = &st->ins[st->nins++];
	memset(ts, 0, sizeof(*ts));
	ts->t = t;
	ts->s = s;
	ts->np = sqlite3_bind_parameter_count(s);
	/* A new statement's parameters are all NULL, V_NULL (1-based: one more). */
	ts->b = xcalloc((size_t)ts->np + 1, sizeof(*ts->b));
	return 0;
}

/*
 * The batch INSERT of ts and its buffers, made at the table's first row:
 * most tables get none in a run, and preparing a statement of a few
 * thousand parameters for each would cost more than a small bundle's load.
 * A batch stays within SQLite's limit on a statement's parameters (999 in
 * builds before 3.32); a table it cannot batch goes in row by row.
 */
static void
batch_init(struct store *st, struct tstmt *ts)
{
	int max = sqlite3_limit(st->db, SQLITE_LIMIT_VARIABLE_NUMBER, -1);
	char *sql, *e = NULL;

	ts->rows = ts->np > 0 && max / ts->np < BATCH ? max / ts->np : BATCH;
	if (ts->rows >= 2) {
		sql = insert_sql(ts->t, ts->rows);
		ts->sk = prep(st, sql, &e);
		free(sql);
		free(e);
	}
	if (ts->sk == NULL)
		ts->rows = 1;
	ts->bk = xcalloc((size_t)ts->np * (size_t)ts->rows + 1, sizeof(*ts->bk));
	ts->arena = xmalloc(ARENA_SIZE);
	ts->pend = xmalloc((size_t)ts->np * (size_t)ts->rows * sizeof(*ts->pend));
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

	flush_all(st);
	if (st->load_error) {
		*err = xstrdup(st->load_error);
		return -1;
	}
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
		sqlite3_finalize(st->ins[i].sk);
		free(st->ins[i].b);
		free(st->ins[i].bk);
		free(st->ins[i].arena);
		free(st->ins[i].pend);
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
