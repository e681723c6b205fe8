/*
 * The HTML report: one self-contained page (no network, no external
 * scripts, fonts or images) with the verdict, inline SVG charts drawn
 * here from the data report_load() gathered, each finding with its
 * evidence, fix and SQL (copyable), and the artifacts.
 *
 * Artifact text is hostile: everything from the bundle (and from rules,
 * whose fixes carry bundle values) goes through html_string(), in element
 * content and quoted attributes alike; the one <style> and the one
 * <script> are constants of this file, and a Content-Security-Policy
 * allows only those two (by hash), so even a mistake in escaping could
 * not run a script.  HTML_STYLE_HASH and HTML_SCRIPT_HASH must be
 * updated with the constants (tests/report-html.sh checks them):
 *   printf '%s' "$css" | openssl dgst -sha256 -binary | base64
 *
 * Charts sit at fixed sizes in a fixed order right after the verdict,
 * each framed by a 2-pixel border of its own colour (HTML_FRAME_*), so
 * that a screenshot test can find them.
 */
#include "report.h"
#include "json.h"

#include <stdlib.h>
#include <string.h>

#define HTML_EVIDENCE 20
#define CHART_W 1100
#define PLOT_X 70		/* left margin for the y axis labels */
#define PLOT_R 20		/* right margin */
#define LANE_H 18

/* Frame colours: unique in the page, looked for by the screenshot test. */
#define HTML_FRAME_SCHED "#7fd1c8"
#define HTML_FRAME_CALLS "#d1a07f"
#define HTML_FRAME_GOROUTINES "#a07fd1"
#define HTML_FRAME_STACKS "#d17fb4"

static const char html_style[] =
"body{font:14px/1.45 system-ui,sans-serif;color:#1d1d1f;background:#fff;"
"margin:0 auto;padding:16px 24px;max-width:1140px}"
"h1{font-size:22px;margin:0 0 4px}h2{font-size:18px;margin:28px 0 6px}"
"h3{font-size:14px;margin:14px 0 4px}"
".meta{color:#555;margin:0 0 12px;word-break:break-all}"
".verdict{border:2px solid #333;border-radius:6px;padding:10px 14px;margin:8px 0 16px}"
".verdict .cause{font-size:18px;font-weight:600}"
".high{color:#0a7a2f}.medium{color:#a86400}.low{color:#b00020}"
"pre{background:#f4f4f6;border:1px solid #ddd;padding:8px;overflow-x:auto;"
"white-space:pre-wrap;word-break:break-all;margin:4px 0}"
"pre.sql{user-select:all}"
"code{background:#f4f4f6;padding:0 3px}"
"figure{margin:0 0 14px}figcaption{font-weight:600;margin:0 0 2px}"
"figure p{margin:2px 0;color:#555}"
"svg{display:block;background:#fff}"
"svg text{font:11px sans-serif;fill:#333}"
"table{border-collapse:collapse}td,th{border:1px solid #ccc;padding:3px 8px;"
"text-align:left;vertical-align:top;word-break:break-all}td.n{text-align:right}"
"button.copy{font-size:12px;margin-left:8px}"
"@media print{button.copy{display:none}}";
#define HTML_STYLE_HASH "sha256-D1sVcr935/ueM4DZJh9teHOyVTV9Cc2RvPSBe9RldoE="

static const char html_script[] =
"document.querySelectorAll('button.copy').forEach(function(b){"
"b.hidden=false;b.addEventListener('click',function(){"
"var t=document.getElementById(b.getAttribute('data-for')).textContent;"
"function done(){b.textContent='Copied';}"
"if(navigator.clipboard){navigator.clipboard.writeText(t).then(done,function(){});}"
"else{var r=document.createRange();r.selectNodeContents("
"document.getElementById(b.getAttribute('data-for')));"
"var s=window.getSelection();s.removeAllRanges();s.addRange(r);"
"if(document.execCommand('copy'))done();}});});";
#define HTML_SCRIPT_HASH "sha256-lvntLMY7MbsAAsTG9J3KGgBxyUZ5Hz3x6QGwIB3nKK0="

