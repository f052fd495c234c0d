/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * main() of a harness built without libFuzzer (the ordinary gcc build): each
 * argument is a file, or a directory whose files are taken in name order,
 * given once to LLVMFuzzerTestOneInput. The unit suite replays the seed
 * corpora and every crash input kept under tests/fuzz/regressions/ this way,
 * so a fixed crash stays fixed without clang. A crash or a sanitizer report
 * fails the run; an unreadable path too.
 */
#include <dirent.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);
int LLVMFuzzerInitialize(int *argc, char ***argv) __attribute__((weak));

static int replay_file(const char *path)
{
	FILE *f = fopen(path, "rb");
	if (f == NULL) {
		perror(path);
		return -1;
	}
	uint8_t *buf = malloc(1 << 20);
	size_t n = buf == NULL ? 0 : fread(buf, 1, 1 << 20, f);
	fclose(f);
	if (buf == NULL)
		return -1;
	/* An exact-size copy: a read one byte past the input is an ASan error. */
	uint8_t *exact = malloc(n != 0 ? n : 1);
	if (exact == NULL) {
		free(buf);
		return -1;
	}
	memcpy(exact, buf, n);
	free(buf);
	LLVMFuzzerTestOneInput(exact, n);
	free(exact);
	return 0;
}

static int name_cmp(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

static int replay_dir(const char *dir, unsigned *count)
{
	DIR *d = opendir(dir);
	char *names[4096];
	unsigned n = 0;
	int ret = 0;

	if (d == NULL) {
		perror(dir);
		return -1;
	}
	for (struct dirent *de = readdir(d); de != NULL && n < 4096; de = readdir(d))
		if (de->d_name[0] != '.')
			names[n++] = strdup(de->d_name);
	closedir(d);
	qsort(names, n, sizeof(names[0]), name_cmp);
	for (unsigned i = 0; i < n; i++) {
		char path[4096];
		snprintf(path, sizeof(path), "%s/%s", dir, names[i]);
		if (ret == 0 && replay_file(path) < 0)
			ret = -1;
		else if (ret == 0)
			(*count)++;
		free(names[i]);
	}
	return ret;
}

int main(int argc, char **argv)
{
	unsigned count = 0;

	if (LLVMFuzzerInitialize != NULL)
		LLVMFuzzerInitialize(&argc, &argv);
	for (int i = 1; i < argc; i++) {
		struct stat st;
		if (stat(argv[i], &st) < 0) {
			perror(argv[i]);
			return 1;
		}
		int ret = S_ISDIR(st.st_mode) ? replay_dir(argv[i], &count) : replay_file(argv[i]);
		if (ret < 0)
			return 1;
		if (!S_ISDIR(st.st_mode))
			count++;
	}
	printf("replayed %u inputs\n", count);
	return count == 0 ? 1 : 0;
}
