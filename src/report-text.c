/*
 * The text report for people: the verdict first, then each finding with
 * its quoted evidence, the score's parts, the fix and the SQL that shows
 * the evidence again; then what was read and what was not.  Everything
 * that came from the bundle goes through term_string().
 */
#include "report.h"
#include "json.h"

#include <string.h>

#define TEXT_EVIDENCE 8

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
 * backquotes is not split: a reader copies it whole.
 */
static void
wrap_block(FILE *fp, const char *prefix, const char *s, size_t width)
{
	const char *p = s;

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
			fputs(prefix, fp);
			term_string(fp, p, (size_t)(cut - p));
			fputc('\n', fp);
			p = cut;
			while (p < end && *p == ' ')
				p++;
		}
		p = nl ? nl + 1 : end;
	}
}

static void
write_text(FILE *fp, const struct report *r)
{
	const struct finding_list *fl = r->findings;
	long unknown = 0, skipped = 0;

	fputs("mkpostmortem report for ", fp);
	term_cstr(fp, r->bundle);
	fputc('\n', fp);
	if (fl->n == 0) {
		fputs("\nNo root cause from the catalog is proven by this bundle.\n", fp);
	} else {
		const struct finding *f = fl->v[0];

		fputs("\nMost likely cause: ", fp);
		term_cstr(fp, f->rule->id);
		fputs(" - ", fp);
		term_cstr(fp, f->rule->title);
		fprintf(fp, "\n  confidence %s, score %.2f\n", f->confidence, f->score);
	}
	for (size_t i = 0; i < fl->n; i++) {
		const struct finding *f = fl->v[i];

		fprintf(fp, "\n#%ld ", f->rank);
		term_cstr(fp, f->rule->id);
		fprintf(fp, "  [%s, score %.2f]\n  ", f->confidence, f->score);
		term_cstr(fp, f->rule->title);
		fputs("\n  Evidence:\n", fp);
		for (size_t j = 0; j < f->nev && j < TEXT_EVIDENCE; j++) {
			const struct evidence *v = &f->ev[j];

			fputs("    ", fp);
			term_cstr(fp, v->artifact);
			if (v->line > 0)
				fprintf(fp, ":%ld", v->line);
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
		wrap_block(fp, "    ", f->fix, 72);
		fputs("  Reproduce with: sqlite3 ", fp);
		term_cstr(fp, r->store);
		fputs(" <<'SQL'\n", fp);
		indent_block(fp, "    ", f->query);
		fputs("  SQL\n", fp);
	}
	fputs("\nArtifacts:\n", fp);
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

const struct report_writer report_text = {
	.name = "text",
	.write = write_text,
};
