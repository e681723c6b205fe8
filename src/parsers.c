/*
 * The table of input formats.  Order matters only for ties in sniffing:
 * the first parser with the highest score wins.
 */
#include "parser.h"

#include <string.h>

const struct parser *const parsers[] = {
	&parser_strace,
	&parser_strace_summary,
	&parser_schedtrace,
	&parser_gctrace,
	&parser_goroutines,
	&parser_pprof_block,
	&parser_pprof_mutex,
	&parser_lsof,
	&parser_inotify_limits,
	&parser_fdinfo,
	&parser_proc_limits,
	&parser_ulimit,
	&parser_proc_status,
	&parser_df,
	&parser_mountinfo,
	&parser_findmnt,
	&parser_quota,
	&parser_stat,
	&parser_ls,
	&parser_kernel_log,
	&parser_audit_log,
	&parser_app_log,
};
const size_t parsers_count = sizeof(parsers) / sizeof(parsers[0]);

const struct parser *
parser_by_type(const char *type)
{
	for (size_t i = 0; i < parsers_count; i++)
		if (strcmp(parsers[i]->type, type) == 0)
			return parsers[i];
	return NULL;
}
