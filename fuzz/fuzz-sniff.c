/*
 * Sniff harness: every parser's sniff() on the same bytes, as the driver
 * calls it on an artifact's head (src/ingest.c detect()): at most 64 KiB,
 * possibly cut mid-line, not NUL-terminated.  The bytes are copied into
 * an allocation of exactly that size, so a sniff that reads one byte
 * past len (or relies on a terminator) is caught by AddressSanitizer; the
 * real driver's 64 KiB buffer would hide it.  Each parser is asked under
 * a few artifact names, since some use the name as a hint.  The score
 * must be 0..100.  New parsers in src/parsers.c are covered as they land.
 */
#include "fuzz.h"
#include "parser.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

const char fuzz_harness_name[] = "fuzz-sniff";

#define HEAD_BYTES (64 * 1024)

static const char *const names[] = {
	"",
	"input",
	"strace.out.1234",
	"proc/1234/limits",
	"sub/dir/app.log.gz",
};

int
LLVMFuzzerInitialize(int *argc, char ***argv)
{
	(void)argc;
	(void)argv;
	return 0;
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	size_t n = size < HEAD_BYTES ? size : HEAD_BYTES;
	char *head = malloc(n ? n : 1);

	if (head == NULL)
		abort();
	memcpy(head, data, n);
	for (size_t i = 0; i < parsers_count; i++) {
		for (size_t k = 0; k < sizeof(names) / sizeof(names[0]); k++) {
			int s = parsers[i]->sniff(head, n, names[k]);

			if (s < 0 || s > 100) {
				fprintf(stderr, "%s: parser %s: sniff gave %d for a "
				    "%zu-byte head named '%s'\n", fuzz_harness_name,
				    parsers[i]->type, s, n, names[k]);
				abort();
			}
		}
	}
	free(head);
	return 0;
}
