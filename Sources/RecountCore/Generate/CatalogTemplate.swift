/// The tariff catalog the generator files, as data: rendered to `catalog.yaml` for the engine,
/// to `rates.csv` for the benchmark comparisons, and consulted directly for charge items.
///
/// Its shape is fixed (plans, bands, steps, items are chosen to exercise DESIGN §2.5 and §3:
/// versions that change mid-cycle and at the cycle start, a version gap, peak/off-peak bands,
/// `split` plans, multi-step voice with connect fees, a plan without a catch-all destination,
/// a weekday-only plan, a retired plan, hundreds of destination prefixes, value-added items);
/// the rates are drawn from the seed so different seeds file different tariffs.
struct CatalogTemplate {
    let currency = "CNY"
    let timezoneText = "+08:00"
    let timezoneOffset: Int64 = 8 * 3600
    let precisionText = "0.001"
    let precision = AmountPrecision(fractionDigits: 3)
    let rounding = RoundingMode.halfUp
    let refundFactor: Int64 = 2
    let confirmationWindow: Int64 = 86_400
    /// Non-zero so that "confirmed sooner than the minimum delay" can be planted.
    let minConfirmationDelay: Int64 = 10

    /// The billing cycle the data set covers (YYYYMM), its first local day and length in days.
    let cycle: Int32
    let cycleFirstDay: Int64
    let cycleDays: Int64

    var plans: [PlanTemplate] = []
    var items: [ItemTemplate] = []

    // MARK: - Model

    enum BandRule: String { case start, split }

    struct Band {
        /// Monday = 0 … Sunday = 6; all seven means "every day" and is written without `days`.
        var days: [Int]
        var fromMinute: Int
        var toMinute: Int
    }

    struct Step {
        var after: Int64
        var increment: Int64
        var rate: Money
        var per: Int64
    }

    struct VoiceRule {
        var destinations: [String]
        /// Empty: all day, every day (written without `bands`).
        var bands: [Band]
        /// nil: not written, so the catalog default (0) is exercised.
        var connectFee: Money?
        var steps: [Step]
    }

    struct SMSRule {
        var destinations: [String]
        var rate: Money
    }

    struct DataRule {
        var increment: Int64
        var rate: Money
        var per: Int64
    }

    struct PlanVersion {
        var approval: String
        var from: Int64
        var to: Int64?
        /// nil: not written (the default, `start`).
        var bandRule: BandRule?
        var voice: [VoiceRule]
        var sms: [SMSRule]
        var data: [DataRule]
    }

    struct PlanTemplate {
        var id: String
        var name: String
        var versions: [PlanVersion]
        /// Share of accounts on this plan (0: no account is on it; it only serves planted errors).
        var weight: Int64
    }

    struct ItemVersion {
        var approval: String
        var amount: Money
        var from: Int64
        var to: Int64?
    }

    struct ItemTemplate {
        var code: String
        var name: String
        var requiresSubscription: Bool
        var versions: [ItemVersion]
    }

    // MARK: - Lookups the generator needs

    /// The filed version of an item in force on a local day (DESIGN §4 `unfiled-item`).
    func itemVersion(code: String, localDay: Int64) -> ItemVersion? {
        guard let item = items.first(where: { $0.code == code }) else { return nil }
        return item.versions.first { $0.from <= localDay && localDay <= ($0.to ?? Int64.max) }
    }

    /// The local day of an instant in the catalog's timezone.
    func localDay(_ epoch: Int64) -> Int64 {
        CivilTime.floorDiv(epoch + timezoneOffset, CivilTime.secondsPerDay)
    }

    /// The instant of local second `second` of the cycle.
    func instant(cycleSecond second: Int64) -> Int64 {
        cycleFirstDay * CivilTime.secondsPerDay + second - timezoneOffset
    }

    var cycleSeconds: Int64 { cycleDays * CivilTime.secondsPerDay }

    // MARK: - Building

    /// Errors in the generator's own inputs (not in user data).
    static func cycleBounds(_ cycle: Int32) -> (firstDay: Int64, days: Int64) {
        let year = Int64(cycle / 100)
        let month = Int64(cycle % 100)
        return (CivilTime.days(year: year, month: month, day: 1), CivilTime.daysInMonth(year: year, month: month))
    }

