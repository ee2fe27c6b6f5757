import Foundation

/// One input file of a run, in the order given (input order decides duplicate originals).
public struct InputFile: Sendable, Hashable {
    public let kind: RecordKind
    public let path: String

    public init(kind: RecordKind, path: String) {
        self.kind = kind
        self.path = path
    }
}

/// Where a chunk sits in the run: file in input order, then chunk in file order.
public struct ChunkPosition: Sendable, Hashable, Comparable {
    public let file: Int
    public let sequence: Int

    public static func < (lhs: ChunkPosition, rhs: ChunkPosition) -> Bool {
        (lhs.file, lhs.sequence) < (rhs.file, rhs.sequence)
    }
}

/// What a worker is handed: a chunk of whole records and the layout of its file.
public struct ChunkJob: @unchecked Sendable {
    public let position: ChunkPosition
    public let layout: ColumnLayout
    let buffer: ChunkBuffer
    public var bytes: UnsafeRawBufferPointer { buffer.bytes }
}

/// A malformed row, with its line counted from its chunk's start until the pipeline resolves it.
public struct Reject: Sendable, Equatable, Codable {
    public var file: Int
    public var chunk: Int
    /// 0-based line within the chunk; after resolution the 1-based line in the file.
    public var line: Int
    public let reason: String
    /// At most 200 bytes, cut at a UTF-8 boundary.
    public let raw: [UInt8]

    public init(position: ChunkPosition, localLine: Int, reason: String, raw: UnsafeRawBufferPointer) {
        file = position.file
        chunk = position.sequence
        line = localLine
        self.reason = reason
        self.raw = Reject.cut(raw, to: 200)
    }

    static func cut(_ raw: UnsafeRawBufferPointer, to limit: Int) -> [UInt8] {
        guard raw.count > limit else { return Array(raw) }
        var end = limit
        // Back off continuation bytes (10xxxxxx) so a multi-byte character is never split.
        while end > 0, raw[end] & 0xc0 == 0x80 { end -= 1 }
        return Array(raw[0..<end])
    }
}

/// What every per-chunk result must tell the pipeline.
public protocol ChunkPartial: Sendable {
    /// Physical lines the chunk spans (newlines in it).
    var lineCount: Int { get }
    var rowsRead: Int { get }
    var rejects: [Reject] { get }
}

/// Per-file facts a run reports.
public struct FileStats: Sendable, Equatable {
    public let path: String
    public let kind: RecordKind
    public var compressedBytes = 0
    public var decompressedBytes = 0
    public var gzip = false
    public var sha256 = ""
    public var rowsRead = 0
    public var rowsRejected = 0
    public var chunks = 0
    /// Physical lines before the first data row (header lines).
    public var headerLines = 1
}

public struct PipelineOptions: Sendable {
    /// 1 MiB: large enough that per-chunk costs vanish, small enough that the buffers in flight
    /// (about 2 × threads + 2 per file being read) stay a few MB — the audit's memory is then
    /// almost all duplicate index (measured: 4 MiB chunks cost 35 MB more peak at equal speed).
    public static let defaultChunkSize = 1 << 20
    /// The largest chunk size: buffers (a few per file being read) stay bounded, and a chunk of
    /// short rows stays far below the audit's 24-bit record number (`rowsPerChunkLimit` checks).
    public static let maxChunkSize = 64 << 20

    public var threads: Int
    public var chunkSize: Int
    /// Rejects allowed over the whole run; reject number `maxRejects + 1` aborts.
    public var maxRejects: Int
    /// Report bytes done on stderr while running.
    public var progress: Bool
    /// The gzip decoder; outputs never depend on it.
    public var inflater: InflateEngine
    /// Chunks one file may make, and rows one chunk may hold, before the run stops with
    /// `tooManyChunks` / `tooManyRows`: the audit's input order keeps 24 bits of each, and orders
    /// that overflowed would silently pick the wrong duplicate originals.
    public var chunksPerFileLimit = Int.max
    public var rowsPerChunkLimit = Int.max

