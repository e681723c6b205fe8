/*
 * Files compiled into the binary by tools/embed.sh: the store schema and
 * the built-in rules.  Contents are static and never freed.
 */
#ifndef MKPM_EMBED_H
#define MKPM_EMBED_H

#include <stddef.h>

struct embedded_file {
	const char *name;
	const char *text;
};

extern const struct embedded_file embedded_schema[];
extern const size_t embedded_schema_count;
extern const struct embedded_file embedded_rules[];
extern const size_t embedded_rules_count;

#endif
