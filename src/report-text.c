/*
 * The text report for people: a one-screen summary first (the verdict,
 * its confidence, one evidence line, the fix's first line), then each
 * finding with its quoted evidence, the score's parts, the fix and the
 * SQL that shows the evidence again; then what was read and what was not.
 * Everything that came from the bundle goes through term_string().
 *
 * Colour only when the report goes to stdout, stdout is a terminal,
 * NO_COLOR is unset or empty and TERM is not "dumb".  Width: COLUMNS, else
 * the terminal's (TIOCGWINSZ), else 80.
 */
#include "report.h"
#include "json.h"
#include "xmalloc.h"

#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <unistd.h>

#define TEXT_EVIDENCE 8
#define TEXT_MIN_WIDTH 40
#define TEXT_MAX_WIDTH 240

struct style {
	int colour;
	size_t width;
};

enum { BOLD, DIM, RED, YELLOW, GREEN, CYAN, RESET };
static const char *const sgr[] = {
	"\033[1m", "\033[2m", "\033[31m", "\033[33m", "\033[32m",
	"\033[36m", "\033[0m",
};

static void
paint(FILE *fp, const struct style *st, int what)
{
	if (st->colour)
		fputs(sgr[what], fp);
}

/* The terminal's width as the user set it or the terminal reports it. */
static size_t
text_width(FILE *fp)
{
	const char *c = getenv("COLUMNS");
	struct winsize ws;
	long w = 0;

	if (c && *c) {
		char *end;

		w = strtol(c, &end, 10);
		if (*end)
			w = 0;
	}
	if (w <= 0 && isatty(fileno(fp)) && ioctl(fileno(fp), TIOCGWINSZ, &ws) == 0)
		w = ws.ws_col;
	if (w <= 0)
		w = 80;
	if (w < TEXT_MIN_WIDTH)
		w = TEXT_MIN_WIDTH;
	if (w > TEXT_MAX_WIDTH)
		w = TEXT_MAX_WIDTH;
	return (size_t)w;
}

/* Colour for the report on stdout only: never in a file (-o) or a pipe. */
static int
text_colour(FILE *fp)
{
	const char *nc = getenv("NO_COLOR"), *term = getenv("TERM");

	if (fp != stdout || !isatty(fileno(fp)))
		return 0;
	if (nc && *nc)
		return 0;
	return !(term && strcmp(term, "dumb") == 0);
}

/*
 * s as term_string() shows it, cut to at most cols characters (counted as
 * UTF-8 code points) with "..." where it was cut.
 */
static void
term_fit(FILE *fp, const char *s, size_t cols)
{
	char *buf = NULL;
	size_t len = 0, n = 0, i;
	FILE *m = open_memstream(&buf, &len);

	if (cols < 4)
		cols = 4;
	if (m == NULL)
		abort();
	term_cstr(m, s ? s : "");
	fclose(m);
	for (i = 0; i < len; i++)
		if (((unsigned char)buf[i] & 0xc0) != 0x80)
			n++;
	if (n <= cols) {
		fwrite(buf, 1, len, fp);
		free(buf);
		return;
	}
	for (i = 0, n = 0; i < len; i++) {
		if (((unsigned char)buf[i] & 0xc0) != 0x80 && n++ == cols - 3)
			break;
	}
	fwrite(buf, 1, i, fp);
	fputs("...", fp);
	free(buf);
}

static void
indent_block(FILE *fp, const char *prefix, const char *s)
{
	const char *p = s;

	while (*p) {
		const char *nl = strchr(p, '\n');
		size_t n = nl ? (size_t)(nl - p) : strlen(p);

		if (n > 0 || nl) {
			fputs(prefix, fp);
			term_string(fp, p, n);
			fputc('\n', fp);
		}
		p += n + (nl ? 1 : 0);
	}
}

/*
 * Prose (the fix) wrapped at width, each line after prefix.  A command in
 * backquotes is not split: a reader copies it whole.  With max_lines > 0,
 * stops after that many lines, ending the last with "..." if more
 * followed.
 */
