/*
 * Kernel and audit logs: security-module denials (table denials) and the
 * kernel's filesystem complaints (table kernel_events).
 *
 * type "kernel-log": dmesg (`[12345.678901] msg`, `<4>[ ...] msg`, -T
 * `[Tue Nov 28 00:15:00 2023] msg`), kern.log/syslog (`Nov 28 00:15:00
 * host kernel: [123.4] msg`, RFC 3339 stamps), `journalctl -k` (the
 * same, plus `-- Boot ... --` markers).  Other programs' syslog lines
 * are claimed and not stored.
 *
 * type "audit-log": audit.log (`[node=N ]type=AVC msg=audit(1700000000.123:456): ...`)
 * and ausearch output (`----` separators, `time->...` lines, and with -i
 * interpreted records `msg=audit(11/28/2023 00:15:00.123:456) : ...`).
 *
 * Denials, in either log:
 *   SELinux  avc:  denied  { write add_name } for  pid=123 comm="app"
 *            name="x" dev="sda1" ino=42 scontext=... tcontext=... tclass=dir
 *   AppArmor apparmor="DENIED" operation="mkdir" profile="/usr/bin/app"
 *            name="/var/lib/x/" pid=123 comm="app" requested_mask="c" ...
 * (`avc: granted` and AppArmor ALLOWED/AUDIT/STATUS records are not
 * denials and are not stored).  The audit subsystem prints an untrusted
 * string (comm, name, path ...) in hex, unquoted, when it holds a space,
 * quote or control character: such values are decoded, except in
 * ausearch -i output, which is decoded already.
 *
 * kernel_events kinds: remount-ro ("Remounting filesystem read-only"),
 * fs-error (EXT4-fs error, XFS/Btrfs errors, "journal aborted"),
 * io-error ("I/O error"), oom (out of memory, oom-kill).
 */
#include "lex.h"
#include "parser.h"
#include "xmalloc.h"

#include <stdint.h>
#include <stdlib.h>
#include <string.h>

enum den_col {
	DN_LINE, DN_TS_TEXT, DN_LSM, DN_OPERATION, DN_PATH, DN_PROFILE,
	DN_TARGET, DN_TCLASS, DN_PID, DN_COMM, DN_RAW, DN__COUNT
};
static const char *const den_cols[] = {
	"line", "ts_text", "lsm", "operation", "path", "profile", "target",
	"tclass", "pid", "comm", "raw",
};
static const struct rec_table den_table = {
	.id = -1, .name = "denials", .ncols = DN__COUNT, .cols = den_cols,
};

enum kev_col { KE_LINE, KE_TS_TEXT, KE_KIND, KE_DEVICE, KE_MESSAGE, KE__COUNT };
static const char *const kev_cols[] = {
	"line", "ts_text", "kind", "device", "message",
};
static const struct rec_table kev_table = {
	.id = -1, .name = "kernel_events", .ncols = KE__COUNT, .cols = kev_cols,
};
static const struct rec_table *const den_tables[] = {
	&den_table, &kev_table, NULL
};

struct st {
	const struct parse_ctx *ctx;
	struct buf dec[4];	/* decoded hex values: path, profile, comm, spare */
};


static const char *
find(const char *s, size_t n, const char *w)
{
	size_t k = strlen(w);

	for (size_t i = 0; i + k <= n; i++)
		if (memcmp(s + i, w, k) == 0)
			return s + i;
	return NULL;
}

static int
isdig(char c)
{
	return c >= '0' && c <= '9';
}

/* ---- prefixes ---- */

/* "[  123.456789]" or "[Tue Nov 28 00:15:00 2023]" at s; its length. */
static size_t
bracket_stamp(const char *s, size_t n, const char **ts, size_t *tn)
{
	const char *close;

	if (n < 3 || s[0] != '[' || (close = memchr(s, ']', n < 40 ? n : 40)) == NULL)
		return 0;
	*ts = s + 1;
	*tn = (size_t)(close - s - 1);
	while (*tn && **ts == ' ')
		(*ts)++, (*tn)--;
	if (*tn == 0)
		return 0;
	/* seconds.micros, or a dmesg -T date (has a ':' ) */
	if (!isdig(**ts) && memchr(*ts, ':', *tn) == NULL)
		return 0;
	return (size_t)(close - s + 1);
}

