/// What the rater needs from one usage record, as views into the record's bytes.
///
/// The buffers borrow the chunk being scanned: the rater reads them during `rate` and keeps
/// nothing, so no `String` is built per record.
public struct UsageEvent {
    /// The plan id the carrier rated the record under (may be empty: `unfiled-tariff`).
    public var planID: UnsafeRawBufferPointer
    public var service: Service
    /// Event start, epoch seconds UTC (offsets already applied by `FieldDecoder.timestamp`).
    public var start: Int64
    /// Voice: answered seconds; otherwise 0.
    public var durationSeconds: Int64
    /// Data: bytes; otherwise 0.
    public var volumeBytes: Int64
    /// Called number digits (voice, sms); may be empty.
    public var destination: UnsafeRawBufferPointer

    public init(
        planID: UnsafeRawBufferPointer, service: Service, start: Int64, durationSeconds: Int64,
        volumeBytes: Int64, destination: UnsafeRawBufferPointer
    ) {
        self.planID = planID
        self.service = service
        self.start = start
        self.durationSeconds = durationSeconds
        self.volumeBytes = volumeBytes
        self.destination = destination
    }
}
