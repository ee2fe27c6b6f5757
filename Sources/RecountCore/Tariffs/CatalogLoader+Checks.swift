/// The ambiguity checks of DESIGN.md §2.5: a catalog must give every record at most one
/// version and one rule, so rating never has to guess.
extension CatalogLoader {
    /// Versions of one plan id (or item code) must not overlap in their periods.
    func checkVersions(
        _ versions: [(key: String, from: Int64, to: Int64?, path: String, line: Int)], what: String
    ) throws(CatalogError) {
        let sorted = versions.sorted { ($0.key, $0.from, $0.line) < ($1.key, $1.from, $1.line) }
        for (earlier, later) in zip(sorted, sorted.dropFirst()) where earlier.key == later.key {
            if (earlier.to ?? Int64.max) >= later.from {
                throw .invalid(
                    file: file, path: later.path, line: later.line,
                    reason: "\(what) \(later.key) version \(Self.period(later.from, later.to)) overlaps the version "
                        + "at \(earlier.path) (\(Self.period(earlier.from, earlier.to)))")
            }
        }
    }

    static func period(_ from: Int64, _ to: Int64?) -> String {
        CivilTime.formatDate(days: from) + ".." + (to.map { CivilTime.formatDate(days: $0) } ?? "open")
    }

    /// Two voice rules that list the same prefix must not both cover some instant of the week.
    func checkVoiceOverlaps(_ rules: [VoiceRule]) throws(CatalogError) {
        var byPrefix: [String: [Int]] = [:]
        for (index, rule) in rules.enumerated() {
            for prefix in Set(rule.destinations) {
                for other in byPrefix[prefix, default: []] {
                    for band in rule.bands {
                        for otherBand in rules[other].bands where band.overlaps(otherBand) {
                            let common = Band(
                                days: band.days & otherBand.days, from: max(band.from, otherBand.from),
                                to: min(band.to, otherBand.to))
                            throw .invalid(
                                file: file, path: rule.yamlPath, line: rule.line,
                                reason: "shares destination prefix \"\(prefix)\" with \(rules[other].yamlPath) and "
                                    + "their bands overlap (\(common))")
                        }
                    }
                }
                byPrefix[prefix, default: []].append(index)
            }
        }
    }

    /// SMS rules have no bands: two rules listing the same prefix always clash.
    func checkSMSOverlaps(_ rules: [SMSRule]) throws(CatalogError) {
        var byPrefix: [String: Int] = [:]
        for (index, rule) in rules.enumerated() {
            for prefix in Set(rule.destinations) {
                if let other = byPrefix[prefix] {
                    throw .invalid(
                        file: file, path: rule.yamlPath, line: rule.line,
                        reason: "shares destination prefix \"\(prefix)\" with \(rules[other].yamlPath)")
                }
                byPrefix[prefix] = index
            }
        }
    }

    /// The lcm of the version's voice `per` values, checked so that every step's
    /// `rate_micros × (denominator / per)` fits `Int64` (then no rating product overflows).
    func voiceDenominator(_ rules: [VoiceRule], fields: YAMLFields) throws(CatalogError) -> Int64 {
        var denominator: Int64 = 1
        for rule in rules {
            for step in rule.steps {
                let next = Int128(denominator) / Int128(Self.gcd(denominator, step.per)) * Int128(step.per)
                guard next <= Int128(Self.maxDenominator) else {
                    throw fields.error(
                        "voice",
                        "the per values of the voice rules have no common multiple up to \(Self.maxDenominator)s; "
                            + "use per values like 1s, 6s, 60s")
                }
                denominator = Int64(next)
            }
        }
        for rule in rules {
            for (index, step) in rule.steps.enumerated() {
                let (_, overflow) = step.rate.micros.multipliedReportingOverflow(by: denominator / step.per)
                if overflow {
                    throw .invalid(
                        file: file, path: "\(rule.yamlPath).steps[\(index)].rate", line: rule.line,
                        reason: "rate too large to rate exactly with this plan's per values")
                }
            }
        }
        return denominator
    }

    private static func gcd(_ a: Int64, _ b: Int64) -> Int64 {
        var (a, b) = (a, b)
        while b != 0 { (a, b) = (b, a % b) }
        return a
    }
}
