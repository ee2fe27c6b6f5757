import Yams

/// Reads catalog YAML into a `TariffCatalog`, rejecting anything malformed or ambiguous
/// (DESIGN.md §2.5, §5a) with the file, YAML path, line and an actionable reason.
///
/// Every scalar is read as text and parsed with the catalog grammars: `0.20` is an exact
/// amount, `+08:00` an offset, never a YAML float or sexagesimal integer.
struct CatalogLoader {
    let file: String
    /// Identical destination tables are built once and shared between plan versions.
    let tables = PrefixTableCache()

    static let catalogFields = [
        "currency", "timezone", "amount_precision", "rounding", "refund_factor", "confirmation_window",
        "min_confirmation_delay", "plans", "items",
    ]
    static let planFields = [
        "id", "name", "approval", "effective_from", "effective_to", "band_rule", "voice", "sms", "data",
    ]
    static let voiceFields = ["destinations", "bands", "connect_fee", "steps"]
    static let bandFields = ["days", "from", "to"]
    static let stepFields = ["after", "increment", "rate", "per"]
    static let smsFields = ["destinations", "rate"]
    static let dataFields = ["increment", "rate", "per"]
    static let itemFields = [
        "code", "name", "approval", "amount", "effective_from", "effective_to", "requires_subscription",
    ]
    /// Bound on a version's common `per` denominator (see `VoiceTariff`); real catalogs use 1s, 60s…
    static let maxDenominator: Int64 = 1_000_000_000_000
    /// `refund_factor` at most 1000.
    static let maxRefundFactor = Money(micros: 1000 * Money.scale)

    func load(yaml: String) throws(CatalogError) -> TariffCatalog {
        guard let root = try YAMLDocument.compose(yaml, file: file) else {
            throw .invalid(file: file, path: "", line: 0, reason: "the catalog is empty")
        }
        let fields = try YAMLFields(root, path: "", allowed: Self.catalogFields, what: "the catalog", file: file)
        let currency = try fields.name("currency")
        var timezoneOffset: Int64 = 0
        if let text = try fields.text("timezone") {
            guard let offset = CatalogGrammar.timezone(text) else {
                throw fields.error("timezone", "\"\(text)\" is not a timezone (Z or ±HH:MM, like +08:00)")
            }
            timezoneOffset = offset
        }
        var precision = AmountPrecision(fractionDigits: 2)
        if let text = try fields.text("amount_precision") {
            guard let parsed = AmountPrecision(literal: text) else {
                throw fields.error("amount_precision", "\"\(text)\" must be one of 1, 0.1, 0.01, … 0.000001")
            }
            precision = parsed
        }
        var rounding = RoundingMode.halfUp
        if let text = try fields.text("rounding") {
            guard let parsed = RoundingMode(rawValue: text) else {
                throw fields.error("rounding", "\"\(text)\" must be up, half_up or down")
            }
            rounding = parsed
        }
        let refundFactor = try fields.amount("refund_factor") ?? Money(micros: 2_000_000)
        // Refunds are a small multiple of the overcharge (2 by law); the bound also keeps every
        // refund of a run's exact sums within 128 bits.
        guard refundFactor <= Self.maxRefundFactor else {
            throw fields.error("refund_factor", "must be at most \(SummaryJSON.plain(Self.maxRefundFactor))")
        }
        let confirmationWindow = try fields.duration("confirmation_window") ?? 86_400
        let minConfirmationDelay = try fields.duration("min_confirmation_delay") ?? 0

        var plans: [PlanVersion] = []
        for (path, node) in try fields.list("plans") { plans.append(try plan(node, path: path)) }
        try checkVersions(plans.map { ($0.id, $0.effectiveFrom, $0.effectiveTo, $0.yamlPath, $0.line) }, what: "plan")
        var items: [ItemVersion] = []
        for (path, node) in try fields.list("items") { items.append(try item(node, path: path)) }
        try checkVersions(
            items.map { ($0.code, $0.effectiveFrom, $0.effectiveTo, $0.yamlPath, $0.line) }, what: "item")

        return TariffCatalog(
            path: file, currency: currency, timezoneOffset: timezoneOffset, precision: precision, rounding: rounding,
            refundFactor: refundFactor, confirmationWindow: confirmationWindow,
            minConfirmationDelay: minConfirmationDelay, plans: plans, items: items)
    }

