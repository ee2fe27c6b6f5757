/// Formats CSV rows straight into a byte buffer and hands full blocks to a `DataFileWriter`.
///
/// The generator writes millions of rows per second, so nothing here builds a `String` per
/// field: integers, amounts and timestamps are written digit by digit into raw storage.
/// Every append first reserves the room it needs, so the unchecked stores below stay in bounds.
final class CSVRowWriter {
    private let output: DataFileWriter
    private var storage: UnsafeMutablePointer<UInt8>
    private var capacity: Int
    private(set) var count = 0
    /// Rows accumulate until this many bytes, then go to the compressor in one call.
    private let flushThreshold: Int

    init(output: DataFileWriter, blockSize: Int = 1 << 20) {
        self.output = output
        flushThreshold = blockSize
        capacity = blockSize + 64 * 1024
        storage = .allocate(capacity: capacity)
    }

    deinit { storage.deallocate() }

    /// Makes room for `extra` more bytes; rows are small, so this grows only for long text fields.
    @inline(__always)
    private func reserve(_ extra: Int) {
        if count + extra > capacity { grow(count + extra) }
    }

    private func grow(_ needed: Int) {
        let newCapacity = max(needed, capacity * 2)
        let newStorage = UnsafeMutablePointer<UInt8>.allocate(capacity: newCapacity)
        newStorage.update(from: storage, count: count)
        storage.deallocate()
        storage = newStorage
        capacity = newCapacity
    }

    @inline(__always)
    func byte(_ value: UInt8) {
        reserve(1)
        storage[count] = value
        count += 1
    }

    @inline(__always)
    func comma() { byte(UInt8(ascii: ",")) }

    func bytes(_ raw: UnsafeRawBufferPointer) {
        reserve(raw.count)
        if let base = raw.baseAddress {
            (storage + count).update(from: base.assumingMemoryBound(to: UInt8.self), count: raw.count)
        }
        count += raw.count
    }

    func bytes(_ array: [UInt8]) { array.withUnsafeBytes { bytes($0) } }

    /// Text that may need RFC 4180 quoting (names in the small files); the hot rows never do.
    func field(_ text: String) {
        let utf8 = Array(text.utf8)
        let needsQuotes = utf8.contains { $0 == UInt8(ascii: ",") || $0 == UInt8(ascii: "\"") || $0 == 10 || $0 == 13 }
        guard needsQuotes else { return bytes(utf8) }
        byte(UInt8(ascii: "\""))
        for value in utf8 {
            if value == UInt8(ascii: "\"") { byte(value) }
            byte(value)
        }
        byte(UInt8(ascii: "\""))
    }

    /// A non-negative integer in decimal, without padding.
    @inline(__always)
    func integer(_ value: Int64) {
        precondition(value >= 0, "only non-negative integers are written")
        var digits = 1
        var probe = value
        while probe >= 10 {
            probe /= 10
            digits += 1
        }
        padded(value, width: digits)
    }

    /// "00" … "99": two digits per division halves the divisions of every number written.
    private static let digitPairs: [UInt8] = {
        var pairs: [UInt8] = []
        for value in 0..<100 {
            pairs.append(UInt8(48 + value / 10))
            pairs.append(UInt8(48 + value % 10))
        }
        return pairs
    }()

    /// `value` in exactly `width` decimal digits, zero-padded; the caller guarantees it fits.
    @inline(__always)
    func padded(_ value: Int64, width: Int) {
        reserve(width)
        var rest = value
        var index = count + width
        Self.digitPairs.withUnsafeBufferPointer { pairs in
            // Writes from the right, two digits at a time; `reserve` made room for `width` bytes.
            while index - count >= 2 {
                let pair = Int(rest % 100) * 2
                rest /= 100
                index -= 2
                storage[index] = pairs[pair]
                storage[index + 1] = pairs[pair + 1]
            }
            if index > count {
                storage[count] = UInt8(truncatingIfNeeded: 48 + rest % 10)
            }
        }
        count += width
    }

