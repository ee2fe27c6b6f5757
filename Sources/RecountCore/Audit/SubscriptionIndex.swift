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
/// (`KeyInterner`), and of the orders only what a charge needs is kept, in two flat `Int64`
/// arrays grouped per key (16 bytes a validly confirmed order), with no per-order object or
/// `String`. A confirmation's validity (DESIGN.md §5a) depends on the order alone, given the
/// catalog's window and minimum delay, so it is decided once, when the index is built: a
/// charge then takes a binary search among its key's valid orders instead of reading every
/// order of the key (100k orders × 100k charges of one key took 11 s).
struct SubscriptionIndex: Sendable {
    /// Stands for an empty `confirmed_at` / `cancelled_at`: later than any charge.
    static let never = Int64.max

    private let keys: KeyInterner
    /// Per key, its validly confirmed orders.
    private let groups: KeyGroups
    /// Within a key's group, the confirmation instants, ascending.
    private let confirmations: [Int64]
    /// Within a key's group, the latest `cancelled_at` of the orders confirmed up to here: an
    /// order confirmed by a charge is still active at it exactly when this exceeds the charge.
    private let activeUntil: [Int64]
    let orderCount: Int

    fileprivate init(
        keys: KeyInterner, groups: KeyGroups, confirmations: [Int64], activeUntil: [Int64], orderCount: Int
    ) {
        self.keys = keys
        self.groups = groups
        self.confirmations = confirmations
        self.activeUntil = activeUntil
        self.orderCount = orderCount
    }

    /// An index with no orders (a run without `--subscriptions`).
    init() { self = SubscriptionIndexBuilder().build(window: 0, minDelay: 0) }

    var keyCount: Int { keys.count }
    var bytes: Int { keys.bytes + groups.starts.count * 8 + confirmations.count * 16 }

    /// The status of the account's orders for (provider, service_code) at `chargedAt`, under
    /// the window and minimum delay the index was built with.
    ///
    /// A confirmation is valid when `ordered_at ≤ confirmed_at`,
    /// `minDelay ≤ confirmed_at − ordered_at ≤ window` and `confirmed_at ≤ chargedAt`, all bounds
    /// inclusive. An order placed after the charge still counts as an order (it can never be
    /// validly confirmed before the charge, so it makes the charge `unconfirmed`, not `none`).
    @inline(__always)
    func status(
        account: UnsafeRawBufferPointer, provider: UnsafeRawBufferPointer, serviceCode: UnsafeRawBufferPointer,
        chargedAt: Int64
    ) -> SubscriptionStatus {
        guard let key = keys.find(KeyParts(account, provider, serviceCode)) else { return .none }
        let valid = groups.range(key)
        // The valid orders confirmed at or before the charge: a prefix of the group.
        var low = valid.lowerBound
        var high = valid.upperBound
        while low < high {
            let middle = (low + high) >> 1
            if confirmations[middle] <= chargedAt { low = middle + 1 } else { high = middle }
        }
        guard low > valid.lowerBound else { return .unconfirmed }
        return activeUntil[low - 1] > chargedAt ? .valid : .cancelled
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
        keys.intern(batch.keys) { row, number in
            keyOf.append(UInt32(number))
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

    /// Keeps the validly confirmed orders (confirmed `minDelay…window` seconds after the order,
    /// bounds inclusive), grouped per key and sorted by confirmation, with the latest
    /// cancellation so far at each. The valid orders are moved to the front of the arrival
    /// arrays in place and each arrival array is dropped as soon as its grouped copy exists, so
    /// the peak stays the arrival arrays plus one grouped array.
    consuming func build(window: Int64, minDelay: Int64) -> SubscriptionIndex {
        let orderCount = keyOf.count
        var kept = 0
        for order in keyOf.indices {
            let confirmation = confirmedAt[order]
            // `never` is checked first so the subtraction below cannot overflow.
            guard confirmation != SubscriptionIndex.never, orderedAt[order] <= confirmation else { continue }
            let delay = confirmation - orderedAt[order]
            guard delay >= minDelay, delay <= window else { continue }
            keyOf[kept] = keyOf[order]
            confirmedAt[kept] = confirmation
            cancelledAt[kept] = cancelledAt[order]
            kept += 1
        }
        orderedAt = []
        keyOf.removeSubrange(kept...)
        confirmedAt.removeSubrange(kept...)
        cancelledAt.removeSubrange(kept...)
        let groups = KeyGroups(keyOf: keyOf, keyCount: keys.count)
        var confirmations = groups.scatter(confirmedAt, keyOf: keyOf, filler: 0)
        confirmedAt = []
        var activeUntil = groups.scatter(cancelledAt, keyOf: keyOf, filler: 0)
        cancelledAt = []
        keyOf = []
        for key in 0..<keys.count {
            let range = groups.range(key)
            Self.sortByConfirmation(&confirmations, &activeUntil, range)
            for index in range.dropFirst() { activeUntil[index] = max(activeUntil[index], activeUntil[index - 1]) }
        }
        return SubscriptionIndex(
            keys: keys, groups: groups, confirmations: confirmations, activeUntil: activeUntil, orderCount: orderCount)
    }

    /// Sorts one key's (confirmation, cancellation) pairs by confirmation: in place for the
    /// usual handful (no allocation per key), through a sorted copy for a long group.
    private static func sortByConfirmation(
        _ confirmations: inout [Int64], _ cancellations: inout [Int64], _ range: Range<Int>
    ) {
        guard range.count > 1 else { return }
        if range.count > 32 {
            let sorted = zip(confirmations[range], cancellations[range]).sorted { $0 < $1 }
            confirmations.replaceSubrange(range, with: sorted.map(\.0))
            cancellations.replaceSubrange(range, with: sorted.map(\.1))
            return
        }
        for next in range.dropFirst() {
            let pair = (confirmations[next], cancellations[next])
            var slot = next
            while slot > range.lowerBound, (confirmations[slot - 1], cancellations[slot - 1]) > pair {
                confirmations[slot] = confirmations[slot - 1]
                cancellations[slot] = cancellations[slot - 1]
                slot -= 1
            }
            confirmations[slot] = pair.0
            cancellations[slot] = pair.1
        }
    }
}