    public init(
        threads: Int = ProcessInfo.processInfo.activeProcessorCount, chunkSize: Int = defaultChunkSize,
        maxRejects: Int = 0, progress: Bool = false, inflater: InflateEngine = .standard
    ) {
        self.threads = max(1, threads)
        self.chunkSize = min(max(1, chunkSize), Self.maxChunkSize)
        self.maxRejects = max(0, maxRejects)
        self.progress = progress
        self.inflater = inflater
    }
}

/// What a run read: per-file stats and every reject, lines resolved, in input order.
public struct PipelineReport: Sendable {
    public var files: [FileStats]
    public var rejects: [Reject]
    public var wallSeconds: Double
}

/// Streams files through worker threads: one inflater thread per file being read (several files
/// at once), chunks handed to `threads` workers through a bounded pool of buffers, and each
/// worker's partial result handed back to the calling thread — in input order when `ordered`,
/// else as soon as it is ready (the consumer must then be order-independent).
///
/// Memory is bounded by `buffersPerFile × chunkSize` per file being read plus unconsumed partials,
/// however many files there are.
public final class ChunkPipeline<Partial: ChunkPartial>: @unchecked Sendable {
    public typealias Worker = (ChunkJob) -> Partial

    /// Hands a worker closure (with its own scratch state) to the one thread that runs it.
    private final class WorkerBox: @unchecked Sendable {
        let run: Worker
        init(_ run: @escaping Worker) { self.run = run }
    }

    private let files: [InputFile]
    private let options: PipelineOptions
    private let layoutFor: @Sendable (InputFile, [UInt8], Int) throws(InputError) -> ColumnLayout
    private let makeWorker: @Sendable () -> Worker
    private let buffersPerFile: Int
    /// Chunks read but not yet taken by a worker, over all files: as many as the files being
    /// read at once could each have (`buffersPerFile` each). A file's own pool bounds a big
    /// file, but a producer finishes a small file at once and moves on, so without this bound
    /// every small file's chunks could wait at the same time (thousands of files, MiBs each).
    private var maxQueuedJobs = 1

    // Shared state, guarded by `monitor`.
    private let monitor = PipelineMonitor()
    /// Producers waiting for room in the job queue: a worker taking a job wakes them only then.
    private var producersWaitingForRoom = 0
    private var nextFile = 0
    /// Chunks to work on, from `jobsHead` on. A taken slot is emptied at once, so that its
    /// buffer goes back (or, a finished file's, is freed) when its worker is done: the array is
    /// compacted only now and then, and its taken slots used to keep up to ~1,000 buffers alive.
    private var jobs: [ChunkJob?] = []
    private var jobsHead = 0
    private var producersRunning = 0
    private var jobsInFlight = 0
    private var ordered = false
    private var maxPendingResults: Int { 2 * options.threads + 2 }
    private var results: [(ChunkPosition, Partial)] = []
    private var readyOrdered: [ChunkPosition: Partial] = [:]
    private var chunkCounts: [Int: Int] = [:]
    private var stats: [FileStats]
    private var failures: [(ChunkPosition, InputError)] = []
    /// No chunk after this position is produced or consumed: set by the first failure.
    private var stopAfter: ChunkPosition?

    /// The header check every command uses: the columns DESIGN.md requires for the file's kind.
    public static func standardLayout(_ file: InputFile, _ header: [UInt8], _ index: Int) throws(InputError)
        -> ColumnLayout
    {
        try ColumnLayout(kind: file.kind, header: header, file: file.path)
    }

    /// - Parameter layout: checks a file's header (kind, header bytes, file index) before any row is read.
    public init(
        files: [InputFile], options: PipelineOptions,
        layout: @escaping @Sendable (InputFile, [UInt8], Int) throws(InputError) -> ColumnLayout = standardLayout,
        makeWorker: @escaping @Sendable () -> Worker
    ) {
        self.files = files
        self.options = options
        layoutFor = layout
        self.makeWorker = makeWorker
        // Enough buffers that the inflater rarely waits for a slow worker to hand one back.
        buffersPerFile = max(4, 2 * options.threads + 2)
        stats = files.map { FileStats(path: $0.path, kind: $0.kind) }
    }

