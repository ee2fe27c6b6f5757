#include <zlib.h>
#include <stddef.h>

// glibc's memrchr is a GNU extension that Swift's Glibc module does not export; the line
// chunker uses it to find the last newline of a block without a byte loop.
void *memrchr(const void *s, int c, size_t n);

// renameat2 (glibc ≥ 2.28) swaps a finished report folder with the previous one atomically.
#include <fcntl.h>
#ifndef RENAME_EXCHANGE
#define RENAME_EXCHANGE (1 << 1)
#endif
int renameat2(int olddirfd, const char *oldpath, int newdirfd, const char *newpath, unsigned int flags);

// A cache prefetch hint: the duplicate index's probes are random reads of a table far larger
// than the caches; asking for the slot a few records ahead hides most of the miss latency.
static inline void recount_prefetch(const void *address) { __builtin_prefetch(address, 1, 1); }
