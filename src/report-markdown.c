/*
 * The Markdown report, for pasting into a post-mortem document or an
 * issue: the verdict first, then each finding with its evidence as a code
 * block quoting file:line, the fix, the SQL in a fenced sql block, and the
 * artifacts table.
 *
 * Artifact text is hostile.  In code blocks and code spans it is shown as
 * term_string() shows it (no controls) inside a fence longer than any
 * backtick run it contains; everywhere else it goes through md_string(),
 * which backslash-escapes Markdown punctuation and writes < > & as
 * character references, so no bundle text becomes markup or raw HTML.
 */
#include "report.h"
#include "json.h"

#include <stdlib.h>
#include <string.h>

#define MD_EVIDENCE 8

/* A memory stream; out of memory is not an error path. */
static FILE *
mem_open(char **buf, size_t *len)
{
	FILE *m = open_memstream(buf, len);

	if (m == NULL)
		abort();
	return m;
}

/* The longest run of backticks in s[0..n). */
static size_t
backtick_run(const char *s, size_t n)
{
	size_t best = 0, run = 0;

	for (size_t i = 0; i < n; i++) {
		run = s[i] == '`' ? run + 1 : 0;
		if (run > best)
			best = run;
	}
	return best;
}

static void
ticks(FILE *fp, size_t n)
{
	while (n--)
		fputc('`', fp);
}

/*
 * s[0..n) as an inline code span: term_string()'s rendering between
 * backtick fences one longer than its longest run (CommonMark), padded
 * with spaces when it starts or ends with a backtick.
 */
static void
md_code_span(FILE *fp, const char *s, size_t n)
{
	char *buf = NULL;
	size_t len = 0, fence;
	FILE *m = mem_open(&buf, &len);
	int pad;

	term_string(m, s, n);
	fclose(m);
	fence = backtick_run(buf, len) + 1;
	pad = len > 0 && (buf[0] == '`' || buf[len - 1] == '`');
	ticks(fp, fence);
	fputs(pad ? " " : "", fp);
	fwrite(buf, 1, len, fp);
	fputs(pad ? " " : "", fp);
	ticks(fp, fence);
	free(buf);
}

/*
 * Prose from a rule (title, fix) with values from the bundle filled in:
 * text between a pair of backquotes (a command) becomes a code span, the
 * rest is escaped text.  An unpaired backquote is escaped.
 */
static void
md_prose(FILE *fp, const char *s)
{
	char *copy = strdup(s ? s : ""), *p, *end;

	if (copy == NULL)
		abort();
	/* One paragraph: line breaks of the YAML become spaces. */
	for (p = copy; *p; p++)
		if (*p == '\n' || *p == '\r')
			*p = ' ';
	end = p;
	while (end > copy && end[-1] == ' ')
		*--end = '\0';
	for (p = copy; *p;) {
		char *open = strchr(p, '`'), *close;

		if (open == NULL || (close = strchr(open + 1, '`')) == NULL) {
			md_cstr(fp, p);
			break;
		}
		md_string(fp, p, (size_t)(open - p));
		if (close > open + 1)
			md_code_span(fp, open + 1, (size_t)(close - open - 1));
		p = close + 1;
	}
	free(copy);
}

/*
 * A fenced code block of the lines in buf (each already made safe by
 * term_string()), the fence longer than any backtick run inside.
 */
static void
md_fence(FILE *fp, const char *info, const char *buf, size_t len)
{
	size_t fence = backtick_run(buf, len) + 1;

	if (fence < 3)
		fence = 3;
	ticks(fp, fence);
	fputs(info, fp);
	fputc('\n', fp);
	fwrite(buf, 1, len, fp);
	if (len > 0 && buf[len - 1] != '\n')
		fputc('\n', fp);
	ticks(fp, fence);
	fputc('\n', fp);
}

/* Each line of s made terminal-safe, one per output line. */
static void
safe_lines(FILE *m, const char *s)
{
	const char *p = s ? s : "";

	while (*p) {
		const char *nl = strchr(p, '\n');
		size_t n = nl ? (size_t)(nl - p) : strlen(p);

		term_string(m, p, n);
		fputc('\n', m);
		p += n + (nl ? 1 : 0);
	}
}

