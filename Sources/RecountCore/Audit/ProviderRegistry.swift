/// Whether a provider held a valid value-added licence on a local day (DESIGN.md §5a "Licences").
public enum LicenceStatus: Sendable, Equatable {
    case valid
    /// The provider has no row in the registry.
    case notRegistered
    /// Every row of the provider has an empty `licence`.
    case noLicence
    /// Licensed, but no licensed row's period holds the day.
    case notInForce
}

/// The SP licence registry: provider → the periods of its licensed rows. Loaded whole before the
/// charge stream starts, then shared read-only by the worker threads.
struct ProviderRegistry: Sendable {
    private let keys: KeyInterner
    private let groups: KeyGroups
    /// Licensed periods, grouped per provider: first and last local day (open end = `Int64.max`).
    private let validFrom: [Int64]
    private let validTo: [Int64]

    fileprivate init(keys: KeyInterner, groups: KeyGroups, validFrom: [Int64], validTo: [Int64]) {
        self.keys = keys
        self.groups = groups
        self.validFrom = validFrom
        self.validTo = validTo
    }

    /// A registry with no provider (a run without `--providers`).
    init() { self = ProviderRegistryBuilder().build() }

    var providerCount: Int { keys.count }

    /// Valid when some row of the provider has a non-empty licence and
    /// `valid_from ≤ localDay ≤ valid_to` (inclusive; an empty `valid_to` is open).
    @inline(__always)
    func licence(provider: UnsafeRawBufferPointer, localDay: Int64) -> LicenceStatus {
        guard let key = keys.find(KeyParts(provider)) else { return .notRegistered }
        let periods = groups.range(key)
        if periods.isEmpty { return .noLicence }
        for period in periods where validFrom[period] <= localDay && localDay <= validTo[period] { return .valid }
        return .notInForce
    }
}

/// Provider rows of one chunk, copied out by a worker for the builder.
struct ProviderBatch: Sendable {
    var keys = KeyBatch()
    var licensed: [Bool] = []
    var validFrom: [Int64] = []
    var validTo: [Int64] = []

    mutating func append(_ record: ProviderRecord) {
        keys.append(KeyParts(record.provider))
        licensed.append(!record.licence.isEmpty)
        validFrom.append(record.validFrom)
        validTo.append(record.validTo ?? Int64.max)
    }
}

/// Collects registry rows in any arrival order; a row with an empty licence still registers
/// its provider (so a charge reads "no licence", not "not in the registry").
struct ProviderRegistryBuilder {
    private var keys = KeyInterner()
    /// Licensed rows only.
    private var keyOf: [UInt32] = []
    private var validFrom: [Int64] = []
    private var validTo: [Int64] = []

    mutating func add(_ batch: ProviderBatch) {
        // The batch hashed its keys already.
        keys.intern(batch.keys) { row, number in
            guard batch.licensed[row] else { return }
            keyOf.append(UInt32(number))
            validFrom.append(batch.validFrom[row])
            validTo.append(batch.validTo[row])
        }
    }

    /// One registry row (days since 1970-01-01; nil `validTo` = open).
    mutating func add(provider: String, licence: String, validFrom: Int64, validTo: Int64?) {
        var batch = ProviderBatch()
        FieldDecoder.withBytes(provider) { batch.keys.append(KeyParts($0)) }
        batch.licensed.append(!licence.isEmpty)
        batch.validFrom.append(validFrom)
        batch.validTo.append(validTo ?? Int64.max)
        add(batch)
    }

    consuming func build() -> ProviderRegistry {
        let groups = KeyGroups(keyOf: keyOf, keyCount: keys.count)
        return ProviderRegistry(
            keys: keys, groups: groups, validFrom: groups.scatter(validFrom, keyOf: keyOf, filler: 0),
            validTo: groups.scatter(validTo, keyOf: keyOf, filler: 0))
    }
}
