import Foundation
import Testing

@testable import RecountCore

/// The duplicate index against an obviously correct oracle (a pass in input order with two
/// sets), with batches arriving in shuffled orders and after a round trip through JSON — the
/// property that lets files inflate in parallel and partials merge in any grouping.
@Suite struct DuplicateIndexTests {
    struct Row {
        var order: UInt64
        var id: String
        var account: String
        var service: Service
        var start: Int64
        var duration: Int64
        var volume: Int64
        var destination: String
        var billed: Int64
    }

    static func rows(seed: UInt64, count: Int) -> [[Row]] {
        var state = seed
        func next(_ bound: UInt64) -> UInt64 {
            state = state &* 6_364_136_223_846_793_005 &+ 1_442_695_040_888_963_407
            return (state >> 33) % bound
        }
        var chunks: [[Row]] = []
        var made: [Row] = []
        var file = 0
        var sequence = 0
        while made.count < count {
            var chunk: [Row] = []
            for index in 0..<Int(1 + next(40)) {
                let order = RecordOrder.make(ChunkPosition(file: file, sequence: sequence), record: index)
                // Small value spaces so repeats happen often: by id, by content, by both.
                var row = Row(
                    order: order, id: "R\(next(400))", account: "A\(next(5))",
                    service: [Service.voice, .sms, .data][Int(next(3))], start: 1_760_000_000 + Int64(next(6)),
                    duration: Int64(next(3)), volume: Int64(next(2)), destination: "86\(next(3))",
                    billed: (Int64(next(9)) - 4) * (next(2) == 0 ? 1 : 1000))
                if next(10) == 0, !made.isEmpty {
                    row.id = made[Int(next(UInt64(made.count)))].id  // an exact record_id repeat
                }
                chunk.append(row)
                made.append(row)
            }
            chunks.append(chunk)
            sequence += 1
            if next(5) == 0 {
                file += 1
                sequence = 0
            }
        }
        return chunks
    }

    /// The rows' batch; rows at `takenBack` are appended and then taken back (a record the audit
    /// rejects after writing its key).
    static func batch(
        _ rows: [Row], source: EntryBlockSource = EntryBlockSource(), expectedRecords: Int = 64,
        takenBack: Set<Int> = []
    ) -> UsageKeyBatch {
        var batch = UsageKeyBatchBuilder(source: source, expectedRecords: expectedRecords)
        for (index, row) in rows.enumerated() {
            row.id.utf8CString.withUnsafeBytes { id in
                row.account.utf8CString.withUnsafeBytes { account in
                    row.destination.utf8CString.withUnsafeBytes { destination in
                        let record = UsageRecord(
                            recordID: UnsafeRawBufferPointer(rebasing: id.dropLast()),
                            account: UnsafeRawBufferPointer(rebasing: account.dropLast()),
                            plan: UnsafeRawBufferPointer(start: nil, count: 0),
                            destination: UnsafeRawBufferPointer(rebasing: destination.dropLast()), service: row.service,
                            start: row.start, durationSeconds: row.duration, volumeBytes: row.volume,
                            billedQuantity: 1, billedAmount: Money(micros: row.billed), cycle: 202610)
                        batch.append(record, order: row.order)
                        if takenBack.contains(index) { batch.removeLast() }
                    }
                }
            }
        }
        return batch.finish()
    }

    /// Oracle: in input order, a record is a duplicate by id / by content when an earlier one had it.
    static func oracle(_ chunks: [[Row]]) -> [UInt64: (Bool, Bool)] {
        var ids = Set<String>()
        var contents = Set<String>()
        var marks: [UInt64: (Bool, Bool)] = [:]
        for row in chunks.joined() {
            let content = "\(row.account)|\(row.service)|\(row.start)|\(row.destination)|\(row.duration)|\(row.volume)"
            let byID = ids.contains(row.id)
            let byContent = row.service != .sms && contents.contains(content)
            if byID || byContent { marks[row.order] = (byID, byContent) }
            ids.insert(row.id)
            if row.service != .sms { contents.insert(content) }
        }
        return marks
    }