/* The program does not link libm: the little arithmetic it needs. */
static double dmax(double a, double b) { return a > b ? a : b; }
static double dmin(double a, double b) { return a < b ? a : b; }

/* The smallest whole multiple of step at or above v. */
static double
ceil_to(double v, double step)
{
	double n = (double)(long long)(v / step);

	if (n * step < v)
		n += 1;
	return n * step;
}

/* A step of 1, 2 or 5 times a power of ten giving about n ticks. */
static double
nice_step(double range, int n)
{
	double raw = range / n, mag = 1, f;

	if (!(raw > 0) || raw > 1e15 || raw < 1e-9)
		return raw > 1e15 ? 1e15 : 1;
	while (mag > raw)
		mag /= 10;
	while (mag * 10 <= raw)
		mag *= 10;
	f = raw / mag;
	return (f <= 1 ? 1 : f <= 2 ? 2 : f <= 5 ? 5 : 10) * mag;
}

/*
 * Axes of a plot area (x0,y0)-(x1,y1) for values [xmin,xmax] x [0,ymax],
 * with ticks and labels; xunit follows the x labels.
 */
static void
svg_axes(FILE *fp, int x0, int y0, int x1, int y1, double xmin, double xmax,
    double ymax, const char *xunit)
{
	double xs = nice_step(xmax - xmin, 8), ys = nice_step(ymax, 5);
	int n = 0;

	fprintf(fp, "<line x1=\"%d\" y1=\"%d\" x2=\"%d\" y2=\"%d\" stroke=\"#888\"/>",
	    x0, y1, x1, y1);
	fprintf(fp, "<line x1=\"%d\" y1=\"%d\" x2=\"%d\" y2=\"%d\" stroke=\"#888\"/>\n",
	    x0, y0, x0, y1);
	for (double v = 0; ymax > 0 && v <= ymax + ys / 2 && n++ < 50; v += ys) {
		double y = y1 - (y1 - y0) * v / (ymax > 0 ? ymax : 1);

		fprintf(fp, "<line x1=\"%d\" y1=\"%.1f\" x2=\"%d\" y2=\"%.1f\" "
		    "stroke=\"#eee\"/><text x=\"%d\" y=\"%.1f\" "
		    "text-anchor=\"end\">%g</text>\n", x0 + 1, y, x1, y, x0 - 4,
		    y + 4, v);
	}
	n = 0;
	for (double v = ceil_to(xmin, xs); v <= xmax + xs / 100 && n++ < 50; v += xs) {
		double x = x0 + (x1 - x0) * (v - xmin) / (xmax > xmin ? xmax - xmin : 1);

		fprintf(fp, "<line x1=\"%.1f\" y1=\"%d\" x2=\"%.1f\" y2=\"%d\" "
		    "stroke=\"#888\"/><text x=\"%.1f\" y=\"%d\" "
		    "text-anchor=\"middle\">%g%s</text>\n", x, y1, x, y1 + 4, x,
		    y1 + 16, v, xunit);
	}
}

/* The opening of a chart's SVG, with its frame in its own colour. */
static void
svg_open(FILE *fp, const char *id, int h, const char *frame)
{
	fprintf(fp, "<svg id=\"%s\" xmlns=\"http://www.w3.org/2000/svg\" "
	    "width=\"%d\" height=\"%d\" viewBox=\"0 0 %d %d\" role=\"img\">\n"
	    "<rect x=\"1\" y=\"1\" width=\"%d\" height=\"%d\" fill=\"none\" "
	    "stroke=\"%s\" stroke-width=\"2\"/>\n", id, CHART_W, h, CHART_W, h,
	    CHART_W - 2, h - 2, frame);
}

