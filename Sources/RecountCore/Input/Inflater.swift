import CIsal
import CZlib

/// Which DEFLATE decoder inflates gzip input. Both read the same files to the same bytes and
/// fail on the same files; they differ only in speed.
public enum InflateEngine: String, Sendable, CaseIterable, Codable {
    /// Intel's ISA-L igzip: about twice zlib's speed on x86-64 (SIMD Huffman decoding and CRC).
    case isal
    /// zlib: the reference decoder, and the floor `pigz -dc` measures.
    case zlib

    public static let standard: InflateEngine = .isal
}

/// Decompressed bytes of one input file: gzip (recognised by its magic bytes `1f 8b`, never by
/// name) inflated with the chosen engine, every member of a multi-member file in turn; anything
/// else passed through as it is.
///
/// A stream that ends early, corrupt data or bytes after the last member that are not another
/// member are errors naming the file and the compressed byte offset: a partial read is never
/// returned as if it were the whole file.
final class Inflater {
    let source: ByteSource
    let isGzip: Bool
    let engine: InflateEngine
    private let decoder: MemberDecoder?
    private let input: UnsafeMutableRawBufferPointer
    private var inputStart = 0
    private var inputEnd = 0
    private var sourceExhausted = false
    private var finished = false
    /// Decompressed bytes handed out so far.
    private(set) var produced = 0

    static let inputBlockSize = 1 << 18