    @Test(arguments: [1, 2, 3, 4, 5] as [UInt64])
    func anyArrivalOrderMarksExactlyTheOraclesDuplicates(seed: UInt64) throws {
        let chunks = Self.rows(seed: seed, count: 1500)
        let byOrder = Dictionary(uniqueKeysWithValues: chunks.joined().map { ($0.order, $0) })
        let expected = Self.oracle(chunks)
        #expect(expected.count > 50)  // the data really has duplicates of both kinds
        var orders = Array(chunks.indices)
        var generator = SeededGenerator(state: seed)
        for round in 0..<3 {
            if round > 0 { orders.shuffle(using: &generator) }
            let index = DuplicateIndex()
            for chunkIndex in orders {
                var batch = Self.batch(chunks[chunkIndex])
                if chunkIndex % 2 == 0 {
                    // Half the batches travel as JSON, as a partial written to disk would.
                    batch = try JSONDecoder().decode(UsageKeyBatch.self, from: JSONEncoder().encode(batch))
                }
                index.insert(batch)
            }
            index.finish()
            #expect(Set(index.marks.keys) == Set(expected.keys), "round \(round)")
            for (order, flags) in expected {
                #expect(index.marks[order]?.byRecordID == flags.0 && index.marks[order]?.byContent == flags.1)
                // Every marked record's data is still there to write its finding.
                let billed = index.withKey(of: order) { $0.billedAmount }
                let row = byOrder[order]!
                #expect(billed == Money(micros: row.billed))
            }
        }
    }

    /// Every key given the same hash (one partition, one bucket chain, equal tags): only the
    /// byte comparison separates keys, and the marks are still exactly the oracle's.
    @Test func equalHashesStillGiveExactMarks() {
        let chunks = Self.rows(seed: 11, count: 800)
        let expected = Self.oracle(chunks)
        #expect(expected.count > 20)
        let index = DuplicateIndex()
        for chunk in chunks.reversed() {
            let built = Self.batch(chunk)
            let packed = built.packed
            let batch = UsageKeyBatch(
                chunkOrder: built.chunkOrder, bytes: packed.bytes, offsets: packed.offsets,
                recordIDHashes: built.recordIDHashes.map { _ in 0xDEAD_BEEF_0000_0001 },
                contentHashes: built.contentHashes.map { $0 == 0 ? 0 : 0xDEAD_BEEF_0000_0001 })
            index.insert(batch)
        }
        index.finish()
        #expect(Set(index.marks.keys) == Set(expected.keys))
        for (order, flags) in expected {
            #expect(index.marks[order]?.byRecordID == flags.0 && index.marks[order]?.byContent == flags.1)
        }
    }

