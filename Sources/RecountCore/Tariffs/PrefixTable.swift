/// A digit trie over destination prefixes, answering "the longest prefix of this number that
/// has an acceptable rule" in one walk down the number's digits — fast with thousands of
/// prefixes, where a linear scan over rules would not be.
///
/// Each node may carry several rule indices (rules of different bands that list the same
/// prefix); the caller's `accept` picks among them (band coverage).
///
/// Layout: rating is bound by cache misses on the walk, so a node is one 48-byte record
/// (`[first entry, end entry, child 0 … child 9]`) and each level costs one cache line.
struct PrefixTable: Sendable {
    static let stride = 12

    /// Node `n` is `nodes[n * stride ..< (n + 1) * stride]`; child 0 (the root) means "none".
    private let nodes: [Int32]
    /// Rule indices; node `n`'s are `entries[nodes[n * stride] ..< nodes[n * stride + 1]]`, in rule order.
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
        var nodes: [Int32] = []
        nodes.reserveCapacity(nodeRules.count * Self.stride)
        var entries: [Int32] = []
        for (node, rules) in nodeRules.enumerated() {
            nodes.append(Int32(entries.count))
            entries.append(contentsOf: rules)
            nodes.append(Int32(entries.count))
            nodes.append(contentsOf: children[(node * 10)..<(node * 10 + 10)])
        }
        self.nodes = nodes
        self.entries = entries
    }

    /// The accepted rule at the deepest node on `key`'s path, or -1. Stops at the first byte
    /// that is not a digit (no prefix can continue past it).
    @inline(__always)
    func longestMatch(_ key: UnsafeRawBufferPointer, accept: (Int) -> Bool) -> Int {
        var best = -1
        var base = 0  // node * stride
        var index = 0
        while true {
            var entry = Int(nodes[base])
            let end = Int(nodes[base + 1])
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
            let child = Int(nodes[base + 2 + digit])
            if child == 0 { break }
            base = child * Self.stride
            index += 1
        }
        return best
    }
}
