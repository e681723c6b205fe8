/*
 * errno names, their strerror text and the text Go prints for them
 * (syscall.Errno.Error(): strerror in lower case, mostly), so that an
 * application's "permission denied" meets strace's EACCES.
 */
#ifndef MKPM_ERRNOS_H
#define MKPM_ERRNOS_H

#include <stddef.h>

struct errno_info {
	const char *name;	/* "EACCES" */
	int num;		/* x86_64 Linux number */
	const char *text;	/* "Permission denied" (glibc strerror) */
};

/* The entry for a name, or NULL. */
const struct errno_info *errno_by_name(const char *name);
/*
 * The entry whose text matches s[0..n) ignoring case ("permission denied",
 * "Permission denied"), or NULL.
 */
const struct errno_info *errno_by_text(const char *s, size_t n);
/* The longest errno text that s starts with (case-insensitive), or NULL. */
const struct errno_info *errno_prefix(const char *s, size_t n);

#endif