static void
write_evidence(FILE *fp, const struct finding *f)
{
	char *buf = NULL;
	size_t len = 0;
	FILE *m = mem_open(&buf, &len);

	for (size_t j = 0; j < f->nev && j < MD_EVIDENCE; j++) {
		const struct evidence *v = &f->ev[j];

		term_cstr(m, v->artifact);
		if (v->line > 0)
			fprintf(m, ":%ld", v->line);
		fputs(": ", m);
		term_cstr(m, v->text);
		fputc('\n', m);
		if (v->start_line > 0) {
			fprintf(m, "    the call began at line %ld: ", v->start_line);
			term_cstr(m, v->start_text);
			fputc('\n', m);
		}
		if (v->reported_at && !v->app_error_id) {
			fputs("    reported by the program at ", m);
			term_cstr(m, v->reported_at);
			fputc('\n', m);
		}
	}
	fclose(m);
	md_fence(fp, "text", buf, len);
	free(buf);
}

static void
write_finding(FILE *fp, const struct report *r, const struct finding *f)
{
	char *buf = NULL;
	size_t len = 0;
	FILE *m;

	fprintf(fp, "\n## %ld. ", f->rank);
	md_cstr(fp, f->rule->id);
	fputs(": ", fp);
	md_prose(fp, f->rule->title);
	fprintf(fp, "\n\nConfidence **%s**, score %.2f: ", f->confidence, f->score);
	md_prose(fp, f->explanation);
	fprintf(fp, ".\n\n**Evidence** (%ld row%s%s):\n\n", f->rows,
	    f->rows == 1 ? "" : "s",
	    f->rows > MD_EVIDENCE ? ", the first shown; the query lists all" : "");
	write_evidence(fp, f);
	fputs("\n**Fix:** ", fp);
	md_prose(fp, f->fix);
	fputs("\n\n**Query** (`sqlite3 STORE`, the store below):\n\n", fp);
	m = mem_open(&buf, &len);
	safe_lines(m, f->query);
	fclose(m);
	md_fence(fp, "sql", buf, len);
	free(buf);
	(void)r;
}

/* A table cell: escaped text, never empty. */
static void
md_cell(FILE *fp, const char *s)
{
	fputs(" ", fp);
	if (s && *s)
		md_cstr(fp, s);
	else
		fputs("-", fp);
	fputs(" |", fp);
}

static void
write_artifacts(FILE *fp, const struct report *r)
{
	long skipped = 0;

	fputs("\n## Artifacts\n\n| file | type | records | not understood | note |\n"
	    "|---|---|---:|---:|---|\n", fp);
	for (size_t i = 0; i < r->nart; i++) {
		const struct report_artifact *a = &r->art[i];

		if (strcmp(a->status, "skipped") == 0) {
			skipped++;
			continue;
		}
		fputs("|", fp);
		md_cell(fp, a->path);
		md_cell(fp, a->types && *a->types ? a->types : a->type);
		fprintf(fp, " %ld | %ld |", a->records, a->errors);
		md_cell(fp, a->note);
		fputc('\n', fp);
	}
	if (skipped) {
		fputs("\nSkipped (not read):\n\n", fp);
		for (size_t i = 0; i < r->nart; i++) {
			const struct report_artifact *a = &r->art[i];

			if (strcmp(a->status, "skipped") != 0)
				continue;
			fputs("- ", fp);
			md_cstr(fp, a->path);
			fputs(": ", fp);
			md_cstr(fp, a->note);
			fputc('\n', fp);
		}
	}
	if (r->problems) {
		fprintf(fp, "\n%ld line%s not understood (`SELECT * FROM parse_errors`), "
		    "the first:\n\n", r->problems, r->problems == 1 ? "" : "s");
		for (size_t i = 0; i < r->nprob; i++) {
			fputs("- ", fp);
			md_cstr(fp, r->prob[i].artifact);
			fprintf(fp, "\\:%ld: ", r->prob[i].line);
			md_cstr(fp, r->prob[i].reason);
			fputc('\n', fp);
		}
	}
	fprintf(fp, "\n%zu file%s, %ld with records. Store: ",
	    r->nart - (size_t)skipped, r->nart - (size_t)skipped == 1 ? "" : "s",
	    r->analysed);
	md_code_span(fp, r->store, strlen(r->store));
	fputc('\n', fp);
}