/*
 * A syslog/journal prefix "Nov 28 00:15:00 host prog[pid]: " or
 * "2026-11-28T00:15:00.123456+00:00 host prog: "; its length, the stamp,
 * and whether prog is the kernel.
 */
static size_t
syslog_prefix(const char *s, size_t n, const char **ts, size_t *tn, int *kernel)
{
	size_t i, host, prog;

	if (n >= 16 && s[3] == ' ' && s[6] == ' ' && s[9] == ':' && s[12] == ':' &&
	    (s[4] == ' ' || isdig(s[4])) && isdig(s[5]))
		i = 15;
	else if (n >= 20 && isdig(s[0]) && s[4] == '-' && s[7] == '-' &&
	    s[10] == 'T' && s[13] == ':') {
		for (i = 19; i < n && s[i] != ' '; i++)
			;
	} else
		return 0;
	*ts = s;
	*tn = i;
	if (i >= n || s[i] != ' ')
		return 0;
	host = ++i;
	while (i < n && s[i] != ' ')
		i++;
	if (i == host || i >= n)
		return 0;
	prog = ++i;
	while (i < n && s[i] != ' ' && s[i] != ':')
		i++;
	if (i >= n || s[i] != ':')
		return 0;
	*kernel = i - prog == 6 && memcmp(s + prog, "kernel", 6) == 0;
	i++;
	if (i < n && s[i] == ' ')
		i++;
	return i;
}

/* "msg=audit(1700000000.123:456):" -> the stamp inside, and the rest. */
static const char *
audit_stamp(const char *s, size_t n, const char **ts, size_t *tn)
{
	const char *a = find(s, n, "audit("), *close;

	if (a == NULL)
		return NULL;
	a += 6;
	close = memchr(a, ')', (size_t)(s + n - a));
	if (close == NULL || close == a)
		return NULL;
	*ts = a;
	*tn = (size_t)(close - a);
	close++;
	while (close < s + n && (*close == ' ' || *close == ':'))
		close++;
	return close;
}

/* ---- fields ---- */

static int
hexval(char c)
{
	if (isdig(c))
		return c - '0';
	if (c >= 'A' && c <= 'F')
		return c - 'A' + 10;
	if (c >= 'a' && c <= 'f')
		return c - 'a' + 10;
	return -1;
}

/*
 * The value of key= (at the start or after a blank) in s: quoted values
 * without their quotes; unquoted ones up to the next blank, hex-decoded
 * into b when hex is set and they are all hex digits.
 */
static struct val
field(const char *s, size_t n, const char *key, struct buf *b, int hex)
{
	size_t k = strlen(key);

	for (size_t i = 0; i + k + 1 <= n; i++) {
		const char *v;
		size_t vn = 0;

		if ((i > 0 && s[i - 1] != ' ') || memcmp(s + i, key, k) != 0 ||
		    s[i + k] != '=')
			continue;
		v = s + i + k + 1;
		if (v < s + n && *v == '"') {
			const char *q = memchr(v + 1, '"', (size_t)(s + n - v - 1));

			if (q == NULL)
				return val_text(v + 1, (size_t)(s + n - v - 1));
			return val_text(v + 1, (size_t)(q - v - 1));
		}
		while (v + vn < s + n && v[vn] != ' ')
			vn++;
		if (hex && b && vn >= 2 && vn % 2 == 0) {
			size_t j;

			for (j = 0; j < vn && hexval(v[j]) >= 0; j++)
				;
			if (j == vn) {
				buf_reset(b);
				for (j = 0; j < vn; j += 2)
					buf_addc(b, (char)(hexval(v[j]) * 16 + hexval(v[j + 1])));
				return val_text(b->s, b->len);
			}
		}
		return val_text(v, vn);
	}
	return val_null();
}

