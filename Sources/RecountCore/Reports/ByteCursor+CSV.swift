/// CSV output fields written through a `ByteCursor`: a report row reserves its worst case once
/// (`csvFieldBound` per text, `decimalBound` per number) and writes every field without a
/// capacity check. findings.csv.gz rows were ~3,400 instructions each through `ByteWriter`'s
/// per-field checks — a serial-looking stretch at the end of a run with many findings.
extension ByteCursor {
    /// Room `csvField` may take: every byte a quote, plus the two enclosing quotes.
    static func csvFieldBound(_ count: Int) -> Int { 2 &* count &+ 2 }

    /// Room `decimal` or `amount` may take: a sign, 20 digits, a point, 6 fraction digits.
    static let decimalBound = 28

    /// The field with minimal quoting (DESIGN.md §5: RFC 4180), quoted only when it holds
    /// `,` `"` CR or LF.
    @inline(__always)
    mutating func csvField(_ bytes: UnsafeRawBufferPointer) {
        let count = bytes.count
        guard count > 0, let source = bytes.baseAddress else { return }
        if !Self.needsQuotes(source, count) {
            copy(source, count: count)
            return
        }
        byte(0x22)
        for offset in 0..<count {
            let byte = source.load(fromByteOffset: offset, as: UInt8.self)
            self.byte(byte)
            if byte == 0x22 { self.byte(0x22) }
        }
        byte(0x22)
    }

    /// Whether any of the `count` bytes is `,` `"` CR or LF: eight bytes at a time (a finding's
    /// detail is tens of bytes), the last word overlapping; a byte loop below eight.
    @inline(__always)
    static func needsQuotes(_ source: UnsafeRawPointer, _ count: Int) -> Bool {
        guard count >= 8 else {
            for index in 0..<count {
                let byte = source.load(fromByteOffset: index, as: UInt8.self)
                if byte == 0x2c || byte == 0x22 || byte == 0x0a || byte == 0x0d { return true }
            }
            return false
        }
        var index = 0
        while index &+ 8 < count {
            if hasSpecial(source.loadUnaligned(fromByteOffset: index, as: UInt64.self)) { return true }
            index &+= 8
        }
        return hasSpecial(source.loadUnaligned(fromByteOffset: count &- 8, as: UInt64.self))
    }

    /// Whether a byte of `word` is `,` `"` CR or LF (a byte equal to one XORs to zero; the
    /// zero-byte test has no false positive for "any byte", only for which one).
    @inline(__always)
    static func hasSpecial(_ word: UInt64) -> Bool {
        func zeroByte(_ x: UInt64) -> UInt64 { (x &- 0x0101_0101_0101_0101) & ~x & 0x8080_8080_8080_8080 }
        return zeroByte(word ^ 0x2c2c_2c2c_2c2c_2c2c) | zeroByte(word ^ 0x2222_2222_2222_2222)
            | zeroByte(word ^ 0x0a0a_0a0a_0a0a_0a0a) | zeroByte(word ^ 0x0d0d_0d0d_0d0d_0d0d) != 0
    }

    /// A string field; native and small strings are read in place.
    @inline(__always)
    mutating func csvField(_ text: String) {
        var cursor = self
        let written: Void? = text.utf8.withContiguousStorageIfAvailable {
            cursor.csvField(UnsafeRawBufferPointer($0))
        }
        if written == nil { Array(text.utf8).withUnsafeBytes { cursor.csvField($0) } }
        self = cursor
    }

    /// `value` in decimal, left-padded with zeros to `minimumCount` (at most 20) digits.
    @inline(__always)
    mutating func decimal(_ value: UInt64, minimumCount: Int = 1) {
        var digits = 1
        var bound: UInt64 = 10
        while digits < 19, value >= bound {
            digits &+= 1
            bound &*= 10
        }
        if digits == 19, value >= bound { digits = 20 }
        let count = max(digits, minimumCount)
        var at = next + count
        var rest = value
        for _ in 0..<count {
            at -= 1
            at.storeBytes(of: UInt8(truncatingIfNeeded: rest % 10) &+ 0x30, as: UInt8.self)
            rest /= 10
        }
        skip(count)
    }

    /// A cycle `YYYYMM` as `YYYY-MM`.
    @inline(__always)
    mutating func cycle(_ value: Int32) {
        decimal(UInt64(value / 100), minimumCount: 4)
        byte(0x2d)
        decimal(UInt64(value % 100), minimumCount: 2)
    }

    @inline(__always)
    mutating func integer(_ value: Int64) {
        if value < 0 { byte(0x2d) }
        decimal(value.magnitude)
    }

    /// Room `amount(wide:)` may take: a sign, 39 digits, a point, 6 fraction digits.
    static let wideDecimalBound = 48

    /// An amount in 128-bit micros already rounded to `precision` (sums, refunds): the 64-bit
    /// path when it fits, as nearly every one does.
    @inline(__always)
    mutating func amount(wide micros: Int128, _ precision: AmountPrecision) {
        if let narrow = Int64(exactly: micros) {
            amount(Money(micros: narrow), precision)
        } else {
            amountPast64Bits(micros, precision)
        }
    }

    /// The rare wide case out of line, so the row writers keep the 64-bit path inlined.
    @inline(never)
    mutating func amountPast64Bits(_ micros: Int128, _ precision: AmountPrecision) {
        for byte in ExactAmount(numerator: micros, denominator: 1).formatted(precision, .down).utf8 { self.byte(byte) }
    }

    /// An amount already rounded to `precision`, with exactly its digits (`0.220`, `-3.500`, `12`).
    @inline(__always)
    mutating func amount(_ amount: Money, _ precision: AmountPrecision) {
        if amount.micros < 0 { byte(0x2d) }
        let magnitude = amount.micros.magnitude
        decimal(magnitude / UInt64(Money.scale))
        guard precision.fractionDigits > 0 else { return }
        byte(0x2e)
        // Rounded to the precision, so the fraction's micros are a whole number of grains.
        let fraction = magnitude % UInt64(Money.scale) / UInt64(precision.grainMicros)
        decimal(fraction, minimumCount: precision.fractionDigits)
    }
}
