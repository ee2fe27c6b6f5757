/// One usage record (DESIGN.md §2.1), its text fields pointing into the chunk being scanned.
public struct UsageRecord {
    public var recordID: UnsafeRawBufferPointer
    public var account: UnsafeRawBufferPointer
    public var plan: UnsafeRawBufferPointer
    public var destination: UnsafeRawBufferPointer
    public var service: Service
    public var start: Int64
    public var durationSeconds: Int64
    public var volumeBytes: Int64
    public var billedQuantity: Int64
    public var billedAmount: Money
    /// YYYYMM: the `cycle` column, or the local month of `start`.
    public var cycle: Int32

    public var event: UsageEvent {
        UsageEvent(
            planID: plan, service: service, start: start, durationSeconds: durationSeconds,
            volumeBytes: volumeBytes, destination: destination)
    }
}

/// Decodes usage records from a scanned row, by the file's column layout.
public struct UsageDecoder: Sendable {
    private let recordID, account, plan, service, start, duration, volume, destination, billedQuantity,
        billedAmount: Int
    private let cycle: Int?
    /// Local time for timestamps without an offset, and for cycles derived from them.
    public let timezoneOffset: Int64

    public init(layout: ColumnLayout, timezoneOffset: Int64) {
        precondition(layout.kind == .usage)
        let r = layout.required
        (recordID, account, plan, service, start, duration) = (r[0], r[1], r[2], r[3], r[4], r[5])
        (volume, destination, billedQuantity, billedAmount) = (r[6], r[7], r[8], r[9])
        cycle = layout.optional[0]
        self.timezoneOffset = timezoneOffset
    }

    @inline(__always)
    public func decode(_ row: CSVScanner) throws(RowError) -> UsageRecord {
        let id = row.field(recordID)
        guard !id.isEmpty else { throw RowError("record_id", "empty") }
        guard let service = Service.parse(row.field(service)) else {
            throw RowError("service", "\(TextField.describe(row.field(self.service))) is not voice, sms or data")
        }
        guard let start = FieldDecoder.timestamp(row.field(start), defaultOffset: timezoneOffset) else {
            throw RowError("start", "\(TextField.describe(row.field(self.start))) is not YYYY-MM-DDTHH:MM:SS[Z|±HH:MM]")
        }
        guard let duration = FieldDecoder.nonNegativeInteger(row.field(duration)) else {
            throw RowError("duration_s", "\(TextField.describe(row.field(self.duration))) is not an integer ≥ 0")
        }
        guard let volume = FieldDecoder.nonNegativeInteger(row.field(volume)) else {
            throw RowError("volume_bytes", "\(TextField.describe(row.field(self.volume))) is not an integer ≥ 0")
        }
        let destination = row.field(destination)
        guard TextField.isDigits(destination) else {
            throw RowError("destination", "\(TextField.describe(destination)) is not digits")
        }
        guard let quantity = FieldDecoder.nonNegativeInteger(row.field(billedQuantity)) else {
            throw RowError("billed_quantity", "\(TextField.describe(row.field(billedQuantity))) is not an integer ≥ 0")
        }
        guard let amount = FieldDecoder.money(row.field(billedAmount)) else {
            throw RowError("billed_amount", "\(TextField.describe(row.field(billedAmount))) is not an amount")
        }
        let cycle = try CycleColumn.decode(row, cycle, instant: start, timezoneOffset: timezoneOffset)
        return UsageRecord(
            recordID: id, account: row.field(account), plan: row.field(plan), destination: destination,
            service: service, start: start, durationSeconds: duration, volumeBytes: volume,
            billedQuantity: quantity, billedAmount: amount, cycle: cycle)
    }
}

/// The optional `cycle` column: `YYYY-MM`, or when absent or empty the local month of the record.
enum CycleColumn {
    @inline(__always)
    static func decode(_ row: CSVScanner, _ column: Int?, instant: Int64, timezoneOffset: Int64) throws(RowError)
        -> Int32
    {
        if let column {
            let field = row.field(column)
            if !field.isEmpty {
                guard let cycle = FieldDecoder.cycle(field) else {
                    throw RowError("cycle", "\(TextField.describe(field)) is not YYYY-MM")
                }
                return cycle
            }
        }
        return CivilTime.cycle(days: CivilTime.floorDiv(instant + timezoneOffset, CivilTime.secondsPerDay))
    }
}