    init(source: ByteSource, engine: InflateEngine = .standard) throws(InputError) {
        self.source = source
        self.engine = engine
        input = MappedMemory.allocate(byteCount: Self.inputBlockSize)
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
            MappedMemory.deallocate(input)
            throw error
        }
        self.isGzip = isGzip
        if isGzip {
            do {
                decoder = try MemberDecoder(engine: engine, file: source.path)
            } catch {
                MappedMemory.deallocate(input)
                throw error
            }
        } else {
            decoder = nil
        }
    }

    deinit {
        MappedMemory.deallocate(input)
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
        let count = if let decoder { try inflateInto(buffer, decoder) } else { try copyInto(buffer) }
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

    /// Runs the decoder, starting it afresh at each member end so concatenated members read
    /// whole, and checking at end of input that the last member was complete.
    private func inflateInto(_ buffer: UnsafeMutableRawBufferPointer, _ decoder: MemberDecoder) throws(InputError)
        -> Int
    {
        var written = 0
        while written < buffer.count {
            if inputStart == inputEnd { try refill() }
            let available = inputEnd - inputStart
            let step = decoder.step(
                input: UnsafeRawBufferPointer(rebasing: input[inputStart..<inputEnd]),
                output: UnsafeMutableRawBufferPointer(rebasing: buffer[written...]))
            inputStart += step.consumed
            written += step.produced
            switch step.outcome {
            case .progress:
                // With no input left and nothing produced, the member can never end: cut short.
                if available == 0, step.produced == 0 {
                    throw .truncatedGzip(file: source.path, compressedOffset: compressedOffset)
                }
                if step.consumed == 0, step.produced == 0, available > 0 {
                    throw .corruptGzip(
                        file: source.path, compressedOffset: compressedOffset, reason: "inflate made no progress")
                }
            case .memberEnd:
                if try nextMemberFollows() {
                    decoder.reset()
                } else {
                    finished = true
                    return written
                }
            case .failed(let reason):
                throw .corruptGzip(file: source.path, compressedOffset: compressedOffset, reason: reason)
            case .outOfMemory:
                throw .readFailed(file: source.path, reason: "\(engine.rawValue) is out of memory")
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

/// One gzip member decoder behind `Inflater`: zlib's or ISA-L's, with the same contract — parse
/// the header, inflate, verify the CRC-32 and length trailer, stop at the member's end without
/// consuming what follows.
private final class MemberDecoder {
    enum Outcome {
        /// Input used up or output full: call again with more of either.
        case progress
        /// The member ended and its trailer checked out.
        case memberEnd
        case failed(String)
        case outOfMemory
    }

    struct Step {
        var consumed: Int
        var produced: Int
        var outcome: Outcome
    }

    private enum Engine {
        case zlib(UnsafeMutablePointer<z_stream>)
        case isal(OpaquePointer)
    }

    private let engine: Engine

    init(engine: InflateEngine, file: String) throws(InputError) {
        switch engine {
        case .zlib:
            let stream = UnsafeMutablePointer<z_stream>.allocate(capacity: 1)
            stream.initialize(to: z_stream())
            // 15 + 16: a gzip wrapper only; zlib checks the header, CRC-32 and length of each member.
            let status = inflateInit2_(stream, 15 + 16, ZLIB_VERSION, Int32(MemoryLayout<z_stream>.size))
            guard status == Z_OK else {
                stream.deallocate()
                throw .corruptGzip(file: file, compressedOffset: 0, reason: "zlib init failed (\(status))")
            }
            self.engine = .zlib(stream)
        case .isal:
            guard let handle = recount_isal_inflater_create() else {
                throw .readFailed(file: file, reason: "isal is out of memory")
            }
            self.engine = .isal(handle)
        }
    }

    deinit {
        switch engine {
        case .zlib(let stream):
            inflateEnd(stream)
            stream.deallocate()
        case .isal(let handle):
            recount_isal_inflater_destroy(handle)
        }
    }

    func reset() {
        switch engine {
        case .zlib(let stream): inflateReset(stream)
        case .isal(let handle): recount_isal_inflater_reset(handle)
        }
    }

    func step(input: UnsafeRawBufferPointer, output: UnsafeMutableRawBufferPointer) -> Step {
        switch engine {
        case .zlib(let stream): return Self.zlibStep(stream, input, output)
        case .isal(let handle): return Self.isalStep(handle, input, output)
        }
    }

    private static func zlibStep(
        _ stream: UnsafeMutablePointer<z_stream>, _ input: UnsafeRawBufferPointer,
        _ output: UnsafeMutableRawBufferPointer
    ) -> Step {
        // zlib never writes through next_in; the mutable pointer is its API's spelling.
        stream.pointee.next_in = UnsafeMutablePointer(mutating: input.baseAddress?.assumingMemoryBound(to: Bytef.self))
        stream.pointee.avail_in = uInt(input.count)
        stream.pointee.next_out = output.baseAddress?.assumingMemoryBound(to: Bytef.self)
        stream.pointee.avail_out = uInt(output.count)
        let status = inflate(stream, Z_NO_FLUSH)
        var step = Step(
            consumed: input.count - Int(stream.pointee.avail_in),
            produced: output.count - Int(stream.pointee.avail_out), outcome: .progress)
        switch status {
        case Z_OK, Z_BUF_ERROR:
            // Z_BUF_ERROR: no progress possible with this input; the caller decides whether more comes.
            break
        case Z_STREAM_END:
            step.outcome = .memberEnd
        case Z_DATA_ERROR:
            step.outcome = .failed(stream.pointee.msg.map { String(cString: $0) } ?? "invalid data")
        case Z_NEED_DICT:
            step.outcome = .failed("needs a preset dictionary")
        case Z_MEM_ERROR:
            step.outcome = .outOfMemory
        default:
            step.outcome = .failed("zlib error \(status)")
        }
        return step
    }

    private static func isalStep(
        _ handle: OpaquePointer, _ input: UnsafeRawBufferPointer, _ output: UnsafeMutableRawBufferPointer
    ) -> Step {
        var consumed = 0
        var produced = 0
        let status = recount_isal_inflate(
            handle, input.baseAddress?.assumingMemoryBound(to: UInt8.self), input.count, &consumed,
            output.baseAddress?.assumingMemoryBound(to: UInt8.self), output.count, &produced)
        let outcome: Outcome =
            switch status {
            case Int32(RECOUNT_ISAL_PROGRESS): .progress
            case Int32(RECOUNT_ISAL_MEMBER_END): .memberEnd
            default: .failed(String(cString: recount_isal_error_reason(status)))
            }
        return Step(consumed: consumed, produced: produced, outcome: outcome)
    }
}
