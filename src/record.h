/*
 * Records: what parsers produce.  A parser knows nothing of SQLite; it
 * emits rows of typed values for one of the tables declared in tables.c
 * to a sink.  One sink loads them into the store (store.c), another prints
 * a canonical text dump for golden tests (dump.c).
 *
 * Ownership: every pointer in a struct val is borrowed for the duration of
 * the sink call only; a sink copies what it keeps.
 */
#ifndef MKPM_RECORD_H
#define MKPM_RECORD_H

#include <stddef.h>
#include <stdint.h>

enum val_type { V_NULL = 0, V_INT, V_REAL, V_TEXT };

struct val {
	enum val_type t;
	int64_t i;
	double r;
	const char *s;		/* V_TEXT: bytes, not necessarily NUL-terminated */
	size_t n;		/* V_TEXT: length of s */
};

static inline struct val val_null(void) { struct val v = { 0 }; return v; }
static inline struct val val_int(int64_t i) { struct val v = { 0 }; v.t = V_INT; v.i = i; return v; }
static inline struct val val_real(double r) { struct val v = { 0 }; v.t = V_REAL; v.r = r; return v; }
static inline struct val val_text(const char *s, size_t n) { struct val v = { 0 }; if (s) { v.t = V_TEXT; v.s = s; v.n = n; } return v; }
struct val val_str(const char *s);	/* NULL gives V_NULL */

/*
 * A table a parser may fill.  cols[0] is always "line" (1-based line in
 * the artifact, or NULL for a binary artifact); the store adds the
 * artifact_id column itself.  The column names must match schema.sql.
 */
struct rec_table {
	int id;			/* index into tables[] for core tables, else -1 */
	const char *name;
	int ncols;
	const char *const *cols;
	/*
	 * Optional, for big tables: per column, whether a text that is a
	 * piece of column ref_a or ref_b (the raw lines) is stored as a
	 * reference in COL_ref instead of a copy (COL_ref holds the text
	 * when it is not such a piece), COL being a generated column (see
	 * schema.sql, syscalls).  store_name: unused, NULL.
	 */
	const char *store_name;
	const unsigned char *refable;
	int ref_a, ref_b;
	/* Rows computed from the input's (strace_counts): not its records. */
	int derived;
};

/* One table descriptor per record kind; defined in tables.c. */
enum table_id {
	T_SYSCALLS,
	T_STRACE_EVENTS,
	T_STRACE_FRAMES,
	T_STRACE_SUMMARY,
	T_STRACE_COUNTS,
	T_APP_ERRORS,
	T__COUNT
};
extern const struct rec_table tables[T__COUNT];

/* Column indexes, so parsers fill rows by name rather than by position. */
enum syscalls_col {
	SC_LINE, SC_END_LINE, SC_PID, SC_TS, SC_END_TS, SC_TS_TEXT,
	SC_SYSCALL, SC_ARGS, SC_PATH, SC_PATH2, SC_DIRFD, SC_DIRFD_PATH,
	SC_FLAGS, SC_MODE, SC_RET_TEXT, SC_RET, SC_ERRNO, SC_ERRNO_TEXT,
	SC_DURATION, SC_FD, SC_FD_PATH, SC_NOTE, SC_STATE, SC_RAW, SC_RAW_END,
	SC__COUNT
};
enum strace_events_col {
	EV_LINE, EV_PID, EV_TS, EV_TS_TEXT, EV_KIND, EV_SIGNAL, EV_CODE,
	EV_DETAIL, EV_RAW, EV__COUNT
};
enum strace_frames_col {
	FR_LINE, FR_CALL_LINE, FR_PID, FR_DEPTH, FR_BINARY, FR_SYMBOL,
	FR_OFFSET, FR_ADDR, FR_SRC, FR__COUNT
};
enum strace_summary_col {
	SU_LINE, SU_SYSCALL, SU_CALLS, SU_ERRORS, SU_SECONDS, SU_USECS_CALL,
	SU_PCT, SU_MIN_SECONDS, SU_MAX_SECONDS, SU_CLOCK, SU__COUNT
};
enum strace_counts_col {
	CT_LINE, CT_SYSCALL, CT_CALLS, CT_ERRORS, CT__COUNT
};
enum app_errors_col {
	AE_LINE, AE_TS, AE_TS_TEXT, AE_KIND, AE_OP, AE_PATH, AE_PATH2,
	AE_ERRNO, AE_ERR_TEXT, AE_MESSAGE, AE_RAW, AE__COUNT
};

/*
 * Where records go.  row() receives t->ncols values.  problem() records a
 * line (or, with line 0, the whole artifact) that could not be understood
 * or was capped; nothing is dropped without one.  meta() records a fact
 * about the artifact as a whole (clock kind, pid from the file name ...).
 */
struct sink {
	void *ctx;
	void (*row)(void *ctx, const struct rec_table *t, const struct val *v);
	void (*problem)(void *ctx, long line, const char *reason,
	    const char *text, size_t len);
	void (*meta)(void *ctx, const char *key, const char *value);
};

#endif
