/// Generates charge items (DESIGN §2.2) with the value-added orders behind them (§2.3), and
/// plants the charge rules of §4.
///
/// Charge `c` is a pure function of (seed, c), orders included, so the charge files (written in
/// parallel) and the subscriptions file (written by one thread) agree without coordination.
/// A value-added charge's subscription key (account, provider, service code) is unique to it:
/// the account is `c mod M` and the service code encodes `c / M`. So one charge's orders can
/// never turn another charge's planted `no-subscription` into a clean one.
struct ChargeGenerator: Sendable {
    let seed: UInt64
    /// How item ids are written (the set's prefix).
    let ids: RecordID
    let charges: Int64
    let accounts: Int64
    let files: Int
    let ratePPM: Int64
    let catalog: CatalogTemplate
    let registry: ProviderTemplate
    let accountWidth: Int
    private let forced: [Int64: Kind]
    private let ordinaryCodes: [String]
    private let valueAddedCodes: [String]

    static let header = "item_id,account,code,amount,charged_at,provider,service_code,cycle\n"
    static let subscriptionsHeader = "account,provider,service_code,ordered_at,confirmed_at,cancelled_at,channel\n"

    /// The ways a second confirmation fails (DESIGN §5a), one per planted `unconfirmed-subscription`.
    enum UnconfirmedCase: CaseIterable, Sendable {
        case missing, beforeOrder, laterThanWindow, soonerThanMinimumDelay, afterCharge, orderedAfterCharge
    }

    enum UnlicensedCase: CaseIterable, Sendable {
        case unregistered, expired, outsideValidity, noLicence, emptyProvider, ordinaryItemWithProvider
    }

    enum Kind: Equatable {
        case clean(valueAdded: Bool)
        case unfiledItem(outOfForce: Bool)
        case itemOverpriced(valueAdded: Bool)
        case noSubscription
        case unconfirmed(UnconfirmedCase)
        case chargedAfterCancellation
        case unlicensed(UnlicensedCase)
    }

    struct Order {
        var provider: String
        var serviceCode: String
        var ordered: Int64
        var confirmed: Int64?
        var cancelled: Int64?
        var channel: String
    }

    struct Charge {
        var number: Int64
        var account: Int64
        var code = ""
        var amount = Money.zero
        var chargedAt: Int64
        var style: TimestampStyle
        var provider = ""
        var serviceCode = ""
        var writesCycle = true
        var rule: PlantedRule?
        var overcharge = Money.zero
        var kind: Kind
        /// Orders for this charge's key and decoys around it, plus an unrelated order sometimes.
        var orders: [Order] = []
    }

    init(
        seed: UInt64, charges: Int64, accounts: Int64, files: Int, ratePPM: Int64, catalog: CatalogTemplate,
        registry: ProviderTemplate, accountWidth: Int, ids: RecordID = RecordID()
    ) {
        self.ids = ids
        self.seed = seed
        self.charges = charges
        self.accounts = accounts
        self.files = files
        self.ratePPM = ratePPM
        self.catalog = catalog
        self.registry = registry
        self.accountWidth = accountWidth
        ordinaryCodes = catalog.ordinaryItemCodes
        valueAddedCodes = catalog.valueAddedItemCodes
        var forced: [Int64: Kind] = [:]
        if ratePPM > 0 {
            var table: [Kind] = [
                .clean(valueAdded: true), .unfiledItem(outOfForce: false), .unfiledItem(outOfForce: true),
                .itemOverpriced(valueAdded: false), .itemOverpriced(valueAdded: true), .noSubscription,
                .chargedAfterCancellation,
            ]
            table += UnconfirmedCase.allCases.map(Kind.unconfirmed) + UnlicensedCase.allCases.map(Kind.unlicensed)
            let firstFile = UsageGenerator.range(file: 0, rows: charges, files: files)
            for (offset, kind) in table.enumerated() where Int64(offset + 1) < firstFile.count {
                forced[firstFile.lowerBound + Int64(offset + 1)] = kind
            }
        }
        self.forced = forced
    }

    func range(file: Int) -> Range<Int64> { UsageGenerator.range(file: file, rows: charges, files: files) }

    private var window: Int64 { catalog.confirmationWindow }
    private var minimumDelay: Int64 { catalog.minConfirmationDelay }
    private static let day: Int64 = 86_400
    private static let channels = ["sms", "web", "app", "store", ""]

    // MARK: - Charges

