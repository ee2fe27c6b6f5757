/// Formats CSV rows straight into a byte buffer and hands full blocks to a `DataFileWriter`.
///
/// The generator writes millions of rows per second, so nothing here builds a `String` per
/// field: integers, amounts and timestamps are written eight digits at a time into raw storage.
/// Every append first reserves the room it needs (including the spill of its 8-byte stores),
/// so the unchecked stores below stay in bounds.
final class CSVRowWriter {
    private let output: DataFileWriter
    private var storage: UnsafeMutablePointer<UInt8>
    private var capacity: Int
    private(set) var count = 0
    /// Rows accumulate until this many bytes; exactly this many then go to the compressor, so
    /// `GzipWriter` (whose block is the same size) compresses them in place, without a copy.
    private let flushThreshold: Int
    /// `YYYY-MM-DD` of recently written days, direct-mapped by `day & 63`: a file's rows span the
    /// cycle's ~31 days (plus a day either side for offsets), so nearly every date is a hit.
    private let dateCache: UnsafeMutablePointer<CachedDate>

    private struct CachedDate {
        var day: Int64
        var first8: UInt64
        var last2: UInt16
    }

    init(output: DataFileWriter, blockSize: Int = GzipWriter.blockSize) {
        self.output = output
        flushThreshold = blockSize
        capacity = blockSize + 64 * 1024
        storage = .allocate(capacity: capacity)
        dateCache = .allocate(capacity: 64)
        dateCache.initialize(repeating: CachedDate(day: .min, first8: 0, last2: 0), count: 64)
    }

