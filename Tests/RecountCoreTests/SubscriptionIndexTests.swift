import Testing

@testable import RecountCore

/// DESIGN.md §5a "Second confirmation", bound by bound, and the index against a brute-force oracle.
@Suite struct SubscriptionIndexTests {
    let window: Int64 = 86_400
    let minDelay: Int64 = 60
    let ordered = ChargeFixture.instant("2026-03-01T10:00:00")

    /// One order for (A1, SP1, S1), asked about at `chargedAt`.
    func status(confirmed: Int64?, cancelled: Int64? = nil, chargedAt: Int64, ordered: Int64? = nil)
        -> SubscriptionStatus
    {
        var builder = SubscriptionIndexBuilder()
        builder.add(
            account: "A1", provider: "SP1", serviceCode: "S1", orderedAt: ordered ?? self.ordered,
            confirmedAt: confirmed, cancelledAt: cancelled)
        return query(builder.build(window: window, minDelay: minDelay), chargedAt: chargedAt)
    }

    func query(
        _ index: SubscriptionIndex, account: String = "A1", provider: String = "SP1", service: String = "S1",
        chargedAt: Int64
    ) -> SubscriptionStatus {
        FieldDecoder.withBytes(account) { account in
            FieldDecoder.withBytes(provider) { provider in
                FieldDecoder.withBytes(service) { service in
                    index.status(account: account, provider: provider, serviceCode: service, chargedAt: chargedAt)
                }
            }
        }
    }

    var late: Int64 { ordered + 10 * 86_400 }

    @Test func noOrderIsNone() {
        var builder = SubscriptionIndexBuilder()
        builder.add(
            account: "A1", provider: "SP1", serviceCode: "S1", orderedAt: ordered, confirmedAt: ordered + 600,
            cancelledAt: nil)
        let index = builder.build(window: window, minDelay: minDelay)
        #expect(query(index, chargedAt: late) == .valid)
        #expect(query(index, account: "A2", chargedAt: late) == .none)
        #expect(query(index, provider: "SP2", chargedAt: late) == .none)
        #expect(query(index, service: "S2", chargedAt: late) == .none)
        #expect(query(SubscriptionIndex(), chargedAt: late) == .none)
    }

    @Test func delayEqualToTheWindowIsValidOneSecondOverIsNot() {
        #expect(status(confirmed: ordered + window, chargedAt: late) == .valid)
        #expect(status(confirmed: ordered + window + 1, chargedAt: late) == .unconfirmed)
    }

    @Test func delayEqualToTheMinimumIsValidOneSecondUnderIsNot() {
        #expect(status(confirmed: ordered + minDelay, chargedAt: late) == .valid)
        #expect(status(confirmed: ordered + minDelay - 1, chargedAt: late) == .unconfirmed)
    }

    @Test func confirmationInTheChargeSecondIsValidOneSecondAfterIsNot() {
        let confirmed = ordered + 600
        #expect(status(confirmed: confirmed, chargedAt: confirmed) == .valid)
        #expect(status(confirmed: confirmed, chargedAt: confirmed - 1) == .unconfirmed)
    }

    @Test func confirmationBeforeTheOrderIsInvalid() {
        #expect(status(confirmed: ordered - 1, chargedAt: late) == .unconfirmed)
        // Even with no minimum delay, which alone would not exclude a negative delay.
        var builder = SubscriptionIndexBuilder()
        builder.add(
            account: "A1", provider: "SP1", serviceCode: "S1", orderedAt: ordered, confirmedAt: ordered - 1,
            cancelledAt: nil)
        #expect(query(builder.build(window: window, minDelay: -10), chargedAt: late) == .unconfirmed)
    }

    @Test func neverConfirmedIsUnconfirmed() {
        #expect(status(confirmed: nil, chargedAt: late) == .unconfirmed)
    }

    @Test func anOrderPlacedAfterTheChargeStillCountsAsAnOrder() {
        #expect(status(confirmed: nil, chargedAt: ordered - 3600) == .unconfirmed)
        #expect(status(confirmed: ordered + 600, chargedAt: ordered - 3600) == .unconfirmed)
    }

    @Test func cancellationAtTheChargeInstantCountsOneSecondAfterDoesNot() {
        let confirmed = ordered + 600
        #expect(status(confirmed: confirmed, cancelled: late, chargedAt: late) == .cancelled)
        #expect(status(confirmed: confirmed, cancelled: late - 1, chargedAt: late) == .cancelled)
        #expect(status(confirmed: confirmed, cancelled: late + 1, chargedAt: late) == .valid)
    }

    @Test func cancelledOnlyWhenEveryValidlyConfirmedOrderIsCancelled() {
        var builder = SubscriptionIndexBuilder()
        // Confirmed then cancelled; re-ordered later and confirmed: the charge after that is valid.
        builder.add(
            account: "A1", provider: "SP1", serviceCode: "S1", orderedAt: ordered, confirmedAt: ordered + 600,
            cancelledAt: ordered + 86_400)
        builder.add(
            account: "A1", provider: "SP1", serviceCode: "S1", orderedAt: ordered + 2 * 86_400,
            confirmedAt: ordered + 2 * 86_400 + 600, cancelledAt: nil)
        // An unconfirmed order never makes a cancelled subscription valid again.
        builder.add(
            account: "A1", provider: "SP2", serviceCode: "S1", orderedAt: ordered, confirmedAt: ordered + 600,
            cancelledAt: ordered + 86_400)
        builder.add(
            account: "A1", provider: "SP2", serviceCode: "S1", orderedAt: ordered + 2 * 86_400,
            confirmedAt: nil, cancelledAt: nil)
        let index = builder.build(window: window, minDelay: minDelay)
        #expect(query(index, chargedAt: ordered + 3600) == .valid)
        #expect(query(index, chargedAt: ordered + 86_400 + 5) == .cancelled)
        #expect(query(index, chargedAt: late) == .valid)
        #expect(query(index, provider: "SP2", chargedAt: late) == .cancelled)
    }

