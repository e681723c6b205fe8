/*
 * Sniff harness: every parser's sniff() on the same bytes, as the driver
 * calls it on an artifact's head (src/ingest.c detect()): at most 64 KiB,
 * possibly cut mid-line, not NUL-terminated.  The bytes are copied into
 * an allocation of exactly that size, so a sniff that reads one byte
 * past len (or relies on a terminator) is caught; the real driver's
 * 64 KiB buffer would hide it.  With FUZZ_GUARD=1 in the environment
 * (make fuzz and make check set it) the copy ends right at an
 * inaccessible page instead, so an over-read inside libc functions the
 * sanitizer does not check (sscanf's rawmemchr ...) faults too.  Each parser is asked under
 * a few artifact names, since some use the name as a hint.  The score
 * must be 0..100.  New parsers in src/parsers.c are covered as they land.
 */
#include "fuzz.h"
#include "parser.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <unistd.h>

const char fuzz_harness_name[] = "fuzz-sniff";

#define HEAD_BYTES (64 * 1024)

static const char *const names[] = {
	"",
	"input",
	"strace.out.1234",
	"proc/1234/limits",
	"sub/dir/app.log.gz",
};

static int guard;

int
LLVMFuzzerInitialize(int *argc, char ***argv)
{
	const char *g = getenv("FUZZ_GUARD");

	(void)argc;
	(void)argv;
	guard = g != NULL && strcmp(g, "1") == 0;
	return 0;
}

/*
 * n bytes of data placed so that the byte after them is the first of a
 * PROT_NONE page.  *map and *maplen describe the mapping, for munmap().
 */
static char *
guarded_copy(const uint8_t *data, size_t n, void **map, size_t *maplen)
{
	size_t page = (size_t)sysconf(_SC_PAGESIZE);
	size_t body = (n + page - 1) / page * page;
	char *m;

	if (body == 0)
		body = page;
	m = mmap(NULL, body + page, PROT_READ | PROT_WRITE,
	    MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	if (m == MAP_FAILED || mprotect(m + body, page, PROT_NONE) != 0)
		abort();
	*map = m;
	*maplen = body + page;
	memcpy(m + body - n, data, n);
	return m + body - n;
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	size_t n = size < HEAD_BYTES ? size : HEAD_BYTES;
	size_t maplen = 0;
	void *map = NULL;
	char *head;

	if (guard)
		head = guarded_copy(data, n, &map, &maplen);
	else if ((head = malloc(n ? n : 1)) != NULL)
		memcpy(head, data, n);
	else
		abort();

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
	if (guard)
		munmap(map, maplen);
	else
		free(head);
	return 0;
}
