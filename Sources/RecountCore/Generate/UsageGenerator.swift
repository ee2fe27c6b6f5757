/// Generates usage records (DESIGN §2.1) and plants the usage rules of §4 in them.
///
/// Every row is a pure function of (seed, global row index): its own `SplitMix64` stream
/// decides account, time, service, destination and whether it carries a planted error. That is
/// what makes a file's bytes independent of the thread count, and what lets a duplicate in one
/// file rebuild its original from an earlier file without coordination.
///
/// No accidental duplicates: row `g` belongs to account `g mod M` and falls in that account's
/// time slot `g / M` (slots are disjoint, so no two rows of an account share a start second);
/// only planted repeats share (account, start) with another row.
struct UsageGenerator: Sendable {
    let seed: UInt64
    /// How record ids are written (the set's prefix).
    let ids: RecordID
    let rows: Int64
    let accounts: Int64
    let files: Int
    /// Planting rate of each rule, in parts per million.
    let ratePPM: Int64
    let catalog: CatalogTemplate
    let accountWidth: Int
    /// `YYYY-MM` of the cycle, written in the `cycle` column.
    private let cycleText: ShortText

    /// Local cycle seconds where each account's time slots start (slot k is [bounds[k], bounds[k+1])).
    private let slotBounds: [Int64]
    /// Plan ids as bytes: the catalog's plans, then an id the catalog does not file, then empty.
    let planIDs: [[UInt8]]
    /// The same ids packed for `CSVRowWriter.short` (ids are at most 8 bytes).
    private let planTexts: [ShortText]
    private let planWeights: [Int64]
    /// Each account's plan, drawn once (up to 16M accounts; beyond, drawn per row).
    private let accountPlans: [UInt8]
    private let fallbackPlan: Int
    private let dataOnlyDomesticPlan: Int
    private let weekdayPlan: Int
    private let retiredPlan: Int
    let unknownPlan: Int
    let emptyPlan: Int
    /// Rows forced to a kind so that even a small data set holds every rule (when the rate is > 0).
    private let forced: [Int64: Kind]

    static let header =
        "record_id,account,plan,service,start,duration_s,volume_bytes,destination,billed_quantity,billed_amount,cycle\n"

    enum UnfiledVariant: CaseIterable { case unknownPlan, emptyPlan, retiredPlan, noCatchAll, noDataRules, weekdayOnly }

    enum Kind: Equatable {
        case clean
        case duplicateByID(crossFile: Bool)
        case duplicateByContent(crossFile: Bool)
        case unfiled(UnfiledVariant)
        case unanswered(Service)
        case unitInflation(Service)
        case rateInflation
        case undercharge
    }

    struct Row {
        var recordNumber: Int64
        var account: Int64
        var plan: Int
        var service: Service
        var start: Int64
        var style: TimestampStyle
        var duration: Int64 = 0
        var volume: Int64 = 0
        var destination = Destination.none
        var billedQuantity: Int64 = 0
        var billedAmount = Money.zero
        var writesCycle = true
        var rule: PlantedRule?
        var overcharge = Money.zero
    }

