/*
 * mkpostmortem: command line and exit statuses only.  The pipeline is
 * walk bundle → detect → parse → store → evaluate rules → rank → report;
 * each stage lives in its own module.
 */
#include "analyse.h"
#include "dump.h"
#include "eval.h"
#include "ingest.h"
#include "json.h"
#include "parser.h"
#include "rank.h"
#include "re.h"
#include "report.h"
#include "rules.h"
#include "ruletest.h"
#include "store.h"
#include "walk.h"
#include "xmalloc.h"

#include <errno.h>
#include <getopt.h>
#include <libgen.h>
#include <limits.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

enum {
	EXIT_ANALYSED = 0,
	EXIT_RULE_FAILED = 1,
	EXIT_USAGE = 2,
	EXIT_CANNOT = 3,
	EXIT_BAD_RULE = 4,
};

#define SITE_RULES_DIR SYSCONFDIR "/mkpostmortem/rules.d"

struct type_override {
	char *file;
	const char *type;
};

struct options {
	const char *format;
	const char *output;
	const char *db;
	const char **rule_dirs;
	size_t nrule_dirs;
	struct type_override *types;
	size_t ntypes;
	int dump;
	int stats;
	int threads;		/* --threads; 0: as many as help (analyse.h) */
	int no_site_rules;
	struct limits limits;
};

static const char usage_text[] =
"Usage: mkpostmortem [OPTIONS] BUNDLE_DIR\n"
"       mkpostmortem rules check [--no-site-rules] [DIR...]\n"
"       mkpostmortem rules test [--no-site-rules] [DIR...]\n"
"       mkpostmortem explain [--rules DIR]... [--no-site-rules] ID\n"
"\n"
"Analyse a directory of incident artifacts (strace output, the program's\n"
"own log ...), load every record into a SQLite store, apply the root-cause\n"
"rules and print a ranked report: the most likely cause first, with its\n"
"evidence as file:line, the SQL that shows it, and a fix.\n"
"\n"
"Options:\n"
"  -f, --format FORMAT     report format: text (default), json, markdown\n"
"                          or html (one self-contained page with charts)\n"
"  -o, --output FILE       write the report to FILE instead of stdout\n"
"      --db PATH           the SQLite store (default: BUNDLE_NAME.sqlite in\n"
"                          the current directory); replaced atomically\n"
"      --rules DIR         also load the rule files in DIR (repeatable);\n"
"                          a rule with a built-in id replaces it\n"
"      --no-site-rules     do not load " SITE_RULES_DIR "\n"
"      --type FILE=TYPE    treat FILE (relative to the bundle) as TYPE\n"
"      --dump-records      print every record parsed from BUNDLE_DIR (or a\n"
"                          single file) instead of analysing; no store\n"
"      --max-line BYTES    longest line read; longer lines are skipped and\n"
"                          reported (default 1048576)\n"
"      --max-pending N     unfinished strace calls held per file (default 65536)\n"
"      --max-blob BYTES    largest binary artifact (a protobuf profile) read\n"
"                          whole; larger ones are reported (default 67108864)\n"
"      --regex-limit N     PCRE2 match limit of a rule's REGEXP; a match that\n"
"                          hits it counts as no match and is reported\n"
"                          (default 1000000)\n"
"      --threads N         1: read, parse and load on one thread; 2: load\n"
"                          the store on a second one while parsing (default:\n"
"                          2 when the machine has more than one CPU)\n"
"  -v, --stats             print the time of each stage on stderr\n"
"  -h, --help              show this help and exit\n"
"  -V, --version           show the version and exit\n"
"\n"
"Subcommands:\n"
"  rules check [DIR...]    validate the built-in rules and those in DIR\n"
"  rules test [DIR...]     run the rules' own tests (their tests: key)\n"
"  explain ID              what rule ID looks for, its look-alikes and fix\n"
"\n"
"Exit status: 0 analysed (whether or not a cause was found); 1 a rule\n"
"check or test failed; 2 bad command line; 3 cannot analyse (no such directory,\n"
"or no file yielded any record); 4 a rule file is invalid.\n"
"\n"
"Artifact types: strace, strace-summary, app-log, unknown.\n"
"Store schema: doc/schema.md; rule files: doc/rules.md; man mkpostmortem.\n";

