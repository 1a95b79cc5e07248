#ifndef EDDY_CRC64_H
#define EDDY_CRC64_H

#include <stddef.h>
#include <stdint.h>

/// Whether this machine can fold CRC-64/NVME with carry-less multiplication (x86-64 PCLMULQDQ).
int eddy_crc64nvme_can_fold(void);

/// Folds the whole 16-byte blocks of `bytes` into a 16-byte remainder with the same CRC-64/NVME
/// (from a register of 0) as `crc` followed by those blocks; returns how many bytes it consumed
/// (a multiple of 16; 0 when `count` is below 64 or the machine cannot fold). The caller runs its
/// table over `remainder` and then over the bytes left.
size_t eddy_crc64nvme_fold(uint64_t crc, const uint8_t *bytes, size_t count, uint8_t remainder[16]);

#endif
