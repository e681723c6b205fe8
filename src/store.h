/*
 * The SQLite store: one file per run, built under a temporary name beside
 * the final path and renamed into place only when the run succeeds, so a
 * crash or kill at any moment leaves the previous store intact.
 *
 * Ownership: the store owns its connection and statements; store_close()
 * (or store_commit()) releases them.  Errors are -1 with *err allocated.
 */
#ifndef MKPM_STORE_H
#define MKPM_STORE_H

#include <sqlite3.h>

#include "ingest.h"

#define STORE_SCHEMA_VERSION 2

struct store;

/*
 * Process-wide SQLite set-up, before any other SQLite call: no memory
 * statistics, whose global mutex costs a few per cent of every insert.
 */
void store_init(void);

/* Creates the temporary store for final_path and starts loading. */
int store_create(const char *final_path, struct store **out, char **err);
/*
 * An in-memory database with the store's complete schema and no rows,
 * for preparing SQL against before any loading (rule checks).  The
 * caller closes it.
 */
int store_schema_db(sqlite3 **out, char **err);
/* The sink that loads records; valid until the store is closed. */
const struct artifact_sink *store_sink(struct store *st);
/* Records a key/value in the meta table. */
void store_set_meta(struct store *st, const char *key, const char *value);
/* Ends loading: creates indexes and links records across tables. */
int store_index(struct store *st, char **err);
sqlite3 *store_db(struct store *st);
const char *store_path(const struct store *st);
/* Commits, closes and renames into place. */
int store_commit(struct store *st, char **err);
/* Abandons the run: closes and removes the temporary file. */
void store_close(struct store *st);
/* The first failure while loading (a sink cannot return one), or NULL. */
const char *store_load_error(const struct store *st);

/* Runs a script of statements; -1 with *err naming the statement. */
int store_exec(sqlite3 *db, const char *sql, char **err);

#endif