    func charge(_ c: Int64) -> Charge {
        var rng = SplitMix64(seed: seed, 20, UInt64(c))
        let at = catalog.instant(cycleSecond: rng.below(catalog.cycleSeconds))
        var charge = Charge(
            number: c, account: c % accounts, chargedAt: at, style: UsageGenerator.style(&rng),
            kind: .clean(valueAdded: false))
        charge.writesCycle = rng.below(100) >= 10
        charge.kind = forced[c] ?? drawKind(&rng)
        let key = serviceCode(prefix: "1065", c / accounts)
        let localDay = catalog.localDay(at)

        switch charge.kind {
        case .clean(let valueAdded):
            if valueAdded {
                valueAddedCharge(&charge, key: key, localDay, &rng)
                charge.orders = validOrders(charge, &rng)
            } else {
                ordinaryCharge(&charge, localDay, &rng)
                // A discount below the filed amount is allowed (DESIGN §5a), so it stays clean.
                if rng.chance(1, in: 10) { charge.amount = Money(micros: charge.amount.micros / 20_000 * 10_000) }
            }
        case .unfiledItem(let outOfForce):
            charge.code =
                outOfForce ? rng.pick(CatalogTemplate.outOfForceItemCodes) : rng.pick(CatalogTemplate.unfiledItemCodes)
            charge.amount = Money(micros: rng.pick([200, 500, 990, 1500, 3000] as [Int64]) * 10_000)
            if rng.chance(1, in: 3) {
                charge.provider = licensedProvider(localDay, &rng)
                charge.serviceCode = key
                charge.orders = validOrders(charge, &rng)
            }
            charge.rule = .unfiledItem
            charge.overcharge = charge.amount
        case .itemOverpriced(let valueAdded):
            if valueAdded {
                valueAddedCharge(&charge, key: key, localDay, &rng)
                charge.orders = validOrders(charge, &rng)
            } else {
                ordinaryCharge(&charge, localDay, &rng)
            }
            let filed = charge.amount
            let extra = rng.pick([50, 100, filed.micros / 10 / 10_000, filed.micros / 10_000] as [Int64])
            charge.amount = filed + Money(micros: max(1, extra) * 10_000)
            charge.rule = .itemOverpriced
            charge.overcharge = charge.amount - filed
        case .noSubscription:
            valueAddedCharge(&charge, key: key, localDay, &rng)
            if rng.chance(1, in: 2) {
                // A valid order for the same service code from another provider does not count.
                var decoy = charge
                decoy.provider = otherLicensedProvider(than: charge.provider, localDay, &rng)
                charge.orders = validOrders(decoy, &rng)
            }
            charge.rule = .noSubscription
            charge.overcharge = charge.amount
        case .unconfirmed(let failure):
            valueAddedCharge(&charge, key: key, localDay, &rng)
            charge.orders = [failedOrder(charge, failure, &rng)]
            if rng.chance(1, in: 4) {
                charge.orders.append(failedOrder(charge, rng.pick(UnconfirmedCase.allCases), &rng))
            }
            charge.rule = .unconfirmedSubscription
            charge.overcharge = charge.amount
        case .chargedAfterCancellation:
            valueAddedCharge(&charge, key: key, localDay, &rng)
            charge.orders = validOrders(charge, &rng, cancelledBy: true)
            if rng.chance(1, in: 4) {
                charge.orders.append(failedOrder(charge, rng.pick(UnconfirmedCase.allCases), &rng))
            }
            charge.rule = .chargedAfterCancellation
            charge.overcharge = charge.amount
        case .unlicensed(let failure):
            plantUnlicensed(&charge, failure, key: key, localDay, &rng)
            charge.rule = .unlicensedProvider
            charge.overcharge = charge.amount
        }
        // Orders nobody is charged for: realistic noise under a different service-code range.
        if rng.chance(1, in: 10) {
            var noise = charge
            noise.provider = rng.pick(registry.alwaysLicensed)
            noise.serviceCode = serviceCode(prefix: "2065", c / accounts)
            charge.orders += validOrders(noise, &rng)
        }
        return charge
    }

    private func drawKind(_ rng: inout SplitMix64) -> Kind {
        let draw = rng.below(1_000_000)
        guard draw < 6 * ratePPM else { return .clean(valueAdded: rng.chance(45, in: 100)) }
        switch draw / max(ratePPM, 1) {
        case 0: return .unfiledItem(outOfForce: rng.chance(1, in: 3))
        case 1: return .itemOverpriced(valueAdded: rng.chance(1, in: 2))
        case 2: return .noSubscription
        case 3: return .unconfirmed(rng.pick(UnconfirmedCase.allCases))
        case 4: return .chargedAfterCancellation
        default: return .unlicensed(rng.pick(UnlicensedCase.allCases))
        }
    }