/* A polyline of one schedtrace field over time. */
static void
sched_line(FILE *fp, const struct report *r, int field, const char *colour,
    const char *dash, double tmin, double tmax, double ymax, int y0, int y1)
{
	fprintf(fp, "<polyline fill=\"none\" stroke=\"%s\" stroke-width=\"2\"%s%s%s points=\"",
	    colour, dash ? " stroke-dasharray=\"" : "", dash ? dash : "",
	    dash ? "\"" : "");
	for (size_t i = 0; i < r->nsched; i++) {
		const struct report_sched *p = &r->sched[i];
		long v = field == 0 ? p->runqueue : field == 1 ? p->idleprocs :
		    field == 2 ? p->gomaxprocs : p->local_runq;
		double x = PLOT_X + (CHART_W - PLOT_X - PLOT_R) * ((double)p->ms - tmin) /
		    (tmax > tmin ? tmax - tmin : 1);
		double y = y1 - (y1 - y0) * (double)v / ymax;

		fprintf(fp, "%s%.1f,%.1f", i ? " " : "", x, y);
	}
	fputs("\"/>\n", fp);
}

static void
legend(FILE *fp, int x, int y, const char *colour, const char *label)
{
	fprintf(fp, "<rect x=\"%d\" y=\"%d\" width=\"14\" height=\"4\" fill=\"%s\"/>"
	    "<text x=\"%d\" y=\"%d\">%s</text>\n", x, y - 4, colour, x + 18, y,
	    label);
}

/* The run queue and idle Ps over the program's clock. */
static void
chart_sched(FILE *fp, const struct report *r)
{
	const int h = 260, y0 = 30, y1 = h - 30;
	double tmin = (double)r->sched[0].ms, tmax = (double)r->sched[r->nsched - 1].ms;
	double ymax = 1;
	int local = 0;

	for (size_t i = 0; i < r->nsched; i++) {
		const struct report_sched *p = &r->sched[i];

		ymax = dmax(ymax, (double)p->runqueue);
		ymax = dmax(ymax, (double)p->gomaxprocs);
		ymax = dmax(ymax, (double)p->local_runq);
		local |= p->local_runq >= 0;
	}
	ymax = ceil_to(ymax * 1.1, 1);
	fputs("<figure class=\"chart\"><figcaption>Scheduler: run queue and idle Ps "
	    "(schedtrace)</figcaption>\n<p>", fp);
	html_cstr(fp, r->sched_artifact);
	fprintf(fp, ", %zu sample%s shown", r->nsched, r->nsched == 1 ? "" : "s");
	if (r->sched_artifacts > 1)
		fprintf(fp, " (%ld artifacts have samples; the one with most is drawn)",
		    r->sched_artifacts);
	fputs("; time in ms since the program started.</p>\n", fp);
	svg_open(fp, "chart-sched", h, HTML_FRAME_SCHED);
	svg_axes(fp, PLOT_X, y0, CHART_W - PLOT_R, y1, tmin, tmax, ymax, "ms");
	sched_line(fp, r, 2, "#999", "4 3", tmin, tmax, ymax, y0, y1);
	sched_line(fp, r, 1, "#2a9d3a", NULL, tmin, tmax, ymax, y0, y1);
	if (local)
		sched_line(fp, r, 3, "#8a3ac9", "6 3", tmin, tmax, ymax, y0, y1);
	sched_line(fp, r, 0, "#1f5fbf", NULL, tmin, tmax, ymax, y0, y1);
	legend(fp, PLOT_X + 10, 20, "#1f5fbf", "global run queue");
	if (local)
		legend(fp, PLOT_X + 160, 20, "#8a3ac9", "local run queues (sum)");
	legend(fp, PLOT_X + 340, 20, "#2a9d3a", "idle Ps (idleprocs)");
	legend(fp, PLOT_X + 500, 20, "#999", "gomaxprocs");
	fputs("</svg></figure>\n", fp);
}

