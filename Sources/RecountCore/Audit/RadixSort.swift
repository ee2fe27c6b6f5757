/// A value sorted by one or more 64-bit key words, read as one unsigned number (word 0 the most
/// significant).
protocol RadixSortable {
    static var radixWords: Int { get }
    func radixWord(_ index: Int) -> UInt64
}

/// A stable least-significant-digit radix sort, 16 bits a pass. The end of a run sorts millions
/// of claims and findings by integer keys whose high bits most items share (a handful of files, of
/// cycles, an account rank far below 2^32): one pass counts every digit, and a digit every item
/// has alike is skipped. A comparison sort took ~300 instructions an item.
enum RadixSort {
    /// Sorts in place, with one more array of the same size while it runs.
    static func sort<Item: RadixSortable>(_ items: inout [Item]) {
        guard items.count > 1 else { return }
        let digits = 4 * Item.radixWords
        var counts = [Int](repeating: 0, count: digits << 16)
        // Digit d is bits 16(d % 4)… of word `Item.radixWords - 1 - d / 4`: d = 0 is the least significant.
        @inline(__always)
        func digit(_ item: Item, _ d: Int) -> Int {
            Int(truncatingIfNeeded: item.radixWord(Item.radixWords - 1 - d / 4) >> UInt64(16 * (d % 4))) & 0xFFFF
        }
        counts.withUnsafeMutableBufferPointer { counts in
            for item in items {
                for d in 0..<digits { counts[d << 16 | digit(item, d)] += 1 }
            }
        }
        var target: [Item] = []
        for d in 0..<digits {
            let moved = counts.withUnsafeMutableBufferPointer { counts in
                let table = UnsafeMutableBufferPointer(rebasing: counts[(d << 16)..<((d + 1) << 16)])
                if table.contains(items.count) { return false }  // every item has this digit
                var total = 0
                for value in table.indices {
                    let count = table[value]
                    table[value] = total
                    total += count
                }
                if target.isEmpty { target = items }  // the second array, made on the first pass that moves
                items.withUnsafeBufferPointer { source in
                    target.withUnsafeMutableBufferPointer { target in
                        for item in source {
                            let value = digit(item, d)
                            target[table[value]] = item
                            table[value] += 1
                        }
                    }
                }
                return true
            }
            if moved { swap(&items, &target) }
        }
    }
}
