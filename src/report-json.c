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
	fprintf(fp, "  \"problems\": %ld,\n", r->problems);
	fputs("  \"findings\": [", fp);
	for (size_t i = 0; i < r->findings->n; i++) {
		const struct finding *f = r->findings->v[i];

		fprintf(fp, "%s\n    {\"rank\": %ld, \"id\": ", i ? "," : "", f->rank);
		json_cstr(fp, f->rule->id);
		fputs(", \"title\": ", fp);
		json_cstr(fp, f->rule->title);
		fprintf(fp, ",\n     \"score\": %.2f, \"confidence\": \"%s\",\n"
		    "     \"score_parts\": {\"weight\": %.2f, \"reported\": %.2f, "
		    "\"corroboration\": %.2f},\n     \"explanation\": ",
		    f->score, f->confidence, f->base, f->reported, f->corroboration);
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
	fputs(r->findings->n ? "\n  ]\n}\n" : "]\n}\n", fp);
}

const struct report_writer report_json = {
	.name = "json",
	.write = write_json,
};
