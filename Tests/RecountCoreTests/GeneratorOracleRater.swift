@testable import RecountCore

/// A slow, obviously-written implementation of DESIGN §3 over the generator's catalog model.
///
/// Two uses: it stands in for the engine's `Rater` where a test needs ratings independent of
/// it, and comparing it with the engine on the generated catalog catches a catalog the two
/// read differently. `split` cuts at every start and end of any band of the plan version's
/// voice rules (and at step offsets), as DESIGN §3.1 describes.
final class OracleRater: UsageRating, @unchecked Sendable {
    let catalog: CatalogTemplate

    init(catalog: CatalogTemplate) { self.catalog = catalog }

    func rate(_ event: UsageEvent) -> Rating {
        let planID = String(decoding: event.planID, as: UTF8.self)
        let destination = String(decoding: event.destination, as: UTF8.self)
        let local = event.start + catalog.timezoneOffset
        let day = CivilTime.floorDiv(local, 86_400)
        guard let plan = catalog.plans.first(where: { $0.id == planID }),
            let version = plan.versions.first(where: { $0.from <= day && day <= ($0.to ?? Int64.max) })
        else { return .unfiled(reason: "no plan version in force") }
        switch event.service {
        case .sms:
            guard let rule = longest(version.sms.map { ($0.destinations, $0) }, destination) else {
                return .unfiled(reason: "no sms rule")
            }
            return .rated(quantity: 1, amount: ExactAmount(rule.rate).rounded(catalog.precision, catalog.rounding))
        case .data:
            guard let rule = version.data.first else { return .unfiled(reason: "no data rule") }
            let units = (event.volumeBytes + rule.increment - 1) / rule.increment
            let quantity = units * rule.increment
            return .rated(
                quantity: quantity,
                amount: ExactAmount(rule.rate, times: quantity, over: rule.per).rounded(
                    catalog.precision, catalog.rounding))
        case .voice:
            return voice(version, destination: destination, localStart: local, duration: event.durationSeconds)
        }
    }

    private func longest<T>(_ rules: [([String], T)], _ destination: String) -> T? {
        var best: (Int, T)?
        for (prefixes, rule) in rules {
            for prefix in prefixes where destination.hasPrefix(prefix) {
                if best == nil || prefix.count > best!.0 { best = (prefix.count, rule) }
            }
        }
        return best?.1
    }

    private func covers(_ rule: CatalogTemplate.VoiceRule, _ local: Int64) -> Bool {
        if rule.bands.isEmpty { return true }
        let day = CivilTime.floorDiv(local, 86_400)
        let second = local - day * 86_400
        let weekday = CivilTime.weekday(days: day)
        return rule.bands.contains {
            $0.days.contains(weekday) && Int64($0.fromMinute) * 60 <= second && second < Int64($0.toMinute) * 60
        }
    }

    private func rule(_ version: CatalogTemplate.PlanVersion, _ destination: String, at local: Int64)
        -> CatalogTemplate.VoiceRule?
    {
        longest(version.voice.filter { covers($0, local) }.map { ($0.destinations, $0) }, destination)
    }

    private func step(_ rule: CatalogTemplate.VoiceRule, elapsed: Int64) -> (CatalogTemplate.Step, Int64?) {
        var index = 0
        while index + 1 < rule.steps.count, rule.steps[index + 1].after <= elapsed { index += 1 }
        return (rule.steps[index], index + 1 < rule.steps.count ? rule.steps[index + 1].after : nil)
    }

    private func voice(_ version: CatalogTemplate.PlanVersion, destination: String, localStart: Int64, duration: Int64)
        -> Rating
    {
        guard let first = rule(version, destination, at: localStart) else { return .unfiled(reason: "no voice rule") }
        if duration == 0 { return .rated(quantity: 0, amount: .zero) }
        var quantity: Int64 = 0
        var cost = ExactAmount(first.connectFee ?? .zero)
        if version.bandRule != .split {
            for (index, step) in first.steps.enumerated() {
                let until = index + 1 < first.steps.count ? first.steps[index + 1].after : Int64.max
                let portion = max(0, min(duration, until) - step.after)
                guard portion > 0 else { continue }
                let charged = (portion + step.increment - 1) / step.increment * step.increment
                quantity += charged
                cost += ExactAmount(step.rate, times: charged, over: step.per)
            }
            return .rated(quantity: quantity, amount: cost.rounded(catalog.precision, catalog.rounding))
        }
        var boundaries = Set<Int64>([0, 86_400])
        for rule in version.voice {
            for band in rule.bands {
                boundaries.insert(Int64(band.fromMinute) * 60)
                boundaries.insert(Int64(band.toMinute) * 60)
            }
        }
        let sorted = boundaries.sorted()
        var position: Int64 = 0
        while position < duration {
            let at = localStart + position
            guard let current = rule(version, destination, at: at) else {
                return .unfiled(reason: "a piece has no rule")
            }
            let (step, nextAfter) = step(current, elapsed: position)
            let day = CivilTime.floorDiv(at, 86_400)
            let second = at - day * 86_400
            let boundary = day * 86_400 + sorted.first { $0 > second }! - localStart
            let end = min(duration, nextAfter ?? Int64.max, boundary)
            let charged = (end - position + step.increment - 1) / step.increment * step.increment
            quantity += charged
            cost += ExactAmount(step.rate, times: charged, over: step.per)
            position += charged
        }
        return .rated(quantity: quantity, amount: cost.rounded(catalog.precision, catalog.rounding))
    }
}
