#ifndef CS_SHA256_H
#define CS_SHA256_H

#include <stddef.h>
#include <stdint.h>

/// 1 when this CPU has the x86 SHA extensions (and the SSE4.1 they are used with), else 0.
int cs_sha256_hardware_available(void);

/// Compresses `blocks` 64-byte blocks of `data` into the SHA-256 state `state` (eight words, a..h),
/// with the SHA extensions and the round constants `k` (FIPS 180-4, kept in CSCore's SHA256). Only call
/// when cs_sha256_hardware_available() returned 1.
void cs_sha256_hardware_blocks(uint32_t state[8], const uint8_t *data, size_t blocks, const uint32_t k[64]);

#endif
