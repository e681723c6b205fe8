/*
 * Unit tests for the modules with no parser of their own to golden-test:
 * the line reader, the escapers, the errno table, the rule loader's error
 * positions, the application-log matcher, the -ff file-name pid, the
 * confidence bands, and the store's batched inserts under SQLite's limit
 * on parameters.  TAP output; exit 1 on any failure.
 */
#include "errnos.h"
#include "ingest.h"
#include "json.h"
#include "linereader.h"
#include "parser.h"
#include "rank.h"
#include "rules.h"
#include "store.h"
#include "xmalloc.h"

#include <sqlite3.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <zlib.h>

static int n_tests, n_failed;

static void
ok(int cond, const char *what)
{
	n_tests++;
	if (!cond)
		n_failed++;
	printf("%s %d - %s\n", cond ? "ok" : "not ok", n_tests, what);
}

static char *
write_tmp(const char *data, size_t n, int gz)
{
	char *path = xstrdup("/tmp/mkpm-unit-XXXXXX");
	int fd = mkstemp(path);

	if (fd < 0) {
		perror("mkstemp");
		exit(99);
	}
	if (gz) {
		gzFile g = gzdopen(fd, "wb");

		gzwrite(g, data, (unsigned)n);
		gzclose(g);
	} else {
		if (write(fd, data, n) != (ssize_t)n)
			exit(99);
		close(fd);
	}
	return path;
}

/* Reads every line of data; returns them joined with '|' and flags. */
static char *
read_all(const char *data, size_t n, int gz, size_t max_line, unsigned *allflags)
{
	char *path = write_tmp(data, n, gz), *err = NULL;
	struct lr *r = lr_open(path, max_line, &err);
	struct buf b = { 0 };
	const char *line;
	size_t len, full;
	unsigned fl;
	char head[64];

	*allflags = 0;
	if (r == NULL) {
		unlink(path);
		free(path);
		return err;
	}
	lr_head(r, head, sizeof(head));
	while (lr_next(r, &line, &len, &fl, &full) == 1) {
		if (b.len)
			buf_addc(&b, '|');
		buf_add(&b, line, len);
		if (fl & LR_TOOLONG)
			buf_printf(&b, "<%zu>", full);
		*allflags |= fl;
	}
	lr_close(r);
	unlink(path);
	free(path);
	return b.s ? b.s : xstrdup("");
}

static void
test_linereader(void)
{
	unsigned fl;
	char *s;
	char big[5000];

	s = read_all("a\nb\n", 4, 0, 100, &fl);
	ok(strcmp(s, "a|b") == 0 && fl == 0, "LF lines");
	free(s);
	s = read_all("a\r\nb\r\n", 6, 0, 100, &fl);
	ok(strcmp(s, "a|b") == 0, "CRLF lines lose their CR");
	free(s);
	s = read_all("a\rb\rc", 5, 0, 100, &fl);
	ok(strcmp(s, "a|b|c") == 0 && (fl & LR_NOEOL), "CR-only lines, last without EOL");
	free(s);
	s = read_all("x\n\nz", 4, 0, 100, &fl);
	ok(strcmp(s, "x||z") == 0, "empty line kept, numbering intact");
	free(s);
	s = read_all("a\0b\nc\n", 6, 0, 100, &fl);
	ok((fl & LR_NUL) != 0, "NUL byte flagged");
	free(s);
	memset(big, 'q', sizeof(big));
	big[sizeof(big) - 1] = '\n';
	s = read_all(big, sizeof(big), 0, 1000, &fl);
	ok((fl & LR_TOOLONG) && strstr(s, "<4999>") && strlen(s) == 1000 + 6,
	    "line over the cap cut at the cap, full length reported");
	free(s);
	s = read_all("one\ntwo\n", 8, 1, 100, &fl);
	ok(strcmp(s, "one|two") == 0, "gzip read transparently");
	free(s);
}

