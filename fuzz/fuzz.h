/*
 * The libFuzzer entry points, declared for the harnesses and for the
 * replay main (fuzz/replay.c) that runs them without libFuzzer.
 * See fuzz/README.md.
 */
#ifndef MKPM_FUZZ_H
#define MKPM_FUZZ_H

#include <stddef.h>
#include <stdint.h>

int LLVMFuzzerInitialize(int *argc, char ***argv);
int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

/* What the harness is, for the replay main's messages. */
extern const char fuzz_harness_name[];

/*
 * Reads every byte of s[0..n) so that AddressSanitizer reports a pointer
 * or length that does not describe readable memory, at the sink call
 * that received it rather than later inside SQLite.
 */
static inline void
fuzz_touch(const void *s, size_t n)
{
	const volatile unsigned char *p = s;
	unsigned char x = 0;

	for (size_t i = 0; i < n; i++)
		x ^= p[i];
	(void)x;
}

#endif