static long
lane_index(const struct report *r, long pid)
{
	for (size_t i = 0; i < r->nlanes; i++)
		if (r->lanes[i] == pid)
			return (long)i;
	return -1;
}

/* Failed, long and blocked calls per process, the failure marked. */
static void
chart_calls(FILE *fp, const struct report *r)
{
	const int top = 30, x0 = PLOT_X, x1 = CHART_W - PLOT_R;
	const int h = top + (int)r->nlanes * LANE_H + 54, y1 = h - 44;
	double tmin = 1e300, tmax = -1e300, span;
	int ms;

	for (size_t i = 0; i < r->ncalls; i++) {
		tmin = dmin(tmin, r->calls[i].ts);
		tmax = dmax(tmax, r->calls[i].ts + (r->calls[i].dur > 0 ? r->calls[i].dur : 0));
	}
	if (r->have_failure) {
		tmin = dmin(tmin, r->failure_ts);
		tmax = dmax(tmax, r->failure_ts);
	}
	span = tmax > tmin ? tmax - tmin : 1;
	/* A short trace's axis in milliseconds: 2ms reads better than 0.002s. */
	ms = span < 1;
	fputs("<figure class=\"chart\"><figcaption>System calls: errors and long "
	    "calls per process</figcaption>\n<p>", fp);
	html_cstr(fp, r->calls_artifact);
	fprintf(fp, ": %ld call%s failed, took %gs or more, or never returned",
	    r->calls_total, r->calls_total == 1 ? "" : "s", REPORT_LONG_CALL);
	if ((size_t)r->calls_total > r->ncalls)
		fprintf(fp, " (%zu drawn)", r->ncalls);
	if (r->lanes_total > (long)r->nlanes)
		fprintf(fp, "; %zu of %ld processes shown", r->nlanes, r->lanes_total);
	fprintf(fp, "; time in %s from the first call drawn.</p>\n",
	    ms ? "milliseconds" : "seconds");
	svg_open(fp, "chart-calls", h, HTML_FRAME_CALLS);
	svg_axes(fp, x0, top, x1, y1, 0, ms ? span * 1000 : span, 0, ms ? "ms" : "s");
	for (size_t i = 0; i < r->nlanes; i++) {
		int y = top + (int)i * LANE_H;

		fprintf(fp, "<text x=\"%d\" y=\"%d\" text-anchor=\"end\">%ld</text>"
		    "<line x1=\"%d\" y1=\"%d\" x2=\"%d\" y2=\"%d\" stroke=\"#eee\"/>\n",
		    x0 - 4, y + 13, r->lanes[i], x0, y + LANE_H / 2, x1, y + LANE_H / 2);
	}
	for (size_t i = 0; i < r->ncalls; i++) {
		const struct report_call *c = &r->calls[i];
		long lane = lane_index(r, c->pid);
		double x = x0 + (x1 - x0) * (c->ts - tmin) / span;
		double w = c->dur > 0 ? (x1 - x0) * c->dur / span : 0;
		const char *fill = c->err ? "#d0312d" : c->blocked ? "#7a4b00" : "#f0a020";

		if (lane < 0)
			continue;
		if (w < 3)
			w = 3;
		fprintf(fp, "<rect x=\"%.1f\" y=\"%ld\" width=\"%.1f\" height=\"%d\" "
		    "fill=\"%s\"><title>pid %ld ", x, top + lane * LANE_H + 3, w,
		    LANE_H - 6, fill, c->pid);
		html_cstr(fp, c->syscall);
		if (c->err) {
			fputs(" = ", fp);
			html_cstr(fp, c->err);
		}
		if (c->blocked)
			fputs(" never returned", fp);
		fprintf(fp, ", at +%.6fs, %.6fs</title></rect>\n", c->ts - tmin, c->dur);
	}
	if (r->have_failure) {
		double x = x0 + (x1 - x0) * (r->failure_ts - tmin) / span;

		fprintf(fp, "<line x1=\"%.1f\" y1=\"%d\" x2=\"%.1f\" y2=\"%d\" "
		    "stroke=\"#000\" stroke-width=\"2\" stroke-dasharray=\"5 3\"/>"
		    "<text x=\"%.1f\" y=\"%d\" text-anchor=\"%s\">failure: ", x, top - 6,
		    x, y1, x, top - 10, x > CHART_W / 2 ? "end" : "start");
		html_cstr(fp, r->failure_label);
		fputs("</text>\n", fp);
	}
	legend(fp, x0, h - 8, "#d0312d", "failed");
	legend(fp, x0 + 80, h - 8, "#f0a020", "long call");
	legend(fp, x0 + 170, h - 8, "#7a4b00", "never returned");
	fputs("</svg></figure>\n", fp);
}

