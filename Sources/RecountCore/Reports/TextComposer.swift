/// A short text composed from literals and integers straight into one string's storage. A
/// finding's detail is made once per finding, and string interpolation — each piece appended,
/// the storage grown, every integer through `description` — cost ~2,000 instructions a detail:
/// on a set where every row is a finding, more than rating the row.
struct TextComposer {
    private var cursor: ByteCursor

    /// The text `body` writes, which is at most `bound` bytes: literals' lengths plus
    /// `ByteCursor.decimalBound` per integer.
    static func compose(bound: Int, _ body: (inout TextComposer) -> Void) -> String {
        // Written on the stack, then copied into a string of exactly its size: a string made with
        // `bound` bytes of capacity keeps them all (~60 bytes more per finding, held to the end).
        withUnsafeTemporaryAllocation(byteCount: bound, alignment: 1) { buffer in
            let start = buffer.baseAddress!
            var composer = TextComposer(cursor: ByteCursor(start))
            body(&composer)
            let count = start.distance(to: composer.cursor.next)
            precondition(count <= bound, "TextComposer wrote past its bound")
            return String(decoding: UnsafeRawBufferPointer(start: start, count: count), as: UTF8.self)
        }
    }

    /// Lets `body` write at `cursor`, which has room for all it writes, and moves `cursor` past it.
    static func write(at cursor: inout ByteCursor, _ body: (inout TextComposer) -> Void) {
        var composer = TextComposer(cursor: cursor)
        body(&composer)
        cursor = composer.cursor
    }

    /// `literal` must be ASCII or valid UTF-8 (every `StaticString` literal is).
    mutating func add(_ literal: StaticString) {
        add(bytes: UnsafeRawBufferPointer(start: literal.utf8Start, count: literal.utf8CodeUnitCount))
    }

    mutating func add(_ value: Int64) { cursor.integer(value) }

    /// A non-negative `value` with at least `digits` digits (zeros in front).
    mutating func add(_ value: Int64, digits: Int) { cursor.decimal(UInt64(value), minimumCount: digits) }

    /// `YYYY-MM-DD` of a day counted from 1970-01-01 (`CivilTime.formatDate`).
    mutating func addDate(days: Int64) {
        let date = CivilTime.date(days: days)
        add(date.year, digits: 4)
        add("-")
        add(date.month, digits: 2)
        add("-")
        add(date.day, digits: 2)
    }

    /// Bytes as they are (the composed text is decoded as UTF-8 once, at the end).
    mutating func add(bytes: UnsafeRawBufferPointer) {
        guard let source = bytes.baseAddress else { return }
        cursor.copy(source, count: bytes.count)
    }

    mutating func add(_ text: String) {
        var text = text
        text.withUTF8 { add(bytes: UnsafeRawBufferPointer($0)) }
    }
}
