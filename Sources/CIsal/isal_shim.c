#include "cisal.h"

#include <isa-l/igzip_lib.h>
#include <stdlib.h>

struct recount_isal_inflater {
    struct inflate_state state;
    // Header bytes of the current member seen so far, up to FLG (the fourth): igzip ignores
    // FLG's reserved bits, which RFC 1952 says a decoder must reject (zlib does).
    size_t headerSeen;
};

// Our own code for a set reserved FLG bit; ISA-L's codes run from -1 to -9.
#define RECOUNT_ISAL_RESERVED_FLAGS (-100)

recount_isal_inflater *recount_isal_inflater_create(void) {
    recount_isal_inflater *inflater = malloc(sizeof(recount_isal_inflater));
    if (inflater != NULL) recount_isal_inflater_reset(inflater);
    return inflater;
}

void recount_isal_inflater_destroy(recount_isal_inflater *inflater) { free(inflater); }

void recount_isal_inflater_reset(recount_isal_inflater *inflater) {
    isal_inflate_init(&inflater->state);
    inflater->headerSeen = 0;
    // ISAL_GZIP: igzip parses the member's header and verifies its CRC-32 and length trailer.
    inflater->state.crc_flag = ISAL_GZIP;
}

int recount_isal_inflate(recount_isal_inflater *inflater, const uint8_t *input, size_t inputCount,
                         size_t *consumed, uint8_t *output, size_t outputCount, size_t *produced) {
    struct inflate_state *state = &inflater->state;
    if (inflater->headerSeen < 4) {
        size_t needed = 4 - inflater->headerSeen;
        if (inputCount >= needed) {
            inflater->headerSeen = 4;
            if (input[needed - 1] & 0xe0) {
                *consumed = needed;
                *produced = 0;
                return RECOUNT_ISAL_RESERVED_FLAGS;
            }
        } else {
            inflater->headerSeen += inputCount;
        }
    }
    // Callers pass blocks far below 4 GiB; clamp anyway so a huge buffer cannot wrap.
    uint32_t availIn = inputCount > UINT32_MAX ? UINT32_MAX : (uint32_t)inputCount;
    uint32_t availOut = outputCount > UINT32_MAX ? UINT32_MAX : (uint32_t)outputCount;
    state->next_in = (uint8_t *)input;
    state->avail_in = availIn;
    state->next_out = output;
    state->avail_out = availOut;
    int status = isal_inflate(state);
    *consumed = availIn - state->avail_in;
    *produced = availOut - state->avail_out;
    if (status < 0) return status;
    return state->block_state == ISAL_BLOCK_FINISH ? RECOUNT_ISAL_MEMBER_END : RECOUNT_ISAL_PROGRESS;
}

const char *recount_isal_error_reason(int code) {
    switch (code) {
    case ISAL_INVALID_BLOCK: return "invalid deflate block";
    case ISAL_INVALID_SYMBOL: return "invalid deflate symbol";
    case ISAL_INVALID_LOOKBACK: return "invalid back-reference distance";
    case ISAL_INVALID_WRAPPER: return "invalid gzip header";
    case ISAL_UNSUPPORTED_METHOD: return "unsupported compression method";
    case ISAL_INCORRECT_CHECKSUM: return "CRC-32 or length check failed";
    case ISAL_NEED_DICT: return "needs a preset dictionary";
    case RECOUNT_ISAL_RESERVED_FLAGS: return "reserved gzip header flag set";
    default: return "igzip error";
    }
}