    init(
        seed: UInt64, rows: Int64, accounts: Int64, files: Int, ratePPM: Int64, catalog: CatalogTemplate,
        ids: RecordID = RecordID()
    ) {
        self.ids = ids
        self.seed = seed
        self.rows = rows
        self.accounts = accounts
        self.files = files
        self.ratePPM = ratePPM
        self.catalog = catalog
        accountWidth = max(7, Destinations.digitCount(max(accounts - 1, 0)))
        cycleText = ShortText(Array(CivilTime.formatCycle(catalog.cycle).utf8))
        let ids = catalog.plans.map(\.id)
        planIDs = ids.map { Array($0.utf8) } + [Array("P99".utf8), []]
        planTexts = planIDs.map(ShortText.init)
        planWeights = catalog.plans.map(\.weight)
        fallbackPlan = ids.firstIndex(of: "P01")!
        dataOnlyDomesticPlan = ids.firstIndex(of: "P03")!
        weekdayPlan = ids.firstIndex(of: "P04")!
        retiredPlan = ids.firstIndex(of: "P90")!
        unknownPlan = ids.count
        accountPlans =
            accounts <= 1 << 24
            ? (0..<accounts).map { UInt8(Self.drawPlan(seed: seed, account: $0, catalog.plans.map(\.weight))) } : []
        emptyPlan = ids.count + 1
        slotBounds = Self.slotBounds(
            slots: accounts > 0 ? (rows + accounts - 1) / accounts : 0, days: catalog.cycleDays,
            firstDay: catalog.cycleFirstDay)

        var forced: [Int64: Kind] = [:]
        if ratePPM > 0 {
            let firstFile = Self.range(file: 0, rows: rows, files: files)
            let table: [Kind] = [
                .duplicateByID(crossFile: false), .duplicateByContent(crossFile: false), .unfiled(.unknownPlan),
                .unfiled(.emptyPlan), .unfiled(.retiredPlan), .unfiled(.noCatchAll), .unfiled(.noDataRules),
                .unanswered(.voice), .unanswered(.data), .unitInflation(.voice), .unitInflation(.data),
                .unitInflation(.sms), .rateInflation, .undercharge,
            ]
            for (offset, kind) in table.enumerated() where Int64(offset + 1) < firstFile.count {
                forced[firstFile.lowerBound + Int64(offset + 1)] = kind
            }
            for file in 1..<max(files, 1) {
                let range = Self.range(file: file, rows: rows, files: files)
                // A repeat needs an earlier row: with fewer rows than files, the earlier files can be empty.
                guard range.lowerBound > 0 else { continue }
                if range.count >= 1 { forced[range.lowerBound] = .duplicateByContent(crossFile: true) }
                if range.count >= 2 { forced[range.lowerBound + 1] = .duplicateByID(crossFile: true) }
            }
        }
        self.forced = forced
    }

    static func range(file: Int, rows: Int64, files: Int) -> Range<Int64> {
        rows * Int64(file) / Int64(files)..<rows * Int64(file + 1) / Int64(files)
    }

    func range(file: Int) -> Range<Int64> { Self.range(file: file, rows: rows, files: files) }

    /// Relative call volume per local hour, weekdays then weekends: quiet nights, busy office hours.
    private static let hourWeights: [[Int64]] = [
        [2, 1, 1, 1, 1, 2, 4, 8, 14, 16, 16, 15, 14, 15, 16, 16, 15, 14, 14, 15, 14, 11, 7, 4],
        [3, 2, 1, 1, 1, 1, 2, 4, 8, 11, 13, 13, 13, 13, 13, 13, 13, 13, 13, 14, 14, 12, 8, 5],
    ]

    /// Splits the cycle into `slots` disjoint, non-empty intervals of equal expected traffic
    /// (shorter at busy hours), so each account's k-th event is in slot k and starts are unique
    /// per account. Integer arithmetic keeps the bounds identical on every platform.
    static func slotBounds(slots: Int64, days: Int64, firstDay: Int64) -> [Int64] {
        guard slots > 0 else { return [0, days * CivilTime.secondsPerDay] }
        let hours = Int(days * 24)
        var cumulative = [Int64](repeating: 0, count: hours + 1)
        for hour in 0..<hours {
            let weekday = CivilTime.weekday(days: firstDay + Int64(hour / 24))
            cumulative[hour + 1] = cumulative[hour] + hourWeights[weekday >= 5 ? 1 : 0][hour % 24] * 3600
        }
        let total = cumulative[hours]
        let cycleSeconds = days * CivilTime.secondsPerDay
        var bounds = [Int64](repeating: 0, count: Int(slots) + 1)
        var hour = 0
        for k in 1..<Int(slots) {
            let target = Int64((Int128(total) * Int128(k)) / Int128(slots))
            while cumulative[hour + 1] <= target { hour += 1 }
            let weight = (cumulative[hour + 1] - cumulative[hour]) / 3600
            bounds[k] = Int64(hour) * 3600 + (target - cumulative[hour]) / weight
        }
        bounds[Int(slots)] = cycleSeconds
        // Every slot at least one second long: push up, then pull back from the end.
        for k in 1...Int(slots) { bounds[k] = max(bounds[k], bounds[k - 1] + 1) }
        bounds[Int(slots)] = cycleSeconds
        for k in stride(from: Int(slots) - 1, to: 0, by: -1) { bounds[k] = min(bounds[k], bounds[k + 1] - 1) }
        return bounds
    }