static void
wrap_block(FILE *fp, const char *first, const char *prefix, const char *s,
    size_t width, int max_lines)
{
	const char *p = s;
	int lines = 0;

	while (*p) {
		const char *nl = strchr(p, '\n');
		const char *end = nl ? nl : p + strlen(p);

		while (p < end) {
			const char *cut = end, *best = NULL, *after = NULL;
			int ticks = 0;

			if ((size_t)(end - p) > width) {
				for (const char *q = p; q < end; q++) {
					if (*q == '`')
						ticks ^= 1;
					else if (*q == ' ' && !ticks && q > p) {
						if ((size_t)(q - p) <= width)
							best = q;
						else if (after == NULL)
							after = q;
					}
					if (after)
						break;
				}
				cut = best ? best : after ? after : end;
			}
			while (cut > p + 1 && cut[-1] == ' ')
				cut--;
			fputs(lines == 0 ? first : prefix, fp);
			term_string(fp, p, (size_t)(cut - p));
			p = cut;
			while (p < end && *p == ' ')
				p++;
			if (++lines == max_lines) {
				fputs(p < end || nl ? " ...\n" : "\n", fp);
				return;
			}
			fputc('\n', fp);
		}
		p = nl ? nl + 1 : end;
	}
}

/* The one-screen summary: verdict, confidence, one evidence line, fix. */
static void
write_summary(FILE *fp, const struct report *r, const struct style *st)
{
	const struct finding_list *fl = r->findings;
	const struct finding *f;
	int conf;

	if (fl->n == 0) {
		paint(fp, st, BOLD);
		fputs("\nNo root cause from the catalog is proven by this bundle.\n", fp);
		paint(fp, st, RESET);
		return;
	}
	f = fl->v[0];
	conf = strcmp(f->confidence, "high") == 0 ? GREEN :
	    strcmp(f->confidence, "medium") == 0 ? YELLOW : RED;
	fputc('\n', fp);
	paint(fp, st, BOLD);
	{
		char *verdict = xasprintf("Most likely cause: %s - %s", f->rule->id,
		    f->rule->title);

		wrap_block(fp, "", "    ", verdict, st->width - 4, 0);
		free(verdict);
	}
	paint(fp, st, RESET);
	fputs("  confidence ", fp);
	paint(fp, st, conf);
	fputs(f->confidence, fp);
	paint(fp, st, RESET);
	fprintf(fp, ", score %.2f\n", f->score);
	if (f->nev > 0) {
		const struct evidence *v = &f->ev[0];
		char *where = v->line > 0 ? xasprintf("%s:%ld: ", v->artifact, v->line) :
		    xasprintf("%s: ", v->artifact);
		size_t used = 12 + strlen(where);

		fputs("  evidence: ", fp);
		paint(fp, st, CYAN);
		term_fit(fp, where, st->width - 12);
		paint(fp, st, RESET);
		if (used + 10 < st->width)
			term_fit(fp, v->text, st->width - used);
		fputc('\n', fp);
		free(where);
	}
	wrap_block(fp, "  fix: ", "", f->fix, st->width - 11, 1);
	if (fl->n > 1) {
		fputs("  also:", fp);
		for (size_t i = 1; i < fl->n && i < 4; i++) {
			fprintf(fp, "%s #%ld ", i > 1 ? "," : "", fl->v[i]->rank);
			term_cstr(fp, fl->v[i]->rule->id);
			fprintf(fp, " (%s %.2f)", fl->v[i]->confidence, fl->v[i]->score);
		}
		if (fl->n > 4)
			fprintf(fp, ", and %zu more", fl->n - 4);
		fputc('\n', fp);
	}
}

