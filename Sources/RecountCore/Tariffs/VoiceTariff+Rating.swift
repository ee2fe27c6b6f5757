/// Voice rating of one call against a compiled voice tariff (DESIGN.md §3.1).
///
/// Int128 arithmetic here wraps (`&*`, `&+`) instead of trapping: the loader bounds every
/// multiplier below 2^63 and durations are below 10^18, so the numerator stays below
/// (duration + increment) × 2^63 + fee × denominator < 2^127 — no overflow is possible.
extension VoiceTariff {
    /// Quantity and exact cost of a call: `numerator / denominator` micros, connect fee included.
    enum Outcome {
        case rated(quantity: Int64, numerator: Int128)
        /// No rule covers the call (`band_rule: start`) or one of its pieces (`split`) at
        /// `elapsed` seconds after the start.
        case uncovered(elapsed: Int64)
    }

    /// Where an instant falls in the catalog week: `CivilTime` integer arithmetic, no calendar.
    @inline(__always)
    static func weekSecond(local: Int64) -> Int64 {
        let day = CivilTime.floorDiv(local, CivilTime.secondsPerDay)
        return Int64(CivilTime.weekday(days: day)) * CivilTime.secondsPerDay + (local - day * CivilTime.secondsPerDay)
    }

    /// `band_rule: start`: the rule covering the local start rates the whole call with §3.1 step 4.
    @inline(__always)
    func rateAtStart(destination: UnsafeRawBufferPointer, localStart: Int64, duration: Int64) -> Outcome {
        let rule = rule(for: destination, segment: schedule.segment(Self.weekSecond(local: localStart)))
        if rule < 0 { return .uncovered(elapsed: 0) }
        // Rule choice first, then the unanswered shortcut: no connect fee for 0 s.
        if duration <= 0 { return .rated(quantity: 0, numerator: 0) }
        var quantity: Int64 = 0
        var numerator: Int128 = 0
        // firstStep has rules + 1 elements, so `rule + 1` is in bounds for a valid rule.
        for index in firstStep[rule]..<firstStep[rule + 1] {
            let step = steps[index]
            if duration <= step.after { break }
            let portion = min(duration, step.end) - step.after
            let charged = (portion + step.increment - 1) / step.increment * step.increment
            quantity += charged
            numerator &+= Int128(charged) &* Int128(step.multiplier)
        }
        numerator &+= Int128(connectFeeMicros[rule]) &* Int128(denominator)
        return .rated(quantity: quantity, numerator: numerator)
    }

    /// `band_rule: split`: walk the call piece by piece. A piece runs from the cursor `t` (the
    /// charged time so far, so an extended piece eats into the next) to the first of: the call's
    /// end, the end of the week segment it starts in (a band start or end), the end of its step.
    /// It takes the rule covering its start and is charged in whole increments of its step.
    /// Extra cuts where nothing changes cost nothing: the next piece continues on the same grid.
    ///
    /// A long call (any duration up to 18 digits is valid input) would take a piece per band
    /// boundary — billions for the longest. A call still going after `piecesBeforeShortcut`
    /// pieces goes on in `rateLongSplit`, out of line, so ordinary calls pay nothing for it.
    /// Inlined into the rater: called out of line, it made the rater copy the whole tariff (its
    /// arrays retained and released) for every split call.
    @inline(__always)
    func rateSplit(destination: UnsafeRawBufferPointer, localStart: Int64, duration: Int64) -> Outcome {
        var walk = SplitWalk()
        var pieces = 0
        repeat {
            if let early = advance(&walk, destination: destination, localStart: localStart, duration: duration) {
                return early
            }
            pieces &+= 1
            if pieces == Self.piecesBeforeShortcut, walk.t < duration {
                return rateLongSplit(&walk, destination: destination, localStart: localStart, duration: duration)
            }
        } while walk.t < duration
        return .rated(quantity: walk.quantity, numerator: walk.numerator)
    }