static void
test_json(void)
{
	char *buf = NULL;
	size_t n = 0;
	FILE *fp = open_memstream(&buf, &n);

	json_string(fp, "a\"b\\\n\x01\xff\xc3\xa9", 9);
	fflush(fp);
	ok(strcmp(buf, "\"a\\\"b\\\\\\n\\u0001\xef\xbf\xbd\xc3\xa9\"") == 0,
	    "JSON escapes, invalid UTF-8 becomes U+FFFD, valid kept");
	fclose(fp);
	free(buf);
	buf = NULL;
	fp = open_memstream(&buf, &n);
	term_string(fp, "ok\x1b[31mred\xc2\x9b\xfe", 13);
	fflush(fp);
	ok(strchr(buf, 0x1b) == NULL && strstr(buf, "\\x1b[31mred") &&
	    strstr(buf, "\\u009b") && strstr(buf, "\\xfe"),
	    "terminal text has no ESC, C1 or invalid bytes");
	fclose(fp);
	free(buf);
	ok(utf8_seq((const unsigned char *)"\xed\xa0\x80", 3) == 0, "surrogate rejected");
	ok(utf8_seq((const unsigned char *)"\xe0\x80\xaf", 3) == 0, "overlong rejected");
	ok(utf8_seq((const unsigned char *)"\xf0\x9f\x98\x80", 4) == 4, "4-byte accepted");
}

static void
test_errnos(void)
{
	const struct errno_info *e = errno_by_text("permission denied", 17);

	ok(e && strcmp(e->name, "EACCES") == 0, "Go text maps to EACCES");
	e = errno_prefix("no space left on device; retry", 30);
	ok(e && strcmp(e->name, "ENOSPC") == 0, "prefix match");
	e = errno_prefix("too many open files in system", 29);
	ok(e && strcmp(e->name, "ENFILE") == 0, "longest prefix wins (ENFILE over EMFILE)");
	ok(errno_by_name("EDQUOT") && errno_by_name("EDQUOT")->num == 122, "EDQUOT is 122");
}

static int
rule_error(const char *yaml, long *line, long *col, char **msg)
{
	struct rule *r = NULL;
	struct diag d = { 0 };
	int rc = rules_parse("t.yaml", yaml, strlen(yaml), &r, &d);

	*line = d.line;
	*col = d.col;
	*msg = d.msg ? xstrdup(d.msg) : NULL;
	diag_clear(&d);
	rule_free(r);
	return rc;
}

static void
test_rules(void)
{
	static const char good[] =
	    "id: site-x\ntitle: T\nweight: 0.5\nevidence: |\n  SELECT 1 AS artifact_id,\n"
	    "    1 AS line, 'x' AS text\nfix: do it\n";
	long line, col;
	char *msg;
	struct rule *r = NULL;
	struct diag d = { 0 };

	ok(rules_parse("t.yaml", good, strlen(good), &r, &d) == 0 && r &&
	    r->weight == 0.5 && strcmp(r->id, "site-x") == 0, "valid rule loads");
	if (r) {
		long l, c;

		/* Offset of "line" on the second SQL line. */
		rule_sql_position(r, (long)(strstr(r->sql, "1 AS line") - r->sql), &l, &c);
		ok(l == 6 && c == 5, "SQL offset maps to file line 6, column 5");
	}
	rule_free(r);
	diag_clear(&d);

	ok(rule_error("id: a\ntitle: T\nweight: 0.5\nevidence: x\nfix: y\ncolour: red\n",
	    &line, &col, &msg) == -1 && line == 6 && col == 1 &&
	    strstr(msg, "unknown key 'colour'"), "unknown key at 6:1");
	free(msg);
	ok(rule_error("id: a\ntitle: T\nweight: 2\nevidence: x\nfix: y\n",
	    &line, &col, &msg) == -1 && line == 3 && col == 9 &&
	    strstr(msg, "weight must be"), "weight out of range at 3:9");
	free(msg);
	ok(rule_error("id: a\ntitle: T\nweight: 0.5\nfix: y\n", &line, &col, &msg) == -1 &&
	    strstr(msg, "missing key 'evidence'"), "missing evidence reported");
	free(msg);
	ok(rule_error("id: a\ntitle: [T\n", &line, &col, &msg) == -1 && line >= 2 &&
	    strstr(msg, "YAML"), "YAML syntax error has a position");
	free(msg);
	ok(rule_error("id: Bad Id\ntitle: T\nweight: 0.5\nevidence: x\nfix: y\n",
	    &line, &col, &msg) == -1 && line == 1 && col == 5, "bad id at 1:5");
	free(msg);
	ok(rule_error("a: &a [x, x]\nb: &b [*a, *a]\nc: &c [*b, *b]\n", &line, &col,
	    &msg) == -1, "alias document is not a rule");
	free(msg);
}

struct cap {
	struct buf b;
	long rows;
};

