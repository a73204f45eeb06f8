// Replay driver for builds without libFuzzer; see include/cs_fuzz.h.
#include "cs_fuzz.h"

#ifndef CS_LIBFUZZER
#include <dirent.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

// Reads a whole file; NULL (with a message) when it cannot.
static uint8_t *read_file(const char *path, size_t *size) {
    FILE *f = fopen(path, "rb");
    if (!f) { fprintf(stderr, "fuzz replay: %s: %s\n", path, strerror(errno)); return NULL; }
    size_t cap = 4096, n = 0;
    uint8_t *buf = malloc(cap);
    for (;;) {
        if (n == cap) { cap *= 2; buf = realloc(buf, cap); }
        size_t got = fread(buf + n, 1, cap - n, f);
        if (got == 0) break;
        n += got;
    }
    int failed = ferror(f);
    fclose(f);
    if (failed) { fprintf(stderr, "fuzz replay: %s: read error\n", path); free(buf); return NULL; }
    *size = n;
    return buf;
}

static int run_file(const char *path, cs_fuzz_callback callback, int *count) {
    size_t size = 0;
    uint8_t *data = read_file(path, &size);
    if (!data) return 1;
    // The callback traps on a finding; name the input first so the report says which one.
    fprintf(stderr, "fuzz replay: %s\n", path);
    callback(data, size);
    free(data);
    (*count)++;
    return 0;
}

static int compare_names(const void *a, const void *b) {
    return strcmp(*(char *const *)a, *(char *const *)b);
}

// A directory's regular files, in name order (a replay is then the same on every machine).
static int run_directory(const char *dir, cs_fuzz_callback callback, int *count) {
    DIR *d = opendir(dir);
    if (!d) { fprintf(stderr, "fuzz replay: %s: %s\n", dir, strerror(errno)); return 1; }
    char **paths = NULL;
    size_t n = 0, cap = 0;
    struct dirent *e;
    while ((e = readdir(d)) != NULL) {
        if (e->d_name[0] == '.') continue;
        size_t len = strlen(dir) + strlen(e->d_name) + 2;
        char *path = malloc(len);
        snprintf(path, len, "%s/%s", dir, e->d_name);
        struct stat st;
        if (stat(path, &st) != 0 || !S_ISREG(st.st_mode)) { free(path); continue; }
        if (n == cap) { cap = cap ? cap * 2 : 64; paths = realloc(paths, cap * sizeof *paths); }
        paths[n++] = path;
    }
    closedir(d);
    qsort(paths, n, sizeof *paths, compare_names);
    int failures = 0;
    for (size_t i = 0; i < n; i++) { failures += run_file(paths[i], callback, count); free(paths[i]); }
    free(paths);
    return failures;
}

int LLVMFuzzerRunDriver(int *argc, char ***argv, int (*callback)(const uint8_t *data, size_t size)) {
    int count = 0, failures = 0, named = 0;
    for (int i = 1; i < *argc; i++) {
        const char *arg = (*argv)[i];
        if (arg[0] == '-') continue;   // libFuzzer flags mean nothing here
        named++;
        struct stat st;
        if (stat(arg, &st) == 0 && S_ISDIR(st.st_mode)) failures += run_directory(arg, callback, &count);
        else failures += run_file(arg, callback, &count);
    }
    if (named == 0) {
        fprintf(stderr, "usage: %s FILE|DIR... (replays inputs; build with libFuzzer to fuzz, see docs/fuzzing.md)\n", (*argv)[0]);
        return 64;
    }
    fprintf(stderr, "fuzz replay: %d inputs, no findings\n", count);
    return failures ? 1 : 0;
}
#endif