    /// Runs to the end of every file; throws the first failure in input order.
    public func run(ordered: Bool, consume: (ChunkPosition, Partial) throws(InputError) -> Void) throws(InputError)
        -> PipelineReport
    {
        let started = Date()
        let producerCount = ordered ? 1 : min(max(files.count, 1), options.threads)
        producersRunning = producerCount
        maxQueuedJobs = producerCount * buffersPerFile
        self.ordered = ordered
        var threads: [Thread] = []
        for _ in 0..<producerCount { threads.append(Thread { [self] in produce() }) }
        for _ in 0..<options.threads {
            let worker = WorkerBox(makeWorker())
            threads.append(Thread { [self] in work(worker.run) })
        }
        for thread in threads {
            thread.stackSize = 1 << 20
            thread.start()
        }
        var progress = ProgressLine(enabled: options.progress, totalBytes: totalInputBytes())
        var nextOrdered = ChunkPosition(file: 0, sequence: 0)
        var allRejects: [Reject] = []
        var lineCounts: [ChunkPosition: Int] = [:]
        var consumeFailure: InputError?

        monitor.lock()
        while true {
            var batch: [(ChunkPosition, Partial)] = []
            if ordered {
                while nextOrdered.file < files.count {
                    if let partial = readyOrdered.removeValue(forKey: nextOrdered) {
                        batch.append((nextOrdered, partial))
                        nextOrdered = ChunkPosition(file: nextOrdered.file, sequence: nextOrdered.sequence + 1)
                    } else if let count = chunkCounts[nextOrdered.file], count == nextOrdered.sequence {
                        nextOrdered = ChunkPosition(file: nextOrdered.file + 1, sequence: 0)
                    } else {
                        break
                    }
                }
            } else {
                batch = results
                results.removeAll(keepingCapacity: true)
                if !batch.isEmpty { monitor.wakeAll(.backPressure) }
            }
            let finished =
                producersRunning == 0 && jobsHead == jobs.count && jobsInFlight == 0
                && results.isEmpty && (!ordered || readyOrdered.isEmpty || stopAfter != nil)
            if batch.isEmpty {
                if finished { break }
                monitor.wait(.consumer)
                continue
            }
            monitor.unlock()
            for (position, partial) in batch {
                if let stop = currentStop(), position > stop { continue }
                lineCounts[position] = partial.lineCount
                if !partial.rejects.isEmpty {
                    allRejects.append(contentsOf: partial.rejects)
                    if allRejects.count > options.maxRejects {
                        allRejects.sort { ($0.file, $0.chunk, $0.line) < ($1.file, $1.chunk, $1.line) }
                        let over = allRejects[options.maxRejects]
                        stop(at: ChunkPosition(file: over.file, sequence: over.chunk), failure: nil)
                    }
                }
                if consumeFailure == nil {
                    do throws(InputError) {
                        guard partial.rowsRead <= options.rowsPerChunkLimit else {
                            throw InputError.tooManyRows(
                                file: files[position.file].path, limit: options.rowsPerChunkLimit)
                        }
                        try consume(position, partial)
                    } catch {
                        consumeFailure = error
                        stop(at: position, failure: error)
                    }
                }
                monitor.lock()
                stats[position.file].rowsRead += partial.rowsRead
                stats[position.file].rowsRejected += partial.rejects.count
                monitor.unlock()
            }
            progress.update(doneBytes: compressedDone())
            monitor.lock()
        }
        monitor.unlock()
        progress.finish()

        // Resolve chunk-relative lines to file lines, then report the earliest failure.
        var lineBase: [ChunkPosition: Int] = [:]
        for (file, fileStats) in stats.enumerated() {
            var base = fileStats.headerLines + 1
            for sequence in 0..<(chunkCounts[file] ?? 0) {
                let position = ChunkPosition(file: file, sequence: sequence)
                lineBase[position] = base
                base += lineCounts[position] ?? 0
            }
        }
        allRejects.sort { ($0.file, $0.chunk, $0.line) < ($1.file, $1.chunk, $1.line) }
        for index in allRejects.indices {
            let position = ChunkPosition(file: allRejects[index].file, sequence: allRejects[index].chunk)
            allRejects[index].line += lineBase[position] ?? 0
        }
        var earliest: (ChunkPosition, InputError)? = failures.min { $0.0 < $1.0 }
        // The chunker counts no lines: a record too long for it starts its chunk, whose first line
        // follows the (all consumed) chunks before it.
        if let (position, error) = earliest, case .recordTooLong(let file, 0, let limit) = error {
            let line = (0..<position.sequence).reduce(stats[position.file].headerLines + 1) {
                $0 + (lineCounts[ChunkPosition(file: position.file, sequence: $1)] ?? 0)
            }
            earliest = (position, .recordTooLong(file: file, line: line, limit: limit))
        }
        if allRejects.count > options.maxRejects {
            let over = allRejects[options.maxRejects]
            let position = ChunkPosition(file: over.file, sequence: over.chunk)
            if earliest == nil || position <= earliest!.0 {
                let error: InputError =
                    options.maxRejects == 0
                    ? .malformedRow(file: files[over.file].path, line: over.line, reason: over.reason)
                    : .tooManyRejects(
                        file: files[over.file].path, line: over.line, reason: over.reason, limit: options.maxRejects)
                earliest = (position, error)
            }
        }
        if let (_, error) = earliest { throw error }
        for index in stats.indices { stats[index].chunks = chunkCounts[index] ?? 0 }
        return PipelineReport(files: stats, rejects: allRejects, wallSeconds: Date().timeIntervalSince(started))
    }