    // MARK: - Rows

    /// The finished row at global index `g`, planted error included.
    /// `mayBeForced` false skips the forced-row lookup (a hash per row) where the caller knows
    /// the row is not among the first few of a file.
    func row<R: UsageRating>(_ g: Int64, _ context: RatingContext<R>, mayBeForced: Bool = true) throws(GeneratorError)
        -> Row
    {
        var rng = SplitMix64(seed: seed, 10, UInt64(g))
        var row = baseRow(g, &rng)
        let kind = (mayBeForced && !forced.isEmpty ? forced[g] : nil) ?? drawKind(g, &rng)
        switch kind {
        case .duplicateByID(let crossFile), .duplicateByContent(let crossFile):
            let byContent: Bool
            if case .duplicateByContent = kind { byContent = true } else { byContent = false }
            return try duplicate(of: g, byContent: byContent, crossFile: crossFile, row: row, &rng, context)
        case .unfiled(let variant):
            try plantUnfiled(&row, variant, &rng, context)
        case .unanswered(let service):
            try plantUnanswered(&row, service, &rng, context)
        case .unitInflation(let service):
            try plantUnitInflation(&row, service, &rng, context)
        case .rateInflation:
            ensureUsage(&row, &rng)
            let expected = try ratedOrFallback(&row, context)
            row.billedQuantity = expected.quantity
            row.billedAmount = expected.amount + delta(of: expected.amount, &rng)
            row.rule = .rateInflation
            row.overcharge = row.billedAmount - expected.amount
        case .undercharge:
            ensureUsage(&row, &rng)
            let expected = try ratedOrFallback(&row, context)
            row.billedQuantity = expected.quantity
            if expected.amount.micros >= grain {
                row.billedAmount = expected.amount - min(delta(of: expected.amount, &rng), expected.amount)
                row.rule = .undercharge
            } else {
                row.billedAmount = expected.amount  // nothing to undercharge: the row stays clean
            }
        case .clean:
            let expected = try ratedOrFallback(&row, context)
            row.billedQuantity = expected.quantity
            row.billedAmount = expected.amount
        }
        return row
    }

    private var grain: Int64 { catalog.precision.grainMicros }

    private func drawKind(_ g: Int64, _ rng: inout SplitMix64) -> Kind {
        let draw = rng.below(1_000_000)
        guard draw < 6 * ratePPM else { return .clean }
        switch draw / max(ratePPM, 1) {
        case 0:
            guard g > 0 else { return .clean }
            return rng.chance(1, in: 2) ? .duplicateByID(crossFile: false) : .duplicateByContent(crossFile: false)
        case 1: return .unfiled(rng.pick(UnfiledVariant.allCases))
        case 2: return .unanswered(rng.chance(3, in: 4) ? .voice : .data)
        case 3: return .unitInflation(rng.pick([Service.voice, .voice, .data, .sms]))
        case 4: return .rateInflation
        default: return .undercharge
        }
    }

