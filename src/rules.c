/*
 * YAML → struct rule.  Uses libyaml's document loader for the marks
 * (line and column of every value), and accepts exactly the documented
 * keys so that a typo in a site rule is an error, not a silent default.
 */
#include "rules.h"
#include "embed.h"
#include "xmalloc.h"

#include <dirent.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <yaml.h>

#define MAX_RULE_BYTES (1024 * 1024)
#define MAX_NODES 10000

void
diag_clear(struct diag *d)
{
	free(d->file);
	free(d->msg);
	memset(d, 0, sizeof(*d));
}

char *
diag_format(const struct diag *d)
{
	if (d->file && d->line > 0)
		return xasprintf("%s:%ld:%ld: %s", d->file, d->line,
		    d->col > 0 ? d->col : 1, d->msg);
	if (d->file)
		return xasprintf("%s: %s", d->file, d->msg);
	return xstrdup(d->msg ? d->msg : "error");
}

static int
fail(struct diag *d, const char *file, long line, long col, char *msg)
{
	diag_clear(d);
	d->file = xstrdup(file);
	d->line = line;
	d->col = col;
	d->msg = msg;
	return -1;
}

static int
fail_node(struct diag *d, const char *file, const yaml_node_t *n, char *msg)
{
	return fail(d, file, (long)n->start_mark.line + 1,
	    (long)n->start_mark.column + 1, msg);
}

void
rule_free(struct rule *r)
{
	if (r == NULL)
		return;
	free(r->id);
	free(r->title);
	free(r->category);
	free(r->means);
	free(r->fix);
	free(r->sql);
	for (size_t i = 0; i < r->nlookalikes; i++)
		free(r->lookalikes[i]);
	free(r->lookalikes);
	for (size_t i = 0; i < r->naffects; i++)
		free(r->affects[i]);
	free(r->affects);
	free(r->ruled_out);
	free(r->m_fix.file);
	free(r->m_ruled.file);
	for (size_t i = 0; i < r->nsuppress; i++) {
		free(r->suppress[i].path);
		free(r->suppress[i].artifact);
		free(r->suppress[i].reason);
		free(r->suppress[i].file);
	}
	free(r->suppress);
	for (size_t i = 0; i < r->ntests; i++) {
		free(r->tests[i].bundle);
		free(r->tests[i].expect);
		free(r->tests[i].confidence);
		free(r->tests[i].file);
	}
	free(r->tests);
	free(r->file);
	free(r);
}

static const char *
scalar(const yaml_node_t *n)
{
	return (const char *)n->data.scalar.value;
}

static int
valid_id(const char *s)
{
	if (*s == '\0' || *s == '-')
		return 0;
	for (; *s; s++)
		if (!((*s >= 'a' && *s <= 'z') || (*s >= '0' && *s <= '9') ||
		    *s == '-' || *s == '_'))
			return 0;
	return 1;
}

/* Indentation of line number `line` (1-based) of text. */
static long
line_indent(const char *text, size_t len, long line)
{
	const char *p = text, *end = text + len;
	long l = 1, ind = 0;

	while (p < end && l < line) {
		if (*p++ == '\n')
			l++;
	}
	while (p < end && *p == ' ') {
		ind++;
		p++;
	}
	return ind;
}

static void
set_mark(struct mark *m, const yaml_node_t *n, const char *text, size_t len)
{
	m->line = (long)n->start_mark.line + 1;
	m->col = (long)n->start_mark.column + 1;
	m->block = n->data.scalar.style == YAML_LITERAL_SCALAR_STYLE ||
	    n->data.scalar.style == YAML_FOLDED_SCALAR_STYLE;
	m->indent = m->block ? line_indent(text, len, m->line + 1) : 0;
}

void
rule_sql_position(const struct rule *r, long offset, long *line, long *col)
{
	long nl = 0, lastnl = -1;

	for (long i = 0; i < offset && r->sql[i]; i++) {
		if (r->sql[i] == '\n') {
			nl++;
			lastnl = i;
		}
	}
	if (r->m_sql.block) {
		*line = r->m_sql.line + 1 + nl;
		*col = r->m_sql.indent + (offset - lastnl);
	} else {
		*line = r->m_sql.line + nl;
		*col = (nl ? 1 : r->m_sql.col + 1) + (offset - lastnl - 1);
	}
}

static int
want_scalar(struct diag *d, const char *file, const yaml_node_t *v,
    const char *key)
{
	if (v->type != YAML_SCALAR_NODE)
		return fail_node(d, file, v, xasprintf("'%s' must be a string", key));
	return 0;
}