    // MARK: Plans

    private func plan(_ node: Node, path: String) throws(CatalogError) -> PlanVersion {
        let fields = try YAMLFields(node, path: path, allowed: Self.planFields, what: "a plan", file: file)
        let id = try fields.name("id")
        let name = try fields.text("name") ?? ""
        let approval = try fields.approval("a plan")
        let (from, to) = try period(fields)
        var bandRule = BandRule.start
        if let text = try fields.text("band_rule") {
            guard let parsed = BandRule(rawValue: text) else {
                throw fields.error("band_rule", "\"\(text)\" must be start or split")
            }
            bandRule = parsed
        }
        var voice: [VoiceRule] = []
        for (rulePath, ruleNode) in try fields.list("voice") { voice.append(try voiceRule(ruleNode, path: rulePath)) }
        try checkVoiceOverlaps(voice)
        var sms: [SMSRule] = []
        for (rulePath, ruleNode) in try fields.list("sms") { sms.append(try smsRule(ruleNode, path: rulePath)) }
        try checkSMSOverlaps(sms)
        var data: [DataRule] = []
        for (rulePath, ruleNode) in try fields.list("data") { data.append(try dataRule(ruleNode, path: rulePath)) }
        if data.count > 1 {
            throw .invalid(
                file: file, path: data[1].yamlPath, line: data[1].line,
                reason:
                    "a plan takes at most one data rule (data rules have no destinations or bands to tell them apart)")
        }
        let denominator = try voiceDenominator(voice, fields: fields)
        return PlanVersion(
            id: id, name: name, approval: approval, effectiveFrom: from, effectiveTo: to, bandRule: bandRule,
            voice: voice, sms: sms, data: data.first, voiceDenominator: denominator, yamlPath: path,
            line: node.mark?.line ?? 0, tables: tables)
    }

    /// `effective_from` (required) and `effective_to` (optional, not before `effective_from`).
    private func period(_ fields: YAMLFields) throws(CatalogError) -> (Int64, Int64?) {
        _ = try fields.required("effective_from")
        let from = try fields.date("effective_from") ?? 0
        let to = try fields.date("effective_to")
        if let to, to < from {
            throw fields.error(
                "effective_to",
                "\(CivilTime.formatDate(days: to)) is before effective_from \(CivilTime.formatDate(days: from))")
        }
        return (from, to)
    }

    private func voiceRule(_ node: Node, path: String) throws(CatalogError) -> VoiceRule {
        let fields = try YAMLFields(node, path: path, allowed: Self.voiceFields, what: "a voice rule", file: file)
        let destinations = try fields.destinations()
        var bands: [Band] = []
        if fields.optional("bands") != nil {
            let items = try fields.list("bands")
            guard !items.isEmpty else {
                throw fields.error("bands", "must list at least one band (leave bands out for all day, every day)")
            }
            for (bandPath, bandNode) in items { bands.append(try band(bandNode, path: bandPath)) }
        } else {
            bands = [Band.always]
        }
        let connectFee = try fields.amount("connect_fee") ?? .zero
        _ = try fields.required("steps")
        let items = try fields.list("steps")
        guard !items.isEmpty else { throw fields.error("steps", "must list at least one step") }
        var steps: [Step] = []
        for (index, (stepPath, stepNode)) in items.enumerated() {
            let (step, stepFields) = try self.step(stepNode, path: stepPath)
            if index == 0, step.after != 0 {
                throw stepFields.error(
                    "after",
                    "the first step must start at after: 0s (found \(CatalogGrammar.formatSeconds(step.after)))")
            }
            if let previous = steps.last {
                if step.after <= previous.after {
                    throw stepFields.error(
                        "after",
                        "steps must be in increasing order of after (\(CatalogGrammar.formatSeconds(step.after)) "
                            + "follows \(CatalogGrammar.formatSeconds(previous.after)))")
                }
                if step.after % previous.increment != 0 {
                    throw stepFields.error(
                        "after",
                        "\(CatalogGrammar.formatSeconds(step.after)) is not a multiple of the previous step's "
                            + "increment (\(CatalogGrammar.formatSeconds(previous.increment)))")
                }
            }
            steps.append(step)
        }
        return VoiceRule(
            destinations: destinations, bands: bands, connectFee: connectFee, steps: steps, yamlPath: path,
            line: node.mark?.line ?? 0)
    }

