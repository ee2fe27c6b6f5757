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

// MARK: - Deflate

struct recount_isal_deflater {
    struct isal_zstream stream;
    int level;
    uint8_t *levelBuffer;
    size_t levelBufferSize;
    uint8_t *output;
    size_t outputCapacity;
};

static size_t recount_isal_level_buffer_size(int level) {
    switch (level) {
    case 0: return ISAL_DEF_LVL0_DEFAULT;
    case 1: return ISAL_DEF_LVL1_DEFAULT;
    case 2: return ISAL_DEF_LVL2_DEFAULT;
    case 3: return ISAL_DEF_LVL3_DEFAULT;
    default: return 0;
    }
}

recount_isal_deflater *recount_isal_deflater_create(int level) {
    if (level < ISAL_DEF_MIN_LEVEL || level > ISAL_DEF_MAX_LEVEL) return NULL;
    recount_isal_deflater *deflater = calloc(1, sizeof(recount_isal_deflater));
    if (deflater == NULL) return NULL;
    size_t levelBufferSize = recount_isal_level_buffer_size(level);
    if (levelBufferSize > 0) {
        deflater->levelBuffer = malloc(levelBufferSize);
        if (deflater->levelBuffer == NULL) {
            free(deflater);
            return NULL;
        }
    }
    deflater->level = level;
    deflater->levelBufferSize = levelBufferSize;
    return deflater;
}

void recount_isal_deflater_destroy(recount_isal_deflater *deflater) {
    if (deflater == NULL) return;
    free(deflater->levelBuffer);
    free(deflater->output);
    free(deflater);
}

/// Makes room for at least `needed` output bytes, keeping the bytes already written.
static int recount_isal_reserve(recount_isal_deflater *deflater, size_t needed) {
    if (needed <= deflater->outputCapacity) return 1;
    size_t capacity = deflater->outputCapacity * 2;
    if (capacity < needed) capacity = needed;
    uint8_t *output = realloc(deflater->output, capacity);
    if (output == NULL) return 0;
    deflater->output = output;
    deflater->outputCapacity = capacity;
    return 1;
}

int recount_isal_gzip_member(recount_isal_deflater *deflater, const uint8_t *input, size_t inputCount,
                             const uint8_t **member, size_t *memberCount) {
    // Deflate at level 1 rarely grows data by more than a few bytes per 64 KiB stored block; this
    // first guess is ample, and the loop below grows the buffer should it ever fill anyway.
    if (!recount_isal_reserve(deflater, inputCount + inputCount / 8 + 1024)) {
        return RECOUNT_ISAL_DEFLATE_OUT_OF_MEMORY;
    }
    // A fresh stream per member, every setting made again: igzip turns gzip_flag into
    // IGZIP_GZIP_NO_HDR once it has written a header (isal 2.30), so after isal_deflate_reset the
    // next member would come out without its header.
    struct isal_zstream *stream = &deflater->stream;
    isal_deflate_init(stream);
    stream->level = (uint32_t)deflater->level;
    stream->level_buf = deflater->levelBuffer;
    stream->level_buf_size = (uint32_t)deflater->levelBufferSize;
    // IGZIP_GZIP: igzip writes its generic header (1f 8b 08 00, MTIME 0, XFL 0, OS 255) and the
    // CRC-32 and ISIZE trailer itself.
    stream->gzip_flag = IGZIP_GZIP;
    stream->flush = NO_FLUSH;
    static const uint8_t nothing = 0;
    const uint8_t *next = inputCount > 0 ? input : &nothing;
    size_t remaining = inputCount;
    size_t used = 0;
    // avail_in is 32-bit: larger inputs go in as several pieces of one stream.
    const size_t piece = (size_t)1 << 30;
    stream->avail_in = 0;
    for (;;) {
        if (stream->avail_in == 0 && remaining > 0) {
            size_t count = remaining > piece ? piece : remaining;
            stream->next_in = (uint8_t *)next; // igzip never writes through next_in
            stream->avail_in = (uint32_t)count;
            next += count;
            remaining -= count;
        } else if (stream->avail_in == 0) {
            stream->next_in = (uint8_t *)next;
        }
        // The member ends only with the last input piece.
        stream->end_of_stream = remaining == 0;
        size_t room = deflater->outputCapacity - used;
        if (room > UINT32_MAX) room = UINT32_MAX;
        stream->next_out = deflater->output + used;
        stream->avail_out = (uint32_t)room;
        uint32_t availInBefore = stream->avail_in;
        int status = isal_deflate(stream);
        size_t produced = room - stream->avail_out;
        used += produced;
        if (status != COMP_OK) return status;
        if (stream->internal_state.state == ZSTATE_END) break;
        if (stream->avail_out == 0) {
            if (!recount_isal_reserve(deflater, deflater->outputCapacity + 1)) {
                return RECOUNT_ISAL_DEFLATE_OUT_OF_MEMORY;
            }
        } else if (produced == 0 && stream->avail_in == availInBefore && remaining == 0) {
            return RECOUNT_ISAL_DEFLATE_STALLED;
        }
    }
    *member = deflater->output;
    *memberCount = used;
    return 0;
}

const char *recount_isal_deflate_error_reason(int code) {
    switch (code) {
    case INVALID_FLUSH: return "invalid flush mode";
    case INVALID_PARAM: return "invalid parameter";
    case ISAL_INVALID_STATE: return "invalid deflate state";
    case ISAL_INVALID_LEVEL: return "invalid compression level (ISA-L takes 0 to 3)";
    case ISAL_INVALID_LEVEL_BUF: return "level buffer too small";
    case ISAL_INVALID_OPERATION: return "invalid operation";
    case RECOUNT_ISAL_DEFLATE_OUT_OF_MEMORY: return "out of memory for the compressed output";
    case RECOUNT_ISAL_DEFLATE_STALLED: return "isal_deflate made no progress";
    default: return "igzip deflate error";
    }
}