    /// Entries keep only their record index; the arena gives back the full order from the run
    /// they came in, also when two workers fill blocks at once (runs arrive out of address
    /// order), when a chunk's entries start in one block and end in the next, and when an entry
    /// is larger than a block; and every entry's bytes arrive whole.
    @Test func arenaOrdersAcrossBatchesAndBlocks() {
        var arena = EntryArena()
        defer { arena.release() }
        // Two workers with 64 KiB blocks; ids of ~2 KB, so a block holds ~30 entries.
        let workers = [EntryBlockSource(blockSize: 1 << 16), EntryBlockSource(blockSize: 1 << 16)]
        var batches: [UsageKeyBatch] = []
        var rowsByOrder: [UInt64: Row] = [:]
        for sequence in 0..<40 {
            let position = ChunkPosition(file: sequence % 3, sequence: sequence)
            let rows = (0..<(5 + sequence % 17)).map { record in
                // One entry in 50 is larger than a whole block.
                let length = (sequence * 31 + record) % 50 == 0 ? 70_000 : 1_500 + (record * 37) % 900
                return Row(
                    order: RecordOrder.make(position, record: record),
                    id: String(repeating: "x", count: length) + "\(sequence)-\(record)", account: "A\(record % 4)",
                    service: .voice, start: Int64(sequence), duration: Int64(record), volume: 0, destination: "86",
                    billed: Int64(record) * 1_000)
            }
            for row in rows { rowsByOrder[row.order] = row }
            batches.append(Self.batch(rows, source: workers[sequence % 2]))
        }
        #expect(batches.filter { $0.runs.count > 1 }.count >= 5)
        var references: [(reference: Int, order: UInt64)] = []
        var generator = SeededGenerator(state: 5)
        for batch in batches.shuffled(using: &generator) {
            arena.add(batch) { index, reference in
                references.append((reference, batch.chunkOrder | UInt64(index)))
            }
        }
        arena.seal()
        #expect(references.count == rowsByOrder.count)
        #expect(arena.bytesUsed == batches.reduce(0) { $0 + $1.packed.bytes.count })
        for (reference, order) in references {
            #expect(arena.order(reference) == order)
            // The record_id key found from two fields is the one the full parse finds.
            let recordID = arena.ranges(reference).recordID
            let quick = UsageKey.recordIDRange(arena.pointer(reference))
            #expect(quick.baseAddress == recordID.baseAddress && quick.count == recordID.count)
            #expect(arena.key(reference, byContent: false).count == recordID.count)
            let key = UsageKey.read(arena.pointer(reference), chunkOrder: order & ~RecordOrder.recordMask)
            #expect(key.order == order)
            #expect(Array(key.recordID.utf8) == Array(rowsByOrder[order]!.id.utf8))
            #expect(key.billedAmount == Money(micros: rowsByOrder[order]!.billed))
        }
    }

    /// Entries larger than a 16 MiB block (a field of many megabytes) get a block of their own:
    /// a repeat of such a record_id is still found, by its whole bytes, between small entries
    /// before and after it — and a near twin (last byte changed) is not. This used to stop the
    /// run on a precondition.
    @Test func entriesLargerThanABlockAreIndexedWhole() {
        let huge = String(repeating: "x", count: EntryArena.blockSize + 1_000)
        let twin = String(huge.dropLast()) + "y"
        let ids = ["small-1", huge, "small-2", twin, huge, "small-1"]
        let chunk = ids.enumerated().map { index, id in
            Row(
                order: RecordOrder.make(ChunkPosition(file: 0, sequence: 0), record: index), id: id, account: "A",
                service: .sms, start: 0, duration: 0, volume: 0, destination: "", billed: Int64(index) * 1_000)
        }
        let index = DuplicateIndex()
        index.insert(Self.batch(Array(chunk.prefix(3))))
        index.insert(Self.batch(Array(chunk.suffix(3))))
        index.finish()
        #expect(Set(index.marks.keys) == [chunk[4].order, chunk[5].order])
        #expect(index.marks[chunk[4].order]?.byRecordID == true)
        #expect(index.withKey(of: chunk[4].order) { $0.recordID.utf8.count } == huge.utf8.count)
        #expect(index.withKey(of: chunk[5].order) { $0.billedAmount } == Money(micros: 5_000))
        #expect(index.entryBytes > 2 * EntryArena.blockSize)
    }

    @Test func hashCollisionsNeverMatchDifferentKeys() {
        // Many distinct ids: all must stay unmarked although buckets are shared by 28-bit tags.
        let chunk = (0..<5_000).map { index in
            Row(
                order: RecordOrder.make(ChunkPosition(file: 0, sequence: 0), record: index), id: "id\(index)",
                account: "A", service: .sms, start: 0, duration: 0, volume: 0, destination: "", billed: 0)
        }
        let index = DuplicateIndex()
        index.insert(Self.batch(chunk))
        index.finish()
        #expect(index.marks.isEmpty)
        #expect(index.records == 5_000)
    }