static struct val
int_field(const char *s, size_t n, const char *key)
{
	struct val t = field(s, n, key, NULL, 0);
	int64_t v = 0;

	if (t.t != V_TEXT || t.n == 0 || t.n > 12)
		return val_null();
	for (size_t i = 0; i < t.n; i++) {
		if (!isdig(t.s[i]))
			return val_null();
		v = v * 10 + (t.s[i] - '0');
	}
	return val_int(v);
}

/*
 * A denial in msg (the text after the log prefix); 1 when it emitted
 * one, 0 when msg is not a denial.
 */
static int
denial(struct st *st, const char *raw, size_t rn, const char *msg, size_t n,
    const char *ts, size_t tn, int hex, long lineno)
{
	struct val v[DN__COUNT];
	const char *avc = find(msg, n, "avc:");
	const char *aa = find(msg, n, "apparmor=");

	memset(v, 0, sizeof(v));
	if (avc) {
		const char *p = avc + 4, *e = msg + n, *ob, *cb;

		while (p < e && *p == ' ')
			p++;
		if (!lex_starts(p, (size_t)(e - p), "denied"))
			return 0;
		v[DN_LSM] = val_str("selinux");
		ob = memchr(p, '{', (size_t)(e - p));
		cb = ob ? memchr(ob, '}', (size_t)(e - ob)) : NULL;
		if (ob && cb) {
			ob++;
			while (ob < cb && *ob == ' ')
				ob++;
			while (cb > ob && cb[-1] == ' ')
				cb--;
			v[DN_OPERATION] = val_text(ob, (size_t)(cb - ob));
		}
		v[DN_PATH] = field(msg, n, "path", &st->dec[0], hex);
		if (v[DN_PATH].t == V_NULL)
			v[DN_PATH] = field(msg, n, "name", &st->dec[0], hex);
		v[DN_PROFILE] = field(msg, n, "scontext", NULL, 0);
		v[DN_TARGET] = field(msg, n, "tcontext", NULL, 0);
		v[DN_TCLASS] = field(msg, n, "tclass", NULL, 0);
	} else if (aa) {
		struct val what = field(msg, n, "apparmor", NULL, 0);

		if (what.t != V_TEXT || what.n != 6 || memcmp(what.s, "DENIED", 6) != 0)
			return 0;
		v[DN_LSM] = val_str("apparmor");
		v[DN_OPERATION] = field(msg, n, "operation", NULL, 0);
		v[DN_PATH] = field(msg, n, "name", &st->dec[0], hex);
		v[DN_PROFILE] = field(msg, n, "profile", &st->dec[1], hex);
		v[DN_TARGET] = field(msg, n, "target", &st->dec[3], hex);
		v[DN_TCLASS] = field(msg, n, "class", NULL, 0);
	} else
		return 0;
	v[DN_LINE] = val_int(lineno);
	v[DN_TS_TEXT] = val_text(ts, tn);
	v[DN_PID] = int_field(msg, n, "pid");
	v[DN_COMM] = field(msg, n, "comm", &st->dec[2], hex);
	v[DN_RAW] = val_text(raw, rn);
	st->ctx->sink->row(st->ctx->sink->ctx, &den_table, v);
	return 1;
}

/* The device a kernel message names: "(device sda1)", "EXT4-fs (sda1)", "dev sda,". */
static struct val
device_of(const char *m, size_t n)
{
	const char *p;
	size_t k;

	if ((p = find(m, n, "(device ")) != NULL) {
		p += 8;
		for (k = 0; p + k < m + n && p[k] != ')' && p[k] != ' '; k++)
			;
		return val_text(p, k);
	}
	if ((p = find(m, n, "dev ")) != NULL) {
		p += 4;
		for (k = 0; p + k < m + n && p[k] != ',' && p[k] != ' ' && p[k] != ':'; k++)
			;
		if (k)
			return val_text(p, k);
	}
	if ((p = memchr(m, '(', n)) != NULL && p > m && p[-1] == ' ') {
		const char *c = memchr(p, ')', (size_t)(m + n - p));

		if (c && c + 1 < m + n && c[1] == ':' && c - p > 1 && c - p < 64)
			return val_text(p + 1, (size_t)(c - p - 1));
	}
	return val_null();
}