    /// Account, plan, time and a realistic service mix, before any error is planted.
    private func baseRow(_ g: Int64, _ rng: inout SplitMix64) -> Row {
        let account = g % accounts
        let slot = Int(g / accounts)
        let second = slotBounds[slot] + rng.below(slotBounds[slot + 1] - slotBounds[slot])
        var row = Row(
            recordNumber: g, account: account, plan: planOf(account: account), service: .voice,
            start: catalog.instant(cycleSecond: second), style: Self.style(&rng))
        row.writesCycle = rng.below(100) >= 5
        switch rng.below(100) {
        case 0..<55: makeVoice(&row, &rng)
        case 55..<75: makeSMS(&row, &rng)
        default: makeData(&row, &rng)
        }
        return row
    }

    /// An account keeps its plan all cycle (drawn from the catalog's plan weights).
    func planOf(account: Int64) -> Int {
        accountPlans.isEmpty
            ? Self.drawPlan(seed: seed, account: account, planWeights) : Int(accountPlans[Int(account)])
    }

    private static func drawPlan(seed: UInt64, account: Int64, _ weights: [Int64]) -> Int {
        var rng = SplitMix64(seed: seed, 11, UInt64(account))
        return rng.weighted(weights)
    }

    /// Timestamps mix local time, `Z` and `+08:00`, with a few other offsets (same instants).
    static func style(_ rng: inout SplitMix64) -> TimestampStyle {
        switch rng.below(100) {
        case 0..<40: return .local
        case 40..<70: return .utc
        case 70..<98: return .offset(8 * 3600)
        case 98: return .offset(-5 * 3600)
        default: return .offset(5 * 3600 + 1800)
        }
    }

    private func makeVoice(_ row: inout Row, _ rng: inout SplitMix64) {
        row.service = .voice
        row.volume = 0
        row.destination = Destinations.voice(&rng)
        switch rng.below(100) {
        case 0..<12: row.duration = 0
        case 12..<52: row.duration = rng.within(1...60)
        case 52..<87: row.duration = rng.within(61...300)
        case 87..<97: row.duration = rng.within(301...1200)
        default: row.duration = rng.within(1201...7200)
        }
    }

    private func makeSMS(_ row: inout Row, _ rng: inout SplitMix64) {
        row.service = .sms
        row.duration = 0
        row.volume = 0
        row.destination = Destinations.sms(&rng)
    }

    private func makeData(_ row: inout Row, _ rng: inout SplitMix64) {
        row.service = .data
        row.duration = 0
        row.destination = .none
        switch rng.below(100) {
        case 0..<3: row.volume = 0
        case 3..<33: row.volume = rng.within(1...102_400)
        case 33..<73: row.volume = rng.within(102_401...5_242_880)
        case 73..<95: row.volume = rng.within(5_242_881...104_857_600)
        default: row.volume = rng.within(104_857_601...1_073_741_824)
        }
    }

    /// Rules that compare quantities need something used: an answered call, a non-empty session.
    private func ensureUsage(_ row: inout Row, _ rng: inout SplitMix64) {
        if row.service == .voice, row.duration == 0 { row.duration = rng.within(1...300) }
        if row.service == .data, row.volume == 0 { row.volume = rng.within(1...1_048_576) }
    }

    /// A whole number of grains: 5 %–100 % of `amount` (at least one grain).
    private func delta(of amount: Money, _ rng: inout SplitMix64) -> Money {
        let percent = rng.pick([5, 10, 20, 50, 100] as [Int64])
        let grains = max(1, amount.micros * percent / 100 / grain)
        return Money(micros: grains * grain)
    }

    // MARK: - Rating

    /// Rates the row as it stands.
    private func rate<R: UsageRating>(
        _ row: Row, plan: Int? = nil, duration: Int64? = nil, volume: Int64? = nil,
        _ context: RatingContext<R>
    ) -> Rating {
        context.rate(
            plan: plan ?? row.plan, service: row.service, start: row.start, duration: duration ?? row.duration,
            volume: volume ?? row.volume, destination: row.destination)
    }