/* A list of rule ids (lookalikes, affects) appended to *v. */
static int
parse_ids(yaml_document_t *doc, yaml_node_t *v, const char *key, char ***ids,
    size_t *n, const char *file, struct diag *d)
{
	if (v->type != YAML_SEQUENCE_NODE)
		return fail_node(d, file, v, xasprintf("%s must be a list of ids", key));
	for (yaml_node_item_t *it = v->data.sequence.items.start;
	    it < v->data.sequence.items.top; it++) {
		yaml_node_t *e = yaml_document_get_node(doc, *it);

		if (e == NULL || e->type != YAML_SCALAR_NODE || !valid_id(scalar(e)))
			return fail_node(d, file, e ? e : v,
			    xasprintf("%s must be a list of ids", key));
		*ids = xrealloc(*ids, (*n + 1) * sizeof(char *));
		(*ids)[(*n)++] = xstrdup(scalar(e));
	}
	return 0;
}

/* suppress: a list of {path, artifact, reason}, at least one pattern each. */
static int
parse_suppress(yaml_document_t *doc, yaml_node_t *v, struct rule *r,
    const char *file, struct diag *d)
{
	if (v->type != YAML_SEQUENCE_NODE)
		return fail_node(d, file, v, xstrdup("suppress must be a list of "
		    "{path, artifact, reason}"));
	for (yaml_node_item_t *it = v->data.sequence.items.start;
	    it < v->data.sequence.items.top; it++) {
		yaml_node_t *t = yaml_document_get_node(doc, *it);
		struct rule_suppress *sp;

		if (t == NULL || t->type != YAML_MAPPING_NODE)
			return fail_node(d, file, t ? t : v, xstrdup("each suppress "
			    "entry must be a mapping: {path: REGEX, reason: TEXT}"));
		r->suppress = xrealloc(r->suppress, (r->nsuppress + 1) * sizeof(*r->suppress));
		sp = &r->suppress[r->nsuppress++];
		memset(sp, 0, sizeof(*sp));
		sp->file = xstrdup(file);
		sp->line = (long)t->start_mark.line + 1;
		sp->col = (long)t->start_mark.column + 1;
		for (yaml_node_pair_t *p = t->data.mapping.pairs.start;
		    p < t->data.mapping.pairs.top; p++) {
			yaml_node_t *k = yaml_document_get_node(doc, p->key);
			yaml_node_t *val = yaml_document_get_node(doc, p->value);
			char **dst;

			if (k == NULL || val == NULL || k->type != YAML_SCALAR_NODE ||
			    val->type != YAML_SCALAR_NODE)
				return fail_node(d, file, k ? k : t, xstrdup("suppress keys "
				    "and values must be plain strings"));
			if (strcmp(scalar(k), "path") == 0)
				dst = &sp->path;
			else if (strcmp(scalar(k), "artifact") == 0)
				dst = &sp->artifact;
			else if (strcmp(scalar(k), "reason") == 0)
				dst = &sp->reason;
			else
				return fail_node(d, file, k, xasprintf("unknown suppress key "
				    "'%s' (known: path, artifact, reason)", scalar(k)));
			if (*dst)
				return fail_node(d, file, k, xasprintf("'%s' given twice",
				    scalar(k)));
			*dst = xstrdup(scalar(val));
		}
		if (sp->path == NULL && sp->artifact == NULL)
			return fail_node(d, file, t, xstrdup("a suppress entry needs "
			    "'path' or 'artifact' (a regular expression)"));
		if (sp->reason == NULL)
			return fail_node(d, file, t, xstrdup("a suppress entry needs "
			    "'reason': the report lists every suppression with it"));
	}
	return 0;
}

/*
 * tests: a list of {bundle, expect, rank, confidence}; run by
 * `mkpostmortem rules test` (src/ruletest.c).
 */
