/// A plan version's voice rules compiled for rating: the week schedule, the prefix trie, and
/// every step with its price pre-scaled to one common denominator.
///
/// Cost is `Σ charged × rate / per`. With `denominator` = lcm of all the version's `per`
/// values, each term is `charged × multiplier / denominator` where
/// `multiplier = rate_micros × (denominator / per)` is an integer: the record's cost
/// accumulates as one integer numerator and needs no gcd or division until the one rounding.
struct VoiceTariff: Sendable {
    struct RatedStep: Sendable {
        let after: Int64
        /// The next step's `after`, or `Int64.max` for the last step.
        let end: Int64
        let increment: Int64
        let multiplier: Int64
    }

    let schedule: WeekSchedule
    let prefixes: PrefixTable
    /// Steps of rule `r` are `steps[firstStep[r]..<firstStep[r + 1]]`.
    let firstStep: [Int]
    let steps: [RatedStep]
    let connectFeeMicros: [Int64]
    let denominator: Int64
    /// The elapsed time from which every rule is in its last step (the largest last `after`):
    /// from there a piece depends only on where in the week it starts (`rateSplit`'s shortcut).
    let lastStepsFrom: Int64

    /// `denominator` must be a common multiple of every step's `per`, and every multiplier
    /// must fit `Int64` (the loader checks both and rejects the catalog otherwise).
    init(rules: [VoiceRule], denominator: Int64, tables: PrefixTableCache) {
        var firstStep = [0]
        var steps: [RatedStep] = []
        var prefixes: [(prefix: String, rule: Int32)] = []
        for (index, rule) in rules.enumerated() {
            for (stepIndex, step) in rule.steps.enumerated() {
                let end = stepIndex + 1 < rule.steps.count ? rule.steps[stepIndex + 1].after : Int64.max
                steps.append(
                    RatedStep(
                        after: step.after, end: end, increment: step.increment,
                        multiplier: step.rate.micros * (denominator / step.per)))
            }
            firstStep.append(steps.count)
            for destination in rule.destinations { prefixes.append((destination, Int32(index))) }
        }
        self.schedule = WeekSchedule(ruleBands: rules.map(\.bands))
        self.prefixes = tables.table(prefixes)
        self.firstStep = firstStep
        self.steps = steps
        self.connectFeeMicros = rules.map(\.connectFee.micros)
        self.denominator = denominator
        lastStepsFrom = rules.map { $0.steps.last?.after ?? 0 }.max() ?? 0
    }

    /// The rule for `destination` at `segment`: longest prefix among the rules covering it; -1 if none.
    @inline(__always)
    func rule(for destination: UnsafeRawBufferPointer, segment: Int) -> Int {
        prefixes.longestMatch(destination) { schedule.covers(rule: $0, segment: segment) }
    }
}
