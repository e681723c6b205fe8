/*
 * The JSON report, schema "mkpostmortem.report/1" (CONTRACT.md).  Fields
 * beyond the contract (score parts, skipped entries, problems) are
 * additions a consumer may ignore.
 */
#include "report.h"
#include "json.h"

#include <string.h>

static void
write_types(FILE *fp, const char *types)
{
	const char *p = types ? types : "";
	int first = 1;

	fputc('[', fp);
	while (*p) {
		const char *c = strchr(p, ',');
		size_t n = c ? (size_t)(c - p) : strlen(p);

		if (n) {
			fputs(first ? "" : ", ", fp);
			json_string(fp, p, n);
			first = 0;
		}
		p += n + (c ? 1 : 0);
	}
	fputc(']', fp);
}

/*
 * Input checks (with their penalty and what they affect) or causes ruled
 * out (with the reasons), each with its evidence rows.
 */
static void
write_notes(FILE *fp, const char *key, struct finding *const *v, size_t n,
    int checks)
{
	fprintf(fp, ",\n  \"%s\": [", key);
	for (size_t i = 0; i < n; i++) {
		const struct finding *f = v[i];

		fputs(i ? ",\n    {\"id\": " : "\n    {\"id\": ", fp);
		json_cstr(fp, f->rule->id);
		fputs(", \"title\": ", fp);
		json_cstr(fp, f->rule->title);
		if (checks) {
			fprintf(fp, ", \"penalty\": %.2f, \"affects\": [", f->rule->penalty);
			for (size_t a = 0; a < f->rule->naffects; a++) {
				fputs(a ? ", " : "", fp);
				json_cstr(fp, f->rule->affects[a]);
			}
			fputs("], \"advice\": ", fp);
			json_cstr(fp, f->fix ? f->fix : "");
		}
		fputs(", \"evidence\": [", fp);
		for (size_t j = 0; j < f->nev; j++) {
			const struct evidence *e = &f->ev[j];

			fputs(j ? ", {\"artifact\": " : "{\"artifact\": ", fp);
			json_cstr(fp, e->artifact);
			if (e->line > 0)
				fprintf(fp, ", \"line\": %ld", e->line);
			else
				fputs(", \"line\": null", fp);
			fputs(", \"text\": ", fp);
			json_cstr(fp, e->text ? e->text : "");
			fputc('}', fp);
		}
		fputs("]}", fp);
	}
	fputs(n ? "\n  ]" : "]", fp);
}