/* Horizontal bars, labels on the left, values at the bar's end. */
static void
chart_bars(FILE *fp, const char *id, const char *frame, const char *colour,
    const struct report_bar *b, size_t n, const char *unit)
{
	const int top = 10, lx = 330, x1 = CHART_W - 90;
	const int h = top + (int)n * 22 + 12;
	double vmax = 0;

	for (size_t i = 0; i < n; i++)
		vmax = dmax(vmax, b[i].value);
	svg_open(fp, id, h, frame);
	for (size_t i = 0; i < n; i++) {
		int y = top + (int)i * 22;
		double w = vmax > 0 ? (x1 - lx) * b[i].value / vmax : 0;

		fputs("<g><title>", fp);
		html_cstr(fp, b[i].detail ? b[i].detail : b[i].label);
		fprintf(fp, "</title><text x=\"%d\" y=\"%d\" text-anchor=\"end\">",
		    lx - 6, y + 14);
		/* Long labels are cut; the title keeps the whole text. */
		if (strlen(b[i].label) > 52) {
			html_string(fp, b[i].label, 49);
			fputs("...", fp);
		} else
			html_cstr(fp, b[i].label);
		fprintf(fp, "</text><rect x=\"%d\" y=\"%d\" width=\"%.1f\" height=\"16\" "
		    "fill=\"%s\"/><text x=\"%.1f\" y=\"%d\">%g%s", lx, y + 2,
		    w < 2 ? 2 : w, colour, lx + (w < 2 ? 2 : w) + 4, y + 14,
		    b[i].value, unit);
		if (b[i].detail || b[i].count > 0) {
			if (b[i].detail)
				fprintf(fp, " (%ld)", b[i].count);
		}
		fputs("</text></g>\n", fp);
	}
	fputs("</svg></figure>\n", fp);
}

static void
write_charts(FILE *fp, const struct report *r)
{
	if (r->nsched == 0 && r->ncalls == 0 && !r->have_failure &&
	    r->ngstates == 0 && r->nstacks == 0)
		return;
	fputs("<section id=\"charts\">\n<h2>Timelines and profiles</h2>\n", fp);
	if (r->nsched > 0)
		chart_sched(fp, r);
	if (r->ncalls > 0 || r->have_failure)
		chart_calls(fp, r);
	if (r->ngstates > 0) {
		fprintf(fp, "<figure class=\"chart\"><figcaption>Goroutines by state"
		    "</figcaption>\n<p>From %ld dump%s.</p>\n", r->gdumps,
		    r->gdumps == 1 ? "" : "s");
		chart_bars(fp, "chart-goroutines", HTML_FRAME_GOROUTINES, "#4a7fb0",
		    r->gstates, r->ngstates, "");
	}
	if (r->nstacks > 0) {
		fputs("<figure class=\"chart\"><figcaption>Top stacks by delay ("
		    "pprof ", fp);
		html_cstr(fp, r->stacks_profile);
		fputs(")</figcaption>\n<p>Total delay in seconds (contentions); "
		    "hover a bar for its stack.</p>\n", fp);
		chart_bars(fp, "chart-stacks", HTML_FRAME_STACKS, "#b0584a",
		    r->stacks, r->nstacks, "s");
	}
	fputs("</section>\n", fp);
}