    @Test func keyPartsDoNotRunTogether() {
        var builder = SubscriptionIndexBuilder()
        builder.add(
            account: "ab", provider: "c", serviceCode: "x", orderedAt: ordered, confirmedAt: ordered + 600,
            cancelledAt: nil)
        let index = builder.build(window: window, minDelay: minDelay)
        #expect(query(index, account: "ab", provider: "c", service: "x", chargedAt: late) == .valid)
        #expect(query(index, account: "a", provider: "bc", service: "x", chargedAt: late) == .none)
        #expect(query(index, account: "ab", provider: "", service: "cx", chargedAt: late) == .none)
    }

    /// Many keys (the table grows several times) or a few with hundreds of orders each (the
    /// per-key sort and the latest cancellation so far), orders in random batches merged in two
    /// different orders, against a brute-force reading of §5a.
    @Test(arguments: [(1, 2500), (7, 2500), (1000, 2500), (7, 12), (1000, 3)])
    func matchesTheOracleInAnyArrivalOrder(batchSize: Int, keys: Int) {
        struct Order {
            var key: Int
            var ordered: Int64
            var confirmed: Int64?
            var cancelled: Int64?
        }
        var random = SplitMix(seed: UInt64(batchSize * 10_000 + keys))
        let base = ordered
        let orders = (0..<6000).map { _ -> Order in
            let ordered = base + Int64(random.next() % 200_000)
            let confirmed: Int64? = random.next() % 5 == 0 ? nil : ordered + Int64(random.next() % 100_000) - 100
            let cancelled: Int64? = random.next() % 3 == 0 ? ordered + Int64(random.next() % 300_000) : nil
            return Order(
                key: Int(random.next() % UInt64(keys)), ordered: ordered, confirmed: confirmed, cancelled: cancelled)
        }
        func batches(_ orders: [Order]) -> [SubscriptionBatch] {
            stride(from: 0, to: orders.count, by: batchSize).map { start in
                var batch = SubscriptionBatch()
                for order in orders[start..<min(start + batchSize, orders.count)] {
                    FieldDecoder.withBytes("acct\(order.key % 50)") { a in
                        FieldDecoder.withBytes("SP\(order.key / 50 % 5)") { p in
                            FieldDecoder.withBytes("svc\(order.key / 250)") { s in
                                batch.keys.append(KeyParts(a, p, s))
                            }
                        }
                    }
                    batch.orderedAt.append(order.ordered)
                    batch.confirmedAt.append(order.confirmed ?? SubscriptionIndex.never)
                    batch.cancelledAt.append(order.cancelled ?? SubscriptionIndex.never)
                }
                return batch
            }
        }
        var forward = SubscriptionIndexBuilder()
        for batch in batches(orders) { forward.add(batch) }
        var backward = SubscriptionIndexBuilder()
        for batch in batches(orders).reversed() { backward.add(batch) }
        let indexes = [
            forward.build(window: window, minDelay: minDelay), backward.build(window: window, minDelay: minDelay),
        ]
        #expect(indexes[0].keyCount == Set(orders.map(\.key)).count)
        #expect(indexes[0].orderCount == orders.count)

        func oracle(_ key: Int, _ chargedAt: Int64) -> SubscriptionStatus {
            let mine = orders.filter { $0.key == key }
            if mine.isEmpty { return .none }
            let valid = mine.filter { order in
                guard let confirmed = order.confirmed else { return false }
                let delay = confirmed - order.ordered
                return order.ordered <= confirmed && minDelay <= delay && delay <= window && confirmed <= chargedAt
            }
            if valid.isEmpty { return .unconfirmed }
            return valid.allSatisfy { $0.cancelled.map { $0 <= chargedAt } ?? false } ? .cancelled : .valid
        }
        for _ in 0..<400 {
            let key = Int(random.next() % UInt64(keys + keys / 25 + 1))  // some keys never ordered
            let chargedAt = base + Int64(random.next() % 400_000)
            let expected = oracle(key, chargedAt)
            for index in indexes {
                let got = query(
                    index, account: "acct\(key % 50)", provider: "SP\(key / 50 % 5)", service: "svc\(key / 250)",
                    chargedAt: chargedAt)
                #expect(got == expected, "key \(key) at \(chargedAt)")
            }
        }
    }
}

/// A small deterministic generator, so failures reproduce.
struct SplitMix {
    var state: UInt64
    init(seed: UInt64) { state = seed }
    mutating func next() -> UInt64 {
        state &+= 0x9E37_79B9_7F4A_7C15
        var z = state
        z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
        z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
        return z ^ (z >> 31)
    }
}
