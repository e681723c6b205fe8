/*
 * The main() of a harness built without libFuzzer: runs the harness once
 * over each file named on the command line (a directory: every regular
 * file below it), so `make check` replays the seed corpus and the
 * regression inputs with the ordinary test build's sanitizers.  Each
 * input's name goes to stderr before it runs, so a sanitizer report
 * follows the name of the input that caused it.
 *
 * Exit: 0 all ran (a harness that finds a fault aborts the process);
 * 2 a file could not be read.
 */
#include "fuzz.h"

#include <dirent.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

static long ran;

/* Reads path whole; NULL (with a message) if it cannot. */
static unsigned char *
slurp(const char *path, size_t *len)
{
	FILE *fp = fopen(path, "rb");
	unsigned char *b = NULL;
	size_t cap = 0, n = 0, got;

	if (fp == NULL) {
		fprintf(stderr, "replay: %s: %s\n", path, strerror(errno));
		return NULL;
	}
	do {
		if (n == cap) {
			unsigned char *nb;

			cap = cap ? cap * 2 : 65536;
			nb = realloc(b, cap);
			if (nb == NULL) {
				fprintf(stderr, "replay: %s: out of memory\n", path);
				free(b);
				fclose(fp);
				return NULL;
			}
			b = nb;
		}
		got = fread(b + n, 1, cap - n, fp);
		n += got;
	} while (got > 0);
	if (ferror(fp)) {
		fprintf(stderr, "replay: %s: read error\n", path);
		free(b);
		fclose(fp);
		return NULL;
	}
	fclose(fp);
	*len = n;
	return b;
}

static int replay_path(const char *path);

static int
cmp_names(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

/* Every entry of a directory, in name order, recursively. */
static int
replay_dir(const char *path)
{
	DIR *dp = opendir(path);
	struct dirent *de;
	char **v = NULL;
	size_t n = 0;
	int rc = 0;

	if (dp == NULL) {
		fprintf(stderr, "replay: %s: %s\n", path, strerror(errno));
		return 2;
	}
	while ((de = readdir(dp)) != NULL) {
		char **nv;

		if (de->d_name[0] == '.')
			continue;
		nv = realloc(v, (n + 1) * sizeof(*v));
		if (nv == NULL)
			abort();
		v = nv;
		v[n] = malloc(strlen(path) + strlen(de->d_name) + 2);
		if (v[n] == NULL)
			abort();
		sprintf(v[n], "%s/%s", path, de->d_name);
		n++;
	}
	closedir(dp);
	if (n > 1)
		qsort(v, n, sizeof(*v), cmp_names);
	for (size_t i = 0; i < n; i++) {
		int r = replay_path(v[i]);

		if (r > rc)
			rc = r;
		free(v[i]);
	}
	free(v);
	return rc;
}

static int
replay_path(const char *path)
{
	struct stat st;
	unsigned char *data;
	size_t len = 0;

	if (stat(path, &st) != 0) {
		fprintf(stderr, "replay: %s: %s\n", path, strerror(errno));
		return 2;
	}
	if (S_ISDIR(st.st_mode))
		return replay_dir(path);
	if (!S_ISREG(st.st_mode))
		return 0;
	data = slurp(path, &len);
	if (data == NULL)
		return 2;
	fprintf(stderr, "%s: %s (%zu bytes)\n", fuzz_harness_name, path, len);
	LLVMFuzzerTestOneInput(data, len);
	free(data);
	ran++;
	return 0;
}

int
main(int argc, char **argv)
{
	int rc = 0;

	LLVMFuzzerInitialize(&argc, &argv);
	for (int i = 1; i < argc; i++) {
		int r = replay_path(argv[i]);

		if (r > rc)
			rc = r;
	}
	printf("%s: %ld inputs replayed\n", fuzz_harness_name, ran);
	return rc;
}
