/*
 * The reference loader for `make bench`: the least work that still loads
 * a strace log into SQLite — read each line, split off the pid, time and
 * syscall name cheaply, insert one row per line with one prepared
 * statement in one transaction, journal off.  mkpostmortem's own run is
 * measured against it (issue 7: the practical ceiling on this machine).
 *
 * Usage: ref-loader TRACE DB
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sqlite3.h>

int
main(int argc, char **argv)
{
	sqlite3 *db;
	sqlite3_stmt *st;
	FILE *fp;
	char *line = NULL;
	size_t cap = 0;
	ssize_t n;
	long lineno = 0;

	if (argc != 3) {
		fprintf(stderr, "usage: ref-loader TRACE DB\n");
		return 2;
	}
	fp = fopen(argv[1], "r");
	if (fp == NULL) {
		perror(argv[1]);
		return 1;
	}
	remove(argv[2]);
	if (sqlite3_open(argv[2], &db) != SQLITE_OK)
		return 1;
	sqlite3_exec(db, "PRAGMA journal_mode=OFF; PRAGMA synchronous=OFF;"
	    "CREATE TABLE lines (line INTEGER, pid INTEGER, ts TEXT, "
	    "syscall TEXT, raw TEXT); BEGIN", NULL, NULL, NULL);
	if (sqlite3_prepare_v2(db, "INSERT INTO lines VALUES (?, ?, ?, ?, ?)",
	    -1, &st, NULL) != SQLITE_OK)
		return 1;
	while ((n = getline(&line, &cap, fp)) > 0) {
		char *p = line, *ts, *name;
		long pid;

		if (line[n - 1] == '\n')
			line[--n] = '\0';
		lineno++;
		pid = strtol(p, &p, 10);
		while (*p == ' ')
			p++;
		ts = p;
		while (*p && *p != ' ')
			p++;
		name = p + (*p == ' ');
		p = strchr(name, '(');
		sqlite3_bind_int64(st, 1, lineno);
		sqlite3_bind_int64(st, 2, pid);
		sqlite3_bind_text(st, 3, ts, (int)(name - ts - 1 > 0 ? name - ts - 1 : 0), SQLITE_STATIC);
		sqlite3_bind_text(st, 4, name, p ? (int)(p - name) : 0, SQLITE_STATIC);
		sqlite3_bind_text(st, 5, line, (int)n, SQLITE_STATIC);
		if (sqlite3_step(st) != SQLITE_DONE)
			return 1;
		sqlite3_reset(st);
	}
	sqlite3_finalize(st);
	sqlite3_exec(db, "COMMIT", NULL, NULL, NULL);
	sqlite3_close(db);
	free(line);
	fclose(fp);
	printf("%ld lines\n", lineno);
	return 0;
}