static int
parse_tests(yaml_document_t *doc, yaml_node_t *v, struct rule *r,
    const char *file, struct diag *d)
{
	if (v->type != YAML_SEQUENCE_NODE)
		return fail_node(d, file, v, xstrdup("tests must be a list of "
		    "{bundle, expect, rank, confidence}"));
	for (yaml_node_item_t *it = v->data.sequence.items.start;
	    it < v->data.sequence.items.top; it++) {
		yaml_node_t *t = yaml_document_get_node(doc, *it);
		struct rule_test *rt;

		if (t == NULL || t->type != YAML_MAPPING_NODE)
			return fail_node(d, file, t ? t : v, xstrdup("each test must "
			    "be a mapping with at least 'bundle'"));
		r->tests = xrealloc(r->tests, (r->ntests + 1) * sizeof(*r->tests));
		rt = &r->tests[r->ntests++];
		memset(rt, 0, sizeof(*rt));
		rt->file = xstrdup(file);
		rt->line = (long)t->start_mark.line + 1;
		rt->col = (long)t->start_mark.column + 1;
		for (yaml_node_pair_t *p = t->data.mapping.pairs.start;
		    p < t->data.mapping.pairs.top; p++) {
			yaml_node_t *k = yaml_document_get_node(doc, p->key);
			yaml_node_t *val = yaml_document_get_node(doc, p->value);
			const char *key, *sv;

			if (k == NULL || val == NULL || k->type != YAML_SCALAR_NODE ||
			    val->type != YAML_SCALAR_NODE)
				return fail_node(d, file, k ? k : t, xstrdup("test keys "
				    "and values must be plain strings"));
			key = scalar(k);
			sv = scalar(val);
			if (strcmp(key, "bundle") == 0 && rt->bundle == NULL)
				rt->bundle = xstrdup(sv);
			else if (strcmp(key, "expect") == 0 && rt->expect == NULL) {
				if (strcmp(sv, "first") != 0 && strcmp(sv, "fires") != 0 &&
				    strcmp(sv, "absent") != 0 && strcmp(sv, "ruled_out") != 0)
					return fail_node(d, file, val, xasprintf("expect must be "
					    "first, fires, absent or ruled_out, not '%s'", sv));
				rt->expect = xstrdup(sv);
			} else if (strcmp(key, "rank") == 0 && rt->rank == 0) {
				char *end;

				rt->rank = strtol(sv, &end, 10);
				if (*end || rt->rank < 1)
					return fail_node(d, file, val, xstrdup("rank must be a "
					    "whole number from 1"));
			} else if (strcmp(key, "confidence") == 0 && rt->confidence == NULL) {
				if (strcmp(sv, "high") != 0 && strcmp(sv, "medium") != 0 &&
				    strcmp(sv, "low") != 0)
					return fail_node(d, file, val, xstrdup("confidence must "
					    "be high, medium or low"));
				rt->confidence = xstrdup(sv);
			} else
				return fail_node(d, file, k, xasprintf("unknown or repeated "
				    "test key '%s' (known: bundle, expect, rank, confidence)", key));
		}
		if (rt->bundle == NULL)
			return fail_node(d, file, t, xstrdup("a test needs 'bundle'"));
		if (rt->expect == NULL)
			rt->expect = xstrdup(rt->rank ? "fires" : "first");
	}
	return 0;
}

int
rules_parse(const char *file, const char *text, size_t len,
    struct rule **out, struct diag *d)
{
	yaml_parser_t parser;
	yaml_document_t doc;
	yaml_node_t *root;
	struct rule *r = NULL;
	int rc = -1;

