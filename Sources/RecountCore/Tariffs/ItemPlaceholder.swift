// PLACEHOLDER — delete at merge: the tariffs branch provides `ItemVersion`, the item lookups and
// `TariffCatalog.parse(yaml:path:)` for real. This file only gives the charges branch the same API
// so the charge audit and its tests build before that merge. It reads just what the charge audit
// needs (timezone, confirmation settings, items) and validates almost nothing.
import Synchronization
import Yams

/// One filed version of a non-usage charge item (shape of the tariffs branch's type).
public struct ItemVersion: Sendable {
    public let code: String
    public let name: String
    public let approval: String
    public let amount: Money
    public let effectiveFrom: Int64
    public let effectiveTo: Int64?
    public let requiresSubscription: Bool
    public let yamlPath: String
    public let line: Int

    public init(
        code: String, name: String, approval: String, amount: Money, effectiveFrom: Int64, effectiveTo: Int64?,
        requiresSubscription: Bool, yamlPath: String = "", line: Int = 0
    ) {
        self.code = code
        self.name = name
        self.approval = approval
        self.amount = amount
        self.effectiveFrom = effectiveFrom
        self.effectiveTo = effectiveTo
        self.requiresSubscription = requiresSubscription
        self.yamlPath = yamlPath
        self.line = line
    }

    public func isInForce(localDay: Int64) -> Bool {
        effectiveFrom <= localDay && localDay <= (effectiveTo ?? Int64.max)
    }
}

/// The placeholder `TariffCatalog` has no room for items, so they live here, keyed by catalog path
/// (tests give each distinct catalog its own path).
private let placeholderItems = Mutex<[String: [ItemVersion]]>([:])

extension TariffCatalog {
    public func localDay(_ epoch: Int64) -> Int64 {
        CivilTime.floorDiv(epoch + timezoneOffset, CivilTime.secondsPerDay)
    }

    public func item(code: UnsafeRawBufferPointer, localDay: Int64) -> ItemVersion? {
        let items = placeholderItems.withLock { $0[path] ?? [] }
        return items.first { $0.code.utf8.elementsEqual(code) && $0.isInForce(localDay: localDay) }
    }

    public func hasItem(code: UnsafeRawBufferPointer) -> Bool {
        let items = placeholderItems.withLock { $0[path] ?? [] }
        return items.contains { $0.code.utf8.elementsEqual(code) }
    }

    public static func parse(yaml: String, path: String) throws(CatalogError) -> TariffCatalog {
        let root: Node.Mapping
        do {
            guard let mapping = try Yams.compose(yaml: yaml)?.mapping else { throw CatalogError.invalid(path) }
            root = mapping
        } catch {
            throw .invalid(path)
        }
        var catalog = TariffCatalog()
        catalog.path = path
        if let text = root["currency"]?.string { catalog.currency = text }
        if let text = root["timezone"]?.string {
            guard let offset = FieldDecoder.withBytes(text, { FieldDecoder.utcOffset($0) }) else {
                throw .invalid("timezone")
            }
            catalog.timezoneOffset = offset
        }
        if let text = root["confirmation_window"]?.string {
            guard let seconds = duration(text) else { throw .invalid("confirmation_window") }
            catalog.confirmationWindow = seconds
        }
        if let text = root["min_confirmation_delay"]?.string {
            guard let seconds = duration(text) else { throw .invalid("min_confirmation_delay") }
            catalog.minConfirmationDelay = seconds
        }
        var items: [ItemVersion] = []
        for node in root["items"]?.sequence ?? [] {
            guard let fields = node.mapping, let code = fields["code"]?.string,
                let approval = fields["approval"]?.string, let amountText = fields["amount"]?.string,
                let amount = Money(amountText), let fromText = fields["effective_from"]?.string,
                let from = FieldDecoder.withBytes(fromText, { FieldDecoder.date($0) })
            else { throw .invalid("items") }
            var to: Int64?
            if let toText = fields["effective_to"]?.string {
                guard let day = FieldDecoder.withBytes(toText, { FieldDecoder.date($0) }) else {
                    throw .invalid("effective_to")
                }
                to = day
            }
            items.append(
                ItemVersion(
                    code: code, name: fields["name"]?.string ?? "", approval: approval, amount: amount,
                    effectiveFrom: from, effectiveTo: to,
                    requiresSubscription: fields["requires_subscription"]?.string == "true"))
        }
        placeholderItems.withLock { $0[path] = items }
        return catalog
    }

    /// `60s`, `24h`, `1h30m`, or a bare integer of seconds.
    private static func duration(_ text: String) -> Int64? {
        if let seconds = Int64(text), seconds >= 0 { return seconds }
        var total: Int64 = 0
        var number: Int64?
        for character in text {
            if let digit = character.wholeNumberValue {
                number = (number ?? 0) * 10 + Int64(digit)
                continue
            }
            guard let value = number else { return nil }
            switch character {
            case "h": total += value * 3600
            case "m": total += value * 60
            case "s": total += value
            default: return nil
            }
            number = nil
        }
        return number == nil && !text.isEmpty ? total : nil
    }
}