static void usage_error(const char *fmt, ...)
    __attribute__((format(printf, 1, 2), noreturn));

static void
usage_error(const char *fmt, ...)
{
	va_list ap;

	fprintf(stderr, "mkpostmortem: ");
	va_start(ap, fmt);
	vfprintf(stderr, fmt, ap);
	va_end(ap);
	fprintf(stderr, "\nTry 'mkpostmortem --help'.\n");
	exit(EXIT_USAGE);
}

static double
now(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

static long
parse_count(const char *opt, const char *s, long min, long max)
{
	char *end;
	long v;

	errno = 0;
	v = strtol(s, &end, 10);
	if (errno || *end || end == s || v < min || v > max) {
		fprintf(stderr, "mkpostmortem: %s takes a whole number from %ld "
		    "to %ld, not '%s'\n", opt, min, max, s);
		exit(EXIT_USAGE);
	}
	return v;
}

static int
load_rules(struct rule_set *rs, const struct options *o)
{
	struct diag d = { 0 };

	if (rules_load_builtin(rs, &d) != 0 ||
	    (!o->no_site_rules && rules_load_dir(rs, SITE_RULES_DIR, 1, &d) != 0))
		goto bad;
	for (size_t i = 0; i < o->nrule_dirs; i++)
		if (rules_load_dir(rs, o->rule_dirs[i], 0, &d) != 0)
			goto bad;
	return 0;
bad:
	{
		char *m = diag_format(&d);

		fprintf(stderr, "mkpostmortem: %s\n", m);
		free(m);
		diag_clear(&d);
	}
	return -1;
}

/* BASENAME.sqlite in the current directory, for a bundle path. */
static char *
default_db(const char *bundle)
{
	char *copy = xstrdup(bundle), *base, *db;
	size_t n = strlen(copy);

	while (n > 1 && copy[n - 1] == '/')
		copy[--n] = '\0';
	base = basename(copy);
	if (strcmp(base, "/") == 0 || strcmp(base, ".") == 0 ||
	    strcmp(base, "..") == 0) {
		char cwd[PATH_MAX], *rp = realpath(bundle, NULL);

		free(copy);
		if (rp && strcmp(rp, "/") != 0) {
			db = xasprintf("%s.sqlite", basename(rp));
			free(rp);
			return db;
		}
		free(rp);
		(void)cwd;
		return xstrdup("bundle.sqlite");
	}
	db = xasprintf("%s.sqlite", base);
	free(copy);
	return db;
}

/* 1 if path (which may not exist yet) lies inside dir. */
static int
inside(const char *path, const char *dir)
{
	char *rd = realpath(dir, NULL), *copy = xstrdup(path), *parent, *rp;
	int in = 0;

	parent = dirname(copy);
	rp = realpath(parent, NULL);
	if (rd && rp) {
		size_t n = strlen(rd);

		in = strncmp(rp, rd, n) == 0 && (rp[n] == '\0' || rp[n] == '/' ||
		    strcmp(rd, "/") == 0);
	}
	free(rd);
	free(rp);
	free(copy);
	return in;
}

static const char *
forced_type(const struct options *o, const char *rel)
{
	for (size_t i = 0; i < o->ntypes; i++)
		if (strcmp(o->types[i].file, rel) == 0)
			return o->types[i].type;
	return NULL;
}

static int
run_dump(const char *target, const struct options *o)
{
	struct artifact_sink *as = dump_sink_new(stdout);
	struct stat st;
	int rc = EXIT_ANALYSED;

	if (stat(target, &st) != 0) {
		fprintf(stderr, "mkpostmortem: %s: %s\n", target, strerror(errno));
		dump_sink_free(as);
		return EXIT_CANNOT;
	}
	if (S_ISDIR(st.st_mode)) {
		struct walk w;
		char *err = NULL;

		if (walk_bundle(target, &w, &err) != 0) {
			fprintf(stderr, "mkpostmortem: %s\n", err);
			free(err);
			dump_sink_free(as);
			return EXIT_CANNOT;
		}
		for (size_t i = 0; i < w.n; i++) {
			if (w.v[i].skip) {
				printf("skipped ");
				dump_quote(stdout, w.v[i].rel, strlen(w.v[i].rel));
				printf(" %s\n", w.v[i].skip);
				continue;
			}
			ingest_file(w.v[i].abs, w.v[i].rel, w.v[i].size,
			    forced_type(o, w.v[i].rel), &o->limits, as, NULL);
		}
		walk_free(&w);
	} else {
		ingest_file(target, target, (uint64_t)st.st_size,
		    forced_type(o, target), &o->limits, as, NULL);
	}
	dump_sink_free(as);
	return rc;
}

/*
 * The progress line on stderr while a big bundle is read, only when
 * stderr is a terminal: the file, how much of it is read, the rate.
 * Control characters of a file name are not printed raw (term_string).
 */
struct progress {
	double start, file_start;
	const char *file;
	int shown;
};

static void
show_progress(void *ctx, const char *rel, uint64_t done, uint64_t size,
    int compressed)
{
	struct progress *p = ctx;
	double t = now(), mb = (double)done / 1048576.0;

	if (p->file != rel) {
		p->file = rel;
		p->file_start = t;
	}
	if (done == UINT64_MAX) {
		if (p->shown)
			fputs("\r\033[K", stderr);
		p->shown = 0;
		return;
	}
	fputs("\r\033[Kreading ", stderr);
	term_cstr(stderr, rel);
	if (compressed || size == 0)
		fprintf(stderr, "  %.1f MB", mb);
	else
		fprintf(stderr, "  %.1f of %.1f MB", mb, (double)size / 1048576.0);
	if (t > p->file_start)
		fprintf(stderr, "  %.0f MB/s", mb / (t - p->file_start));
	fflush(stderr);
	p->shown = 1;
}

static const char *
type_for(const void *ctx, const char *rel)
{
	return forced_type(ctx, rel);
}

static int
run_analysis(const char *bundle, const struct options *o)
{
	const struct report_writer *w = report_writer_by_name(o->format);
	struct rule_set rs = { 0 };
	struct analysis a = { 0 };
	struct analysis_opts ao = { 0 };
	char *db = NULL, *err = NULL;
	double t0 = now(), t_report, t_read;
	int rc = EXIT_CANNOT;
	FILE *out = stdout;

	if (load_rules(&rs, o) != 0) {
		rules_free(&rs);
		return EXIT_BAD_RULE;
	}
	t_read = now() - t0;
	db = o->db ? xstrdup(o->db) : default_db(bundle);
	if (inside(db, bundle)) {
		fprintf(stderr, "mkpostmortem: the store %s would lie inside the "
		    "bundle, which is never written to; choose another with --db\n", db);
		rc = EXIT_USAGE;
		goto out;
	}
	ao.bundle = bundle;
	ao.db = db;
	ao.limits = &o->limits;
	ao.forced_type = type_for;
	ao.type_ctx = o;
	ao.charts = strcmp(o->format, "html") == 0;
	ao.rule_times = o->stats ? stderr : NULL;
	ao.threads = o->threads;
	{
		static struct progress prog;
		const char *term = getenv("TERM");

		if (isatty(STDERR_FILENO) && !(term && strcmp(term, "dumb") == 0)) {
			prog.start = now();
			ingest_set_progress(show_progress, &prog);
		}
	}
	switch (analyse(&ao, &rs, &a, &err)) {
	case ANALYSE_OK:
		break;
	case ANALYSE_BAD_RULE:
		fprintf(stderr, "mkpostmortem: %s\n", err);
		rc = EXIT_BAD_RULE;
		goto out;
	case ANALYSE_CANNOT:
		fprintf(stderr, "mkpostmortem: %s\n", err);
		goto out;
	}
	if (o->output && (out = fopen(o->output, "w")) == NULL) {
		fprintf(stderr, "mkpostmortem: cannot write %s: %s\n", o->output,
		    strerror(errno));
		out = stdout;
		goto out;
	}
	w->write(out, &a.rep);
	if (fflush(out) != 0 || ferror(out)) {
		fprintf(stderr, "mkpostmortem: writing the report failed: %s\n",
		    strerror(errno));
		goto out;
	}
	t_report = now();
	if (o->stats)
		fprintf(stderr, "mkpostmortem: stages: rule files %.3fs, "
		    "walk+parse+load %.3fs, index %.3fs, rules %.3fs, "
		    "report %.3fs, total %.3fs\n", t_read + a.t_check,
		    a.t_ingest, a.t_index, a.t_rules, t_report - t0 - t_read -
		    a.t_check - a.t_ingest - a.t_index - a.t_rules, t_report - t0);
	if (a.records == 0) {
		fprintf(stderr, "mkpostmortem: no file in %s yielded any record\n",
		    bundle);
		rc = EXIT_CANNOT;
	} else
		rc = EXIT_ANALYSED;
out:
	if (out != stdout)
		fclose(out);
	analysis_free(&a);
	rules_free(&rs);
	free(db);
	free(err);
	return rc;
}

/*
 * Options a subcommand accepts after its name: --rules DIR (repeatable)
 * and --no-site-rules.  Other words are left in place, in order.
 */
static int
subcommand_options(int argc, char **argv, struct options *o)
{
	int n = 0;

	for (int i = 0; i < argc; i++) {
		if (strcmp(argv[i], "--no-site-rules") == 0)
			o->no_site_rules = 1;
		else if (strcmp(argv[i], "--rules") == 0 || strncmp(argv[i], "--rules=", 8) == 0) {
			const char *dir = argv[i][7] == '=' ? argv[i] + 8 : NULL;

			if (dir == NULL) {
				if (i + 1 >= argc)
					usage_error("%s", "--rules needs a directory");
				dir = argv[++i];
			}
			o->rule_dirs = xrealloc(o->rule_dirs,
			    (o->nrule_dirs + 1) * sizeof(char *));
			o->rule_dirs[o->nrule_dirs++] = dir;
		} else if (argv[i][0] == '-' && argv[i][1] != '\0')
			usage_error("unknown option '%s' for this subcommand", argv[i]);
		else
			argv[n++] = argv[i];
	}
	return n;
}

/* `rules check [DIR...]`: load and prepare every rule against the schema. */
static int
run_rules_check(int argc, char **argv, struct options *o)
{
	struct rule_set rs = { 0 };
	struct diag d = { 0 };
	sqlite3 *db = NULL;
	char *err = NULL;
	int rc = EXIT_RULE_FAILED;

	argc = subcommand_options(argc, argv, o);
	for (int i = 0; i < argc; i++) {
		o->rule_dirs = xrealloc(o->rule_dirs, (o->nrule_dirs + 1) * sizeof(char *));
		o->rule_dirs[o->nrule_dirs++] = argv[i];
	}
	if (load_rules(&rs, o) != 0) {
		rules_free(&rs);
		return EXIT_RULE_FAILED;
	}
	if (store_schema_db(&db, &err) != 0) {
		fprintf(stderr, "mkpostmortem: %s\n", err);
		rc = EXIT_CANNOT;
		goto out;
	}
	re_register_sqlite(db);
	if (eval_check(db, &rs, 1, &d) != 0) {
		char *m = diag_format(&d);

		fprintf(stderr, "mkpostmortem: %s\n", m);
		free(m);
		goto out;
	}
	printf("%zu rules OK\n", rs.n);
	rc = 0;
out:
	sqlite3_close(db);
	free(err);
	diag_clear(&d);
	rules_free(&rs);
	return rc;
}

/* `rules test [DIR...]`: run the rules' own tests. */
static int
run_rules_test(int argc, char **argv, struct options *o)
{
	struct rule_set rs = { 0 };
	long failed;
	size_t first_cli_dir;

	argc = subcommand_options(argc, argv, o);
	first_cli_dir = o->nrule_dirs;
	for (int i = 0; i < argc; i++) {
		o->rule_dirs = xrealloc(o->rule_dirs, (o->nrule_dirs + 1) * sizeof(char *));
		o->rule_dirs[o->nrule_dirs++] = argv[i];
	}
	if (load_rules(&rs, o) != 0) {
		rules_free(&rs);
		return EXIT_RULE_FAILED;
	}
	/*
	 * With directories named, only their rules are tested (the others
	 * still take part in the ranking); without, every rule is.  Origins:
	 * the site directory is loaded first unless --no-site-rules.
	 */
	failed = ruletest_run(&rs, argc == 0 ? 0 :
	    (int)(first_cli_dir + 1 + (o->no_site_rules ? 0 : 1)),
	    &o->limits, stdout);
	rules_free(&rs);
	if (failed < 0)
		return EXIT_CANNOT;
	return failed ? EXIT_RULE_FAILED : 0;
}

static int
run_explain(int argc, char **argv, struct options *o)
{
	struct rule_set rs = { 0 };
	const struct rule *r;
	const char *id;

	argc = subcommand_options(argc, argv, o);
	if (argc != 1)
		usage_error("%s", "explain takes exactly one rule id");
	id = argv[0];
	if (load_rules(&rs, o) != 0) {
		rules_free(&rs);
		return EXIT_BAD_RULE;
	}
	r = rules_find(&rs, id);
	if (r == NULL) {
		fprintf(stderr, "mkpostmortem: no rule with id '%s'; known ids:", id);
		for (size_t i = 0; i < rs.n; i++)
			fprintf(stderr, " %s", rs.v[i]->id);
		fputc('\n', stderr);
		rules_free(&rs);
		return EXIT_USAGE;
	}
	/*
	 * What it looks for, what it is told apart from (in both directions:
	 * a look-alike relation is often written on one side only), its fix,
	 * then the query and weight for those who check the reasoning.
	 */
	printf("%s - %s\n", r->id, r->title);
	for (int part = 0; part < 2; part++) {
		const char *text = part == 0 ? r->means : r->fix;
		const char *p = text;

		if (text == NULL)
			continue;
		printf("\n%s\n", part == 0 ? "What it looks for:" :
		    "Fix (placeholders are filled from the evidence):");
		while (*p) {
			size_t n = strcspn(p, "\n");

			if (n)
				printf("  %.*s\n", (int)n, p);
			p += n + (p[n] == '\n');
		}
		if (part == 1)
			continue;
		if (r->nlookalikes) {
			printf("\nLook-alikes it is told apart from:\n");
			for (size_t i = 0; i < r->nlookalikes; i++) {
				const struct rule *l = rules_find(&rs, r->lookalikes[i]);

				printf("  %s%s%s\n", r->lookalikes[i], l ? " - " : "",
				    l ? l->title : " (no rule with this id is loaded)");
			}
		}
		for (size_t i = 0, first = 1; i < rs.n; i++) {
			const struct rule *o2 = rs.v[i];
			int named = 0, mine = 0;

			for (size_t j = 0; j < o2->nlookalikes; j++)
				named |= strcmp(o2->lookalikes[j], r->id) == 0;
			for (size_t j = 0; j < r->nlookalikes; j++)
				mine |= strcmp(r->lookalikes[j], o2->id) == 0;
			if (!named || mine || o2 == r)
				continue;
			if (first)
				printf("\nRules that name it as their look-alike:\n");
			first = 0;
			printf("  %s - %s\n", o2->id, o2->title);
		}
	}
	printf("\nEvidence query (rule weight %.2f):\n",
	    r->weight);
	{
		const char *p = r->sql;

		while (*p) {
			size_t n = strcspn(p, "\n");

			printf("    %.*s\n", (int)n, p);
			p += n + (p[n] == '\n');
		}
	}
	printf("\n");
	printf("Defined in: %s\n", r->file);
	rules_free(&rs);
	return 0;
}

int
main(int argc, char **argv)
{
	static const struct option longopts[] = {
		{ "format", required_argument, NULL, 'f' },
		{ "output", required_argument, NULL, 'o' },
		{ "db", required_argument, NULL, 'D' },
		{ "rules", required_argument, NULL, 'R' },
		{ "no-site-rules", no_argument, NULL, 'N' },
		{ "type", required_argument, NULL, 'T' },
		{ "dump-records", no_argument, NULL, 'd' },
		{ "max-line", required_argument, NULL, 'L' },
		{ "max-pending", required_argument, NULL, 'P' },
		{ "max-blob", required_argument, NULL, 'B' },
		{ "regex-limit", required_argument, NULL, 'X' },
		{ "stats", no_argument, NULL, 'v' },
		{ "threads", required_argument, NULL, 'j' },
		{ "help", no_argument, NULL, 'h' },
		{ "version", no_argument, NULL, 'V' },
		{ NULL, 0, NULL, 0 },
	};
	struct options o = { 0 };
	int c, rc;

	store_init();
	o.format = "text";
	o.limits.max_line = 1024 * 1024;
	o.limits.max_pending = 65536;
	o.limits.max_blob = 64 * 1024 * 1024;

	/* Subcommands come first, so options after them are theirs. */
	if (argc >= 2 && strcmp(argv[1], "rules") == 0) {
		if (argc >= 3 && strcmp(argv[2], "check") == 0)
			rc = run_rules_check(argc - 3, argv + 3, &o);
		else if (argc >= 3 && strcmp(argv[2], "test") == 0)
			rc = run_rules_test(argc - 3, argv + 3, &o);
		else
			usage_error("unknown rules subcommand '%s' (known: check, test)",
			    argc >= 3 ? argv[2] : "");
		free(o.rule_dirs);
		return rc;
	}
	if (argc >= 2 && strcmp(argv[1], "explain") == 0) {
		rc = run_explain(argc - 2, argv + 2, &o);
		free(o.rule_dirs);
		return rc;
	}

	while ((c = getopt_long(argc, argv, "f:o:vhV", longopts, NULL)) != -1) {
		switch (c) {
		case 'f':
			o.format = optarg;
			break;
		case 'o':
			o.output = optarg;
			break;
		case 'D':
			o.db = optarg;
			break;
		case 'R':
			o.rule_dirs = xrealloc(o.rule_dirs,
			    (o.nrule_dirs + 1) * sizeof(char *));
			o.rule_dirs[o.nrule_dirs++] = optarg;
			break;
		case 'N':
			o.no_site_rules = 1;
			break;
		case 'T': {
			char *eq = strrchr(optarg, '=');

			if (eq == NULL || eq == optarg || eq[1] == '\0')
				usage_error("--type takes FILE=TYPE, not '%s'", optarg);
			o.types = xrealloc(o.types, (o.ntypes + 1) * sizeof(*o.types));
			o.types[o.ntypes].file = xstrndup(optarg, (size_t)(eq - optarg));
			{
				const struct parser *p = parser_by_type(eq + 1);

				if (p == NULL)
					usage_error("unknown type '%s' in --type", eq + 1);
				o.types[o.ntypes++].type = p->type;
			}
			break;
		}
		case 'd':
			o.dump = 1;
			break;
		case 'L':
			o.limits.max_line = (size_t)parse_count("--max-line", optarg,
			    256, 1L << 30);
			break;
		case 'P':
			o.limits.max_pending = parse_count("--max-pending", optarg,
			    1, 1L << 24);
			break;
		case 'B':
			o.limits.max_blob = (size_t)parse_count("--max-blob", optarg,
			    1024, 1L << 32);
			break;
		case 'X':
			re_set_match_limit((uint32_t)parse_count("--regex-limit", optarg,
			    1000, 1000000000L));
			break;
		case 'v':
			o.stats = 1;
			break;
		case 'j':
			o.threads = (int)parse_count("--threads", optarg, 1, 2);
			break;
		case 'h':
			fputs(usage_text, stdout);
			return 0;
		case 'V':
			printf("mkpostmortem %s (store schema %d)\n", PACKAGE_VERSION,
			    STORE_SCHEMA_VERSION);
			return 0;
		default:
			fprintf(stderr, "Try 'mkpostmortem --help'.\n");
			return EXIT_USAGE;
		}
	}
	if (report_writer_by_name(o.format) == NULL)
		usage_error("unknown --format '%s' (known: text, json, markdown, "
		    "html)", o.format);
	if (optind != argc - 1)
		usage_error("%s", optind >= argc ? "a BUNDLE_DIR is needed" :
		    "exactly one BUNDLE_DIR is expected");
	if (o.dump)
		rc = run_dump(argv[optind], &o);
	else
		rc = run_analysis(argv[optind], &o);
	for (size_t i = 0; i < o.ntypes; i++)
		free(o.types[i].file);
	free(o.types);
	free(o.rule_dirs);
	return rc;
}
