/// Shares one `PrefixTable` among plan versions whose rules list the same prefixes in the same
/// order (typically one international destination table reused by many plans).
///
/// Arrays are copy-on-write, so sharing costs nothing; what it saves is cache: rating random
/// records over many plans touches one trie instead of one per plan. Used while loading only.
final class PrefixTableCache {
    private struct Key: Hashable {
        let prefixes: [String]
        let rules: [Int32]
    }

    private var tables: [Key: PrefixTable] = [:]

    func table(_ pairs: [(prefix: String, rule: Int32)]) -> PrefixTable {
        let key = Key(prefixes: pairs.map(\.prefix), rules: pairs.map(\.rule))
        if let table = tables[key] { return table }
        let table = PrefixTable(pairs)
        tables[key] = table
        return table
    }
}
