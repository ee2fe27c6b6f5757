/// Findings in memory the buffer owns, with their record_ids and accounts (`FindingText`). A
/// worker appends one chunk's findings; once the buffer is handed over nothing appends, so a
/// pointer to any of its findings — and any text one holds — stays valid while it lives. That
/// lets the end of the run sort the findings of every chunk where they lie.
///
/// `@unchecked Sendable`: written only by the worker that fills it, before it is handed over;
/// afterwards the end of the run only reads it.
final class FindingBuffer: @unchecked Sendable, Codable {
    private(set) var base: UnsafeMutablePointer<StoredFinding>
    private(set) var count = 0
    private(set) var capacity: Int
    /// Texts longer than `FindingText.inlineCapacity`, in blocks that never move (findings
    /// point into them) and are freed with the buffer.
    private var textBlocks: [UnsafeMutableRawPointer] = []
    private var textNext: UnsafeMutableRawPointer?
    private var textRoom = 0

    static let defaultCapacity = 16
    /// The first text block's size; each next one doubles, up to `largestTextBlock`.
    static let firstTextBlock = 4096
    static let largestTextBlock = 256 << 10

    init(capacity: Int = defaultCapacity) {
        self.capacity = max(capacity, 1)
        base = .allocate(capacity: self.capacity)
    }

    convenience init(_ findings: [Finding]) {
        self.init(capacity: findings.count)
        for finding in findings { append(finding) }
    }

    deinit {
        base.deinitialize(count: count)
        base.deallocate()
        for block in textBlocks { block.deallocate() }
    }

    var isEmpty: Bool { count == 0 }

    /// Gives back the slack when more than half the room is unused: the buffer is kept to the
    /// end of the run. (Texts do not move: they are not in this memory.)
    func releaseSlack() {
        guard capacity > 2 * count, capacity > Self.defaultCapacity else { return }
        capacity = max(count, 1)
        base = base.movedToNew(capacity: capacity, count: count)
    }

    /// Room for the next chunk's findings, judged by this one's.
    var roomForNext: Int { max(Self.defaultCapacity, count + count / 8) }

    /// Appends a finding whose texts this buffer placed (`text(_:)`).
    @inline(__always)
    func append(_ finding: StoredFinding) {
        if count == capacity {
            capacity *= 2
            base = base.movedToNew(capacity: capacity, count: count)
        }
        (base + count).initialize(to: finding)
        count += 1
    }

    /// Appends a copy of `finding`, its texts placed in this buffer.
    func append(_ finding: Finding) {
        append(
            StoredFinding(
                kind: finding.kind, recordID: text(finding.recordID), account: text(finding.account),
                cycle: finding.cycle, rule: finding.rule, billedQuantity: finding.billedQuantity,
                expectedQuantity: finding.expectedQuantity, billedAmount: finding.billedAmount,
                expectedAmount: finding.expectedAmount, overcharge: finding.overcharge,
                detailText: finding.detailText, detailForm: finding.detailForm, order: finding.order))
    }

    /// A field's bytes as a text of this buffer, read as UTF-8 the way `String(decoding:as:)`
    /// reads it: an invalid sequence becomes U+FFFD, so the reports never hold invalid UTF-8.
    /// ASCII (checked eight bytes at a time) is stored as it is.
    @inline(__always)
    func text(_ bytes: UnsafeRawBufferPointer) -> FindingText {
        guard Self.isASCII(bytes) else { return text(String(decoding: bytes, as: UTF8.self)) }
        return place(bytes)
    }

    /// A string's UTF-8 as a text of this buffer.
    func text(_ string: String) -> FindingText {
        var string = string
        return string.withUTF8 { place(UnsafeRawBufferPointer($0)) }
    }

    @inline(__always)
    private func place(_ bytes: UnsafeRawBufferPointer) -> FindingText {
        let count = bytes.count
        if count <= FindingText.inlineCapacity { return FindingText(inline: bytes) }
        if textRoom < count { newTextBlock(count) }
        let start = textNext!
        start.copyMemory(from: bytes.baseAddress!, byteCount: count)
        textNext = start + count
        textRoom -= count
        return FindingText(outside: start, count: count)
    }

    private func newTextBlock(_ least: Int) {
        let size = max(least, min(Self.largestTextBlock, Self.firstTextBlock << min(textBlocks.count, 16)))
        let block = UnsafeMutableRawPointer.allocate(byteCount: size, alignment: 8)
        textBlocks.append(block)
        textNext = block
        textRoom = size
    }

    @inline(__always)
    static func isASCII(_ bytes: UnsafeRawBufferPointer) -> Bool {
        let count = bytes.count
        var index = 0
        var high: UInt64 = 0
        while index &+ 8 <= count {
            high |= bytes.loadUnaligned(fromByteOffset: index, as: UInt64.self)
            index &+= 8
        }
        while index < count {
            high |= UInt64(bytes[index])
            index &+= 1
        }
        return high & 0x8080_8080_8080_8080 == 0
    }

    /// A copy of the findings, in order.
    var findings: [Finding] { (0..<count).map { base[$0].finding } }

    convenience init(from decoder: any Decoder) throws {
        self.init(try [Finding](from: decoder))
    }

    func encode(to encoder: any Encoder) throws { try findings.encode(to: encoder) }
}