    /// The expected quantity and amount of the row under its plan; a row the plan does not
    /// cover moves to the fully covering plan P01 (a clean row must be rated).
    private func ratedOrFallback<R: UsageRating>(_ row: inout Row, _ context: RatingContext<R>) throws(GeneratorError)
        -> (quantity: Int64, amount: Money)
    {
        if case .rated(let quantity, let amount) = rate(row, context) { return (quantity, amount) }
        row.plan = fallbackPlan
        switch rate(row, context) {
        case .rated(let quantity, let amount): return (quantity, amount)
        case .unfiled(let reason):
            throw .raterDisagrees(
                record: ids.text(.usage, row.recordNumber),
                detail: "plan P01 should cover every \(row.service.name) record but the rater says it is unfiled"
                    + (reason.isEmpty ? "" : ": \(reason)"))
        case .unrepresentable(let reason):
            // Generated quantities are minutes to hours: never near the bound.
            throw .raterDisagrees(record: ids.text(.usage, row.recordNumber), detail: reason)
        }
    }

    // MARK: - Planting

    /// Row `g` as the original of a repeat, remembered per file: an original may itself be a
    /// repeat, whose original is rebuilt in turn, and with the retries for a non-SMS original
    /// that chain cost up to 9^depth rows — a set of one row per file (each file's first row is a
    /// cross-file repeat) took minutes. `row` is a pure function of `g`, so the bytes are the same.
    private func originalRow<R: UsageRating>(_ g: Int64, _ context: RatingContext<R>) throws(GeneratorError) -> Row {
        if let known = context.originals[g] { return known }
        let built = try row(g, context)
        if context.originals.count >= RatingContext<R>.originalsLimit {
            context.originals.removeAll(keepingCapacity: true)
        }
        context.originals[g] = built
        return built
    }

    private func duplicate<R: UsageRating>(
        of g: Int64, byContent: Bool, crossFile: Bool, row base: Row, _ rng: inout SplitMix64,
        _ context: RatingContext<R>
    ) throws(GeneratorError) -> Row {
        // The original: a recent row (same file, usually) or any earlier row (usually another file).
        func pickOriginal(_ rng: inout SplitMix64) -> Int64 {
            if !crossFile, rng.chance(1, in: 2) { return g - 1 - rng.below(min(g, 2000)) }
            return rng.below(g)
        }
        var original = try originalRow(pickOriginal(&rng), context)
        // Content duplicates are defined for voice and data only; look a little for one.
        var attempts = 0
        while byContent, original.service == .sms, attempts < 8 {
            original = try originalRow(pickOriginal(&rng), context)
            attempts += 1
        }
        var repeated = original
        if byContent, original.service != .sms {
            // Same account, service, instant, destination, duration and volume; its own id, and
            // the start possibly written with another offset (DESIGN §5a: instants compare).
            repeated.recordNumber = base.recordNumber
            repeated.style = Self.style(&rng)
            repeated.writesCycle = base.writesCycle
        }
        repeated.rule = .duplicateCharge
        repeated.overcharge = repeated.billedAmount
        return repeated
    }

