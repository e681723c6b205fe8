/*
 * PCRE2 behind a small interface, and the REGEXP function rules use in
 * their SQL.  Compiled patterns are cached per statement with SQLite's
 * auxdata, so a pattern is compiled once per query, not once per row.
 */
#define PCRE2_CODE_UNIT_WIDTH 8
#include "re.h"
#include "xmalloc.h"

#include <pcre2.h>
#include <stdio.h>
#include <stdlib.h>

static uint32_t match_limit = 1000000;	/* --regex-limit */
static uint32_t depth_limit = 10000;

void
re_set_match_limit(uint32_t n)
{
	match_limit = n;
}

struct re {
	pcre2_code *code;
	pcre2_match_data *md;
	pcre2_match_context *mc;
	int jit;
};

static long limit_hits;
static int jit_state = -1;	/* -1 unknown, 0 no, 1 yes */

long
re_limit_hits(void)
{
	return limit_hits;
}

int
re_jit_available(void)
{
	if (jit_state < 0) {
		uint32_t jit = 0;

		pcre2_config(PCRE2_CONFIG_JIT, &jit);
		jit_state = jit ? 1 : 0;
		if (!jit_state)
			fprintf(stderr, "mkpostmortem: warning: PCRE2 JIT is not "
			    "available; regular expressions will be slower\n");
	}
	return jit_state;
}

struct re *
re_compile(const char *pattern, char **err)
{
	struct re *re;
	int ec;
	PCRE2_SIZE off;
	pcre2_code *code;

	code = pcre2_compile((PCRE2_SPTR)pattern, PCRE2_ZERO_TERMINATED,
	    PCRE2_UTF | PCRE2_MATCH_INVALID_UTF, &ec, &off, NULL);
	if (code == NULL) {
		PCRE2_UCHAR msg[256];

		pcre2_get_error_message(ec, msg, sizeof(msg));
		*err = xasprintf("regular expression error at offset %zu: %s",
		    (size_t)off, (char *)msg);
		return NULL;
	}
	re = xcalloc(1, sizeof(*re));
	re->code = code;
	if (re_jit_available() && pcre2_jit_compile(code, PCRE2_JIT_COMPLETE) == 0)
		re->jit = 1;
	re->md = pcre2_match_data_create_from_pattern(code, NULL);
	re->mc = pcre2_match_context_create(NULL);
	if (re->md == NULL || re->mc == NULL) {
		fprintf(stderr, "mkpostmortem: out of memory in PCRE2\n");
		abort();
	}
	pcre2_set_match_limit(re->mc, match_limit);
	pcre2_set_depth_limit(re->mc, depth_limit);
	return re;
}

int
re_match(struct re *re, const char *s, size_t n)
{
	int rc = pcre2_match(re->code, (PCRE2_SPTR)s, n, 0, 0, re->md, re->mc);

	if (rc >= 0)
		return 1;
	if (rc == PCRE2_ERROR_NOMATCH)
		return 0;
	limit_hits++;
	return -1;
}

void
re_free(struct re *re)
{
	if (re == NULL)
		return;
	pcre2_match_data_free(re->md);
	pcre2_match_context_free(re->mc);
	pcre2_code_free(re->code);
	free(re);
}

static void
re_free_aux(void *p)
{
	re_free(p);
}

/* regexp(pattern, text): SQLite maps `text REGEXP pattern` to this. */
static void
sql_regexp(sqlite3_context *ctx, int argc, sqlite3_value **argv)
{
	struct re *re = sqlite3_get_auxdata(ctx, 0);
	const char *text;
	int rc;

	(void)argc;
	if (sqlite3_value_type(argv[0]) == SQLITE_NULL ||
	    sqlite3_value_type(argv[1]) == SQLITE_NULL)
		return;		/* NULL, like other SQL operators */
	if (re == NULL) {
		char *err = NULL;

		re = re_compile((const char *)sqlite3_value_text(argv[0]), &err);
		if (re == NULL) {
			sqlite3_result_error(ctx, err, -1);
			free(err);
			return;
		}
		sqlite3_set_auxdata(ctx, 0, re, re_free_aux);
		re = sqlite3_get_auxdata(ctx, 0);
		if (re == NULL) {
			sqlite3_result_error_nomem(ctx);
			return;
		}
	}
	text = (const char *)sqlite3_value_text(argv[1]);
	rc = re_match(re, text, (size_t)sqlite3_value_bytes(argv[1]));
	sqlite3_result_int(ctx, rc == 1);
}

int
re_register_sqlite(sqlite3 *db)
{
	return sqlite3_create_function(db, "regexp", 2,
	    SQLITE_UTF8 | SQLITE_DETERMINISTIC, NULL, sql_regexp, NULL, NULL) ==
	    SQLITE_OK ? 0 : -1;
}