/* Evidence rows of a check or a ruled-out cause, as a text block. */
static void
write_note_rows(FILE *fp, const struct finding *c, size_t max)
{
	char *buf = NULL;
	size_t len = 0;
	FILE *m = mem_open(&buf, &len);

	for (size_t j = 0; j < c->nev && j < max; j++) {
		term_cstr(m, c->ev[j].artifact);
		if (c->ev[j].line > 0)
			fprintf(m, ":%ld", c->ev[j].line);
		fputs(": ", m);
		term_cstr(m, c->ev[j].text);
		fputc('\n', m);
	}
	fclose(m);
	md_fence(fp, "text", buf, len);
	free(buf);
}

/* Input checks, causes ruled out, suppressed evidence. */
static void
write_notes(FILE *fp, const struct finding_list *fl)
{
	if (fl->nchecks) {
		fputs("\n## Input checks\n\nWhat the bundle lacks; each lowers the "
		    "score of the findings it affects.\n", fp);
		for (size_t i = 0; i < fl->nchecks; i++) {
			const struct finding *c = fl->checks[i];

			fputs("\n- ", fp);
			md_cstr(fp, c->rule->id);
			fprintf(fp, " (-%.2f): ", c->rule->penalty);
			md_prose(fp, c->rule->title);
			fputs("\n\n", fp);
			write_note_rows(fp, c, 2);
			if (c->fix && *c->fix) {
				fputs("\n  Next time: ", fp);
				md_prose(fp, c->fix);
				fputc('\n', fp);
			}
		}
	}
	if (fl->nruled) {
		fputs("\n## Considered and ruled out\n", fp);
		for (size_t i = 0; i < fl->nruled; i++) {
			const struct finding *c = fl->ruled[i];

			fputs("\n- ", fp);
			md_cstr(fp, c->rule->id);
			fputs(": ", fp);
			md_prose(fp, c->rule->title);
			fputs("\n\n", fp);
			write_note_rows(fp, c, 3);
		}
	}
	if (fl->nsup) {
		fputs("\n## Suppressed by site rules\n\n", fp);
		for (size_t i = 0; i < fl->nsup; i++) {
			const struct suppressed_row *sr = &fl->sup[i];
			char at[64];

			fputs("- ", fp);
			md_cstr(fp, sr->rule->id);
			fputs(" at ", fp);
			md_code_span(fp, sr->artifact ? sr->artifact : "", strlen(sr->artifact ? sr->artifact : ""));
			snprintf(at, sizeof(at), ":%ld", sr->line);
			fputs(at, fp);
			fputs(": ", fp);
			md_prose(fp, sr->by->reason);
			fputc('\n', fp);
		}
	}
}

static void
write_markdown(FILE *fp, const struct report *r)
{
	const struct finding_list *fl = r->findings;

	fputs("# mkpostmortem report: ", fp);
	md_cstr(fp, r->bundle);
	fputs("\n\n", fp);
	if (fl->n == 0) {
		fputs("**Verdict:** no root cause from the catalog is proven by "
		    "this bundle.\n", fp);
	} else {
		const struct finding *f = fl->v[0];

		fputs("**Verdict:** ", fp);
		md_cstr(fp, f->rule->id);
		fputs(": ", fp);
		md_prose(fp, f->rule->title);
		fprintf(fp, " (confidence **%s**, score %.2f).\n", f->confidence,
		    f->score);
		if (fl->n > 1) {
			fputs("\nOther candidates:", fp);
			for (size_t i = 1; i < fl->n; i++) {
				fprintf(fp, "%s %ld. ", i > 1 ? ";" : "", fl->v[i]->rank);
				md_cstr(fp, fl->v[i]->rule->id);
				fprintf(fp, " (%s, %.2f)", fl->v[i]->confidence,
				    fl->v[i]->score);
			}
			fputs(".\n", fp);
		}
	}
	for (size_t i = 0; i < fl->n; i++)
		write_finding(fp, r, fl->v[i]);
	write_notes(fp, fl);
	write_artifacts(fp, r);
}

const struct report_writer report_markdown = {
	.name = "markdown",
	.write = write_markdown,
};
