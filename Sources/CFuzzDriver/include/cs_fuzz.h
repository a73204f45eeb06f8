#ifndef CS_FUZZ_H
#define CS_FUZZ_H
// The entry point of every fuzz executable (docs/fuzzing.md).
//
// In a libFuzzer build (-Xcc -DCS_LIBFUZZER, Swift code built with -sanitize=fuzzer) this is libFuzzer's
// own LLVMFuzzerRunDriver: the executable takes libFuzzer's flags and corpus directories. In a plain build
// driver.c provides a replay driver with the same signature instead: it calls the callback once per file
// named on the command line (directories: each regular file in them), so the same executable replays a
// corpus without sanitizers.
#include <stddef.h>
#include <stdint.h>

typedef int (*cs_fuzz_callback)(const uint8_t *data, size_t size);

int LLVMFuzzerRunDriver(int *argc, char ***argv, int (*callback)(const uint8_t *data, size_t size));

#endif
