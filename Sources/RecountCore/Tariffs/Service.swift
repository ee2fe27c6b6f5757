/// The kind of usage a record bills (DESIGN.md §2.1 `service`).
public enum Service: UInt8, Sendable, CaseIterable {
    case voice = 0, sms = 1, data = 2

    /// The CSV and YAML spelling: `voice`, `sms`, `data`.
    public var name: String {
        switch self {
        case .voice: return "voice"
        case .sms: return "sms"
        case .data: return "data"
        }
    }

    /// The service named by a CSV field's bytes, or nil (the caller rejects the row).
    @inlinable
    public static func parse(_ field: UnsafeRawBufferPointer) -> Service? {
        switch field.count {
        case 5 where field.elementsEqual("voice".utf8): return .voice
        case 3 where field.elementsEqual("sms".utf8): return .sms
        case 4 where field.elementsEqual("data".utf8): return .data
        default: return nil
        }
    }
}