/*
 * Prose from a rule (title, fix, with bundle values filled in): one
 * paragraph, its line breaks as spaces, `commands` as <code>.
 */
static void
html_prose(FILE *fp, const char *s)
{
	const char *p = s ? s : "", *end = p + strlen(p);

	while (end > p && (end[-1] == '\n' || end[-1] == ' '))
		end--;
	while (p < end) {
		const char *tick = memchr(p, '`', (size_t)(end - p));
		const char *close = tick ? memchr(tick + 1, '`',
		    (size_t)(end - tick - 1)) : NULL;
		const char *stop = close ? tick : end;

		for (const char *q = p; q < stop;) {
			const char *nl = memchr(q, '\n', (size_t)(stop - q));

			html_string(fp, q, (size_t)((nl ? nl : stop) - q));
			if (nl)
				fputc(' ', fp);
			q = nl ? nl + 1 : stop;
		}
		if (close == NULL)
			break;
		fputs("<code>", fp);
		html_string(fp, tick + 1, (size_t)(close - tick - 1));
		fputs("</code>", fp);
		p = close + 1;
	}
}

/* Lines of s, each made safe, inside a <pre> the caller opened. */
static void
html_lines(FILE *fp, const char *s)
{
	const char *p = s ? s : "";

	while (*p) {
		const char *nl = strchr(p, '\n');
		size_t n = nl ? (size_t)(nl - p) : strlen(p);

		html_string(fp, p, n);
		fputc('\n', fp);
		p += n + (nl ? 1 : 0);
	}
}

static void
write_finding(FILE *fp, const struct report *r, const struct finding *f)
{
	fprintf(fp, "<section class=\"finding\" id=\"finding-%ld\">\n<h2>#%ld ",
	    f->rank, f->rank);
	html_cstr(fp, f->rule->id);
	fputs(": ", fp);
	html_prose(fp, f->rule->title);
	fprintf(fp, "</h2>\n<p>Confidence <b class=\"%s\">%s</b>, score %.2f: ",
	    f->confidence, f->confidence, f->score);
	html_cstr(fp, f->explanation);
	fprintf(fp, "</p>\n<h3>Evidence (%ld row%s)</h3>\n<pre class=\"evidence\">",
	    f->rows, f->rows == 1 ? "" : "s");
	for (size_t j = 0; j < f->nev && j < HTML_EVIDENCE; j++) {
		const struct evidence *v = &f->ev[j];

		fputs("<b>", fp);
		html_cstr(fp, v->artifact);
		if (v->line > 0)
			fprintf(fp, ":%ld", v->line);
		fputs("</b>: ", fp);
		html_cstr(fp, v->text);
		fputc('\n', fp);
		if (v->start_line > 0) {
			fprintf(fp, "    the call began at line %ld: ", v->start_line);
			html_cstr(fp, v->start_text);
			fputc('\n', fp);
		}
		if (v->reported_at && !v->app_error_id) {
			fputs("    reported by the program at ", fp);
			html_cstr(fp, v->reported_at);
			fputc('\n', fp);
		}
	}
	if (f->rows > (long)(f->nev < HTML_EVIDENCE ? f->nev : HTML_EVIDENCE))
		fprintf(fp, "... %ld rows in all: the query lists them\n", f->rows);
	fputs("</pre>\n<h3>Fix</h3>\n<p>", fp);
	html_prose(fp, f->fix);
	fprintf(fp, "</p>\n<h3>SQL<button class=\"copy\" type=\"button\" "
	    "data-for=\"sql-%ld\" hidden>Copy</button></h3>\n<p>Run it with "
	    "<code>sqlite3 ", f->rank);
	html_cstr(fp, r->store);
	fprintf(fp, "</code>:</p>\n<pre class=\"sql\" id=\"sql-%ld\">", f->rank);
	html_lines(fp, f->query);
	fputs("</pre>\n</section>\n", fp);
}