static void
write_json(FILE *fp, const struct report *r)
{
	int first = 1;

	fputs("{\n  \"schema\": \"mkpostmortem.report/1\",\n  \"bundle\": ", fp);
	json_cstr(fp, r->bundle);
	fputs(",\n  \"store\": ", fp);
	json_cstr(fp, r->store);
	fputs(",\n  \"artifacts\": [", fp);
	for (size_t i = 0; i < r->nart; i++) {
		const struct report_artifact *a = &r->art[i];

		if (strcmp(a->status, "skipped") == 0)
			continue;
		fputs(first ? "\n    {\"path\": " : ",\n    {\"path\": ", fp);
		first = 0;
		json_cstr(fp, a->path);
		fputs(", \"type\": ", fp);
		json_cstr(fp, a->type);
		fputs(", \"types\": ", fp);
		write_types(fp, a->types);
		fprintf(fp, ", \"records\": %ld, \"errors\": %ld, \"status\": ",
		    a->records, a->errors);
		json_cstr(fp, a->status);
		if (a->note) {
			fputs(", \"note\": ", fp);
			json_cstr(fp, a->note);
		}
		fputc('}', fp);
	}
	fputs(first ? "],\n" : "\n  ],\n", fp);
	fputs("  \"skipped\": [", fp);
	first = 1;
	for (size_t i = 0; i < r->nart; i++) {
		const struct report_artifact *a = &r->art[i];

		if (strcmp(a->status, "skipped") != 0)
			continue;
		fputs(first ? "\n    {\"path\": " : ",\n    {\"path\": ", fp);
		first = 0;
		json_cstr(fp, a->path);
		fputs(", \"reason\": ", fp);
		json_cstr(fp, a->note);
		fputc('}', fp);
	}
	fputs(first ? "],\n" : "\n  ],\n", fp);
	fprintf(fp, "  \"problems\": %ld,\n  \"regex_limit_hits\": %ld,\n",
	    r->problems, r->regex_limit_hits);
	fputs("  \"findings\": [", fp);
	for (size_t i = 0; i < r->findings->n; i++) {
		const struct finding *f = r->findings->v[i];

		fprintf(fp, "%s\n    {\"rank\": %ld, \"id\": ", i ? "," : "", f->rank);
		json_cstr(fp, f->rule->id);
		fputs(", \"title\": ", fp);
		json_cstr(fp, f->rule->title);
		fprintf(fp, ",\n     \"score\": %.2f, \"confidence\": \"%s\",\n"
		    "     \"score_parts\": {\"weight\": %.2f, \"reported\": %.2f, "
		    "\"corroboration\": %.2f, \"penalty\": %.2f},\n     \"explanation\": ",
		    f->score, f->confidence, f->base, f->reported, f->corroboration,
		    f->penalty);
		json_cstr(fp, f->explanation);
		fputs(",\n     \"evidence\": [", fp);
		for (size_t j = 0; j < f->nev; j++) {
			const struct evidence *v = &f->ev[j];

			fputs(j ? ",\n       {\"artifact\": " : "\n       {\"artifact\": ", fp);
			json_cstr(fp, v->artifact);
			if (v->line > 0)
				fprintf(fp, ", \"line\": %ld", v->line);
			else
				fputs(", \"line\": null", fp);
			fputs(", \"text\": ", fp);
			json_cstr(fp, v->text ? v->text : "");
			if (v->start_line > 0) {
				fprintf(fp, ", \"call_line\": %ld, \"call_text\": ", v->start_line);
				json_cstr(fp, v->start_text);
			}
			if (v->reported_at) {
				fputs(", \"reported_at\": ", fp);
				json_cstr(fp, v->reported_at);
			}
			fputc('}', fp);
		}
		fprintf(fp, "%s],\n     \"evidence_rows\": %ld,\n     \"fix\": ",
		    f->nev ? "\n     " : "", f->rows);
		json_cstr(fp, f->fix);
		fputs(",\n     \"query\": ", fp);
		json_cstr(fp, f->query);
		fputs(",\n     \"rule_file\": ", fp);
		json_cstr(fp, f->rule->file);
		fputs("}", fp);
	}
	fputs(r->findings->n ? "\n  ]" : "]", fp);
	write_notes(fp, "checks", r->findings->checks, r->findings->nchecks, 1);
	write_notes(fp, "ruled_out", r->findings->ruled, r->findings->nruled, 0);
	fputs(",\n  \"suppressed\": [", fp);
	for (size_t i = 0; i < r->findings->nsup; i++) {
		const struct suppressed_row *sr = &r->findings->sup[i];

		fputs(i ? ",\n    {\"id\": " : "\n    {\"id\": ", fp);
		json_cstr(fp, sr->rule->id);
		fputs(", \"artifact\": ", fp);
		json_cstr(fp, sr->artifact);
		if (sr->line > 0)
			fprintf(fp, ", \"line\": %ld", sr->line);
		else
			fputs(", \"line\": null", fp);
		fputs(", \"text\": ", fp);
		json_cstr(fp, sr->text ? sr->text : "");
		fputs(", \"reason\": ", fp);
		json_cstr(fp, sr->by->reason);
		fprintf(fp, ", \"suppressed_by\": ");
		{
			char at[1024];

			snprintf(at, sizeof(at), "%s:%ld:%ld", sr->by->file, sr->by->line,
			    sr->by->col);
			json_cstr(fp, at);
		}
		fputc('}', fp);
	}
	fputs(r->findings->nsup ? "\n  ]\n}\n" : "]\n}\n", fp);
}

const struct report_writer report_json = {
	.name = "json",
	.write = write_json,
};
