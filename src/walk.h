/*
 * Walking a bundle: every entry below the bundle directory, sorted by
 * path so runs are deterministic.  Nothing is followed out of the bundle:
 * directory symlinks are never followed, and a file symlink is listed as
 * skipped whether it points inside (the target is analysed itself) or
 * outside (not ours to read).  FIFOs, sockets and devices are listed as
 * skipped and never opened.
 *
 * Ownership: walk_free() releases the list and every string in it.
 */
#ifndef MKPM_WALK_H
#define MKPM_WALK_H

#include <stddef.h>
#include <stdint.h>

struct walk_entry {
	char *rel;		/* path relative to the bundle */
	char *abs;		/* path to open */
	uint64_t size;
	const char *skip;	/* static reason when not to be read, else NULL */
};

struct walk {
	struct walk_entry *v;
	size_t n, cap;
	long dirs;
};

/* 0, or -1 with *err (allocated) when the bundle itself cannot be read. */
int walk_bundle(const char *dir, struct walk *w, char **err);
void walk_free(struct walk *w);

#endif
