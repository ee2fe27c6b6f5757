/// Computes the expected charge of usage records from the filed tariffs (DESIGN.md §3).
///
/// This is the hot path: `rate` reads the record's bytes in place, finds the plan through a
/// byte-keyed hash table and the destination through a digit trie, accumulates the cost as
/// one integer numerator over a per-version denominator, and rounds once. On the success
/// path it neither allocates nor builds a `String`. Immutable, so workers share one instance.
public final class Rater: Sendable {
    public let catalog: TariffCatalog
    private let grainMicros: Int64
    private let rounding: RoundingMode
    /// False when the caller never shows why a record is unfiled (`recount rate`, the generator):
    /// `.unfiled` then carries an empty reason, and no text is built for it.
    private let explains: Bool

    public init(catalog: TariffCatalog, explains: Bool = true) {
        self.catalog = catalog
        self.grainMicros = catalog.precision.grainMicros
        self.rounding = catalog.rounding
        self.explains = explains
    }

    @inline(__always)
    private func unfiled(_ reason: @autoclosure () -> String) -> Rating {
        .unfiled(reason: explains ? reason() : "")
    }

    public func rate(_ event: UsageEvent) -> Rating {
        if event.planID.isEmpty { return unfiled("empty plan") }
        guard let versions = catalog.planVersions(id: event.planID) else {
            return unfiled(
                Self.compose(event.planID.count) {
                    $0.add("plan ")
                    $0.add(bytes: event.planID)
                    $0.add(" is not filed")
                })
        }
        let localStart = event.start + catalog.timezoneOffset
        let localDay = CivilTime.floorDiv(localStart, CivilTime.secondsPerDay)
        guard let version = catalog.planVersionIndex(in: versions, localDay: localDay) else {
            return unfiled(
                Self.compose(event.planID.count) {
                    $0.add("plan ")
                    $0.add(bytes: event.planID)
                    $0.add(" not in force on ")
                    $0.addDate(days: localDay)
                })
        }
        switch event.service {
        case .voice: return rateVoice(event, version: version, localStart: localStart)
        case .sms: return rateSMS(event, version: version)
        case .data: return rateData(event, version: version)
        }
    }

    // The rate* functions reach a version through `catalog.plans[version]` chains, never
    // `let plan = catalog.plans[version]`: binding the struct copies it and retains every
    // array and string it holds, which cost more than the rating itself.

    private func rateVoice(_ event: UsageEvent, version: Int, localStart: Int64) -> Rating {
        let outcome =
            catalog.plans[version].bandRule == .split
            ? catalog.plans[version].voiceTariff.rateSplit(
                destination: event.destination, localStart: localStart, duration: event.durationSeconds)
            : catalog.plans[version].voiceTariff.rateAtStart(
                destination: event.destination, localStart: localStart, duration: event.durationSeconds)
        switch outcome {
        case .rated(let quantity, let numerator):
            return rated(quantity, numerator, over: catalog.plans[version].voiceTariff.denominator, version: version)
        case .uncovered(let elapsed):
            return unfiled(uncoveredVoice(event, version: version, local: localStart + elapsed))
        }
    }

    /// `no voice rule of plan P01 covers destination 8613 at Sat 21:00`.
    private func uncoveredVoice(_ event: UsageEvent, version: Int, local: Int64) -> String {
        let day = CivilTime.floorDiv(local, CivilTime.secondsPerDay)
        let secondOfDay = local - day * CivilTime.secondsPerDay
        let plan = catalog.plans[version].id
        return Self.compose(plan.utf8.count + event.destination.count) { text in
            text.add("no voice rule of plan ")
            text.add(plan)
            text.add(" covers ")
            Self.addDestination(event.destination, to: &text)
            text.add(" at ")
            text.add(Self.dayTitles[CivilTime.weekday(days: day)])
            text.add(" ")
            text.add(secondOfDay / 3600, digits: 2)
            text.add(":")
            text.add(secondOfDay / 60 % 60, digits: 2)
        }
    }

    /// `Band.dayNames` as they start a word.
    private static let dayTitles: [StaticString] = ["Mon", "Tue", "Wed", "Thu", "Fri", "Sat", "Sun"]

    private static func addDestination(_ destination: UnsafeRawBufferPointer, to text: inout TextComposer) {
        if destination.isEmpty {
            text.add("an empty destination")
        } else {
            text.add("destination ")
            text.add(bytes: destination)
        }
    }