    private func serviceCode(prefix: String, _ number: Int64) -> String {
        let digits = String(number)
        return prefix + String(repeating: "0", count: max(0, 6 - digits.count)) + digits
    }

    /// A filed, non-value-added item at its filed amount for the day.
    private func ordinaryCharge(_ charge: inout Charge, _ localDay: Int64, _ rng: inout SplitMix64) {
        charge.code = rng.pick(ordinaryCodes)
        charge.amount = catalog.itemVersion(code: charge.code, localDay: localDay)!.amount
    }

    /// A value-added item at its filed amount, from a provider licensed that day.
    private func valueAddedCharge(_ charge: inout Charge, key: String, _ localDay: Int64, _ rng: inout SplitMix64) {
        charge.code = rng.pick(valueAddedCodes)
        charge.amount = catalog.itemVersion(code: charge.code, localDay: localDay)!.amount
        charge.provider = licensedProvider(localDay, &rng)
        charge.serviceCode = key
    }

    /// Mostly always-licensed providers, sometimes a partly licensed one on a day it is valid.
    private func licensedProvider(_ localDay: Int64, _ rng: inout SplitMix64) -> String {
        if rng.chance(1, in: 5) {
            let candidate = rng.pick(registry.partlyOrNeverLicensed)
            if registry.isLicensed(candidate, localDay: localDay) { return candidate }
        }
        return rng.pick(registry.alwaysLicensed)
    }

    private func otherLicensedProvider(than provider: String, _ localDay: Int64, _ rng: inout SplitMix64) -> String {
        let choice = rng.pick(registry.alwaysLicensed)
        return choice == provider ? registry.alwaysLicensed.first { $0 != provider }! : choice
    }

    private func plantUnlicensed(
        _ charge: inout Charge, _ failure: UnlicensedCase, key: String, _ localDay: Int64, _ rng: inout SplitMix64
    ) {
        valueAddedCharge(&charge, key: key, localDay, &rng)
        switch failure {
        case .unregistered: charge.provider = rng.pick(ProviderTemplate.unregistered)
        case .expired: charge.provider = "SP2001"
        case .noLicence: charge.provider = "SP2004"
        case .emptyProvider: charge.provider = ""
        case .outsideValidity:
            // A provider licensed on other days of the cycle but not on this one.
            charge.provider =
                ["SP2002", "SP2003", "SP2005"].first { !registry.isLicensed($0, localDay: localDay) } ?? "SP2001"
        case .ordinaryItemWithProvider:
            ordinaryCharge(&charge, localDay, &rng)
            charge.provider = rng.pick(ProviderTemplate.unregistered)
        }
        // Whether or not the subscriber ordered it, the provider may not bill. (No orders with an
        // empty provider: the subscriptions file always names one.)
        if !charge.provider.isEmpty, rng.chance(1, in: 2) { charge.orders = validOrders(charge, &rng) }
    }

    // MARK: - Orders

    /// One or more orders with a valid second confirmation at or before the charge; at least one
    /// is still active at the charge, unless `cancelledBy` asks for every one to be cancelled by then.
    private func validOrders(_ charge: Charge, _ rng: inout SplitMix64, cancelledBy: Bool = false) -> [Order] {
        let at = charge.chargedAt
        func valid(_ rng: inout SplitMix64) -> Order {
            let ordered = at - rng.within(60...(40 * Self.day))
            var delay: Int64
            switch rng.below(10) {
            case 0: delay = minimumDelay  // both bounds are inclusive
            case 1: delay = window
            default: delay = rng.within(minimumDelay...min(window, 3600))
            }
            // Confirmed no later than the charge; at 60 s or more after the order it stays valid.
            let confirmed = min(ordered + delay, at)
            return Order(
                provider: charge.provider, serviceCode: charge.serviceCode, ordered: ordered, confirmed: confirmed,
                cancelled: nil, channel: rng.pick(Self.channels))
        }
        var orders = [valid(&rng)]
        if cancelledBy {
            if rng.chance(1, in: 3) { orders.append(valid(&rng)) }
            for index in orders.indices {
                let confirmed = orders[index].confirmed!
                // Cancelled between confirmation and the charge; exactly at the charge counts too.
                orders[index].cancelled = rng.chance(1, in: 5) ? at : confirmed + rng.below(at - confirmed + 1)
            }
        } else {
            if rng.chance(1, in: 5) { orders[0].cancelled = at + rng.within(1...(10 * Self.day)) }
            if rng.chance(1, in: 10) {
                // An earlier subscription, cancelled before the charge, next to the active one.
                var earlier = valid(&rng)
                earlier.cancelled = earlier.confirmed! + rng.below(at - earlier.confirmed! + 1)
                orders.insert(earlier, at: 0)
            }
            if rng.chance(1, in: 5) {
                orders.insert(failedOrder(charge, rng.pick(UnconfirmedCase.allCases), &rng), at: 0)
            }
        }
        return orders
    }