    /// A builder that grows its arrays (sized for no records) gives the batch one sized for the
    /// whole chunk gives, so does one whose entries spill over many small blocks, and so does
    /// the batch's JSON form; each entry reads back as its record.
    /// Taking entries back (in small blocks, so some were the first of a new block) leaves the
    /// batch the rows without them would have made.
    @Test func takenBackEntriesLeaveNoTrace() {
        let rows = (0..<2_000).map { index in
            Row(
                order: RecordOrder.make(ChunkPosition(file: 1, sequence: 3), record: index), id: "U\(index)",
                account: "A\(index % 17)", service: index % 3 == 0 ? .sms : .data, start: Int64(index) * 59,
                duration: 0, volume: Int64(index * 31), destination: "", billed: Int64(index) * 10)
        }
        let rejected = Set(rows.indices.filter { $0 % 7 == 3 || $0 == 0 || $0 == rows.count - 1 })
        let kept = rows.indices.filter { !rejected.contains($0) }.map { rows[$0] }
        for blockSize in [256, 4096, EntryBlock.standardSize] {
            let source = EntryBlockSource(blockSize: blockSize)
            let taken = Self.batch(rows, source: source, takenBack: rejected)
            #expect(taken == Self.batch(kept, source: EntryBlockSource(blockSize: blockSize)), "block \(blockSize)")
            #expect(taken.count == kept.count)
        }
    }

    @Test func builderGrowthKeepsEveryEntry() throws {
        let rows = (0..<3_000).map { index in
            Row(
                order: RecordOrder.make(ChunkPosition(file: 2, sequence: 7), record: index), id: "U\(index * 7919)",
                account: "A\(index % 13)", service: index % 3 == 0 ? .sms : .voice, start: Int64(index) * 61,
                duration: Int64(index % 300), volume: 0, destination: "8613\(index)", billed: Int64(index) * 1000)
        }
        let grown = Self.batch(rows, expectedRecords: 0)
        let sized = Self.batch(rows, expectedRecords: rows.count)
        let spilled = Self.batch(rows, source: EntryBlockSource(blockSize: 4096))
        #expect(grown == sized)
        #expect(spilled == sized)
        #expect(spilled.runs.count > 10 && sized.runs.count == 1)
        #expect(grown.offsets.count == rows.count)
        let packed = grown.packed
        for (index, row) in rows.enumerated() {
            let key = packed.bytes.withUnsafeBytes {
                UsageKey.read($0.baseAddress! + Int(packed.offsets[index]), chunkOrder: grown.chunkOrder)
            }
            #expect(key.order == row.order)
            #expect(Array(key.recordID.utf8) == Array(row.id.utf8))
            #expect(key.start == row.start)
            #expect(key.billedAmount == Money(micros: row.billed))
            #expect((grown.contentHashes[index] == 0) == (row.service == .sms))
        }
        // A batch read back from its JSON form is the same batch.
        let decoded = try JSONDecoder().decode(UsageKeyBatch.self, from: JSONEncoder().encode(spilled))
        #expect(decoded == grown)
        // A decoded batch whose offsets are not ascending is refused, not misread.
        var json = try JSONSerialization.jsonObject(with: JSONEncoder().encode(grown)) as! [String: Any]
        json["offsets"] = (json["offsets"] as! [Int]).reversed() as [Int]
        #expect(throws: DecodingError.self) {
            try JSONDecoder().decode(UsageKeyBatch.self, from: JSONSerialization.data(withJSONObject: json))
        }
    }

    /// Partitions span several 2 MiB slabs (262,144 values each): every value comes back in
    /// its partition in insertion order, and after `release()` the
    /// partitions are empty and take values again.
    @Test func partitionsKeepEveryValueAcrossSlabs() {
        var keys = KeyPartitions()
        defer { keys.deallocate() }
        var expected = Array(repeating: [UInt64](), count: KeyPartitions.count)
        var state: UInt64 = 7
        for reference in 0..<600_000 {
            state = state &* 6_364_136_223_846_793_005 &+ 1_442_695_040_888_963_407
            // Skewed: half the values in partition 0, so its list crosses slabs on its own.
            let hash = reference % 2 == 0 ? state >> 8 : state
            keys.append(hash: hash, reference: reference)
            let tag = (hash << 8) >> 36
            expected[Int(hash >> 56)].append(tag << 36 | UInt64(reference))
        }
        #expect(keys.bytes > 2 * PageMemory.hugePage)
        for partition in 0..<KeyPartitions.count {
            var seen: [UInt64] = []
            keys.forEachBlock(partition) { seen.append(contentsOf: $0) }
            #expect(seen == expected[partition], "partition \(partition)")
            #expect(keys.count(partition) == expected[partition].count)
        }
        keys.release()
        #expect((0..<KeyPartitions.count).allSatisfy { keys.count($0) == 0 })
        keys.append(hash: 5 << 56, reference: 42)
        var after: [UInt64] = []
        keys.forEachBlock(5) { after.append(contentsOf: $0) }
        #expect(after == [42])
    }
}

