#ifndef RECOUNT_CBYTESCAN_H
#define RECOUNT_CBYTESCAN_H

#include <stdint.h>
#if defined(__SSE2__)
#include <emmintrin.h>
#endif

// Bitmaps of the CSV bytes that matter in 64 input bytes: bit i is byte i (little-endian order,
// as Swift's trailingZeroBitCount walks them). Swift has no portable "compare bytes → bitmask",
// so the scanner's hot loop takes it from here; `static inline`, so it is compiled into the
// caller and inlined.
typedef struct {
    uint64_t separators; // ',' or '\n'
    uint64_t newlines;   // '\n'
    uint64_t quotes;     // '"'
} recount_csv_masks;

static inline recount_csv_masks recount_csv_block_masks(const void *bytes) {
    recount_csv_masks masks = {0, 0, 0};
#if defined(__SSE2__)
    const __m128i comma = _mm_set1_epi8(',');
    const __m128i newline = _mm_set1_epi8('\n');
    const __m128i quote = _mm_set1_epi8('"');
    for (int lane = 0; lane < 4; lane++) {
        __m128i v = _mm_loadu_si128((const __m128i *)((const char *)bytes + 16 * lane));
        __m128i n = _mm_cmpeq_epi8(v, newline);
        uint64_t separators = (uint32_t)_mm_movemask_epi8(_mm_or_si128(_mm_cmpeq_epi8(v, comma), n));
        uint64_t newlines = (uint32_t)_mm_movemask_epi8(n);
        uint64_t quotes = (uint32_t)_mm_movemask_epi8(_mm_cmpeq_epi8(v, quote));
        masks.separators |= separators << (16 * lane);
        masks.newlines |= newlines << (16 * lane);
        masks.quotes |= quotes << (16 * lane);
    }
#else
    const unsigned char *p = (const unsigned char *)bytes;
    for (int i = 0; i < 64; i++) {
        uint64_t bit = (uint64_t)1 << i;
        if (p[i] == ',') masks.separators |= bit;
        if (p[i] == '\n') { masks.separators |= bit; masks.newlines |= bit; }
        if (p[i] == '"') masks.quotes |= bit;
    }
#endif
    return masks;
}

// A hint to load every cache line of the `count` bytes at `address` (`count` ≥ 1): the reports
// read the findings in report order, wherever the workers wrote them, and the loads of one row do
// not start until the row before is formatted. A finding is not line-aligned, so its 112 bytes
// can span three lines; the last is prefetched through its last byte.
static inline void recount_prefetch_range(const void *address, long count) {
    const char *first = (const char *)address;
    for (long offset = 0; offset < count; offset += 64) __builtin_prefetch(first + offset);
    __builtin_prefetch(first + count - 1);
}

#endif
