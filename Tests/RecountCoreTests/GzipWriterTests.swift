import Foundation
import Testing

@testable import RecountCore

/// `GzipWriter` on both engines: `gzip -dc` (an independent decoder) gives back exactly the input,
/// whatever its size relative to the 1 MiB block and however the writes are cut; the bytes are a
/// function of the input alone.
@Suite struct GzipWriterTests {
    static let block = GzipWriter.blockSize

    /// Sizes around the block edge, plus empty, one byte and several blocks.
    static let sizes = [0, 1, block - 1, block, block + 1, 3 * block + 12_345]

    /// CSV-like text (compresses ~3×) or random bytes (does not compress: deflate must store).
    static func input(count: Int, random: Bool) -> [UInt8] {
        var generator = SplitMix64(state: UInt64(count) &* 2 &+ (random ? 1 : 0))
        if random { return (0..<count).map { _ in UInt8(truncatingIfNeeded: generator.next()) } }
        var text: [UInt8] = []
        text.reserveCapacity(count + 100)
        var row = 0
        while text.count < count {
            let value = generator.next()
            text += Array("U\(row),A\(value % 10_000),voice,2026-10-01T08:00:\(value % 60),\(value % 997)\n".utf8)
            row += 1
        }
        return Array(text.prefix(count))
    }

    /// Writes `bytes` through a `GzipWriter` in writes of `writeSize` bytes (0: one write).
    static func compress(_ bytes: [UInt8], engine: GzipEngine, writeSize: Int = 0, in folder: TempFolder) throws
        -> String
    {
        let path = folder.path + "/out-\(UUID().uuidString).gz"
        let sink = try FileSink(path: path)
        let writer = try GzipWriter(sink: sink, engine: engine)
        try bytes.withUnsafeBytes { all in
            let step = writeSize > 0 ? writeSize : max(all.count, 1)
            var offset = 0
            while offset < all.count {
                let end = min(offset + step, all.count)
                try writer.write(UnsafeRawBufferPointer(rebasing: all[offset..<end]))
                offset = end
            }
        }
        try writer.finish()
        try sink.close()
        return path
    }

    static func contents(_ path: String) -> [UInt8] { Array(FileManager.default.contents(atPath: path) ?? Data()) }

    @Test(arguments: GzipEngine.allCases, sizes)
    func systemGzipReadsBackTheInput(engine: GzipEngine, count: Int) throws {
        let folder = TempFolder()
        for random in [false, true] {
            let data = Self.input(count: count, random: random)
            let path = try Self.compress(data, engine: engine, in: folder)
            let back = TestGzip.systemDecompress(path)
            // Compared as a Bool: a failure report should not print megabytes.
            let same = back == data
            #expect(back?.count == data.count, "\(engine) \(count) random: \(random)")
            #expect(same, "\(engine) \(count) random: \(random)")
        }
    }

    /// Recount's own reader (both inflaters) takes the multi-member ISA-L files whole.
    @Test(arguments: InflateEngine.allCases)
    func ownInflaterReadsIsalOutput(inflater: InflateEngine) throws {
        let folder = TempFolder()
        let data = Self.input(count: 2 * Self.block + 777, random: false)
        let path = try Self.compress(data, engine: .isal, in: folder)
        let same = try inflateWhole(path, engine: inflater) == data
        #expect(same)
    }

    /// The same input gives the same bytes: across runs and whatever the sizes of the writes
    /// (members are cut at fixed offsets of the input, not where a write happened to end).
    @Test(arguments: GzipEngine.allCases)
    func bytesDependOnTheInputAlone(engine: GzipEngine) throws {
        let folder = TempFolder()
        let data = Self.input(count: 2 * Self.block + 4321, random: false)
        let reference = Self.contents(try Self.compress(data, engine: engine, in: folder))
        #expect(reference.count > 20 && reference.count < data.count / 2)
        for writeSize in [0, 7, 4096, Self.block - 3, Self.block, Self.block + 5] {
            let again = Self.contents(try Self.compress(data, engine: engine, writeSize: writeSize, in: folder))
            let same = again == reference
            #expect(same, "write size \(writeSize)")
        }
    }

    /// ISA-L output is one member per 1 MiB block, each exactly what `IsalDeflater` makes of that
    /// block alone; headers carry MTIME 0 (bytes 4–7), so nothing depends on the clock.
    @Test(arguments: [0, 1, block, block + 1, 3 * block + 12_345, 4 * block, 9 * block + 777])
    func isalWritesOneMemberPerBlock(count: Int) throws {
        let folder = TempFolder()
        let data = Self.input(count: count, random: false)
        let path = try Self.compress(data, engine: .isal, writeSize: 1000, in: folder)
        let written = Self.contents(path)
        let deflater = try IsalDeflater(level: 1, path: "oracle")
        var expected: [UInt8] = []
        var memberSizes: [Int] = []
        var offset = 0
        repeat {
            let end = min(offset + Self.block, data.count)
            try data.withUnsafeBytes { all in
                let member = try deflater.member(UnsafeRawBufferPointer(rebasing: all[offset..<end]), path: "oracle")
                #expect(Array(member.prefix(10)) == [0x1f, 0x8b, 8, 0, 0, 0, 0, 0, 0, 0xff])
                expected += member
                memberSizes.append(member.count)
            }
            offset = end
        } while offset < data.count
        let same = written == expected
        #expect(written.count == expected.count)
        #expect(same)
        if !same {
            // Seen twice on 2026-11-30 and not reproduced in 70 runs after: say where and how the
            // bytes differ, and whether the file still decodes to the input.
            var start = 0
            for (index, size) in memberSizes.enumerated() {
                let end = min(start + size, written.count)
                if start >= written.count || Array(written[start..<end]) != Array(expected[start..<(start + size)]) {
                    let firstByte = zip(written[start...], expected[start...]).enumerated().first { $0.1.0 != $0.1.1 }
                    let at = firstByte.map { String($0.offset) } ?? "-"
                    let decodes = TestGzip.systemDecompress(path) == data
                    Issue.record(
                        "member \(index) of \(memberSizes.count) differs (oracle \(size) bytes, first difference at byte \(at) of it); the file decodes to the input: \(decodes)"
                    )
                    break
                }
                start += size
            }
        }
        // An empty input is one empty member (header, empty final block, trailer), still valid gzip.
        if count == 0 { #expect(written.count > 18 && written.count <= 24) }
    }

    @Test func invalidLevelIsATypedError() throws {
        let folder = TempFolder()
        let sink = try FileSink(path: folder.path + "/x.gz")
        let expected = OutputError.compression(
            path: folder.path + "/x.gz", reason: "ISA-L compression levels are 0 to 3, not 6")
        #expect(throws: expected) {
            _ = try GzipWriter(sink: sink, engine: .isal, level: 6)
        }
        let error = OutputError.compression(path: "f.gz", reason: "ISA-L compression levels are 0 to 3, not 6")
        #expect(error.description == "f.gz: gzip compression failed: ISA-L compression levels are 0 to 3, not 6")
    }

    /// Every ISA-L level writes valid gzip of the input.
    @Test(arguments: [Int32(0), 1, 2, 3])
    func everyIsalLevelRoundTrips(level: Int32) throws {
        let folder = TempFolder()
        let data = Self.input(count: Self.block + 99, random: false)
        let path = folder.path + "/level.gz"
        let sink = try FileSink(path: path)
        let writer = try GzipWriter(sink: sink, engine: .isal, level: level)
        try writer.write(data)
        try writer.finish()
        try sink.close()
        let same = TestGzip.systemDecompress(path) == data
        #expect(same)
    }
}