static void
cap_row(void *ctx, const struct rec_table *t, const struct val *v)
{
	struct cap *c = ctx;

	c->rows++;
	for (int i = 0; i < t->ncols; i++)
		if (v[i].t == V_TEXT) {
			buf_printf(&c->b, "%s=", t->cols[i]);
			buf_add(&c->b, v[i].s, v[i].n);
			buf_addc(&c->b, ';');
		}
}

static void
cap_problem(void *ctx, long line, const char *reason, const char *text, size_t len)
{
	(void)ctx; (void)line; (void)reason; (void)text; (void)len;
}

static void
cap_meta(void *ctx, const char *k, const char *v)
{
	(void)ctx; (void)k; (void)v;
}

static char *
applog(const char *line, int secondary, int *claimed)
{
	struct cap c = { { 0 }, 0 };
	struct sink sk = { &c, cap_row, cap_problem, cap_meta };
	struct limits lim = { 4096, 16 };
	struct parse_ctx ctx = { &sk, "app.log", 0, &lim, secondary, NULL, NULL };
	void *st = parser_app_log.open(&ctx);
	const char *why;

	*claimed = parser_app_log.line(st, line, strlen(line), 1, &why);
	parser_app_log.finish(st);
	return c.b.s ? c.b.s : xstrdup("");
}

static void
test_applog(void)
{
	int cl;
	char *s;

	s = applog("2026/11/28 10:00:00 failed: mkdir /var/lib/x: permission denied", 0, &cl);
	ok(cl && strstr(s, "kind=PathError;") && strstr(s, "op=mkdir;") &&
	    strstr(s, "path=/var/lib/x;") && strstr(s, "errno=EACCES;") &&
	    strstr(s, "ts_text=2026/11/28 10:00:00;"), "Go *PathError with log time");
	free(s);
	s = applog("rename /a/b /a/c: file exists", 0, &cl);
	ok(strstr(s, "kind=LinkError;") && strstr(s, "path=/a/b;") &&
	    strstr(s, "path2=/a/c;") && strstr(s, "errno=EEXIST;"), "Go *LinkError");
	free(s);
	s = applog("inotify_init1: too many open files", 0, &cl);
	ok(strstr(s, "kind=SyscallError;") && strstr(s, "op=inotify_init1;") &&
	    strstr(s, "errno=EMFILE;"), "Go *SyscallError");
	free(s);
	s = applog("level=error msg=\"x\" err=\"open /etc/app.conf: no such file or directory\"",
	    0, &cl);
	ok(strstr(s, "path=/etc/app.conf;") && strstr(s, "errno=ENOENT;"),
	    "error inside a quoted logfmt value");
	free(s);
	s = applog("starting worker pool", 1, &cl);
	ok(!cl && *s == '\0', "secondary: plain line refused");
	free(s);
	s = applog("starting worker pool", 0, &cl);
	ok(cl && *s == '\0', "main format: plain line claimed, nothing stored");
	free(s);
	s = applog("2026/11/28 10:00:00.5 failed to create directory \"/x/y\": mkdir /x/y: permission denied",
	    0, &cl);
	ok(strstr(s, "op=mkdir;") && strstr(s, "path=/x/y;") &&
	    strstr(s, "ts_text=2026/11/28 10:00:00.5;"), "wrapped error: innermost op and path, microseconds");
	free(s);
	s = applog("panic: mkdir /p: read-only file system", 1, &cl);
	ok(cl && strstr(s, "kind=panic;") && strstr(s, "path=/p;") && strstr(s, "errno=EROFS;"),
	    "panic with a *PathError value, claimed inside another stream");
	free(s);
	s = applog("fatal error: all goroutines are asleep - deadlock!", 0, &cl);
	ok(strstr(s, "kind=fatal;") && strstr(s, "err_text=all goroutines are asleep - deadlock!;"),
	    "fatal error");
	free(s);
	s = applog("{\"time\":\"2026-11-28T10:00:02Z\",\"level\":\"ERROR\",\"error\":\"mkdir /j: no space left on device\"}",
	    1, &cl);
	ok(cl && strstr(s, "ts_text=2026-11-28T10:00:02Z;") && strstr(s, "errno=ENOSPC;"),
	    "JSON log: time key and error value");
	free(s);
	s = applog("OSError: [Errno 28] No space left on device: '/d/x'", 0, &cl);
	ok(strstr(s, "kind=python;") && strstr(s, "path=/d/x;") && strstr(s, "errno=ENOSPC;"),
	    "Python [Errno N]");
	free(s);
	s = applog("Error: EMFILE: too many open files, watch '/w'", 0, &cl);
	ok(strstr(s, "kind=node;") && strstr(s, "op=watch;") && strstr(s, "path=/w;") &&
	    strstr(s, "errno=EMFILE;"), "Node error code");
	free(s);
	s = applog("java.nio.file.AccessDeniedException: /srv/j", 0, &cl);
	ok(strstr(s, "kind=java;") && strstr(s, "path=/srv/j;") && strstr(s, "errno=EACCES;"),
	    "Java nio exception");
	free(s);
	s = applog("mkdir: cannot create directory '/m': Permission denied", 0, &cl);
	ok(strstr(s, "kind=shell;") && strstr(s, "op=mkdir;") && strstr(s, "path=/m;") &&
	    strstr(s, "errno=EACCES;"), "coreutils strerror text");
	free(s);
	s = applog("mkdir: cannot create directory '/m': Permission denied", 1, &cl);
	ok(cl && strstr(s, "kind=shell;"), "shell error claimed inside another stream");
	free(s);
}

