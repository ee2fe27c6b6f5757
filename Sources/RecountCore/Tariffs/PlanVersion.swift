/// One filed version of a tariff plan: the rules in force from `effectiveFrom` to
/// `effectiveTo` (local days). A record is rated whole by the version in force on its local
/// start date.
public struct PlanVersion: Sendable {
    public let id: String
    public let name: String
    /// The filing number; never empty (a catalog with an unfiled plan is rejected).
    public let approval: String
    /// First local day in force (days since 1970-01-01).
    public let effectiveFrom: Int64
    /// Last local day in force; nil = open.
    public let effectiveTo: Int64?
    public let bandRule: BandRule
    public let voice: [VoiceRule]
    public let sms: [SMSRule]
    public let data: DataRule?
    /// Where the version is written (`plans[3]`), for `explain` traces.
    public let yamlPath: String
    public let line: Int

    let voiceTariff: VoiceTariff
    let smsPrefixes: PrefixTable

    /// `voiceDenominator` is a common multiple of every voice step's `per` small enough that
    /// every `rate_micros × (voiceDenominator / per)` fits `Int64` (see `CatalogLoader`).
    init(
        id: String, name: String, approval: String, effectiveFrom: Int64, effectiveTo: Int64?, bandRule: BandRule,
        voice: [VoiceRule], sms: [SMSRule], data: DataRule?, voiceDenominator: Int64, yamlPath: String, line: Int,
        tables: PrefixTableCache = PrefixTableCache()
    ) {
        self.id = id
        self.name = name
        self.approval = approval
        self.effectiveFrom = effectiveFrom
        self.effectiveTo = effectiveTo
        self.bandRule = bandRule
        self.voice = voice
        self.sms = sms
        self.data = data
        self.yamlPath = yamlPath
        self.line = line
        self.voiceTariff = VoiceTariff(rules: voice, denominator: voiceDenominator, tables: tables)
        var smsPrefixes: [(prefix: String, rule: Int32)] = []
        for (index, rule) in sms.enumerated() {
            for destination in rule.destinations { smsPrefixes.append((destination, Int32(index))) }
        }
        self.smsPrefixes = tables.table(smsPrefixes)
    }

    public func isInForce(localDay: Int64) -> Bool {
        effectiveFrom <= localDay && localDay <= (effectiveTo ?? Int64.max)
    }

    /// `2012-01-01..2012-12-31` or `2012-01-01..open`.
    public var periodDescription: String {
        CivilTime.formatDate(days: effectiveFrom) + ".."
            + (effectiveTo.map { CivilTime.formatDate(days: $0) } ?? "open")
    }
}
