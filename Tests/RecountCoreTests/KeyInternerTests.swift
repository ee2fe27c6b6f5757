import Testing

@testable import RecountCore

/// The subscription index's and provider registry's key table against a dictionary: keys
/// numbered in first-seen order, through many doublings of the table (re-placed from their
/// tags), whether interned one by one or a batch at a time (hashes from the batch, slots asked
/// for ahead).
@Suite struct KeyInternerTests {
    /// 150,000 keys drawn from 60,000 distinct ones (so most repeat), with parts that only
    /// differ in where one ends and the next begins, and empty parts.
    static func keys() -> [[String]] {
        var random = SeededRandom(seed: 5)
        return (0..<150_000).map { _ in
            let n = random.next() % 60_000
            switch n % 4 {
            case 0: return ["A\(n)", "P\(n % 7)", "S"]
            case 1: return ["A\(n / 10)", "\(n % 10)P", ""]  // ("A12", "3P") vs ("A1", "23P") below
            case 2: return ["A\(n / 100)", "\(n % 100)P", ""]
            default: return ["", "", "\(n)"]
            }
        }
    }

    static func withParts<T>(_ key: [String], _ body: (KeyParts) -> T) -> T {
        FieldDecoder.withBytes(key[0]) { a in
            FieldDecoder.withBytes(key[1]) { b in FieldDecoder.withBytes(key[2]) { c in body(KeyParts(a, b, c)) } }
        }
    }

    @Test func numbersKeysInFirstSeenOrderThroughEveryDoubling() {
        let keys = Self.keys()
        var oracle: [[String]: Int] = [:]
        let expected = keys.map { key in
            if let number = oracle[key] { return number }
            oracle[key] = oracle.count
            return oracle.count - 1
        }
        #expect(oracle.count > 40_000)

        var single = KeyInterner()
        let one = keys.map { key in Self.withParts(key) { single.intern($0) } }
        #expect(one == expected)

        var batched = KeyInterner()
        var numbers: [Int] = []
        for start in stride(from: 0, to: keys.count, by: 7_001) {
            var batch = KeyBatch()
            for key in keys[start..<min(start + 7_001, keys.count)] { Self.withParts(key) { batch.append($0) } }
            var rows: [Int] = []
            batched.intern(batch) { row, number in
                rows.append(row)
                numbers.append(number)
            }
            #expect(rows == Array(0..<batch.count))
        }
        #expect(numbers == expected)
        #expect(batched.count == oracle.count)

        // Every key is found under its number, and reads back as its parts; absent keys are not found.
        for (key, number) in oracle.prefix(5_000) {
            #expect(Self.withParts(key) { batched.find($0) } == number)
            let parts = batched.withKey(number) { parts in
                [parts.first, parts.second, parts.third].map { String(decoding: $0, as: UTF8.self) }
            }
            #expect(parts == key)
        }
        #expect(Self.withParts(["A1", "23P", "x"]) { batched.find($0) } == nil)
        #expect(Self.withParts(["nobody", "", ""]) { batched.find($0) } == nil)
    }
}
