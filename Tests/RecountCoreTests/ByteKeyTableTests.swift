import Testing

@testable import RecountCore

/// Plan ids and item codes are found by their record bytes: the short-key word path (1–8
/// bytes) and the byte path (longer keys) must both find exactly the keys the table holds.
@Suite struct ByteKeyTableTests {
    @Test(arguments: [1, 2, 3, 40, 300])
    func findsExactlyItsKeys(keyCount: Int) {
        var random = SeededRandom(seed: UInt64(keyCount))
        var keys: [String] = []
        var seen: Set<[UInt8]> = []
        while keys.count < keyCount {
            let length = 1 + Int(random.next() % 12)
            // Mostly ASCII letters and digits; now and then a NUL or a non-ASCII scalar.
            let key = String(
                (0..<length).map { _ -> Character in
                    switch random.next() % 20 {
                    case 0: return "\u{0}"
                    case 1: return "é"
                    default: return Character(UnicodeScalar(UInt8(48 + random.next() % 43)))
                    }
                })
            if seen.insert(Array(key.utf8)).inserted { keys.append(key) }
        }
        let table = ByteKeyTable(keys: keys)
        let indexOf = Dictionary(uniqueKeysWithValues: keys.enumerated().map { (Array($1.utf8), $0) })
        func find(_ bytes: [UInt8]) -> Int? { bytes.withUnsafeBytes { table.find($0) } }
        for (index, key) in keys.enumerated() {
            let bytes = Array(key.utf8)
            #expect(find(bytes) == index, "\(bytes)")
            // Near misses: each byte changed, a byte more (NUL or a letter), a byte less.
            var probes: [[UInt8]] = [bytes + [0], bytes + [65], Array(bytes.dropLast()), Array(bytes.dropFirst())]
            for position in bytes.indices {
                var changed = bytes
                changed[position] ^= 1 << UInt8(random.next() % 8)
                probes.append(changed)
            }
            for probe in probes { #expect(find(probe) == indexOf[probe], "\(probe)") }
        }
        #expect(find([]) == nil)
    }
}