/* Evidence rows of a check or a ruled-out cause. */
static void
note_rows(FILE *fp, const struct finding *c, size_t max)
{
	fputs("<pre class=\"evidence\">", fp);
	for (size_t j = 0; j < c->nev && j < max; j++) {
		fputs("<b>", fp);
		html_cstr(fp, c->ev[j].artifact);
		if (c->ev[j].line > 0)
			fprintf(fp, ":%ld", c->ev[j].line);
		fputs("</b>: ", fp);
		html_cstr(fp, c->ev[j].text);
		fputc('\n', fp);
	}
	fputs("</pre>\n", fp);
}

/* Input checks, causes ruled out and suppressed evidence, when any. */
static void
write_notes(FILE *fp, const struct finding_list *fl)
{
	if (fl->nchecks) {
		fputs("<section id=\"checks\">\n<h2>Input checks</h2>\n<p>What the "
		    "bundle lacks; each lowers the score of the findings it affects."
		    "</p>\n", fp);
		for (size_t i = 0; i < fl->nchecks; i++) {
			const struct finding *c = fl->checks[i];

			fputs("<h3>", fp);
			html_cstr(fp, c->rule->id);
			fprintf(fp, " (&minus;%.2f)</h3>\n<p>", c->rule->penalty);
			html_cstr(fp, c->rule->title);
			fputs("</p>\n", fp);
			note_rows(fp, c, 2);
			if (c->fix && *c->fix) {
				fputs("<p>Next time: ", fp);
				html_prose(fp, c->fix);
				fputs("</p>\n", fp);
			}
		}
		fputs("</section>\n", fp);
	}
	if (fl->nruled) {
		fputs("<section id=\"ruled-out\">\n<h2>Considered and ruled out</h2>\n", fp);
		for (size_t i = 0; i < fl->nruled; i++) {
			const struct finding *c = fl->ruled[i];

			fputs("<h3>", fp);
			html_cstr(fp, c->rule->id);
			fputs("</h3>\n<p>", fp);
			html_cstr(fp, c->rule->title);
			fputs("</p>\n", fp);
			note_rows(fp, c, 3);
		}
		fputs("</section>\n", fp);
	}
	if (fl->nsup) {
		fputs("<section id=\"suppressed\">\n<h2>Suppressed by site rules</h2>\n<ul>\n", fp);
		for (size_t i = 0; i < fl->nsup; i++) {
			const struct suppressed_row *sr = &fl->sup[i];

			fputs("<li><b>", fp);
			html_cstr(fp, sr->rule->id);
			fputs("</b> at ", fp);
			html_cstr(fp, sr->artifact);
			if (sr->line > 0)
				fprintf(fp, ":%ld", sr->line);
			fputs(": ", fp);
			html_cstr(fp, sr->by->reason);
			fputs("</li>\n", fp);
		}
		fputs("</ul>\n</section>\n", fp);
	}
}

static void
write_artifacts(FILE *fp, const struct report *r)
{
	fputs("<section id=\"artifacts\">\n<h2>Artifacts</h2>\n<table>\n"
	    "<tr><th>file</th><th>type</th><th>records</th><th>not understood</th>"
	    "<th>status</th></tr>\n", fp);
	for (size_t i = 0; i < r->nart; i++) {
		const struct report_artifact *a = &r->art[i];

		fputs("<tr><td>", fp);
		html_cstr(fp, a->path);
		fputs("</td><td>", fp);
		html_cstr(fp, a->types && *a->types ? a->types : a->type);
		fprintf(fp, "</td><td class=\"n\">%ld</td><td class=\"n\">%ld</td><td>",
		    a->records, a->errors);
		html_cstr(fp, a->status);
		if (a->note) {
			fputs(": ", fp);
			html_cstr(fp, a->note);
		}
		fputs("</td></tr>\n", fp);
	}
	fputs("</table>\n", fp);
	if (r->problems) {
		fprintf(fp, "<p>%ld line%s not understood (<code>SELECT * FROM "
		    "parse_errors</code>), the first:</p>\n<ul>\n", r->problems,
		    r->problems == 1 ? "" : "s");
		for (size_t i = 0; i < r->nprob; i++) {
			fputs("<li>", fp);
			html_cstr(fp, r->prob[i].artifact);
			fprintf(fp, ":%ld: ", r->prob[i].line);
			html_cstr(fp, r->prob[i].reason);
			fputs("</li>\n", fp);
		}
		fputs("</ul>\n", fp);
	}
	fputs("</section>\n", fp);
}

