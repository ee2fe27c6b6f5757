#include <zlib.h>
#include <stddef.h>

// glibc's memrchr is a GNU extension that Swift's Glibc module does not export; the line
// chunker uses it to find the last newline of a block without a byte loop.
void *memrchr(const void *s, int c, size_t n);
