/// How a voice call that crosses a band boundary is rated (DESIGN.md §3.1).
public enum BandRule: String, Sendable, CaseIterable {
    /// The whole call at the rule in force at its start.
    case start
    /// Piece by piece: cut at band boundaries and step offsets, each piece at its own rule.
    case split
}
