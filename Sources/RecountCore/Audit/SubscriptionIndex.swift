/// What the orders of one (account, provider, service_code) say about a charge at an instant
/// (DESIGN.md §4 and §5a "Second confirmation").
public enum SubscriptionStatus: Sendable, Equatable {
    /// No order at all: `no-subscription`.
    case none
    /// Orders exist, none validly confirmed at or before the charge: `unconfirmed-subscription`.
    case unconfirmed
    /// Every validly confirmed order was cancelled at or before the charge: `charged-after-cancellation`.
    case cancelled
    /// Some validly confirmed order was still active at the charge.
    case valid
}

/// Every value-added service order of the run, by (account, provider, service_code), loaded
/// whole before the charge stream starts and then shared read-only by the worker threads.
///
/// Compact for tens of millions of orders: keys are interned once in a byte arena
/// (`KeyInterner`), and orders are three flat `Int64` arrays grouped per key (24 bytes an order),
/// with no per-order object or `String`.
struct SubscriptionIndex: Sendable {
    /// Stands for an empty `confirmed_at` / `cancelled_at`: later than any charge.
    static let never = Int64.max

    private let keys: KeyInterner
    private let groups: KeyGroups
    private let orderedAt: [Int64]
    private let confirmedAt: [Int64]
    private let cancelledAt: [Int64]

    /// The order arrays must already be grouped by `groups`.
    fileprivate init(
        keys: KeyInterner, groups: KeyGroups, orderedAt: [Int64], confirmedAt: [Int64],
        cancelledAt: [Int64]
    ) {
        self.keys = keys
        self.groups = groups
        self.orderedAt = orderedAt
        self.confirmedAt = confirmedAt
        self.cancelledAt = cancelledAt
    }

    /// An index with no orders (a run without `--subscriptions`).
    init() { self = SubscriptionIndexBuilder().build() }

    var keyCount: Int { keys.count }
    var orderCount: Int { orderedAt.count }
    var bytes: Int { keys.bytes + groups.starts.count * 8 + orderedAt.count * 24 }

    /// The status of the account's orders for (provider, service_code) at `chargedAt`.
    ///
    /// A confirmation is valid when `ordered_at ≤ confirmed_at`,
    /// `minDelay ≤ confirmed_at − ordered_at ≤ window` and `confirmed_at ≤ chargedAt`, all bounds
    /// inclusive. An order placed after the charge still counts as an order (it can never be
    /// validly confirmed before the charge, so it makes the charge `unconfirmed`, not `none`).
    @inline(__always)
    func status(
        account: UnsafeRawBufferPointer, provider: UnsafeRawBufferPointer, serviceCode: UnsafeRawBufferPointer,
        chargedAt: Int64, window: Int64, minDelay: Int64
    ) -> SubscriptionStatus {
        guard let key = keys.find(KeyParts(account, provider, serviceCode)) else { return .none }
        var confirmed = false
        for order in groups.range(key) {
            let confirmation = confirmedAt[order]
            // `never` is checked first so the subtraction below cannot overflow.
            guard confirmation != Self.never, confirmation <= chargedAt else { continue }
            let ordered = orderedAt[order]
            guard ordered <= confirmation else { continue }
            let delay = confirmation - ordered
            guard delay >= minDelay, delay <= window else { continue }
            if cancelledAt[order] > chargedAt { return .valid }
            confirmed = true
        }
        return confirmed ? .cancelled : .unconfirmed
    }
}

/// Subscription rows of one chunk, copied out by a worker for the builder.
struct SubscriptionBatch: Sendable {
    var keys = KeyBatch()
    var orderedAt: [Int64] = []
    var confirmedAt: [Int64] = []
    var cancelledAt: [Int64] = []

    mutating func append(_ record: SubscriptionRecord) {
        keys.append(KeyParts(record.account, record.provider, record.serviceCode))
        orderedAt.append(record.orderedAt)
        confirmedAt.append(record.confirmedAt ?? SubscriptionIndex.never)
        cancelledAt.append(record.cancelledAt ?? SubscriptionIndex.never)
    }
}

/// Collects orders in any arrival order (the index's answers do not depend on it), then groups
/// them per key once in `build()`.
struct SubscriptionIndexBuilder {
    private var keys = KeyInterner()
    private var keyOf: [UInt32] = []
    private var orderedAt: [Int64] = []
    private var confirmedAt: [Int64] = []
    private var cancelledAt: [Int64] = []

    var orderCount: Int { keyOf.count }

    mutating func add(_ batch: SubscriptionBatch) {
        batch.keys.forEachKey { row, key in
            keyOf.append(UInt32(keys.intern(key)))
            orderedAt.append(batch.orderedAt[row])
            confirmedAt.append(batch.confirmedAt[row])
            cancelledAt.append(batch.cancelledAt[row])
        }
    }

    /// One order; nil `confirmedAt` = never confirmed, nil `cancelledAt` = still active.
    mutating func add(
        account: String, provider: String, serviceCode: String, orderedAt: Int64, confirmedAt: Int64?,
        cancelledAt: Int64?
    ) {
        var batch = SubscriptionBatch()
        FieldDecoder.withBytes(account) { account in
            FieldDecoder.withBytes(provider) { provider in
                FieldDecoder.withBytes(serviceCode) { serviceCode in
                    batch.keys.append(KeyParts(account, provider, serviceCode))
                }
            }
        }
        batch.orderedAt.append(orderedAt)
        batch.confirmedAt.append(confirmedAt ?? SubscriptionIndex.never)
        batch.cancelledAt.append(cancelledAt ?? SubscriptionIndex.never)
        add(batch)
    }

    /// Groups the orders per key. Each arrival-order array is dropped as soon as its grouped copy
    /// exists, so the peak is the arrival arrays plus one grouped array, not both sets.
    consuming func build() -> SubscriptionIndex {
        let groups = KeyGroups(keyOf: keyOf, keyCount: keys.count)
        let ordered = groups.scatter(orderedAt, keyOf: keyOf, filler: 0)
        orderedAt = []
        let confirmed = groups.scatter(confirmedAt, keyOf: keyOf, filler: 0)
        confirmedAt = []
        let cancelled = groups.scatter(cancelledAt, keyOf: keyOf, filler: 0)
        cancelledAt = []
        keyOf = []
        return SubscriptionIndex(
            keys: keys, groups: groups, orderedAt: ordered, confirmedAt: confirmed, cancelledAt: cancelled)
    }
}