    init(seed: UInt64, cycle: Int32) {
        self.cycle = cycle
        (cycleFirstDay, cycleDays) = Self.cycleBounds(cycle)
        var rng = SplitMix64(seed: seed, 1, 0)
        let d0 = cycleFirstDay
        // Every date is relative to the cycle's year (the default 2026-10 gives the dates the
        // template always had), so any cycle in `GeneratorOptions.cycleYears` makes a valid set.
        let year = Int64(cycle / 100)
        let day = { (y: Int64, m: Int64, d: Int64) in CivilTime.days(year: y, month: m, day: d) }

        // Money in hundredths drawn around a base, so rates differ per seed but stay plausible.
        func cents(_ base: Int64, spread: Int64) -> Money {
            Money(micros: (base + rng.within(-spread...spread)) * 10_000)
        }
        let weekdays = [0, 1, 2, 3, 4]
        let weekend = [5, 6]
        let everyDay = Array(0...6)
        let peak = [Band(days: weekdays, fromMinute: 8 * 60, toMinute: 20 * 60)]
        let offPeak = [
            Band(days: weekdays, fromMinute: 0, toMinute: 8 * 60),
            Band(days: weekdays, fromMinute: 20 * 60, toMinute: 24 * 60),
            Band(days: weekend, fromMinute: 0, toMinute: 24 * 60),
        ]
        let zones = Destinations.internationalZones

        func perMinute(_ rate: Money, first: Int64, then: Int64) -> [Step] {
            [
                Step(after: 0, increment: first, rate: rate, per: 60),
                Step(after: first, increment: then, rate: rate, per: 60),
            ]
        }
        func internationalRules(scale: Int64, connect: Bool, steps: (Money) -> [Step]) -> [VoiceRule] {
            zones.enumerated().map { index, zone in
                let rate = cents((80 + Int64(index) * 45) * scale / 100, spread: 10)
                return VoiceRule(
                    destinations: zone, bands: [], connectFee: connect ? cents(20, spread: 10) : nil, steps: steps(rate)
                )
            }
        }
        func catchAll(_ rate: Money) -> VoiceRule {
            VoiceRule(
                destinations: [""], bands: [], connectFee: Money(micros: 500_000),
                steps: [Step(after: 0, increment: 60, rate: rate, per: 60)])
        }
        let smsRules = { (domestic: Money, international: Money?) -> [SMSRule] in
            var rules = [SMSRule(destinations: ["86"], rate: domestic)]
            if let international { rules.append(SMSRule(destinations: [""], rate: international)) }
            return rules
        }

        // P01: start-banded domestic peak/off-peak, international zones, a catch-all; the version
        // changes mid-cycle, so a record's local date (not its UTC date) picks the rates.
        func p01Version(approval: String, from: Int64, to: Int64?, scale: Int64) -> PlanVersion {
            PlanVersion(
                approval: approval, from: from, to: to, bandRule: .start,
                voice: [
                    VoiceRule(
                        destinations: ["86"], bands: peak, connectFee: Money(micros: 50_000),
                        steps: perMinute(cents(20 * scale / 100, spread: 3), first: 60, then: 6)),
                    VoiceRule(
                        destinations: ["86"], bands: offPeak, connectFee: nil,
                        steps: perMinute(cents(10 * scale / 100, spread: 2), first: 60, then: 6)),
                ] + internationalRules(scale: scale, connect: true) { perMinute($0, first: 30, then: 6) }
                    + [catchAll(cents(800, spread: 50))],
                sms: smsRules(cents(10, spread: 2), cents(50, spread: 10)),
                data: [DataRule(increment: 1024, rate: Money(micros: 300 + rng.within(-50...50)), per: 1024)])
        }
        plans.append(
            PlanTemplate(
                id: "P01", name: "Talk 58",
                versions: [
                    p01Version(approval: "GX-\(year - 2)-0101", from: day(year - 1, 1, 1), to: d0 + 13, scale: 100),
                    p01Version(approval: "GX-\(year)-0117", from: d0 + 14, to: nil, scale: 120),
                ], weight: 30))

        // P02: `split` peak/off-peak with a peak connect fee, per-6-second domestic billing.
        plans.append(
            PlanTemplate(
                id: "P02", name: "Flex Split",
                versions: [
                    PlanVersion(
                        approval: "GX-\(year - 2)-0202", from: day(year - 2, 3, 1), to: nil, bandRule: .split,
                        voice: [
                            VoiceRule(
                                destinations: ["86"], bands: peak, connectFee: cents(5, spread: 2),
                                steps: [Step(after: 0, increment: 6, rate: cents(30, spread: 5), per: 60)]),
                            VoiceRule(
                                destinations: ["86"], bands: offPeak, connectFee: nil,
                                steps: [Step(after: 0, increment: 6, rate: cents(10, spread: 3), per: 60)]),
                        ] + internationalRules(scale: 90, connect: false) { perMinute($0, first: 60, then: 60) }
                            + [catchAll(cents(900, spread: 50))],
                        sms: smsRules(cents(8, spread: 2), cents(60, spread: 10)),
                        data: [DataRule(increment: 10_240, rate: Money(micros: 290_000), per: 1_048_576)])
                ], weight: 20))

        // P03: a data plan with domestic voice and SMS only: no catch-all, so an international
        // call or message has no covering rule (`unfiled-tariff`).
        plans.append(
            PlanTemplate(
                id: "P03", name: "Data 100",
                versions: [
                    PlanVersion(
                        approval: "GX-\(year - 1)-0303", from: day(year - 1, 6, 1), to: day(year + 1, 12, 31),
                        bandRule: nil,
                        voice: [
                            VoiceRule(
                                destinations: ["86"], bands: [], connectFee: nil,
                                steps: perMinute(cents(15, spread: 3), first: 60, then: 60))
                        ],
                        sms: smsRules(cents(10, spread: 2), nil),
                        data: [DataRule(increment: 1_048_576, rate: cents(10, spread: 2), per: 1_048_576)])
                ], weight: 15))

        // P04: a business plan whose voice rules cover weekdays only and whose versions leave a
        // two-day gap mid-cycle; it files no data.
        func p04Version(approval: String, from: Int64, to: Int64?) -> PlanVersion {
            PlanVersion(
                approval: approval, from: from, to: to, bandRule: .start,
                voice: [
                    VoiceRule(
                        destinations: ["86"], bands: [Band(days: weekdays, fromMinute: 0, toMinute: 24 * 60)],
                        connectFee: cents(10, spread: 3), steps: perMinute(cents(12, spread: 3), first: 60, then: 6)),
                    VoiceRule(
                        destinations: [""], bands: [Band(days: weekdays, fromMinute: 0, toMinute: 24 * 60)],
                        connectFee: nil, steps: [Step(after: 0, increment: 60, rate: cents(600, spread: 50), per: 60)]),
                ],
                sms: smsRules(cents(10, spread: 2), cents(40, spread: 5)),
                data: [])
        }
        plans.append(
            PlanTemplate(
                id: "P04", name: "Business Weekday",
                versions: [
                    p04Version(approval: "GX-\(year - 2)-0404", from: day(year - 1, 1, 1), to: d0 + 18),
                    p04Version(approval: "GX-\(year)-0405", from: d0 + 21, to: nil),
                ], weight: 10))

        // P05: international roaming with three-step voice and city-level prefixes (longest match
        // beats the country code); its new version starts at the cycle's first local day, so a
        // call at 00:30 local on day 1 (16:30Z the day before) takes the new rates.
        func p05Version(approval: String, from: Int64, to: Int64?, scale: Int64) -> PlanVersion {
            let threeStep = { (rate: Money) -> [Step] in
                [
                    Step(after: 0, increment: 60, rate: rate, per: 60),
                    Step(after: 60, increment: 30, rate: rate, per: 60),
                    Step(after: 300, increment: 6, rate: Money(micros: rate.micros / 2 / 10_000 * 10_000), per: 60),
                ]
            }
            return PlanVersion(
                approval: approval, from: from, to: to, bandRule: .start,
                voice: [
                    VoiceRule(
                        destinations: ["86"], bands: [], connectFee: nil,
                        steps: perMinute(cents(18 * scale / 100, spread: 3), first: 60, then: 6)),
                    VoiceRule(
                        destinations: Destinations.cityPrefixes, bands: [], connectFee: cents(15, spread: 5),
                        steps: threeStep(cents(60 * scale / 100, spread: 10))),
                ] + internationalRules(scale: scale * 80 / 100, connect: true, steps: threeStep)
                    + [catchAll(cents(700, spread: 50))],
                sms: smsRules(cents(10, spread: 2), cents(30, spread: 5)),
                data: [DataRule(increment: 1024, rate: Money(micros: 250), per: 1024)])
        }
        plans.append(
            PlanTemplate(
                id: "P05", name: "Roam Global",
                versions: [
                    p05Version(approval: "GX-\(year - 3)-0505", from: day(year - 2, 1, 1), to: d0 - 1, scale: 100),
                    p05Version(approval: "GX-\(year)-0506", from: d0, to: nil, scale: 90),
                ], weight: 10))

        // P06: `split` with three daily bands and cheaper own-network mobile prefixes.
        let night = [Band(days: everyDay, fromMinute: 0, toMinute: 7 * 60)]
        let dayBand = [Band(days: everyDay, fromMinute: 7 * 60, toMinute: 19 * 60)]
        let evening = [Band(days: everyDay, fromMinute: 19 * 60, toMinute: 24 * 60)]
        var p06Voice: [VoiceRule] = []
        for (bands, base) in [(night, Int64(5)), (dayBand, Int64(15)), (evening, Int64(10))] {
            p06Voice.append(
                VoiceRule(
                    destinations: Destinations.ownNetworkPrefixes, bands: bands, connectFee: nil,
                    steps: perMinute(cents(base * 6 / 10, spread: 1), first: 60, then: 6)))
            p06Voice.append(
                VoiceRule(
                    destinations: ["86"], bands: bands, connectFee: base == 15 ? cents(5, spread: 2) : nil,
                    steps: perMinute(cents(base, spread: 2), first: 60, then: 6)))
        }
        plans.append(
            PlanTemplate(
                id: "P06", name: "Night Owl",
                versions: [
                    PlanVersion(
                        approval: "GX-\(year - 1)-0606", from: day(year - 1, 1, 1), to: nil, bandRule: .split,
                        voice: p06Voice
                            + internationalRules(scale: 110, connect: true) { perMinute($0, first: 60, then: 6) }
                            + [catchAll(cents(850, spread: 50))],
                        sms: smsRules(cents(10, spread: 2), cents(50, spread: 5)),
                        data: [DataRule(increment: 1024, rate: Money(micros: 350), per: 1024)])
                ], weight: 15))

        // P90: retired before the cycle; any record rated under it is `unfiled-tariff`.
        plans.append(
            PlanTemplate(
                id: "P90", name: "Old Talk",
                versions: [
                    PlanVersion(
                        approval: "GX-\(year - 7)-0090", from: day(year - 6, 1, 1), to: day(year - 1, 12, 31),
                        bandRule: nil,
                        voice: [catchAll(cents(20, spread: 2))], sms: smsRules(cents(10, spread: 1), nil),
                        data: [DataRule(increment: 1024, rate: Money(micros: 500), per: 1024)])
                ], weight: 0))

        func item(
            _ code: String, _ name: String, _ amount: Int64, vas: Bool = false, from: Int64? = nil, to: Int64? = nil
        )
            -> ItemTemplate
        {
            ItemTemplate(
                code: code, name: name, requiresSubscription: vas,
                versions: [
                    ItemVersion(
                        approval: "GX-ITEM-\(code)", amount: Money(micros: amount * 10_000),
                        from: from ?? day(year - 2, 1, 1),
                        to: to)
                ])
        }
        items = [
            item("MF58", "Monthly fee Talk 58", 5800),
            item("MF88", "Monthly fee Flex 88", 8800),
            item("MF128", "Monthly fee Business 128", 12_800),
            ItemTemplate(
                code: "CLIP", name: "Caller ID display", requiresSubscription: false,
                versions: [
                    ItemVersion(
                        approval: "GX-\(year - 14)-0100", amount: Money(micros: 5_000_000), from: day(year - 14, 1, 1),
                        to: d0 + 14),
                    ItemVersion(approval: "GX-\(year)-0100", amount: Money(micros: 6_000_000), from: d0 + 15, to: nil),
                ]),
            item("VMAIL", "Voice mail", 300),
            item("ROAM30", "Roaming day pack", 3000),
            item("PAPERBILL", "Paper bill", 200, from: day(year - 11, 1, 1), to: day(year - 1, 6, 30)),
            item("ESIM2", "Second eSIM", 1000, from: d0 + cycleDays + 30),
            item("VAS-NEWS", "News alerts", 200, vas: true),
            ItemTemplate(
                code: "VAS-MUSIC", name: "Music club", requiresSubscription: true,
                versions: [
                    ItemVersion(
                        approval: "GX-VAS-0201", amount: Money(micros: 6_000_000), from: day(year - 3, 1, 1), to: d0 + 9
                    ),
                    ItemVersion(approval: "GX-VAS-0202", amount: Money(micros: 8_000_000), from: d0 + 10, to: nil),
                ]),
            item("VAS-GAME", "Game centre", 1000, vas: true),
            item("VAS-VIDEO", "Video pass", 1500, vas: true),
            item("VAS-READ", "E-reader club", 500, vas: true),
        ]
    }

    /// Item codes a carrier bills without any filing (`unfiled-item`).
    static let unfiledItemCodes = ["SVCFEE", "ADMIN", "VAS-LOTTO", "INSURE"]
    /// Filed codes that are not in force anywhere in the cycle (`unfiled-item` too).
    static let outOfForceItemCodes = ["PAPERBILL", "ESIM2"]
    var ordinaryItemCodes: [String] {
        items.filter { !$0.requiresSubscription && $0.versions.count == 1 && isInForceAllCycle($0) }.map(\.code) + [
            "CLIP"
        ]
    }
    var valueAddedItemCodes: [String] { items.filter(\.requiresSubscription).map(\.code) }

    private func isInForceAllCycle(_ item: ItemTemplate) -> Bool {
        item.versions.contains { $0.from <= cycleFirstDay && cycleFirstDay + cycleDays - 1 <= ($0.to ?? Int64.max) }
    }
}