    /// An order whose second confirmation is not valid for this charge, in the given way.
    private func failedOrder(_ charge: Charge, _ failure: UnconfirmedCase, _ rng: inout SplitMix64) -> Order {
        let at = charge.chargedAt
        var ordered = at - rng.within(120...(20 * Self.day))
        var confirmed: Int64?
        switch failure {
        case .missing: confirmed = nil
        case .beforeOrder: confirmed = ordered - rng.within(1...3600)
        case .laterThanWindow:
            ordered = at - window - rng.within(2...(10 * Self.day))
            confirmed = ordered + window + rng.within(1...(at - ordered - window))
        case .soonerThanMinimumDelay: confirmed = ordered + rng.below(minimumDelay)
        case .afterCharge:
            let before = rng.within(0...3000)
            ordered = at - before
            confirmed = at + rng.within(max(1, minimumDelay - before)...3000)
        case .orderedAfterCharge:
            ordered = at + rng.within(1...3600)
            confirmed = ordered + rng.within(minimumDelay...3600)
        }
        let cancelled: Int64? = rng.chance(1, in: 6) ? at + rng.within(-3600...(5 * Self.day)) : nil
        return Order(
            provider: charge.provider, serviceCode: charge.serviceCode, ordered: ordered, confirmed: confirmed,
            cancelled: cancelled.map { max($0, ordered) }, channel: rng.pick(Self.channels))
    }

    // MARK: - Writing

    private func writeAccount(_ account: Int64, to writer: CSVRowWriter) {
        writer.byte(UInt8(ascii: "A"))
        writer.padded(account, width: accountWidth)
    }

    func write(_ charge: Charge, to writer: CSVRowWriter) throws(OutputError) {
        ids.write(.charge, charge.number, to: writer)
        writer.comma()
        writeAccount(charge.account, to: writer)
        writer.comma()
        writer.field(charge.code)
        writer.comma()
        writer.money(charge.amount, fractionDigits: catalog.precision.fractionDigits)
        writer.comma()
        writer.timestamp(charge.chargedAt, charge.style, catalogOffset: catalog.timezoneOffset)
        writer.comma()
        writer.field(charge.provider)
        writer.comma()
        writer.field(charge.serviceCode)
        writer.comma()
        if charge.writesCycle { writer.cycle(catalog.cycle) }
        try writer.endRow()
    }

    func writeFile(_ file: Int, to writer: CSVRowWriter) throws(OutputError) -> [AnswerEntry] {
        var entries: [AnswerEntry] = []
        writer.bytes(Array(Self.header.utf8))
        for c in range(file: file) {
            let charge = charge(c)
            try write(charge, to: writer)
            if let rule = charge.rule {
                entries.append(AnswerEntry(kind: .charge, recordNumber: c, rule: rule, overcharge: charge.overcharge))
            }
        }
        try writer.finish()
        return entries
    }

    /// Every charge's orders, in charge order; timestamps use varied offsets like the other files.
    func writeSubscriptions(to writer: CSVRowWriter) throws(OutputError) {
        writer.bytes(Array(Self.subscriptionsHeader.utf8))
        for c in 0..<charges {
            let charge = charge(c)
            var rng = SplitMix64(seed: seed, 21, UInt64(c))
            for order in charge.orders {
                writeAccount(charge.account, to: writer)
                writer.comma()
                writer.field(order.provider)
                writer.comma()
                writer.field(order.serviceCode)
                writer.comma()
                writer.timestamp(order.ordered, UsageGenerator.style(&rng), catalogOffset: catalog.timezoneOffset)
                writer.comma()
                if let confirmed = order.confirmed {
                    writer.timestamp(confirmed, UsageGenerator.style(&rng), catalogOffset: catalog.timezoneOffset)
                }
                writer.comma()
                if let cancelled = order.cancelled {
                    writer.timestamp(cancelled, UsageGenerator.style(&rng), catalogOffset: catalog.timezoneOffset)
                }
                writer.comma()
                writer.field(order.channel)
                try writer.endRow()
            }
        }
        try writer.finish()
    }
}