    private func plantUnfiled<R: UsageRating>(
        _ row: inout Row, _ variant: UnfiledVariant, _ rng: inout SplitMix64, _ context: RatingContext<R>
    ) throws(GeneratorError) {
        switch variant {
        case .unknownPlan: row.plan = unknownPlan
        case .emptyPlan: row.plan = emptyPlan
        case .retiredPlan: row.plan = retiredPlan
        case .noCatchAll:
            // P03 files domestic voice and SMS only: an international number has no rule.
            row.plan = dataOnlyDomesticPlan
            if row.service == .data { makeVoice(&row, &rng) }
            row.destination = Destinations.international(&rng)
        case .noDataRules:
            row.plan = weekdayPlan
            makeData(&row, &rng)
        case .weekdayOnly:
            // P04 covers weekdays only and has a version gap; on other days the call is unfiled.
            row.plan = weekdayPlan
            if row.service != .voice { makeVoice(&row, &rng) }
        }
        if case .rated = rate(row, context) { row.plan = unknownPlan }
        if case .rated = rate(row, context) {
            throw .raterDisagrees(
                record: ids.text(.usage, row.recordNumber),
                detail: "the rater rates a record under unknown plan P99")
        }
        // What a carrier's unfiled rate might bill: a whole minute, a kilobyte, a message.
        switch row.service {
        case .voice:
            row.billedQuantity = (row.duration + 59) / 60 * 60
            row.billedAmount = Money(micros: row.billedQuantity / 60 * 300_000)
        case .data:
            row.billedQuantity = (row.volume + 1023) / 1024 * 1024
            row.billedAmount = Money(micros: (row.billedQuantity / 1024 * 300 + grain / 2) / grain * grain)
        case .sms:
            row.billedQuantity = 1
            row.billedAmount = Money(micros: 100_000)
        }
        row.rule = .unfiledTariff
        row.overcharge = row.billedAmount
    }

    private func plantUnanswered<R: UsageRating>(
        _ row: inout Row, _ service: Service, _ rng: inout SplitMix64, _ context: RatingContext<R>
    ) throws(GeneratorError) {
        if service == .data {
            makeData(&row, &rng)
            row.volume = 0
        } else {
            if row.service != .voice { makeVoice(&row, &rng) }
            row.duration = 0
        }
        let expected = try ratedOrFallback(&row, context)
        // Billed as if one increment had been used.
        let used = row.service == .voice ? rate(row, duration: 60, context) : rate(row, volume: 1024, context)
        if case .rated(let quantity, let amount) = used, amount.micros > 0 {
            row.billedQuantity = quantity
            row.billedAmount = amount
        } else {
            row.billedQuantity = row.service == .voice ? 60 : 1024
            row.billedAmount = Money(micros: grain)
        }
        row.rule = .unansweredCharged
        row.overcharge = row.billedAmount - expected.amount
    }

    private func plantUnitInflation<R: UsageRating>(
        _ row: inout Row, _ service: Service, _ rng: inout SplitMix64, _ context: RatingContext<R>
    ) throws(GeneratorError) {
        if service != row.service {
            switch service {
            case .voice: makeVoice(&row, &rng)
            case .sms: makeSMS(&row, &rng)
            case .data: makeData(&row, &rng)
            }
        }
        ensureUsage(&row, &rng)
        let expected = try ratedOrFallback(&row, context)
        var inflatedQuantity: Int64
        var inflatedAmount = Money.zero
        switch row.service {
        case .voice:
            // Whole minutes instead of the filed increments, or one minute too many.
            inflatedQuantity = (row.duration + 59) / 60 * 60
            if inflatedQuantity <= expected.quantity { inflatedQuantity = expected.quantity + 60 }
            if case .rated(_, let amount) = rate(row, duration: inflatedQuantity, context) { inflatedAmount = amount }
        case .data:
            inflatedQuantity = expected.quantity + 1024 * rng.within(1...512)
            if case .rated(_, let amount) = rate(row, volume: inflatedQuantity, context) { inflatedAmount = amount }
        case .sms:
            inflatedQuantity = 2
            inflatedAmount = Money(micros: expected.amount.micros * 2)
        }
        row.billedQuantity = inflatedQuantity
        row.billedAmount = max(inflatedAmount, expected.amount + Money(micros: grain))
        row.rule = .unitInflation
        row.overcharge = row.billedAmount - expected.amount
    }

    // MARK: - Writing

