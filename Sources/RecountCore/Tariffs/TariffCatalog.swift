/// The filed tariffs (DESIGN.md §2.5): catalog settings, every plan version and charge item
/// version, and the byte-keyed indexes the hot path looks them up with.
///
/// Load it with `load(path:)` or `parse(yaml:path:)`; a catalog that is ambiguous or malformed
/// is rejected there, so everything reachable from a `TariffCatalog` is valid.
public struct TariffCatalog: Sendable {
    public var path: String
    public var currency: String
    /// Seconds east of UTC of the catalog's local time (all date and band rules).
    public var timezoneOffset: Int64
    public var precision: AmountPrecision
    public var rounding: RoundingMode
    public var refundFactor: Money
    /// Seconds; a second confirmation must come within this after the order.
    public var confirmationWindow: Int64
    /// Seconds; faster confirmations count as not given.
    public var minConfirmationDelay: Int64

    /// Every plan version, sorted by id then `effectiveFrom` (versions of an id never overlap).
    public private(set) var plans: [PlanVersion]
    /// Every item version, sorted by code then `effectiveFrom` (versions of a code never overlap).
    public private(set) var items: [ItemVersion]

    /// Plan id → index into `planRanges`; `planRanges[k]` is that id's slice of `plans`.
    let planIndex: ByteKeyTable
    let planRanges: [Range<Int>]
    let itemIndex: ByteKeyTable
    let itemRanges: [Range<Int>]

    /// An empty catalog with DESIGN.md §5a's defaults (currency CNY), for tests and tools.
    public init() {
        self.init(
            path: "", currency: "CNY", timezoneOffset: 0, precision: AmountPrecision(fractionDigits: 2),
            rounding: .halfUp, refundFactor: Money(micros: 2_000_000), confirmationWindow: 86_400,
            minConfirmationDelay: 0, plans: [], items: [])
    }

    /// `plans` and `items` must already be free of overlapping versions (the loader checks).
    init(
        path: String, currency: String, timezoneOffset: Int64, precision: AmountPrecision, rounding: RoundingMode,
        refundFactor: Money, confirmationWindow: Int64, minConfirmationDelay: Int64, plans: [PlanVersion],
        items: [ItemVersion]
    ) {
        self.path = path
        self.currency = currency
        self.timezoneOffset = timezoneOffset
        self.precision = precision
        self.rounding = rounding
        self.refundFactor = refundFactor
        self.confirmationWindow = confirmationWindow
        self.minConfirmationDelay = minConfirmationDelay
        self.plans = plans.sorted { ($0.id, $0.effectiveFrom) < ($1.id, $1.effectiveFrom) }
        self.items = items.sorted { ($0.code, $0.effectiveFrom) < ($1.code, $1.effectiveFrom) }
        (planIndex, planRanges) = Self.index(self.plans.map(\.id))
        (itemIndex, itemRanges) = Self.index(self.items.map(\.code))
    }

    /// Groups a sorted key list into runs of equal keys and indexes the runs by key bytes.
    private static func index(_ sortedKeys: [String]) -> (ByteKeyTable, [Range<Int>]) {
        var keys: [String] = []
        var ranges: [Range<Int>] = []
        var start = 0
        for i in sortedKeys.indices where i + 1 == sortedKeys.count || sortedKeys[i + 1] != sortedKeys[i] {
            keys.append(sortedKeys[i])
            ranges.append(start..<(i + 1))
            start = i + 1
        }
        return (ByteKeyTable(keys: keys), ranges)
    }

    /// Reads and validates the catalog file at `path`.
    public static func load(path: String) throws(CatalogError) -> TariffCatalog {
        let text = try CatalogFile.read(path)
        return try parse(yaml: text, path: path)
    }

    /// Validates catalog YAML; `path` names the file in error messages and `summary.json`.
    public static func parse(yaml: String, path: String) throws(CatalogError) -> TariffCatalog {
        try CatalogLoader(file: path).load(yaml: yaml)
    }

    /// Local day of an instant: `floorDiv(epoch + timezoneOffset, 86400)`.
    @inlinable
    public func localDay(_ epoch: Int64) -> Int64 {
        CivilTime.floorDiv(epoch + timezoneOffset, CivilTime.secondsPerDay)
    }

    /// The slice of `plans` holding every version of the plan whose id is `id`'s bytes.
    /// Inlined: called as `rater.catalog.planVersions`, an out-of-line call copied the whole
    /// catalog struct (208 bytes) onto the stack for every record.
    @inline(__always)
    public func planVersions(id: UnsafeRawBufferPointer) -> Range<Int>? {
        planIndex.find(id).map { planRanges[$0] }
    }

    /// The version of plan `id` in force on local day `localDay`, as an index into `plans`.
    @inline(__always)
    func planVersionIndex(in versions: Range<Int>, localDay: Int64) -> Int? {
        guard let index = Self.lastStarted(versions, onOrBefore: localDay, { plans[$0].effectiveFrom }),
            plans[index].isInForce(localDay: localDay)
        else { return nil }
        return index
    }

    /// The last of `versions` whose effective_from (`from`) is on or before `localDay`. Versions
    /// of one plan or item are sorted by effective_from and never overlap (the loader checks),
    /// so it is the only one that can be in force that day. A binary search: a filing may hold
    /// thousands of versions (a scan cost 4.5 s per 1M rows at 2,000).
    @inline(__always)
    private static func lastStarted(
        _ versions: Range<Int>, onOrBefore localDay: Int64, _ from: (Int) -> Int64
    ) -> Int? {
        var low = versions.lowerBound
        var high = versions.upperBound
        while low < high {
            let middle = (low + high) >> 1
            if from(middle) <= localDay { low = middle + 1 } else { high = middle }
        }
        return low > versions.lowerBound ? low - 1 : nil
    }

    /// Charge items: the version of `code` in force on local day `localDay` (days since
    /// 1970-01-01 in catalog local time).
    public func item(code: UnsafeRawBufferPointer, localDay: Int64) -> ItemVersion? {
        guard let key = itemIndex.find(code) else { return nil }
        guard let index = Self.lastStarted(itemRanges[key], onOrBefore: localDay, { items[$0].effectiveFrom }),
            items[index].isInForce(localDay: localDay)
        else { return nil }
        return items[index]
    }

    /// True when some version of the code is filed at all (to word the `unfiled-item` detail).
    public func hasItem(code: UnsafeRawBufferPointer) -> Bool {
        itemIndex.find(code) != nil
    }
}
