/// The expected charge of one usage record under the filed tariffs (DESIGN.md §3).
public enum Rating: Equatable, Sendable {
    /// Expected quantity in base units (seconds, messages, bytes) and the amount rounded once
    /// to the catalog's `amount_precision` with its `rounding`.
    case rated(quantity: Int64, amount: Money)
    /// No filed tariff applies (`unfiled-tariff`); `reason` is the report's `detail`,
    /// e.g. `plan P09 is not filed`. Built only on this (rare) path.
    case unfiled(reason: String)
    /// A tariff applies but the expected amount is beyond `Rater.maxExpected` (a call of
    /// trillions of seconds): not an amount Recount holds exactly, so the record cannot be
    /// audited and is rejected with `reason` — never judged on a made-up amount.
    case unrepresentable(reason: String)
}