    private func currentStop() -> ChunkPosition? {
        monitor.lock()
        defer { monitor.unlock() }
        return stopAfter
    }

    private func stop(at position: ChunkPosition, failure: InputError?) {
        monitor.lock()
        if let failure { failures.append((position, failure)) }
        if stopAfter == nil || position < stopAfter! { stopAfter = position }
        monitor.wakeEveryone()
        monitor.unlock()
    }

    private func totalInputBytes() -> Int {
        files.reduce(0) { total, file in
            var info = stat()
            return total + (stat(file.path, &info) == 0 ? Int(info.st_size) : 0)
        }
    }

    private var compressedOffsets: [Int: Int] = [:]

    private func compressedDone() -> Int {
        monitor.lock()
        defer { monitor.unlock() }
        return compressedOffsets.values.reduce(0, +)
    }

    // MARK: producer

    private func produce() {
        while true {
            monitor.lock()
            let fileIndex = nextFile
            let stopped = stopAfter.map { fileIndex > $0.file } ?? false
            if fileIndex >= files.count || stopped {
                producersRunning -= 1
                monitor.wakeEveryone()
                monitor.unlock()
                return
            }
            nextFile += 1
            monitor.unlock()
            produce(fileIndex)
        }
    }

    private func produce(_ fileIndex: Int) {
        let file = files[fileIndex]
        var sequence = 0
        var pool: [ChunkBuffer] = []
        var poolCreated = 0
        let returned = BufferReturn()
        do throws(InputError) {
            let source = try ByteSource(path: file.path)
            let inflater = try Inflater(source: source, engine: options.inflater)
            let chunker = LineChunker(inflater: inflater, chunkSize: options.chunkSize)
            let header = try chunker.readHeader()
            let layout = try layoutFor(file, header.bytes, fileIndex)
            monitor.lock()
            stats[fileIndex].headerLines = header.lines
            stats[fileIndex].gzip = inflater.isGzip
            monitor.unlock()
            while true {
                let position = ChunkPosition(file: fileIndex, sequence: sequence)
                if let stop = currentStop(), position > stop { break }
                // Take a free buffer: a new one while under the bound, else wait for one back.
                if pool.isEmpty {
                    if poolCreated < buffersPerFile {
                        pool.append(ChunkBuffer(capacity: options.chunkSize))
                        poolCreated += 1
                    } else {
                        monitor.lock()
                        returned.producerWaiting = true
                        while returned.buffers.isEmpty { monitor.wait(.producers) }
                        returned.producerWaiting = false
                        pool.append(contentsOf: returned.buffers)
                        returned.buffers.removeAll()
                        monitor.unlock()
                    }
                }
                let buffer = pool.removeLast()
                guard try chunker.fill(buffer) else { break }
                guard sequence < options.chunksPerFileLimit else {
                    throw InputError.tooManyChunks(
                        file: file.path, limit: options.chunksPerFileLimit, chunkSize: options.chunkSize)
                }
                monitor.lock()
                while jobs.count - jobsHead >= maxQueuedJobs, stopAfter.map({ position <= $0 }) ?? true {
                    producersWaitingForRoom += 1
                    monitor.wait(.producers)
                    producersWaitingForRoom -= 1
                }
                jobs.append(ChunkJob(position: position, layout: layout, buffer: buffer))
                bufferHomes[ObjectIdentifier(buffer)] = returned
                compressedOffsets[fileIndex] = source.offset
                monitor.wake(.workers)
                monitor.unlock()
                sequence += 1
            }
            monitor.lock()
            stats[fileIndex].compressedBytes = source.offset
            stats[fileIndex].decompressedBytes = inflater.produced
            stats[fileIndex].sha256 = source.finishDigest()
            compressedOffsets[fileIndex] = source.offset
            monitor.unlock()
        } catch {
            stop(at: ChunkPosition(file: fileIndex, sequence: sequence), failure: error)
        }
        monitor.lock()
        chunkCounts[fileIndex] = sequence
        monitor.wake(.consumer)
        monitor.unlock()
    }