	*out = NULL;
	if (len > MAX_RULE_BYTES)
		return fail(d, file, 0, 0, xasprintf("rule file larger than %d bytes",
		    MAX_RULE_BYTES));
	if (!yaml_parser_initialize(&parser))
		return fail(d, file, 0, 0, xstrdup("cannot initialise the YAML parser"));
	yaml_parser_set_input_string(&parser, (const unsigned char *)text, len);
	if (!yaml_parser_load(&parser, &doc)) {
		fail(d, file, (long)parser.problem_mark.line + 1,
		    (long)parser.problem_mark.column + 1,
		    xasprintf("YAML: %s%s%s", parser.problem ? parser.problem : "syntax error",
		    parser.context ? " " : "", parser.context ? parser.context : ""));
		yaml_parser_delete(&parser);
		return -1;
	}
	root = yaml_document_get_root_node(&doc);
	if (root == NULL) {
		fail(d, file, 1, 1, xstrdup("empty rule file"));
		goto out;
	}
	if (doc.nodes.top - doc.nodes.start > MAX_NODES) {
		fail(d, file, 1, 1, xasprintf("rule file has more than %d YAML nodes",
		    MAX_NODES));
		goto out;
	}
	if (root->type != YAML_MAPPING_NODE) {
		fail_node(d, file, root, xstrdup("a rule file must be a mapping of keys"));
		goto out;
	}
	r = xcalloc(1, sizeof(*r));
	r->file = xstrdup(file);
	r->weight = -1;
	r->max_evidence = 20;
	for (yaml_node_pair_t *p = root->data.mapping.pairs.start;
	    p < root->data.mapping.pairs.top; p++) {
		yaml_node_t *k = yaml_document_get_node(&doc, p->key);
		yaml_node_t *v = yaml_document_get_node(&doc, p->value);
		const char *key;

		if (k == NULL || v == NULL || k->type != YAML_SCALAR_NODE) {
			fail_node(d, file, k ? k : root, xstrdup("keys must be plain strings"));
			goto out;
		}
		key = scalar(k);
		if (strcmp(key, "id") == 0 || strcmp(key, "title") == 0 ||
		    strcmp(key, "category") == 0 || strcmp(key, "means") == 0 ||
		    strcmp(key, "fix") == 0 || strcmp(key, "evidence") == 0 ||
		    strcmp(key, "weight") == 0 || strcmp(key, "fallback") == 0 ||
		    strcmp(key, "max_evidence") == 0 || strcmp(key, "override") == 0 ||
		    strcmp(key, "kind") == 0 || strcmp(key, "penalty") == 0 ||
		    strcmp(key, "ruled_out") == 0) {
			char **dst = NULL;

			if (want_scalar(d, file, v, key) != 0)
				goto out;
			if (strcmp(key, "kind") == 0) {
				if (strcmp(scalar(v), "check") == 0)
					r->check = 1;
				else if (strcmp(scalar(v), "cause") != 0) {
					fail_node(d, file, v, xasprintf("kind must be cause or "
					    "check, not '%s'", scalar(v)));
					goto out;
				}
			} else if (strcmp(key, "penalty") == 0) {
				char *end;

				r->penalty = strtod(scalar(v), &end);
				if (*end != '\0' || end == scalar(v) || !(r->penalty > 0) ||
				    r->penalty > 1) {
					fail_node(d, file, v, xasprintf("penalty must be a "
					    "number above 0 and at most 1, not '%s'", scalar(v)));
					goto out;
				}
			} else if (strcmp(key, "ruled_out") == 0) {
				dst = &r->ruled_out;
				set_mark(&r->m_ruled, v, text, len);
			} else if (strcmp(key, "id") == 0 || strcmp(key, "override") == 0) {
				if (r->id != NULL) {
					fail_node(d, file, k, xstrdup("give either 'id' (a new "
					    "rule) or 'override' (a change to a loaded one), once"));
					goto out;
				}
				r->override = strcmp(key, "override") == 0;
				dst = &r->id;
				set_mark(&r->m_id, v, text, len);
				if (!valid_id(scalar(v))) {
					fail_node(d, file, v, xasprintf("id '%s' must be "
					    "lower-case letters, digits, '-' and '_'", scalar(v)));
					goto out;
				}
			} else if (strcmp(key, "title") == 0)
				dst = &r->title;
			else if (strcmp(key, "category") == 0)
				dst = &r->category;
			else if (strcmp(key, "means") == 0)
				dst = &r->means;
			else if (strcmp(key, "fix") == 0) {
				dst = &r->fix;
				set_mark(&r->m_fix, v, text, len);
			} else if (strcmp(key, "evidence") == 0) {
				dst = &r->sql;
				set_mark(&r->m_sql, v, text, len);
			} else if (strcmp(key, "weight") == 0) {
				char *end;

				r->weight = strtod(scalar(v), &end);
				if (*end != '\0' || end == scalar(v) || !(r->weight > 0) ||
				    r->weight > 1) {
					fail_node(d, file, v, xasprintf("weight must be a "
					    "number above 0 and at most 1, not '%s'", scalar(v)));
					goto out;
				}
			} else if (strcmp(key, "max_evidence") == 0) {
				char *end;

				r->max_evidence = strtol(scalar(v), &end, 10);
				if (*end != '\0' || r->max_evidence < 1 ||
				    r->max_evidence > 100000) {
					fail_node(d, file, v, xstrdup("max_evidence must be "
					    "a whole number from 1 to 100000"));
					goto out;
				}
			} else {
				const char *s = scalar(v);

				if (strcmp(s, "true") == 0 || strcmp(s, "yes") == 0)
					r->fallback = 1;
				else if (strcmp(s, "false") == 0 || strcmp(s, "no") == 0)
					r->fallback = 0;
				else {
					fail_node(d, file, v, xstrdup("fallback must be true or false"));
					goto out;
				}
			}
			if (dst) {
				if (*dst != NULL) {
					fail_node(d, file, k, xasprintf("'%s' given twice", key));
					goto out;
				}
				*dst = xstrdup(scalar(v));
			}
		} else if (strcmp(key, "lookalikes") == 0) {
			if (parse_ids(&doc, v, key, &r->lookalikes, &r->nlookalikes,
			    file, d) != 0)
				goto out;
		} else if (strcmp(key, "affects") == 0) {
			if (parse_ids(&doc, v, key, &r->affects, &r->naffects, file, d) != 0)
				goto out;
		} else if (strcmp(key, "suppress") == 0) {
			if (parse_suppress(&doc, v, r, file, d) != 0)
				goto out;
		} else if (strcmp(key, "tests") == 0) {
			if (parse_tests(&doc, v, r, file, d) != 0)
				goto out;
		} else {
			fail_node(d, file, k, xasprintf("unknown key '%s' (known: id, "
			    "override, kind, title, category, weight, penalty, means, "
			    "evidence, fix, lookalikes, affects, fallback, max_evidence, "
			    "ruled_out, suppress, tests)", key));
			goto out;
		}
	}
	if (r->override) {
		/* A patch: only what it changes, applied when it is added. */
		if (r->sql || r->check || r->fallback || r->category ||
		    r->max_evidence != 20 || r->penalty > 0 || r->naffects) {
			fail_node(d, file, root, xstrdup("an override may change weight, "
			    "title, means, fix, lookalikes, ruled_out, suppress and tests; "
			    "a new evidence query is a new rule (use 'id')"));
			goto out;
		}
	} else if (r->check) {
		static const char *const need[] = { "id", "title", "evidence" };
		const void *have[] = { r->id, r->title, r->sql };

		for (size_t i = 0; i < sizeof(need) / sizeof(need[0]); i++)
			if (have[i] == NULL) {
				fail_node(d, file, root, xasprintf("missing key '%s'", need[i]));
				goto out;
			}
		if (r->penalty <= 0)
			r->penalty = 0.10;
		/* A check has no cause to weigh: its weight is its penalty. */
		if (r->weight <= 0)
			r->weight = r->penalty;
		if (r->fix == NULL)
			r->fix = xstrdup("");
	} else {
		static const char *const need[] = { "id", "title", "weight", "evidence", "fix" };
		const void *have[] = { r->id, r->title, r->weight > 0 ? r : NULL, r->sql, r->fix };

		for (size_t i = 0; i < sizeof(need) / sizeof(need[0]); i++)
			if (have[i] == NULL) {
				fail_node(d, file, root, xasprintf("missing key '%s'", need[i]));
				goto out;
			}
	}
	*out = r;
	r = NULL;
	rc = 0;
out:
	rule_free(r);
	yaml_document_delete(&doc);
	yaml_parser_delete(&parser);
	return rc;
}

