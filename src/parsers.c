/*
 * The table of input formats.  Order matters only for ties in sniffing:
 * the first parser with the highest score wins.
 */
#include "parser.h"

#include <string.h>

const struct parser *const parsers[] = {
	&parser_strace,
	&parser_strace_summary,
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
