import ArgumentParser
import RecountCore
import Testing

@testable import recount

/// `recount generate --gzip`: ISA-L by default, zlib on request, anything else rejected (parsed
/// without spawning the binary).
@Suite struct GenerateOptionsTests {
    static func engine(_ extra: [String]) throws -> GzipEngine {
        let command = try Recount.parseAsRoot(["generate", "--out", "set"] + extra)
        return try #require(command as? GenerateCommand).options().gzipEngine
    }

    @Test func isalIsTheDefaultEngine() throws {
        #expect(try Self.engine([]) == .isal)
        #expect(try Self.engine(["--gzip", "isal"]) == .isal)
    }

    @Test func zlibOnRequest() throws {
        #expect(try Self.engine(["--gzip", "zlib"]) == .zlib)
    }

    /// `auto` (the libdeflate-or-zlib choice) is gone with libdeflate.
    @Test(arguments: ["auto", "libdeflate", ""])
    func otherEnginesAreRejected(name: String) {
        #expect(throws: (any Error).self) { try Recount.parseAsRoot(["generate", "--out", "set", "--gzip", name]) }
    }
}