#define TAKE(field) do { if (r->field) { free(t->field); t->field = r->field; r->field = NULL; } } while (0)

/* Appends n items of size sz from *src to *dst (both arrays), emptying src. */
static void
append(void **dst, size_t *dn, void **src, size_t *sn, size_t sz)
{
	if (*sn == 0)
		return;
	*dst = xrealloc(*dst, (*dn + *sn) * sz);
	memcpy((char *)*dst + *dn * sz, *src, *sn * sz);
	*dn += *sn;
	free(*src);
	*src = NULL;
	*sn = 0;
}

/*
 * Adds r (taking it); a rule with a loaded id replaces it, an override
 * patches it.  -1 with *d when an override names no loaded rule.
 */
static int
add_rule(struct rule_set *rs, struct rule *r, struct diag *d)
{
	for (size_t i = 0; i < rs->n; i++)
		if (strcmp(rs->v[i]->id, r->id) == 0) {
			struct rule *t = rs->v[i];

			if (!r->override) {
				rule_free(t);
				rs->v[i] = r;
				return 0;
			}
			if (r->weight > 0)
				t->weight = r->weight;
			TAKE(title);
			TAKE(means);
			if (r->fix) {
				TAKE(fix);
				free(t->m_fix.file);
				t->m_fix = r->m_fix;
				/* The new fix's position is in the override's file. */
				t->m_fix.file = xstrdup(r->file);
			}
			if (r->ruled_out) {
				TAKE(ruled_out);
				free(t->m_ruled.file);
				t->m_ruled = r->m_ruled;
				t->m_ruled.file = xstrdup(r->file);
			}
			append((void **)&t->lookalikes, &t->nlookalikes,
			    (void **)&r->lookalikes, &r->nlookalikes, sizeof(char *));
			append((void **)&t->suppress, &t->nsuppress,
			    (void **)&r->suppress, &r->nsuppress, sizeof(*r->suppress));
			append((void **)&t->tests, &t->ntests, (void **)&r->tests,
			    &r->ntests, sizeof(*r->tests));
			/* Its fix, ruled_out and suppress are a site's to check now. */
			t->builtin = 0;
			rule_free(r);
			return 0;
		}
	if (r->override) {
		int rc = fail(d, r->file, r->m_id.line, r->m_id.col, xasprintf("override "
		    "of '%s', which no rule loaded before this file defines", r->id));

		rule_free(r);
		return rc;
	}
	if (rs->n == rs->cap) {
		rs->cap = rs->cap ? rs->cap * 2 : 32;
		rs->v = xrealloc(rs->v, rs->cap * sizeof(*rs->v));
	}
	rs->v[rs->n++] = r;
	return 0;
}

