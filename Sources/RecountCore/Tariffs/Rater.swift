// PLACEHOLDER — the tariffs helper replaces this file with the real catalog and rater.
public enum Service: UInt8, Sendable, CaseIterable {
    case voice = 0, sms = 1, data = 2
    public var name: String { ["voice", "sms", "data"][Int(rawValue)] }
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

public struct UsageEvent {
    public var planID: UnsafeRawBufferPointer
    public var service: Service
    public var start: Int64
    public var durationSeconds: Int64
    public var volumeBytes: Int64
    public var destination: UnsafeRawBufferPointer
    public init(planID: UnsafeRawBufferPointer, service: Service, start: Int64, durationSeconds: Int64,
                volumeBytes: Int64, destination: UnsafeRawBufferPointer) {
        self.planID = planID; self.service = service; self.start = start
        self.durationSeconds = durationSeconds; self.volumeBytes = volumeBytes; self.destination = destination
    }
}

public enum Rating: Equatable, Sendable {
    case rated(quantity: Int64, amount: Money)
    case unfiled(reason: String)
}

public struct TariffCatalog: Sendable {
    public var path = ""
    public var currency = "CNY"
    public var timezoneOffset: Int64 = 0
    public var precision = AmountPrecision(fractionDigits: 2)
    public var rounding = RoundingMode.halfUp
    public var refundFactor = Money(micros: 2_000_000)
    public var confirmationWindow: Int64 = 86_400
    public var minConfirmationDelay: Int64 = 0
}

public final class Rater: Sendable {
    public let catalog: TariffCatalog
    public init(catalog: TariffCatalog) { self.catalog = catalog }
    public func rate(_ event: UsageEvent) -> Rating { .unfiled(reason: "placeholder") }
}
