/*
 * Rule-loader harness: rules_parse() (src/rules.c) on arbitrary bytes as
 * a rule file's text, not NUL-terminated (the loader is given a length).
 * A rule either loads with the fields its kind requires, or is refused with
 * a message; either way everything is freed (LeakSanitizer checks).  On
 * success the SQL position mapping used for error messages is exercised
 * at every offset of the evidence SQL.
 */
#include "fuzz.h"
#include "rules.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

const char fuzz_harness_name[] = "fuzz-rules";

static void __attribute__((noreturn))
rz_fail(const char *what)
{
	fprintf(stderr, "%s: %s\n", fuzz_harness_name, what);
	abort();
}

/*
 * A loaded rule has what rules_parse() promises: an id always; a cause
 * rule (not a check, not an override) also a title, SQL, fix and a
 * weight in (0, 1].
 */
static void
check_rule(const struct rule *r)
{
	if (r->id == NULL)
		rz_fail("rule loaded without an id");
	if (!r->override && !r->check) {
		if (r->title == NULL || r->sql == NULL || r->fix == NULL)
			rz_fail("cause rule loaded without a required key");
		if (!(r->weight > 0 && r->weight <= 1))
			rz_fail("cause rule loaded with a weight outside (0, 1]");
	}
	if (r->max_evidence < 0 || r->max_evidence > 100000)
		rz_fail("rule loaded with max_evidence out of range");
	for (size_t i = 0; i < r->nlookalikes; i++)
		if (r->lookalikes[i] == NULL)
			rz_fail("NULL lookalike");
	if (r->sql != NULL) {
		size_t sqllen = strlen(r->sql);

		for (size_t off = 0; off <= sqllen && off < 4096; off++) {
			long line, col;

			rule_sql_position(r, (long)off, &line, &col);
			if (line < 1)
				rz_fail("SQL offset mapped before the first line");
		}
	}
}

int
LLVMFuzzerInitialize(int *argc, char ***argv)
{
	(void)argc;
	(void)argv;
	return 0;
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	char *text = malloc(size ? size : 1);
	struct diag d;
	struct rule *r = NULL;

	if (text == NULL)
		abort();
	memcpy(text, data, size);
	memset(&d, 0, sizeof(d));
	if (rules_parse("fuzz.yaml", text, size, &r, &d) == 0) {
		if (r == NULL)
			rz_fail("success without a rule");
		check_rule(r);
		rule_free(r);
	} else {
		char *msg;

		if (r != NULL)
			rz_fail("failure with a rule");
		if (d.msg == NULL || d.line < 0 || d.col < 0)
			rz_fail("failure without a message or with a negative position");
		msg = diag_format(&d);
		if (strlen(msg) == 0)
			rz_fail("empty error message");
		free(msg);
	}
	diag_clear(&d);
	free(text);
	return 0;
}
