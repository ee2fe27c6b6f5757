/// The kind of usage a record bills (DESIGN.md §2.1 `service`).
public enum Service: UInt8, Sendable, CaseIterable {
    case voice = 0
    case sms = 1
    case data = 2

    /// The CSV and YAML spelling: `voice`, `sms`, `data`.
    public var name: String {
        switch self {
        case .voice: return "voice"
        case .sms: return "sms"
        case .data: return "data"
        }
    }

    /// The service named by a CSV field's bytes, or nil (the caller rejects the row).
    @inlinable @inline(__always)
    public static func parse(_ field: UnsafeRawBufferPointer) -> Service? {
        // Compared as little-endian integers: String's UTF-8 view is slow here (hot path).
        switch field.count {
        case 5:
            return field.loadUnaligned(as: UInt32.self) == 0x6369_6f76 && field[4] == 0x65 ? .voice : nil  // "voic" "e"
        case 3:
            return field[0] == 0x73 && field[1] == 0x6d && field[2] == 0x73 ? .sms : nil  // "sms"
        case 4:
            return field.loadUnaligned(as: UInt32.self) == 0x6174_6164 ? .data : nil  // "data"
        default:
            return nil
        }
    }
}
