/*
 * The record tables parsers fill, by name and column.  schema.sql creates
 * the same tables (plus artifact_id and the store's own columns); a test
 * prepares every table's INSERT against the schema so the two cannot drift.
 */
#include "record.h"

#include <string.h>

static const char *const syscalls_cols[SC__COUNT] = {
	"line", "end_line", "pid", "ts", "end_ts", "ts_text",
	"syscall", "args", "path", "path2", "dirfd", "dirfd_path",
	"flags", "mode", "ret_text", "ret", "errno", "errno_text",
	"duration", "fd", "fd_path", "note", "state", "raw", "raw_end",
};
static const char *const strace_events_cols[EV__COUNT] = {
	"line", "pid", "ts", "ts_text", "kind", "signal", "code",
	"detail", "raw",
};
static const char *const strace_frames_cols[FR__COUNT] = {
	"line", "call_line", "pid", "depth", "binary", "symbol",
	"offset", "addr", "src",
};
static const char *const strace_summary_cols[SU__COUNT] = {
	"line", "syscall", "calls", "errors", "seconds", "usecs_call",
	"pct", "min_seconds", "max_seconds", "clock",
};
static const char *const strace_counts_cols[CT__COUNT] = {
	"line", "syscall", "calls", "errors",
};
static const char *const app_errors_cols[AE__COUNT] = {
	"line", "ts", "ts_text", "kind", "op", "path", "path2",
	"errno", "err_text", "message", "raw",
};

/* Pieces of the raw line the store keeps as references (schema.sql). */
static const unsigned char syscalls_refable[SC__COUNT] = {
	[SC_TS_TEXT] = 1, [SC_ARGS] = 1, [SC_DIRFD_PATH] = 1, [SC_RET_TEXT] = 1,
	[SC_ERRNO_TEXT] = 1, [SC_FD_PATH] = 1,
};

const struct rec_table tables[T__COUNT] = {
	[T_SYSCALLS] = { T_SYSCALLS, "syscalls", SC__COUNT, syscalls_cols,
	    NULL, syscalls_refable, SC_RAW, SC_RAW_END },
	[T_STRACE_EVENTS] = { T_STRACE_EVENTS, "strace_events", EV__COUNT, strace_events_cols },
	[T_STRACE_FRAMES] = { T_STRACE_FRAMES, "strace_frames", FR__COUNT, strace_frames_cols },
	[T_STRACE_SUMMARY] = { T_STRACE_SUMMARY, "strace_summary", SU__COUNT, strace_summary_cols },
	[T_STRACE_COUNTS] = { T_STRACE_COUNTS, "strace_counts", CT__COUNT, strace_counts_cols,
	    NULL, NULL, 0, 0, 1 },
	[T_APP_ERRORS] = { T_APP_ERRORS, "app_errors", AE__COUNT, app_errors_cols },
};

struct val
val_str(const char *s)
{
	return s ? val_text(s, strlen(s)) : val_null();
}
