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