    /// An unfiled reason composed into one string (no interpolation: a set where most rows are
    /// unfiled makes one per row); `texts` is the byte count of the texts it takes from the
    /// record or catalog, the literals and numbers fit in 128 more.
    private static func compose(_ texts: Int, _ body: (inout TextComposer) -> Void) -> String {
        TextComposer.compose(bound: texts + 128, body)
    }

    /// §3.2: one message at the rate of the longest matching prefix, rounded once.
    private func rateSMS(_ event: UsageEvent, version: Int) -> Rating {
        let rule = catalog.plans[version].smsPrefixes.longestMatch(event.destination) { _ in true }
        if rule < 0 {
            let plan = catalog.plans[version].id
            return unfiled(
                Self.compose(plan.utf8.count + event.destination.count) { text in
                    text.add("no sms rule of plan ")
                    text.add(plan)
                    text.add(" covers ")
                    Self.addDestination(event.destination, to: &text)
                })
        }
        return rated(1, Int128(catalog.plans[version].sms[rule].rate.micros), over: 1, version: version)
    }

    /// §3.3: whole increments of bytes at `rate / per`; 0 bytes cost nothing.
    private func rateData(_ event: UsageEvent, version: Int) -> Rating {
        guard let increment = catalog.plans[version].data?.increment, let rate = catalog.plans[version].data?.rate,
            let per = catalog.plans[version].data?.per
        else { return unfiled("plan \(catalog.plans[version].id) has no data rule") }
        if event.volumeBytes <= 0 { return .rated(quantity: 0, amount: .zero) }
        let quantity = (event.volumeBytes + increment - 1) / increment * increment
        return rated(quantity, Int128(quantity) * Int128(rate.micros), over: per, version: version)
    }

    /// The largest expected amount of one record, in micros (~4.6 trillion currency units): half
    /// of `Money`'s range, so that a finding's differences (billed − expected, expected − billed,
    /// with billed at most 12 integer digits) never overflow. No real charge comes near it.
    public static let maxExpected = Money(micros: Int64.max / 2)

    @inline(__always)
    private func rated(_ quantity: Int64, _ numerator: Int128, over denominator: Int64, version: Int) -> Rating {
        guard let amount = round(numerator, over: denominator) else {
            return .unrepresentable(
                reason: "expected amount under plan \(catalog.plans[version].id) exceeds "
                    + "\(ExactAmount(Self.maxExpected).formatted(AmountPrecision(fractionDigits: 0), .down)), "
                    + "the most one record can be rated to exactly")
        }
        return .rated(quantity: quantity, amount: amount)
    }

    /// The one rounding of `numerator / denominator` micros to the catalog's precision.
    /// Usual case in 64-bit integers (denominator ≤ 10^12 and grain ≤ 10^6, so their product
    /// fits); otherwise `ExactAmount.roundedMicros`. Nil when the rounded amount is beyond
    /// `maxExpected` either way (one bound for both paths: `rate: 4, per: 2` and `rate: 2, per: 1`
    /// give the same answer).
    @inline(__always)
    func round(_ numerator: Int128, over denominator: Int64) -> Money? {
        let limit = UInt64(Self.maxExpected.micros)
        if numerator >= 0 && numerator <= Int128(Int64.max) {
            let value = UInt64(numerator)
            let divisor = UInt64(denominator) &* UInt64(grainMicros)
            var grains = value / divisor
            let remainder = value % divisor
            switch rounding {
            case .down: break
            case .up: if remainder != 0 { grains += 1 }
            case .halfUp: if remainder >= divisor - remainder { grains += 1 }
            }
            let (micros, overflow) = grains.multipliedReportingOverflow(by: UInt64(grainMicros))
            return overflow || micros > limit ? nil : Money(micros: Int64(micros))
        }
        // Far past the limit: no rounding (which could overflow) is needed to say so.
        guard numerator.magnitude / UInt128(denominator) <= UInt128(limit) else { return nil }
        let micros = ExactAmount(numerator: numerator, denominator: Int128(denominator)).roundedMicros(
            catalog.precision, rounding)
        return micros.magnitude > UInt128(limit) ? nil : Money(micros: Int64(micros))
    }
}