    private func step(_ node: Node, path: String) throws(CatalogError) -> (Step, YAMLFields) {
        let fields = try YAMLFields(node, path: path, allowed: Self.stepFields, what: "a step", file: file)
        _ = try fields.required("after")
        let after = try fields.duration("after") ?? 0
        let increment = try fields.positiveDuration("increment")
        _ = try fields.required("rate")
        let rate = try fields.amount("rate") ?? .zero
        let per = try fields.positiveDuration("per")
        return (Step(after: after, increment: increment, rate: rate, per: per), fields)
    }

    private func band(_ node: Node, path: String) throws(CatalogError) -> Band {
        let fields = try YAMLFields(node, path: path, allowed: Self.bandFields, what: "a band", file: file)
        var days = Band.everyDay
        if fields.optional("days") != nil {
            let items = try fields.list("days")
            guard !items.isEmpty else { throw fields.error("days", "must list at least one day (or leave days out)") }
            days = 0
            for (dayPath, dayNode) in items {
                guard let text = dayNode.scalar?.string, let day = Band.dayNames.firstIndex(of: text) else {
                    throw YAMLFields.error(
                        file, dayPath, dayNode,
                        "unknown day \"\(dayNode.scalar?.string ?? "")\" (expected \(Band.dayNames.joined(separator: ", ")))"
                    )
                }
                days |= 1 << UInt8(day)
            }
        }
        let from = try fields.clock("from") ?? 0
        let to = try fields.clock("to") ?? CivilTime.secondsPerDay
        guard from < to else {
            throw YAMLFields.error(
                file, path, node,
                "from \(Band.clock(from)) is not before to \(Band.clock(to)) "
                    + "(write a window across midnight as two bands)")
        }
        return Band(days: days, from: from, to: to)
    }

    private func smsRule(_ node: Node, path: String) throws(CatalogError) -> SMSRule {
        let fields = try YAMLFields(
            node, path: path, allowed: Self.smsFields, what: "an sms rule", file: file)
        let destinations = try fields.destinations()
        _ = try fields.required("rate")
        let rate = try fields.amount("rate") ?? .zero
        return SMSRule(destinations: destinations, rate: rate, yamlPath: path, line: node.mark?.line ?? 0)
    }

    private func dataRule(_ node: Node, path: String) throws(CatalogError) -> DataRule {
        let fields = try YAMLFields(
            node, path: path, allowed: Self.dataFields, what: "a data rule", file: file)
        let increment = try fields.positiveBytes("increment")
        _ = try fields.required("rate")
        let rate = try fields.amount("rate") ?? .zero
        let per = try fields.positiveBytes("per")
        return DataRule(increment: increment, rate: rate, per: per, yamlPath: path, line: node.mark?.line ?? 0)
    }

    // MARK: Items

    private func item(_ node: Node, path: String) throws(CatalogError) -> ItemVersion {
        let fields = try YAMLFields(node, path: path, allowed: Self.itemFields, what: "an item", file: file)
        let code = try fields.name("code")
        let name = try fields.text("name") ?? ""
        let approval = try fields.approval("an item")
        _ = try fields.required("amount")
        let amount = try fields.amount("amount") ?? .zero
        let (from, to) = try period(fields)
        let requiresSubscription = try fields.bool("requires_subscription") ?? false
        return ItemVersion(
            code: code, name: name, approval: approval, amount: amount, effectiveFrom: from, effectiveTo: to,
            requiresSubscription: requiresSubscription, yamlPath: path, line: node.mark?.line ?? 0)
    }
}
