/// How a finding's detail is held (`Finding.detail`): as its text, or — for the two details
/// nearly every finding of an overbilling carrier has — as the rule's unit, the text composed
/// from the finding's billed and expected quantities only when it is read or written. Held as
/// text, each was a heap string of ~80 bytes kept to the end of the run, and ~300 instructions.
enum DetailForm: Sendable, Equatable {
    case text
    /// `billed 66 s where the tariff rounds to 60`.
    case unitInflation(Service)
    /// `charged more than the filed rate for 60 s` (the billed quantity is not in the text).
    case rateInflation(Service)

    /// Bytes a composed detail takes at most: its literals and two integers.
    static let bound = 64 + 2 * ByteCursor.decimalBound

    /// The composed text (not for `.text`, whose text is held).
    func text(billed: Int64, expected: Int64) -> String {
        TextComposer.compose(bound: Self.bound) { compose(billed: billed, expected: expected, into: &$0) }
    }

    /// Stops the program unless a finding can hold this form with `held` text and these
    /// quantities: a composed detail needs both quantities and no text.
    @inline(__always)
    func requireHeld(_ held: String, billed: Int64?, expected: Int64?) {
        precondition(
            self == .text || (held.isEmpty && billed != nil && expected != nil),
            "a composed detail needs both quantities and no text")
    }

    /// The detail's text: `held` for `.text`, else composed.
    func text(held: String, billed: Int64, expected: Int64) -> String {
        self == .text ? held : text(billed: billed, expected: expected)
    }

    /// Writes the composed text (not for `.text`). It is digits, letters, spaces and at most a
    /// minus sign: nothing CSV quotes.
    func compose(billed: Int64, expected: Int64, into text: inout TextComposer) {
        switch self {
        case .text:
            preconditionFailure("DetailForm.text has no composed text")
        case .unitInflation(let service):
            text.add("billed ")
            text.add(billed)
            text.add(" ")
            text.add(Self.unit(service))
            text.add(" where the tariff rounds to ")
            text.add(expected)
        case .rateInflation(let service):
            text.add("charged more than the filed rate for ")
            text.add(expected)
            text.add(" ")
            text.add(Self.unit(service))
        }
    }

    private static func unit(_ service: Service) -> StaticString {
        switch service {
        case .voice: return "s"
        case .sms: return "messages"
        case .data: return "bytes"
        }
    }
}