static void
write_verdict(FILE *fp, const struct report *r)
{
	const struct finding_list *fl = r->findings;
	const struct finding *f;

	fputs("<section class=\"verdict\" id=\"verdict\">\n", fp);
	if (fl->n == 0) {
		fputs("<p class=\"cause\">No root cause from the catalog is proven "
		    "by this bundle.</p>\n</section>\n", fp);
		return;
	}
	f = fl->v[0];
	fputs("<p class=\"cause\">Most likely cause: ", fp);
	html_cstr(fp, f->rule->id);
	fputs(": ", fp);
	html_prose(fp, f->rule->title);
	fprintf(fp, "</p>\n<p>Confidence <b class=\"%s\">%s</b>, score %.2f.",
	    f->confidence, f->confidence, f->score);
	if (fl->n > 1) {
		fputs(" Also:", fp);
		for (size_t i = 1; i < fl->n; i++) {
			fprintf(fp, "%s <a href=\"#finding-%ld\">#%ld ", i > 1 ? "," : "",
			    fl->v[i]->rank, fl->v[i]->rank);
			html_cstr(fp, fl->v[i]->rule->id);
			fprintf(fp, "</a> (%s, %.2f)", fl->v[i]->confidence,
			    fl->v[i]->score);
		}
		fputc('.', fp);
	}
	fputs("</p>\n", fp);
	if (f->nev > 0) {
		fputs("<pre class=\"evidence\"><b>", fp);
		html_cstr(fp, f->ev[0].artifact);
		if (f->ev[0].line > 0)
			fprintf(fp, ":%ld", f->ev[0].line);
		fputs("</b>: ", fp);
		html_cstr(fp, f->ev[0].text);
		fputs("</pre>\n", fp);
	}
	fputs("<p><b>Fix:</b> ", fp);
	html_prose(fp, f->fix);
	fputs("</p>\n</section>\n", fp);
}

static void
write_html(FILE *fp, const struct report *r)
{
	fprintf(fp, "<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n"
	    "<meta charset=\"utf-8\">\n"
	    "<meta http-equiv=\"Content-Security-Policy\" content=\"default-src "
	    "'none'; style-src '%s'; script-src '%s'; img-src data:\">\n"
	    "<meta name=\"viewport\" content=\"width=device-width\">\n"
	    "<title>mkpostmortem: ", HTML_STYLE_HASH, HTML_SCRIPT_HASH);
	html_cstr(fp, r->bundle);
	fprintf(fp, "</title>\n<style>%s</style>\n</head>\n<body>\n"
	    "<h1>mkpostmortem report</h1>\n<p class=\"meta\">Bundle ", html_style);
	html_cstr(fp, r->bundle);
	fputs(" &middot; store <code>", fp);
	html_cstr(fp, r->store);
	fputs("</code></p>\n", fp);
	write_verdict(fp, r);
	write_charts(fp, r);
	for (size_t i = 0; i < r->findings->n; i++)
		write_finding(fp, r, r->findings->v[i]);
	write_notes(fp, r->findings);
	write_artifacts(fp, r);
	fprintf(fp, "<script>%s</script>\n</body>\n</html>\n", html_script);
}

const struct report_writer report_html = {
	.name = "html",
	.write = write_html,
};
