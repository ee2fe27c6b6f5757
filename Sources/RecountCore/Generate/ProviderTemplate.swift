/// The SP licence registry the generator writes to `providers.csv`, and the licence check the charge
/// generator plants against (DESIGN §5a "Licences").
struct ProviderTemplate {
    struct Licence {
        var licence: String
        var validFrom: Int64
        var validTo: Int64?
    }

    struct Provider {
        var code: String
        var name: String
        var licences: [Licence]
    }

    var providers: [Provider] = []
    /// Providers licensed over the whole cycle: the safe choice for clean value-added charges.
    var alwaysLicensed: [String] = []
    /// Providers that are licensed on some days of the cycle and not on others, or never.
    var partlyOrNeverLicensed: [String] = []
    /// Codes that appear in charges but not in the registry.
    static let unregistered = ["SP9001", "SP9002", "SP9003", "SP9017", "SP9042"]

    init(seed: UInt64, cycleFirstDay d0: Int64) {
        let year = CivilTime.date(days: d0).year
        var rng = SplitMix64(seed: seed, 2, 0)
        let names = [
            "Blue Sky Media, Ltd.", "Ocean \"Wave\" Apps", "Golden Dragon Games", "Northern Lights Music",
            "Jade Reader",
            "Pearl River News", "Summit Video", "Lotus Learning", "Panda Play", "Silk Road Travel", "Red Lantern Radio",
            "Bamboo Weather", "Crane Sports", "Harbour Finance Tips", "Mountain Mail", "Phoenix Ringtones",
            "Tea House Stories", "Kite Cartoons", "Lantern Lottery Info", "Willow Health",
        ]
        for (index, name) in names.enumerated() {
            let code = "SP" + String(1001 + index)
            // Relative to the cycle's year (2017–2023 and 2030 for the default 2026-10).
            let from = CivilTime.days(
                year: year - 9 + rng.within(0...6), month: rng.within(1...12), day: rng.within(1...28))
            let to: Int64? = rng.chance(1, in: 3) ? CivilTime.days(year: year + 4, month: 12, day: 31) : nil
            providers.append(
                Provider(
                    code: code, name: name,
                    licences: [
                        Licence(licence: "B2-\(20_170_000 + rng.within(0...99_999))", validFrom: from, validTo: to)
                    ]))
            alwaysLicensed.append(code)
        }
        let partial: [Provider] = [
            // Expired before the cycle.
            Provider(
                code: "SP2001", name: "Yesterday Games",
                licences: [Licence(licence: "B2-20150042", validFrom: d0 - 3000, validTo: d0 - 120)]),
            // Expires mid-cycle: the last valid day is day 15.
            Provider(
                code: "SP2002", name: "Comet Quiz",
                licences: [Licence(licence: "B2-20180777", validFrom: d0 - 2000, validTo: d0 + 14)]),
            // Renewed with a gap: days 11 and 12 are unlicensed.
            Provider(
                code: "SP2003", name: "Orchid Horoscope",
                licences: [
                    Licence(licence: "B2-20160311", validFrom: d0 - 1500, validTo: d0 + 9),
                    Licence(licence: "B2-20260311", validFrom: d0 + 12, validTo: nil),
                ]),
            // Registered without a licence number.
            Provider(
                code: "SP2004", name: "Grey Market SMS",
                licences: [Licence(licence: "", validFrom: d0 - 400, validTo: nil)]),
            // Licensed only from day 21.
            Provider(
                code: "SP2005", name: "Newcomer Streams",
                licences: [Licence(licence: "B2-20260901", validFrom: d0 + 20, validTo: nil)]),
        ]
        providers += partial
        partlyOrNeverLicensed = partial.map(\.code)
    }

    /// DESIGN §5a: some registry row has a non-empty licence valid on the local day (inclusive).
    func isLicensed(_ code: String, localDay: Int64) -> Bool {
        guard let provider = providers.first(where: { $0.code == code }) else { return false }
        return provider.licences.contains {
            !$0.licence.isEmpty && $0.validFrom <= localDay && localDay <= ($0.validTo ?? Int64.max)
        }
    }

    /// `provider,name,licence,valid_from,valid_to`, one row per licence.
    func write(to writer: CSVRowWriter) throws(OutputError) {
        writer.bytes(Array("provider,name,licence,valid_from,valid_to\n".utf8))
        for provider in providers {
            for licence in provider.licences {
                writer.field(provider.code)
                writer.comma()
                writer.field(provider.name)
                writer.comma()
                writer.field(licence.licence)
                writer.comma()
                writer.date(days: licence.validFrom)
                writer.comma()
                if let to = licence.validTo { writer.date(days: to) }
                try writer.endRow()
            }
        }
    }
}