    /// Buffers a file's workers have finished with, waiting for its producer.
    private final class BufferReturn {
        var buffers: [ChunkBuffer] = []
        /// The file's producer waits for one of these buffers: a worker returning one wakes it.
        var producerWaiting = false
    }

    private var bufferHomes: [ObjectIdentifier: BufferReturn] = [:]

    // MARK: worker

    private func work(_ worker: Worker) {
        while true {
            monitor.lock()
            while jobsHead == jobs.count && producersRunning > 0 { monitor.wait(.workers) }
            if jobsHead == jobs.count {
                monitor.wakeAll(.workers)
                monitor.unlock()
                return
            }
            let job = jobs[jobsHead].take()!
            jobsHead += 1
            if producersWaitingForRoom > 0 { monitor.wakeAll(.producers) }
            if jobsHead > 1024, jobsHead * 2 > jobs.count {
                jobs.removeFirst(jobsHead)
                jobsHead = 0
            }
            jobsInFlight += 1
            let skip = stopAfter.map { job.position > $0 } ?? false
            monitor.unlock()

            let partial = skip ? nil : worker(job)

            monitor.lock()
            // Back-pressure: a consumer slower than the workers (the duplicate index merges on one
            // thread) must not let finished partials pile up without bound.
            while !ordered, results.count >= maxPendingResults { monitor.wait(.backPressure) }
            jobsInFlight -= 1
            if let partial {
                if ordered {
                    readyOrdered[job.position] = partial
                } else {
                    results.append((job.position, partial))
                }
            }
            if let home = bufferHomes.removeValue(forKey: ObjectIdentifier(job.buffer)) {
                home.buffers.append(job.buffer)
                if home.producerWaiting { monitor.wakeAll(.producers) }
            }
            // The consumer waits for a partial, or for the last job in flight to end.
            monitor.wake(.consumer)
            monitor.unlock()
        }
    }
}