    deinit {
        storage.deallocate()
        dateCache.deallocate()
    }

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
        padded(value, width: Self.digitCount(value))
    }

    /// Decimal digits of a non-negative value (1 for 0).
    @inline(__always)
    static func digitCount(_ value: Int64) -> Int {
        var digits = 1
        var bound: Int64 = 10
        while digits < 19 && value >= bound {
            digits += 1
            bound &*= 10
        }
        return digits
    }

    /// The 8 decimal digits of `value` (< 100 000 000, zero-padded) as ASCII bytes in memory
    /// order: the first digit in the lowest byte. Branch-free SWAR: the value is split into two
    /// 4-digit halves in 32-bit lanes, each into 2-digit quarters in 16-bit lanes, each into
    /// digits in bytes; every lane's quotient comes from a multiply and shift that is exact for
    /// its range (x / 100 = x × 10486 >> 20 for x < 10 000; y / 10 = y × 103 >> 10 for y < 100),
    /// and no lane's product reaches its neighbour. `CSVRowWriterTests` checks it against `String`.
    @inline(__always)
    static func eightDigits(_ value: UInt64) -> UInt64 {
        let merged = (value / 10_000) | ((value % 10_000) << 32)
        let hundreds = ((merged &* 10_486) >> 20) & 0x0000_007F_0000_007F
        let quarters = ((merged &- 100 &* hundreds) << 16) &+ hundreds
        var tens = ((quarters &* 103) >> 10) & 0x000F_000F_000F_000F
        tens = tens &+ ((quarters &- 10 &* tens) << 8)
        return (tens | 0x3030_3030_3030_3030).littleEndian
    }

    /// Writes `value` in exactly `width` digits at `target`, zero-padded, and may write up to 8
    /// bytes past them (callers provide `width + 8` bytes of room). The caller guarantees that
    /// 0 <= value < 10^width and width <= 19.
    @inline(__always)
    static func storeDigits(_ value: Int64, width: Int, at target: UnsafeMutablePointer<UInt8>) {
        let raw = UnsafeMutableRawPointer(target)
        let unsigned = UInt64(value)
        // Groups of 8 digits from the right; the leading group (1 to 8 digits) is the low digits
        // of an 8-digit group, shifted down. Groups go left to right, each overwriting the
        // previous one's spill.
        switch width {
        case ...0:
            return
        case 1...8:
            raw.storeBytes(of: eightDigits(unsigned) >> (8 * (8 - width)), as: UInt64.self)
        case 9...16:
            raw.storeBytes(of: eightDigits(unsigned / 100_000_000) >> (8 * (16 - width)), as: UInt64.self)
            raw.storeBytes(of: eightDigits(unsigned % 100_000_000), toByteOffset: width - 8, as: UInt64.self)
        default:
            let top = unsigned / 10_000_000_000_000_000
            raw.storeBytes(of: eightDigits(top) >> (8 * (24 - width)), as: UInt64.self)
            raw.storeBytes(
                of: eightDigits(unsigned / 100_000_000 % 100_000_000), toByteOffset: width - 16, as: UInt64.self)
            raw.storeBytes(of: eightDigits(unsigned % 100_000_000), toByteOffset: width - 8, as: UInt64.self)
        }
    }

    /// `value` in exactly `width` decimal digits, zero-padded; the caller guarantees it fits.
    @inline(__always)
    func padded(_ value: Int64, width: Int) {
        assert(value >= 0 && width <= 19 && (width == 19 || Self.digitCount(value) <= width), "\(value) in \(width)")
        // `storeDigits` writes up to 8 bytes past the digits: reserved here, overwritten later.
        reserve(width + 8)
        Self.storeDigits(value, width: width, at: storage + count)
        count += width
    }

    /// Up to 8 constant bytes (a plan id, a service name, the cycle) in one store.
    @inline(__always)
    func short(_ text: ShortText) {
        reserve(8)
        // `reserve(8)` made room for the whole word; only `text.count` bytes are kept.
        UnsafeMutableRawPointer(storage + count).storeBytes(of: text.word, as: UInt64.self)
        count += text.count
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

    /// `YYYY-MM-DD` of a day number.
    func date(days: Int64) {
        reserve(10 + 8)
        let entry = dateCache + Int(days & 63)
        if entry.pointee.day != days {
            // Formatted in place once, then remembered as an 8-byte and a 2-byte word.
            let start = count
            let civil = CivilTime.date(days: days)
            padded(civil.year, width: 4)
            byte(UInt8(ascii: "-"))
            padded(civil.month, width: 2)
            byte(UInt8(ascii: "-"))
            padded(civil.day, width: 2)
            count = start
            entry.pointee = CachedDate(
                day: days, first8: UnsafeRawPointer(storage + start).loadUnaligned(as: UInt64.self),
                last2: UnsafeRawPointer(storage + start + 8).loadUnaligned(as: UInt16.self))
        }
        // Ten bytes as an 8-byte and a 2-byte word; `reserve` made room for them.
        UnsafeMutableRawPointer(storage + count).storeBytes(of: entry.pointee.first8, as: UInt64.self)
        UnsafeMutableRawPointer(storage + count + 8).storeBytes(of: entry.pointee.last2, as: UInt16.self)
        count += 10
    }

    /// `YYYY-MM-DDTHH:MM:SS` of a wall-clock second count (days since 1970 × 86400 + time of day).
    func wallClock(_ seconds: Int64) {
        let days = CivilTime.floorDiv(seconds, CivilTime.secondsPerDay)
        let time = seconds - days * CivilTime.secondsPerDay
        date(days: days)
        reserve(9)
        storage[count] = UInt8(ascii: "T")
        // `HH:MM:SS` is exactly one 8-byte word: digit pairs and colons.
        @inline(__always) func pair(_ value: Int64) -> UInt64 { UInt64(48 + value / 10) | UInt64(48 + value % 10) << 8 }
        let clock =
            pair(time / 3600) | UInt64(UInt8(ascii: ":")) << 16 | pair(time / 60 % 60) << 24
            | UInt64(UInt8(ascii: ":")) << 40 | pair(time % 60) << 48
        UnsafeMutableRawPointer(storage + count + 1).storeBytes(of: clock.littleEndian, as: UInt64.self)
        count += 9
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

    /// Ends the row; hands a block to the compressor once there is one.
    @inline(__always)
    func endRow() throws(OutputError) {
        byte(10)
        if count >= flushThreshold { try flushBlock() }
    }

    /// Hands exactly `flushThreshold` bytes on and moves the rest (part of one row, or a few
    /// rows of text fields) to the front.
    private func flushBlock() throws(OutputError) {
        try output.write(UnsafeRawBufferPointer(start: storage, count: flushThreshold))
        let rest = count - flushThreshold
        // `copyMemory` is memmove: right for a rest longer than the block (a huge text field) too.
        UnsafeMutableRawPointer(storage).copyMemory(from: storage + flushThreshold, byteCount: rest)
        count = rest
    }

    /// Writes what is left and completes the file.
    func finish() throws(OutputError) {
        while count >= flushThreshold { try flushBlock() }
        if count > 0 { try output.write(UnsafeRawBufferPointer(start: storage, count: count)) }
        count = 0
        try output.finish()
    }
}

/// Up to 8 bytes of constant text packed in one word (the first byte lowest), written with one
/// store: plan ids, service names and the cycle, without an array access per row.
struct ShortText {
    let word: UInt64
    let count: Int

    init(_ bytes: [UInt8]) {
        precondition(bytes.count <= 8, "ShortText holds at most 8 bytes")
        var word: UInt64 = 0
        for (index, byte) in bytes.enumerated() { word |= UInt64(byte) << (8 * index) }
        self.word = word.littleEndian
        count = bytes.count
    }
}

/// How a timestamp is written: DESIGN §2 allows local time (no suffix), `Z` and `±HH:MM`.
enum TimestampStyle: Equatable {
    case local
    case utc
    case offset(Int64)
}
