// CRC-64/NVME by carry-less multiplication, the method of Intel's "Fast CRC Computation for
// Generic Polynomials Using PCLMULQDQ" applied to the reflected polynomial: four 128-bit lanes
// fold 64 bytes a step, then fold into one, and the caller's table finishes the last 16 bytes.
// S3 computes this checksum of every upload, so it must cost far less than the MD5 beside it.
//
// The constants are x^k mod P for P = 0x1AD93D23594C93659, bit-reflected: folding a lane by
// 128*n bits multiplies its first half by x^(128n+63) mod P and its second by x^(128n-1) mod P
// (one less than the shift, since the product of two reflected 64-bit values lands one bit low).

#include "eddy_crc64.h"
#include <string.h>

#if defined(__x86_64__)
#include <immintrin.h>

int eddy_crc64nvme_can_fold(void) {
    return __builtin_cpu_supports("pclmul") && __builtin_cpu_supports("sse4.1");
}

__attribute__((target("pclmul,sse4.1")))
static inline __m128i fold(__m128i lane, __m128i constants, __m128i next) {
    __m128i first = _mm_clmulepi64_si128(lane, constants, 0x00);
    __m128i second = _mm_clmulepi64_si128(lane, constants, 0x11);
    return _mm_xor_si128(_mm_xor_si128(first, second), next);
}

__attribute__((target("pclmul,sse4.1")))
size_t eddy_crc64nvme_fold(uint64_t crc, const uint8_t *bytes, size_t count, uint8_t remainder[16]) {
    if (count < 64) return 0;
    // _mm_set_epi64x takes the high half first.
    const __m128i by128 = _mm_set_epi64x((long long)0x21e9761e252621acULL, (long long)0xeadc41fd2ba3d420ULL);
    const __m128i by512 = _mm_set_epi64x((long long)0x62242240ace5045aULL, (long long)0x0c32cdb31e18a84aULL);
    __m128i a = _mm_loadu_si128((const __m128i *)bytes);
    __m128i b = _mm_loadu_si128((const __m128i *)(bytes + 16));
    __m128i c = _mm_loadu_si128((const __m128i *)(bytes + 32));
    __m128i d = _mm_loadu_si128((const __m128i *)(bytes + 48));
    a = _mm_xor_si128(a, _mm_set_epi64x(0, (long long)crc));
    size_t done = 64;
    while (count - done >= 64) {
        const uint8_t *p = bytes + done;
        a = fold(a, by512, _mm_loadu_si128((const __m128i *)p));
        b = fold(b, by512, _mm_loadu_si128((const __m128i *)(p + 16)));
        c = fold(c, by512, _mm_loadu_si128((const __m128i *)(p + 32)));
        d = fold(d, by512, _mm_loadu_si128((const __m128i *)(p + 48)));
        done += 64;
    }
    __m128i x = fold(a, by128, b);
    x = fold(x, by128, c);
    x = fold(x, by128, d);
    while (count - done >= 16) {
        x = fold(x, by128, _mm_loadu_si128((const __m128i *)(bytes + done)));
        done += 16;
    }
    _mm_storeu_si128((__m128i *)remainder, x);
    return done;
}

#else

int eddy_crc64nvme_can_fold(void) { return 0; }

size_t eddy_crc64nvme_fold(uint64_t crc, const uint8_t *bytes, size_t count, uint8_t remainder[16]) {
    (void)crc; (void)bytes; (void)count; (void)remainder;
    return 0;
}

#endif
