#ifndef RECOUNT_CISAL_H
#define RECOUNT_CISAL_H

#include <stddef.h>
#include <stdint.h>

// A narrow view of ISA-L's igzip for Swift. `struct inflate_state` holds 64 KiB arrays that
// Swift would import as enormous tuples, so Swift sees only an opaque handle and these calls.

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

#endif
