import CZlib

/// Decompressed bytes of one input file: gzip (recognised by its magic bytes `1f 8b`, never by
/// name) inflated with zlib, every member of a multi-member file in turn; anything else passed
/// through as it is.
///
/// A stream that ends early, corrupt data or bytes after the last member that are not another
/// member are errors naming the file and the compressed byte offset: a partial read is never
/// returned as if it were the whole file.
final class Inflater {
    let source: ByteSource
    let isGzip: Bool
    private let stream: UnsafeMutablePointer<z_stream>
    private let input: UnsafeMutableRawBufferPointer
    private var inputStart = 0
    private var inputEnd = 0
    private var sourceExhausted = false
    private var finished = false
    /// Decompressed bytes handed out so far.
    private(set) var produced = 0

    static let inputBlockSize = 1 << 18

    init(source: ByteSource) throws(InputError) {
        self.source = source
        input = .allocate(byteCount: Self.inputBlockSize, alignment: 64)
        stream = .allocate(capacity: 1)
        stream.initialize(to: z_stream())
        // Read until two bytes are known (or the file ends) to decide gzip vs plain.
        var isGzip = false
        do {
            while inputEnd < 2, !sourceExhausted {
                let count = try source.read(into: UnsafeMutableRawBufferPointer(rebasing: input[inputEnd...]))
                if count == 0 { sourceExhausted = true }
                inputEnd += count
            }
            isGzip = inputEnd >= 2 && input[0] == 0x1f && input[1] == 0x8b
        } catch {
            input.deallocate()
            stream.deallocate()
            throw error
        }
        self.isGzip = isGzip
        if isGzip {
            // 15 + 16: a gzip wrapper only; zlib checks the header, CRC-32 and length of each member.
            let status = inflateInit2_(stream, 15 + 16, ZLIB_VERSION, Int32(MemoryLayout<z_stream>.size))
            guard status == Z_OK else {
                // Every property is set, so deinit runs and frees the buffers (inflateEnd is safe here).
                throw .corruptGzip(file: source.path, compressedOffset: 0, reason: "zlib init failed (\(status))")
            }
        }
    }

    deinit {
        if isGzip { inflateEnd(stream) }
        stream.deallocate()
        input.deallocate()
    }

    /// Compressed offset of the next byte not yet consumed.
    private var compressedOffset: Int { source.offset - (inputEnd - inputStart) }

    private func refill() throws(InputError) {
        guard !sourceExhausted else { return }
        inputStart = 0
        inputEnd = try source.read(into: input)
        if inputEnd == 0 { sourceExhausted = true }
    }

    /// Fills `buffer` with the next decompressed bytes; returns 0 only at the verified end of the file.
    func read(into buffer: UnsafeMutableRawBufferPointer) throws(InputError) -> Int {
        guard !finished, buffer.count > 0 else { return 0 }
        let count = isGzip ? try inflateInto(buffer) : try copyInto(buffer)
        produced += count
        return count
    }

    private func copyInto(_ buffer: UnsafeMutableRawBufferPointer) throws(InputError) -> Int {
        if inputStart == inputEnd {
            // Large plain reads go straight into the caller's buffer: no copy.
            guard !sourceExhausted else {
                finished = true
                return 0
            }
            let count = try source.read(into: buffer)
            if count == 0 {
                sourceExhausted = true
                finished = true
            }
            return count
        }
        let count = min(buffer.count, inputEnd - inputStart)
        buffer.baseAddress!.copyMemory(from: input.baseAddress! + inputStart, byteCount: count)
        inputStart += count
        return count
    }

    /// Wraps zlib's `inflate`, resetting at each member end (`inflateReset`) so concatenated
    /// members read whole, and checking at end of input that the last member was complete.
    private func inflateInto(_ buffer: UnsafeMutableRawBufferPointer) throws(InputError) -> Int {
        var written = 0
        while written < buffer.count {
            if inputStart == inputEnd {
                try refill()
                if inputStart == inputEnd {
                    // End of file inside a member: the stream was cut short.
                    throw .truncatedGzip(file: source.path, compressedOffset: compressedOffset)
                }
            }
            stream.pointee.next_in = (input.baseAddress! + inputStart).assumingMemoryBound(to: Bytef.self)
            stream.pointee.avail_in = uInt(inputEnd - inputStart)
            stream.pointee.next_out = (buffer.baseAddress! + written).assumingMemoryBound(to: Bytef.self)
            stream.pointee.avail_out = uInt(buffer.count - written)
            let status = inflate(stream, Z_NO_FLUSH)
            let consumed = (inputEnd - inputStart) - Int(stream.pointee.avail_in)
            inputStart += consumed
            written = buffer.count - Int(stream.pointee.avail_out)
            switch status {
            case Z_OK:
                continue
            case Z_BUF_ERROR:
                // No progress was possible: zlib needs more input than this block holds.
                if inputStart == inputEnd { continue }
                throw .corruptGzip(file: source.path, compressedOffset: compressedOffset, reason: "inflate made no progress")
            case Z_STREAM_END:
                if try nextMemberFollows() {
                    inflateReset(stream)
                } else {
                    finished = true
                    return written
                }
            case Z_DATA_ERROR:
                let message = stream.pointee.msg.map { String(cString: $0) } ?? "invalid data"
                throw .corruptGzip(file: source.path, compressedOffset: compressedOffset, reason: message)
            case Z_NEED_DICT:
                throw .corruptGzip(file: source.path, compressedOffset: compressedOffset, reason: "needs a preset dictionary")
            case Z_MEM_ERROR:
                throw .readFailed(file: source.path, reason: "zlib is out of memory")
            default:
                throw .corruptGzip(file: source.path, compressedOffset: compressedOffset, reason: "zlib error \(status)")
            }
        }
        return written
    }

    /// After a member's end: true when another gzip member follows, false at end of file;
    /// anything else after the member is an error.
    private func nextMemberFollows() throws(InputError) -> Bool {
        if inputStart == inputEnd { try refill() }
        if inputStart == inputEnd { return false }
        if inputEnd - inputStart < 2 {
            // One byte left in this block: move it to the front and read the rest.
            input[0] = input[inputStart]
            inputStart = 0
            inputEnd = 1
            if !sourceExhausted {
                let count = try source.read(into: UnsafeMutableRawBufferPointer(rebasing: input[1...]))
                if count == 0 { sourceExhausted = true }
                inputEnd += count
            }
        }
        guard inputEnd - inputStart >= 2, input[inputStart] == 0x1f, input[inputStart + 1] == 0x8b else {
            throw .trailingGarbage(file: source.path, compressedOffset: compressedOffset)
        }
        return true
    }
}
