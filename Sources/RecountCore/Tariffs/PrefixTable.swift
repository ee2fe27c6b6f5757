/// A digit trie over destination prefixes, answering "the longest prefix of this number that
/// has an acceptable rule" in one walk down the number's digits — fast with thousands of
/// prefixes, where a linear scan over rules would not be.
///
/// Each node may carry several rule indices (rules of different bands that list the same
/// prefix); the caller's `accept` picks among them (band coverage).
struct PrefixTable: Sendable {
    /// `children[node * 10 + digit]` = child node, 0 = none (the root, node 0, is never a child).
    private let children: [Int32]
    /// Rules at node `n` are `entries[entryStarts[n]..<entryStarts[n + 1]]`, in rule order.
    private let entryStarts: [Int32]
    private let entries: [Int32]

    /// `prefixes`: (digit prefix, rule index) pairs; prefixes hold only `0`–`9` (the loader checks).
    init(_ prefixes: [(prefix: String, rule: Int32)]) {
        var children = [Int32](repeating: 0, count: 10)
        var nodeRules: [[Int32]] = [[]]
        for (prefix, rule) in prefixes {
            var node = 0
            for byte in prefix.utf8 {
                let slot = node * 10 + Int(byte &- 48)
                if children[slot] == 0 {
                    children[slot] = Int32(nodeRules.count)
                    nodeRules.append([])
                    children.append(contentsOf: repeatElement(0, count: 10))
                }
                node = Int(children[slot])
            }
            if !nodeRules[node].contains(rule) { nodeRules[node].append(rule) }
        }
        var entryStarts: [Int32] = [0]
        var entries: [Int32] = []
        for rules in nodeRules {
            entries.append(contentsOf: rules)
            entryStarts.append(Int32(entries.count))
        }
        self.children = children
        self.entryStarts = entryStarts
        self.entries = entries
    }

    /// The accepted rule at the deepest node on `key`'s path, or -1. Stops at the first byte
    /// that is not a digit (no prefix can continue past it).
    @inline(__always)
    func longestMatch(_ key: UnsafeRawBufferPointer, accept: (Int) -> Bool) -> Int {
        var best = -1
        var node = 0
        var index = 0
        while true {
            // entryStarts has one more element than there are nodes: `node + 1` is in bounds.
            var entry = Int(entryStarts[node])
            let end = Int(entryStarts[node + 1])
            while entry < end {
                let rule = Int(entries[entry])
                if accept(rule) {
                    best = rule
                    break
                }
                entry += 1
            }
            if index == key.count { break }
            let digit = Int(key[index]) &- 48
            if digit < 0 || digit > 9 { break }
            let child = Int(children[node * 10 + digit])
            if child == 0 { break }
            node = child
            index += 1
        }
        return best
    }
}
