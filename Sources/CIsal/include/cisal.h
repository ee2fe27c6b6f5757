#ifndef RECOUNT_CISAL_H
#define RECOUNT_CISAL_H

#include <stddef.h>
#include <stdint.h>

// A narrow view of ISA-L's igzip for Swift. `struct inflate_state` and `struct isal_zstream` hold
// arrays of many KiB that Swift would import as enormous tuples, so Swift sees only opaque handles
// and these calls.

typedef struct recount_isal_inflater recount_isal_inflater;

/// What one step of inflate ended with.
enum {
    RECOUNT_ISAL_PROGRESS = 0,   // ran out of input or output space; call again
    RECOUNT_ISAL_MEMBER_END = 1, // a gzip member ended and its CRC-32 and length checked out
};

/// A decoder for gzip members (header, deflate body, CRC-32 and length trailer); NULL when out of memory.
recount_isal_inflater *recount_isal_inflater_create(void);
void recount_isal_inflater_destroy(recount_isal_inflater *inflater);
/// Ready for the next member.
void recount_isal_inflater_reset(recount_isal_inflater *inflater);

/// Inflates from `input` into `output`. Returns RECOUNT_ISAL_PROGRESS, RECOUNT_ISAL_MEMBER_END
/// or one of ISA-L's negative error codes; `consumed` and `produced` say how far it got. At a
/// member end the bytes after the member are not consumed.
int recount_isal_inflate(recount_isal_inflater *inflater, const uint8_t *input, size_t inputCount,
                         size_t *consumed, uint8_t *output, size_t outputCount, size_t *produced);

/// A readable reason for one of ISA-L's negative inflate codes.
const char *recount_isal_error_reason(int code);


typedef struct recount_isal_deflater recount_isal_deflater;

/// Our own deflate codes, beside ISA-L's negative ones (which run from -1 to -9).
enum {
    RECOUNT_ISAL_DEFLATE_OUT_OF_MEMORY = -101, // the output buffer could not grow
    RECOUNT_ISAL_DEFLATE_STALLED = -102,       // isal_deflate made no progress (never seen; a guard)
};

/// An encoder of whole gzip members at `level` (0 to 3; 1 is igzip's fast default). NULL when the
/// level is out of range or memory is short.
recount_isal_deflater *recount_isal_deflater_create(int level);
void recount_isal_deflater_destroy(recount_isal_deflater *deflater);

/// Compresses `input` into one complete gzip member: a 10-byte header (MTIME 0, no name, OS 255,
/// so equal input gives equal bytes), the deflate stream, and the CRC-32 and length trailer.
/// Returns 0 with `*member` and `*memberCount` set to the member, which lives in the deflater's
/// own buffer until the next call; or one of ISA-L's negative codes or the codes above.
int recount_isal_gzip_member(recount_isal_deflater *deflater, const uint8_t *input, size_t inputCount,
                             const uint8_t **member, size_t *memberCount);

/// A readable reason for a negative code of `recount_isal_gzip_member` or `_create`.
const char *recount_isal_deflate_error_reason(int code);

#endif