int
rules_load_builtin(struct rule_set *rs, struct diag *d)
{
	for (size_t i = 0; i < embedded_rules_count; i++) {
		struct rule *r;

		if (rules_parse(embedded_rules[i].name, embedded_rules[i].text,
		    strlen(embedded_rules[i].text), &r, d) != 0)
			return -1;
		r->builtin = 1;
		if (add_rule(rs, r, d) != 0)
			return -1;
	}
	return 0;
}

static int
cmp_str(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

static int
has_suffix(const char *s, const char *suf)
{
	size_t n = strlen(s), m = strlen(suf);

	return n > m && strcmp(s + n - m, suf) == 0;
}

static char *
read_file(const char *path, size_t *len, char **err)
{
	FILE *fp = fopen(path, "rb");
	struct buf b = { 0 };
	char chunk[8192];
	size_t n;

	if (fp == NULL) {
		*err = xasprintf("cannot read: %s", strerror(errno));
		return NULL;
	}
	while ((n = fread(chunk, 1, sizeof(chunk), fp)) > 0) {
		buf_add(&b, chunk, n);
		if (b.len > MAX_RULE_BYTES)
			break;
	}
	if (ferror(fp)) {
		*err = xasprintf("cannot read: %s", strerror(errno));
		fclose(fp);
		buf_free(&b);
		return NULL;
	}
	fclose(fp);
	*len = b.len;
	if (b.s == NULL)
		b.s = xstrdup("");
	return b.s;
}

int
rules_load_dir(struct rule_set *rs, const char *dir, int optional,
    struct diag *d)
{
	DIR *dp = opendir(dir);
	struct dirent *de;
	char **names = NULL;
	size_t n = 0;
	int rc = 0, origin = ++rs->sources;

	if (dp == NULL) {
		if (optional && errno == ENOENT)
			return 0;
		return fail(d, dir, 0, 0, xasprintf("cannot read rule directory: %s",
		    strerror(errno)));
	}
	while ((de = readdir(dp)) != NULL) {
		if (de->d_name[0] == '.' || !(has_suffix(de->d_name, ".yaml") ||
		    has_suffix(de->d_name, ".yml")))
			continue;
		names = xrealloc(names, (n + 1) * sizeof(char *));
		names[n++] = xstrdup(de->d_name);
	}
	closedir(dp);
	qsort(names, n, sizeof(char *), cmp_str);
	for (size_t i = 0; i < n; i++) {
		char *path = xasprintf("%s/%s", dir, names[i]);
		char *err = NULL, *text;
		size_t len = 0;
		struct rule *r;

		if (rc == 0) {
			text = read_file(path, &len, &err);
			if (text == NULL)
				rc = fail(d, path, 0, 0, err);
			else if (rules_parse(path, text, len, &r, d) != 0)
				rc = -1;
			else {
				r->origin = origin;
				for (size_t k = 0; k < r->ntests; k++)
					r->tests[k].origin = origin;
				if (add_rule(rs, r, d) != 0)
					rc = -1;
			}
			free(text);
		}
		free(path);
		free(names[i]);
	}
	free(names);
	return rc;
}

const struct rule *
rules_find(const struct rule_set *rs, const char *id)
{
	for (size_t i = 0; i < rs->n; i++)
		if (strcmp(rs->v[i]->id, id) == 0)
			return rs->v[i];
	return NULL;
}

void
rules_free(struct rule_set *rs)
{
	for (size_t i = 0; i < rs->n; i++)
		rule_free(rs->v[i]);
	free(rs->v);
	memset(rs, 0, sizeof(*rs));
}