/*
 * The store under a lowered SQLITE_LIMIT_VARIABLE_NUMBER (999 in SQLite
 * builds before 3.32): smaller batches, or row by row when not even two
 * rows fit, and every row still stored, in order, whole.
 */
static void
test_store_limits(void)
{
	static const int lim[] = { 0, 999, 100, 40 };
	struct buf in = { 0 };
	const int nlines = 77;

	for (int i = 1; i <= nlines; i++) {
		buf_printf(&in, "%-5d 10:00:%02d.%06d mkdirat(AT_FDCWD, \"/srv/%d/", 100 + i % 3,
		    i % 60, i, i);
		for (int k = 0; k < i * 7; k++)
			buf_addc(&in, 'd');
		buf_printf(&in, "\", 0755) = -1 ENOENT (No such file or directory) <0.000%03d>\n", i);
	}
	for (size_t t = 0; t < sizeof(lim) / sizeof(lim[0]); t++) {
		struct limits limits = { 1 << 20, 1000, 1 << 26 };
		struct artifact_info info;
		char *trace = write_tmp(in.s, in.len, 0), *db, *err = NULL, *msg;
		struct store *st = NULL;
		sqlite3_stmt *s = NULL;
		const char *p = in.s;
		int good = 1, n = 0;

		db = xasprintf("%s.sqlite", trace);
		if (store_create(db, &st, &err) != 0) {
			ok(0, err);
			free(err);
			goto next;
		}
		if (lim[t])
			sqlite3_limit(store_db(st), SQLITE_LIMIT_VARIABLE_NUMBER, lim[t]);
		ingest_file(trace, "trace.txt", in.len, NULL, &limits, store_sink(st), &info);
		if (store_index(st, &err) != 0) {
			ok(0, err);
			free(err);
			goto next;
		}
		sqlite3_prepare_v2(store_db(st), "SELECT line, raw FROM syscalls ORDER BY id",
		    -1, &s, NULL);
		while (sqlite3_step(s) == SQLITE_ROW) {
			const char *nl = strchr(p, '\n');
			size_t len = (size_t)(nl - p);

			n++;
			if (sqlite3_column_int(s, 0) != n ||
			    (size_t)sqlite3_column_bytes(s, 1) != len ||
			    memcmp(sqlite3_column_text(s, 1), p, len) != 0)
				good = 0;
			p = nl + 1;
		}
		sqlite3_finalize(s);
		msg = xasprintf("store, parameter limit %d: %d rows of %d, in order, whole",
		    lim[t], n, nlines);
		ok(good && n == nlines, msg);
		free(msg);
next:
		store_close(st);
		unlink(trace);
		free(trace);
		free(db);
	}
	buf_free(&in);
}

int
main(void)
{
	store_init();
	test_linereader();
	test_json();
	test_errnos();
	test_rules();
	test_applog();
	test_store_limits();
	ok(ingest_pid_from_name("strace/trace.1234") == 1234, "-ff pid from name");
	ok(ingest_pid_from_name("trace.1234.gz") == 1234, "-ff pid from name.gz");
	ok(ingest_pid_from_name("app.log") == 0, "no pid in app.log");
	ok(strcmp(rank_confidence(0.95), "high") == 0 &&
	    strcmp(rank_confidence(0.6), "medium") == 0 &&
	    strcmp(rank_confidence(0.3), "low") == 0, "confidence bands");
	printf("1..%d\n", n_tests);
	return n_failed ? 1 : 0;
}