    /// Pieces a split call walks before it looks for a repeating cycle: more than any call of a
    /// few days has.
    static let piecesBeforeShortcut = 64

    /// The rest of a long split call. Once every rule is in its last step, the next piece
    /// depends only on the week second it starts at, so the pieces repeat as soon as a start
    /// repeats: the walk notes each start, and at the first repeat skips all but the last whole
    /// cycles before the call's end, adding their charge (the cycle's, times their number), then
    /// walks the rest. The same result as walking it all.
    @inline(never)
    private func rateLongSplit(
        _ walk: inout SplitWalk, destination: UnsafeRawBufferPointer, localStart: Int64, duration: Int64
    ) -> Outcome {
        var shortcut = LongCallShortcut()
        repeat {
            if let early = advance(&walk, destination: destination, localStart: localStart, duration: duration) {
                return early
            }
            if walk.t >= lastStepsFrom, walk.t < duration {
                shortcut.skipCycles(
                    weekSecond: Self.weekSecond(local: localStart + walk.t), duration: duration, walk: &walk)
            }
        } while walk.t < duration
        return .rated(quantity: walk.quantity, numerator: walk.numerator)
    }

    /// One piece of a split call, from `walk.t`; an outcome when the call ends early (no covering
    /// rule, or a 0 s call).
    @inline(__always)
    private func advance(
        _ walk: inout SplitWalk, destination: UnsafeRawBufferPointer, localStart: Int64, duration: Int64
    ) -> Outcome? {
        let t = walk.t
        let weekSecond = Self.weekSecond(local: localStart + t)
        let segment = schedule.segment(weekSecond)
        let rule = rule(for: destination, segment: segment)
        if rule < 0 { return .uncovered(elapsed: t) }
        if t == 0 {
            if duration <= 0 { return .rated(quantity: 0, numerator: 0) }
            walk.numerator = Int128(connectFeeMicros[rule]) &* Int128(denominator)
        }
        // The step of elapsed offset t: steps are sorted and the first starts at 0.
        var index = firstStep[rule]
        let last = firstStep[rule + 1] - 1
        while index < last && steps[index].end <= t { index += 1 }
        let step = steps[index]
        let segmentEnd = t + (schedule.end(segment) - weekSecond)
        let pieceEnd = min(duration, segmentEnd, step.end)
        let charged = (pieceEnd - t + step.increment - 1) / step.increment * step.increment
        walk.quantity += charged
        walk.numerator &+= Int128(charged) &* Int128(step.multiplier)
        walk.t = t + charged
        return nil
    }
}

/// Where a split call's walk is: the charged time so far, and its quantity and cost numerator.
struct SplitWalk {
    var t: Int64 = 0
    var quantity: Int64 = 0
    var numerator: Int128 = 0
}

/// The repeat detection of `rateSplit`'s long calls: where each piece started in the week, and
/// the call's charge so far when it did.
private struct LongCallShortcut {
    private struct Mark {
        let t: Int64
        let quantity: Int64
        let numerator: Int128
    }

    private var starts: [Int64: Mark] = [:]
    private var done = false

    /// Called at each piece start past the last steps' start. At the first repeated week second,
    /// moves the walk forward by as many whole cycles as leave at least one cycle before
    /// `duration` (the walk then ends as it would have: no skipped piece reaches the end).
    mutating func skipCycles(weekSecond: Int64, duration: Int64, walk: inout SplitWalk) {
        guard !done else { return }
        guard let mark = starts[weekSecond] else {
            starts[weekSecond] = Mark(t: walk.t, quantity: walk.quantity, numerator: walk.numerator)
            return
        }
        done = true
        starts = [:]
        let length = walk.t - mark.t
        let cycles = (duration - walk.t) / length - 1
        guard cycles > 0 else { return }
        // Within the bounds of the walk itself: the skipped pieces are the walk's own.
        walk.quantity += cycles * (walk.quantity - mark.quantity)
        walk.numerator &+= Int128(cycles) &* (walk.numerator - mark.numerator)
        walk.t += cycles * length
    }
}
