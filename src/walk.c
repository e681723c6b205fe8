/*
 * Recursive, sorted bundle walk with lstat(): the only place that decides
 * what in a bundle is read.
 */
#include "walk.h"
#include "xmalloc.h"

#include <dirent.h>
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#define MAX_DEPTH 64

static void
add(struct walk *w, const char *rel, const char *abs, uint64_t size,
    const char *skip)
{
	if (w->n == w->cap) {
		w->cap = w->cap ? w->cap * 2 : 64;
		w->v = xrealloc(w->v, w->cap * sizeof(*w->v));
	}
	w->v[w->n].rel = xstrdup(rel);
	w->v[w->n].abs = xstrdup(abs);
	w->v[w->n].size = size;
	w->v[w->n].skip = skip;
	w->n++;
}

static int
cmp_names(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

static void
walk_dir(struct walk *w, const char *abs, const char *rel, int depth)
{
	DIR *d;
	struct dirent *de;
	char **names = NULL;
	size_t n = 0, cap = 0;

	if (depth > MAX_DEPTH) {
		add(w, rel, abs, 0, "directory nesting too deep; not entered");
		return;
	}
	d = opendir(abs);
	if (d == NULL) {
		add(w, rel, abs, 0, "directory cannot be read");
		return;
	}
	w->dirs++;
	while ((de = readdir(d)) != NULL) {
		if (strcmp(de->d_name, ".") == 0 || strcmp(de->d_name, "..") == 0)
			continue;
		if (n == cap) {
			cap = cap ? cap * 2 : 32;
			names = xrealloc(names, cap * sizeof(*names));
		}
		names[n++] = xstrdup(de->d_name);
	}
	closedir(d);
	if (n > 1)
		qsort(names, n, sizeof(*names), cmp_names);
	for (size_t i = 0; i < n; i++) {
		char *cabs = xasprintf("%s/%s", abs, names[i]);
		char *crel = *rel ? xasprintf("%s/%s", rel, names[i]) : xstrdup(names[i]);
		struct stat st;

		if (lstat(cabs, &st) != 0)
			add(w, crel, cabs, 0, "cannot be examined (lstat failed)");
		else if (S_ISDIR(st.st_mode))
			walk_dir(w, cabs, crel, depth + 1);
		else if (S_ISREG(st.st_mode))
			add(w, crel, cabs, (uint64_t)st.st_size, NULL);
		else if (S_ISLNK(st.st_mode))
			add(w, crel, cabs, 0, "symbolic link; not followed");
		else if (S_ISFIFO(st.st_mode))
			add(w, crel, cabs, 0, "FIFO; not opened");
		else if (S_ISSOCK(st.st_mode))
			add(w, crel, cabs, 0, "socket; not opened");
		else
			add(w, crel, cabs, 0, "device node; not opened");
		free(cabs);
		free(crel);
		free(names[i]);
	}
	free(names);
}

int
walk_bundle(const char *dir, struct walk *w, char **err)
{
	struct stat st;

	memset(w, 0, sizeof(*w));
	if (stat(dir, &st) != 0) {
		*err = xasprintf("%s: %s", dir, strerror(errno));
		return -1;
	}
	if (!S_ISDIR(st.st_mode)) {
		*err = xasprintf("%s: not a directory", dir);
		return -1;
	}
	{
		DIR *d = opendir(dir);

		if (d == NULL) {
			*err = xasprintf("%s: %s", dir, strerror(errno));
			return -1;
		}
		closedir(d);
	}
	walk_dir(w, dir, "", 0);
	return 0;
}

void
walk_free(struct walk *w)
{
	for (size_t i = 0; i < w->n; i++) {
		free(w->v[i].rel);
		free(w->v[i].abs);
	}
	free(w->v);
	memset(w, 0, sizeof(*w));
}