static int
kernel_event(struct st *st, const char *msg, size_t n, const char *ts,
    size_t tn, long lineno)
{
	struct val v[KE__COUNT];
	const char *kind;

	if (find(msg, n, "emounting filesystem read-only") ||
	    find(msg, n, "emounting filesystem read only"))
		kind = "remount-ro";
	else if (find(msg, n, "I/O error"))
		kind = "io-error";
	else if ((lex_starts(msg, n, "EXT4-fs") || lex_starts(msg, n, "EXT3-fs") ||
	    lex_starts(msg, n, "EXT2-fs")) && find(msg, n, "error"))
		kind = "fs-error";
	else if ((lex_starts(msg, n, "XFS (") || lex_starts(msg, n, "BTRFS ")) &&
	    (find(msg, n, "error") || find(msg, n, "rror ") ||
	    find(msg, n, "shutdown") || find(msg, n, "Corruption")))
		kind = "fs-error";
	else if (find(msg, n, "journal aborted") || find(msg, n, "Aborting journal"))
		kind = "fs-error";
	else if (find(msg, n, "Out of memory") || find(msg, n, "oom-kill") ||
	    find(msg, n, "oom_reaper") || find(msg, n, "invoked oom-killer"))
		kind = "oom";
	else
		return 0;
	memset(v, 0, sizeof(v));
	v[KE_LINE] = val_int(lineno);
	v[KE_TS_TEXT] = val_text(ts, tn);
	v[KE_KIND] = val_str(kind);
	v[KE_DEVICE] = strcmp(kind, "oom") == 0 ? val_null() : device_of(msg, n);
	v[KE_MESSAGE] = val_text(msg, n);
	st->ctx->sink->row(st->ctx->sink->ctx, &kev_table, v);
	return 1;
}

/* The body of a kernel message (after the prefixes): denial, event or nothing. */
static void
kernel_body(struct st *st, const char *raw, size_t rn, const char *m, size_t n,
    const char *ts, size_t tn, long lineno)
{
	const char *ats, *rest;
	size_t atn;

	/* "audit: type=1400 audit(1700000000.123:456): apparmor=..." */
	if (lex_starts(m, n, "audit: ") && (rest = audit_stamp(m, n, &ats, &atn)) != NULL) {
		if (denial(st, raw, rn, rest, (size_t)(m + n - rest), ats, atn, 1, lineno))
			return;
	}
	if (denial(st, raw, rn, m, n, ts, tn, 1, lineno))
		return;
	kernel_event(st, m, n, ts, tn, lineno);
}

static int
line_kernel(void *vst, const char *s, size_t n, long lineno, const char **why)
{
	struct st *st = vst;
	const char *ts = NULL, *m = s;
	size_t tn = 0, k;
	int kernel = 1;

	if (lex_starts(s, n, "-- ") || lex_starts(s, n, "---"))
		return 1;	/* journalctl markers */
	if (n >= 3 && s[0] == '<' && isdig(s[1])) {
		/* dmesg -r level prefix <4> */
		for (k = 1; k < n && k < 5 && isdig(s[k]); k++)
			;
		if (k < n && s[k] == '>')
			m = s + k + 1;
	}
	if ((k = syslog_prefix(m, (size_t)(s + n - m), &ts, &tn, &kernel)) != 0) {
		m += k;
		if (!kernel)
			return 1;	/* another program's syslog line */
		/* kern.log may repeat the dmesg stamp: prefer it */
		{
			const char *t2;
			size_t t2n, k2 = bracket_stamp(m, (size_t)(s + n - m), &t2, &t2n);

			if (k2) {
				m += k2;
				ts = t2;
				tn = t2n;
			}
		}
	} else if ((k = bracket_stamp(m, (size_t)(s + n - m), &ts, &tn)) != 0)
		m += k;
	else {
		*why = "not a kernel log line (no [seconds] stamp or syslog prefix)";
		return 0;
	}
	while (m < s + n && *m == ' ')
		m++;
	kernel_body(st, s, n, m, (size_t)(s + n - m), ts, tn, lineno);
	return 1;
}

