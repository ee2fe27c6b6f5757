import Benchmark
import Foundation
import RecountCore

// Throughput of each stage of the streaming path on one generated gzip usage file of
// `rows` records (one benchmark operation = the whole file), so `throughput` reads as
// files/s and rows/s = throughput × rows; allocations per row = mallocCountTotal / rows.
// The file is made once per run by `BenchData` in a temporary folder (override with
// RECOUNT_BENCH_ROWS; default 1,000,000).

let data = BenchData.make()

let benchmarks: @Sendable () -> Void = {
    let configuration = Benchmark.Configuration(
        metrics: [.wallClock, .cpuTotal, .throughput, .mallocCountTotal, .peakMemoryResident],
        timeUnits: .milliseconds, warmupIterations: 1, maxDuration: .seconds(20), maxIterations: 5)

    Benchmark(
        "inflate (\(InflateEngine.standard.rawValue)) \(data.rows) rows, \(data.megabytes) MB",
        configuration: configuration
    ) { benchmark in
        for _ in benchmark.scaledIterations {
            blackHole(try InflateProbe.decompressedSize(of: data.usagePath))
        }
    }

    Benchmark("inflate+scan+decode (validate) \(data.rows) rows", configuration: configuration) { benchmark in
        for _ in benchmark.scaledIterations {
            blackHole(
                try Validation.run(files: [InputFile(kind: .usage, path: data.usagePath)], options: PipelineOptions()))
        }
    }

    Benchmark("rate \(data.rows) rows", configuration: configuration) { benchmark in
        for _ in benchmark.scaledIterations {
            blackHole(
                try RateRun.run(
                    catalog: data.catalog, files: [InputFile(kind: .usage, path: data.usagePath)],
                    options: PipelineOptions(), outputPath: data.folder + "/rated.csv"))
        }
    }

    Benchmark("full audit \(data.rows) rows", configuration: configuration) { benchmark in
        for _ in benchmark.scaledIterations {
            blackHole(
                try AuditRun.run(
                    AuditConfiguration(
                        catalog: data.catalog, files: [InputFile(kind: .usage, path: data.usagePath)],
                        pipeline: PipelineOptions())))
        }
    }
}