    /// An amount with exactly `fractionDigits` decimals (`0.220`); the value is a whole number of
    /// grains, which every generated amount is (ratings are rounded, deltas are whole grains).
    @inline(__always)
    func money(_ amount: Money, fractionDigits: Int) {
        var micros = amount.micros
        if micros < 0 {
            byte(UInt8(ascii: "-"))
            micros = -micros
        }
        integer(micros / Money.scale)
        guard fractionDigits > 0 else { return }
        byte(UInt8(ascii: "."))
        var fraction = micros % Money.scale
        for _ in 0..<(6 - fractionDigits) { fraction /= 10 }
        padded(fraction, width: fractionDigits)
    }

    /// The last day written and its `YYYY-MM-DD` bytes: rows of a file cluster in time, so the
    /// calendar conversion is mostly skipped.
    private var cachedDay = Int64.min
    private var cachedDate: (UInt64, UInt16) = (0, 0)

    /// `YYYY-MM-DD` of a day number.
    func date(days: Int64) {
        reserve(10)
        if days == cachedDay {
            // Ten bytes stored as an 8-byte and a 2-byte word; `reserve` made room for them.
            UnsafeMutableRawPointer(storage + count).storeBytes(of: cachedDate.0, as: UInt64.self)
            UnsafeMutableRawPointer(storage + count + 8).storeBytes(of: cachedDate.1, as: UInt16.self)
            count += 10
            return
        }
        let start = count
        let civil = CivilTime.date(days: days)
        padded(civil.year, width: 4)
        byte(UInt8(ascii: "-"))
        padded(civil.month, width: 2)
        byte(UInt8(ascii: "-"))
        padded(civil.day, width: 2)
        cachedDay = days
        cachedDate = (
            UnsafeRawPointer(storage + start).loadUnaligned(as: UInt64.self),
            UnsafeRawPointer(storage + start + 8).loadUnaligned(as: UInt16.self)
        )
    }

    /// `YYYY-MM-DDTHH:MM:SS` of a wall-clock second count (days since 1970 × 86400 + time of day).
    func wallClock(_ seconds: Int64) {
        let days = CivilTime.floorDiv(seconds, CivilTime.secondsPerDay)
        let time = seconds - days * CivilTime.secondsPerDay
        date(days: days)
        byte(UInt8(ascii: "T"))
        padded(time / 3600, width: 2)
        byte(UInt8(ascii: ":"))
        padded(time / 60 % 60, width: 2)
        byte(UInt8(ascii: ":"))
        padded(time % 60, width: 2)
    }

    /// A timestamp of the instant `epoch` written in `style`: the wall clock at that offset plus its suffix.
    func timestamp(_ epoch: Int64, _ style: TimestampStyle, catalogOffset: Int64) {
        switch style {
        case .local:
            wallClock(epoch + catalogOffset)
        case .utc:
            wallClock(epoch)
            byte(UInt8(ascii: "Z"))
        case .offset(let seconds):
            wallClock(epoch + seconds)
            let magnitude = seconds < 0 ? -seconds : seconds
            byte(seconds < 0 ? UInt8(ascii: "-") : UInt8(ascii: "+"))
            padded(magnitude / 3600, width: 2)
            byte(UInt8(ascii: ":"))
            padded(magnitude / 60 % 60, width: 2)
        }
    }

    /// `YYYY-MM` of a YYYYMM cycle.
    func cycle(_ cycle: Int32) {
        padded(Int64(cycle / 100), width: 4)
        byte(UInt8(ascii: "-"))
        padded(Int64(cycle % 100), width: 2)
    }

    /// Ends the row; hands the block to the compressor once it is large enough.
    @inline(__always)
    func endRow() throws(OutputError) {
        byte(10)
        if count >= flushThreshold { try flush() }
    }

    func flush() throws(OutputError) {
        guard count > 0 else { return }
        try output.write(UnsafeRawBufferPointer(start: storage, count: count))
        count = 0
    }

    /// Writes what is left and completes the file.
    func finish() throws(OutputError) {
        try flush()
        try output.finish()
    }
}

/// How a timestamp is written: DESIGN §2 allows local time (no suffix), `Z` and `±HH:MM`.
enum TimestampStyle: Equatable {
    case local
    case utc
    case offset(Int64)
}