/// The marks as a sorted array: claims in any order and grouping, a record claimed by both keys
/// once or twice, against a dictionary built claim by claim.
@Suite struct DuplicateMarksTests {
    /// `count` claims over about `count / 3` records, shuffled and split into uneven groups;
    /// orders small or spread over all 64 bits (every radix pass taken, none skipped).
    static func claims(count: Int, seed: UInt64, wide: Bool = false) -> [[DuplicateIndex.Claim]] {
        var generator = SeededGenerator(state: seed)
        let records = (0...(count / 3)).map { record in
            wide ? UInt64.random(in: 0...UInt64.max, using: &generator) : UInt64(record) * 7 + 1
        }
        var all: [DuplicateIndex.Claim] = []
        for _ in 0..<count {
            let order = records.randomElement(using: &generator)!
            all.append(
                DuplicateIndex.Claim(
                    order: order, entry: Int(truncatingIfNeeded: order >> 3), byContent: Bool.random(using: &generator))
            )
        }
        all.shuffle(using: &generator)
        var groups: [[DuplicateIndex.Claim]] = []
        var start = 0
        while start < all.count {
            let end = min(all.count, start + Int.random(in: 0...5000, using: &generator))
            groups.append(Array(all[start..<end]))
            start = end
        }
        return groups
    }

    @Test(arguments: [(0, false), (1, false), (2, false), (999, false), (150_000, false), (999, true), (150_000, true)])
    func marksAreTheClaimsGroupedByRecord(count: Int, wide: Bool) {
        let groups = Self.claims(count: count, seed: UInt64(count) + 5, wide: wide)
        var expected: [UInt64: (byRecordID: Bool, byContent: Bool, entry: Int)] = [:]
        for claim in groups.joined() {
            var mark = expected[claim.order, default: (false, false, claim.entry)]
            if claim.byContent { mark.byContent = true } else { mark.byRecordID = true }
            expected[claim.order] = mark
        }
        let marks = DuplicateMarks(claims: groups)
        #expect(marks.count == expected.count)
        #expect(marks.keys == expected.keys.sorted())
        for mark in marks.sorted {
            let want = expected[mark.order]!
            #expect(mark.byRecordID == want.byRecordID && mark.byContent == want.byContent && mark.entry == want.entry)
        }
        // Lookups at, between and around the marks.
        let probes =
            wide
            ? stride(from: 0, to: marks.count, by: count > 1000 ? 997 : 1).flatMap { position in
                [marks.keys[position] &- 1, marks.keys[position], marks.keys[position] &+ 1]
            }
            : Array(stride(from: UInt64(0), to: UInt64(count / 3 * 7 + 10), by: count > 1000 ? 997 : 1))
        for probe in probes {
            #expect((marks[probe] != nil) == (expected[probe] != nil))
            let position = marks.firstPosition(atOrAfter: probe)
            #expect(position == marks.sorted.firstIndex { $0.order >= probe } ?? marks.count)
        }
    }
}

extension DuplicateIndex {
    /// The stored key of a marked record, as the end of the audit reads it.
    func withKey<T>(of order: UInt64, _ body: (UsageKey.Fields<String>) -> T) -> T? {
        guard let mark = marks[order] else { return nil }
        return body(UsageKey.read(entry(mark), chunkOrder: order & ~RecordOrder.recordMask))
    }
}