static void
write_finding(FILE *fp, const struct report *r, const struct finding *f,
    const struct style *st)
{
	fputc('\n', fp);
	paint(fp, st, BOLD);
	fprintf(fp, "#%ld ", f->rank);
	term_cstr(fp, f->rule->id);
	paint(fp, st, RESET);
	fprintf(fp, "  [%s, score %.2f]\n  ", f->confidence, f->score);
	term_cstr(fp, f->rule->title);
	fputs("\n  Evidence:\n", fp);
	for (size_t j = 0; j < f->nev && j < TEXT_EVIDENCE; j++) {
		const struct evidence *v = &f->ev[j];

		fputs("    ", fp);
		paint(fp, st, CYAN);
		term_cstr(fp, v->artifact);
		if (v->line > 0)
			fprintf(fp, ":%ld", v->line);
		paint(fp, st, RESET);
		fputs(": ", fp);
		term_cstr(fp, v->text);
		fputc('\n', fp);
		if (v->start_line > 0) {
			fprintf(fp, "      the call began at line %ld: ", v->start_line);
			term_cstr(fp, v->start_text);
			fputc('\n', fp);
		}
		if (v->reported_at && !v->app_error_id) {
			fputs("      reported by the program at ", fp);
			term_cstr(fp, v->reported_at);
			fputc('\n', fp);
		}
	}
	if (f->rows > (long)(f->nev < TEXT_EVIDENCE ? f->nev : TEXT_EVIDENCE))
		fprintf(fp, "    ... %ld evidence rows in all (the query below lists them)\n",
		    f->rows);
	fputs("  Score: ", fp);
	term_cstr(fp, f->explanation);
	fputs("\n  Fix:\n", fp);
	wrap_block(fp, "    ", "    ", f->fix, st->width - 8, 0);
	fputs("  Reproduce with: sqlite3 ", fp);
	term_cstr(fp, r->store);
	fputs(" <<'SQL'\n", fp);
	paint(fp, st, DIM);
	indent_block(fp, "    ", f->query);
	paint(fp, st, RESET);
	fputs("  SQL\n", fp);
}

static void
write_artifacts(FILE *fp, const struct report *r, const struct style *st)
{
	long unknown = 0, skipped = 0;

	paint(fp, st, BOLD);
	fputs("\nArtifacts:\n", fp);
	paint(fp, st, RESET);
	for (size_t i = 0; i < r->nart; i++) {
		const struct report_artifact *a = &r->art[i];

		if (strcmp(a->status, "skipped") == 0) {
			skipped++;
			continue;
		}
		if (strcmp(a->status, "ok") != 0 && strcmp(a->status, "partial") != 0)
			unknown++;
		fputs("  ", fp);
		term_cstr(fp, a->path);
		fputs("  ", fp);
		term_cstr(fp, a->types && *a->types ? a->types : a->type);
		fprintf(fp, "  %ld record%s", a->records, a->records == 1 ? "" : "s");
		if (a->errors)
			fprintf(fp, ", %ld line%s not understood", a->errors,
			    a->errors == 1 ? "" : "s");
		if (a->note) {
			fputs(" (", fp);
			term_cstr(fp, a->note);
			fputc(')', fp);
		}
		fputc('\n', fp);
	}
	if (skipped) {
		fputs("Skipped (not read):\n", fp);
		for (size_t i = 0; i < r->nart; i++) {
			const struct report_artifact *a = &r->art[i];

			if (strcmp(a->status, "skipped") != 0)
				continue;
			fputs("  ", fp);
			term_cstr(fp, a->path);
			fputs(": ", fp);
			term_cstr(fp, a->note);
			fputc('\n', fp);
		}
	}
	if (r->problems) {
		fprintf(fp, "Not understood: %ld line%s (SELECT * FROM parse_errors), first:\n",
		    r->problems, r->problems == 1 ? "" : "s");
		for (size_t i = 0; i < r->nprob; i++) {
			fputs("  ", fp);
			term_cstr(fp, r->prob[i].artifact);
			fprintf(fp, ":%ld: ", r->prob[i].line);
			term_cstr(fp, r->prob[i].reason);
			fputc('\n', fp);
		}
	}
	if (r->regex_limit_hits)
		fprintf(fp, "Regular expression matches stopped at the match limit: %ld\n",
		    r->regex_limit_hits);
	fprintf(fp, "\n%zu file%s, %ld with records, %ld not analysed (unknown or unreadable); store: ",
	    r->nart - (size_t)skipped, r->nart - (size_t)skipped == 1 ? "" : "s",
	    r->analysed, unknown);
	term_cstr(fp, r->store);
	fputc('\n', fp);
}