static int
line_audit(void *vst, const char *s, size_t n, long lineno, const char **why)
{
	struct st *st = vst;
	const char *m = s, *ts, *rest;
	size_t tn;

	if (lex_starts(s, n, "----") || lex_starts(s, n, "time->"))
		return 1;	/* ausearch record separators */
	if (lex_starts(m, n, "node=")) {
		const char *sp = memchr(m, ' ', n);

		if (sp == NULL) {
			*why = "audit record cut after its node= field";
			return 0;
		}
		m = sp + 1;
	}
	if (!lex_starts(m, (size_t)(s + n - m), "type=") ||
	    (rest = audit_stamp(m, (size_t)(s + n - m), &ts, &tn)) == NULL) {
		*why = "not an audit record (type=... msg=audit(...): ...)";
		return 0;
	}
	/* ausearch -i: "msg=audit(11/28/2023 00:15:00.123:456)" is decoded. */
	if (!denial(st, s, n, rest, (size_t)(s + n - rest), ts, tn,
	    memchr(ts, '/', tn) == NULL, lineno))
		kernel_event(st, rest, (size_t)(s + n - rest), ts, tn, lineno);
	return 1;
}

/*
 * Lines of buf that line() of the given kind would take, out of the first
 * 20 (*total); *first says whether the first one is such a line.
 */
static int
sniff_count(const char *buf, size_t len, int audit, int *total, int *first)
{
	const char *p = buf, *end = buf + len;
	int good = 0;

	*total = 0;
	while (p < end && *total < 20) {
		const char *nl = memchr(p, '\n', (size_t)(end - p));
		size_t n = (size_t)((nl ? nl : end) - p);
		const char *ts, *m;
		size_t tn;
		int kernel = 0;

		if (!nl && *total > 0)
			break;	/* a cut last line proves nothing */
		if (n && p[n - 1] == '\r')
			n--;
		if (n) {
			int was = good;

			(*total)++;
			if (audit) {
				m = p;
				if (lex_starts(m, n, "node=") && memchr(m, ' ', n))
					m = (const char *)memchr(m, ' ', n) + 1;
				if ((lex_starts(m, (size_t)(p + n - m), "type=") &&
				    audit_stamp(m, (size_t)(p + n - m), &ts, &tn)) ||
				    lex_starts(p, n, "----") || lex_starts(p, n, "time->"))
					good++;
			} else if (bracket_stamp(p, n, &ts, &tn) ||
			    (n > 3 && p[0] == '<' && isdig(p[1]) &&
			    memchr(p, ']', n < 40 ? n : 40)) ||
			    (syslog_prefix(p, n, &ts, &tn, &kernel) && kernel))
				good++;
			if (*total == 1)
				*first = good > was;
		}
		p = nl ? nl + 1 : end;
	}
	return good;
}

static int
sniff_kernel(const char *buf, size_t len, const char *name)
{
	int total, first = 0, good = sniff_count(buf, len, 0, &total, &first);

	(void)name;
	/* The first line and at least half of the first 20 are the log's. */
	return first && good * 2 >= total ? 75 : 0;
}

static int
sniff_audit(const char *buf, size_t len, const char *name)
{
	int total, first = 0, good = sniff_count(buf, len, 1, &total, &first);

	(void)name;
	/* An audit record first is specific enough; else most lines. */
	return first ? 90 : (good * 2 > total ? 80 : 0);
}

static void *
open_(const struct parse_ctx *ctx)
{
	struct st *st = xcalloc(1, sizeof(*st));

	st->ctx = ctx;
	return st;
}

static void
finish(void *vst)
{
	struct st *st = vst;

	for (size_t i = 0; i < sizeof(st->dec) / sizeof(st->dec[0]); i++)
		buf_free(&st->dec[i]);
	free(st);
}

const struct parser parser_kernel_log = {
	.type = "kernel-log",
	.sniff = sniff_kernel,
	.open = open_,
	.line = line_kernel,
	.finish = finish,
	.tables = den_tables,
};

const struct parser parser_audit_log = {
	.type = "audit-log",
	.sniff = sniff_audit,
	.open = open_,
	.line = line_audit,
	.finish = finish,
	.tables = den_tables,
};