    func write(_ row: Row, to writer: CSVRowWriter) throws(OutputError) {
        ids.write(.usage, row.recordNumber, to: writer)
        writer.comma()
        writer.byte(UInt8(ascii: "A"))
        writer.padded(row.account, width: accountWidth)
        writer.comma()
        writer.short(planTexts[row.plan])
        writer.comma()
        switch row.service {
        case .voice: writer.short(Self.voiceText)
        case .sms: writer.short(Self.smsText)
        case .data: writer.short(Self.dataText)
        }
        writer.comma()
        writer.timestamp(row.start, row.style, catalogOffset: catalog.timezoneOffset)
        writer.comma()
        writer.integer(row.duration)
        writer.comma()
        writer.integer(row.volume)
        writer.comma()
        if row.destination.length > 0 { writer.padded(row.destination.value, width: Int(row.destination.length)) }
        writer.comma()
        writer.integer(row.billedQuantity)
        writer.comma()
        writer.money(row.billedAmount, fractionDigits: catalog.precision.fractionDigits)
        writer.comma()
        if row.writesCycle { writer.short(cycleText) }
        try writer.endRow()
    }

    private static let voiceText = ShortText(Array("voice".utf8))
    private static let smsText = ShortText(Array("sms".utf8))
    private static let dataText = ShortText(Array("data".utf8))

    /// Writes one usage file and returns its planted errors in row order.
    func writeFile<R: UsageRating>(_ file: Int, to writer: CSVRowWriter, _ context: RatingContext<R>)
        throws(GeneratorError) -> [AnswerEntry]
    {
        var entries: [AnswerEntry] = []
        do {
            writer.bytes(Array(Self.header.utf8))
            let rows = range(file: file)
            for g in rows {
                // Forced rows are among the first 16 of a file.
                let row = try row(g, context, mayBeForced: g - rows.lowerBound < 16)
                do { try write(row, to: writer) } catch { throw GeneratorError.output(error) }
                if let rule = row.rule {
                    entries.append(
                        AnswerEntry(
                            kind: .usage, recordNumber: row.recordNumber, rule: rule, overcharge: row.overcharge))
                }
            }
            do { try writer.finish() } catch { throw GeneratorError.output(error) }
        }
        return entries
    }
}

/// One thread's rating state: the rater and scratch bytes for plan ids and destinations, so a
/// `UsageEvent` can point at bytes without allocating per row.
final class RatingContext<R: UsageRating> {
    let rater: R
    /// Rows built as originals of repeats in this file (`UsageGenerator.originalRow`), at most
    /// `originalsLimit` of them.
    var originals: [Int64: UsageGenerator.Row] = [:]
    static var originalsLimit: Int { 65_536 }
    private let plans: UnsafeMutableRawBufferPointer
    private let planRanges: [Range<Int>]
    private let destination: UnsafeMutablePointer<UInt8>

    init(rater: R, planIDs: [[UInt8]]) {
        self.rater = rater
        let total = planIDs.reduce(0) { $0 + $1.count } + 1
        plans = .allocate(byteCount: total, alignment: 1)
        var offset = 0
        var ranges: [Range<Int>] = []
        for id in planIDs {
            for (index, byte) in id.enumerated() { plans[offset + index] = byte }
            ranges.append(offset..<offset + id.count)
            offset += id.count
        }
        planRanges = ranges
        destination = .allocate(capacity: 32)
    }

    deinit {
        plans.deallocate()
        destination.deallocate()
    }

    func rate(
        plan: Int, service: Service, start: Int64, duration: Int64, volume: Int64, destination number: Destination
    )
        -> Rating
    {
        let count = number.write(into: destination)
        // Both buffers outlive the call; the event only borrows them for `rate`.
        let event = UsageEvent(
            planID: UnsafeRawBufferPointer(rebasing: plans[planRanges[plan]]), service: service, start: start,
            durationSeconds: duration, volumeBytes: volume,
            destination: UnsafeRawBufferPointer(start: destination, count: count))
        return rater.rate(event)
    }
}