/* The first max evidence rows of a check or a ruled-out cause. */
static void
note_rows(FILE *fp, const struct finding *c, size_t max)
{
	for (size_t j = 0; j < c->nev && j < max; j++) {
		fputs("    ", fp);
		term_cstr(fp, c->ev[j].artifact);
		if (c->ev[j].line > 0)
			fprintf(fp, ":%ld", c->ev[j].line);
		fputs(": ", fp);
		term_cstr(fp, c->ev[j].text);
		fputc('\n', fp);
	}
}

/*
 * What weakens or rules out a verdict: the input checks that fired, the
 * causes considered and ruled out, and the evidence a site suppressed.
 */
static void
write_notes(FILE *fp, const struct report *r, const struct style *st)
{
	const struct finding_list *fl = r->findings;

	if (fl->nchecks) {
		paint(fp, st, BOLD);
		fputs("\nInput checks (they lower the scores above):\n", fp);
		paint(fp, st, RESET);
		for (size_t i = 0; i < fl->nchecks; i++) {
			const struct finding *c = fl->checks[i];

			fputs("  ", fp);
			term_cstr(fp, c->rule->id);
			fprintf(fp, " (-%.2f", c->rule->penalty);
			if (c->rule->naffects) {
				fputs(" on", fp);
				for (size_t a = 0; a < c->rule->naffects; a++) {
					fputc(' ', fp);
					term_cstr(fp, c->rule->affects[a]);
				}
			} else
				fputs(" on every finding", fp);
			fputs("): ", fp);
			term_cstr(fp, c->rule->title);
			fputc('\n', fp);
			note_rows(fp, c, 2);
			if (c->fix && *c->fix)
				wrap_block(fp, "    next time: ", "    ", c->fix, st->width - 8, 0);
		}
	}
	if (fl->nruled) {
		paint(fp, st, BOLD);
		fputs("\nConsidered and ruled out:\n", fp);
		paint(fp, st, RESET);
		for (size_t i = 0; i < fl->nruled; i++) {
			const struct finding *c = fl->ruled[i];

			fputs("  ", fp);
			term_cstr(fp, c->rule->id);
			fputs(" - ", fp);
			term_cstr(fp, c->rule->title);
			fputc('\n', fp);
			note_rows(fp, c, 3);
		}
	}
	if (fl->nsup) {
		paint(fp, st, BOLD);
		fprintf(fp, "\nSuppressed by site rules (%zu evidence row%s):\n",
		    fl->nsup, fl->nsup == 1 ? "" : "s");
		paint(fp, st, RESET);
		for (size_t i = 0; i < fl->nsup; i++) {
			const struct suppressed_row *sr = &fl->sup[i];

			fputs("  ", fp);
			term_cstr(fp, sr->rule->id);
			fputs(" at ", fp);
			term_cstr(fp, sr->artifact);
			if (sr->line > 0)
				fprintf(fp, ":%ld", sr->line);
			fputs(": ", fp);
			term_cstr(fp, sr->by->reason);
			fputs(" (", fp);
			term_cstr(fp, sr->by->file);
			fprintf(fp, ":%ld:%ld)\n", sr->by->line, sr->by->col);
		}
	}
}

static void
write_text(FILE *fp, const struct report *r)
{
	struct style st = { .colour = text_colour(fp), .width = text_width(fp) };

	fputs("mkpostmortem report for ", fp);
	term_cstr(fp, r->bundle);
	fputc('\n', fp);
	write_summary(fp, r, &st);
	for (size_t i = 0; i < r->findings->n; i++)
		write_finding(fp, r, r->findings->v[i], &st);
	write_notes(fp, r, &st);
	write_artifacts(fp, r, &st);
}

const struct report_writer report_text = {
	.name = "text",
	.write = write_text,
};
