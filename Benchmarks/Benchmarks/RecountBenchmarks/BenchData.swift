import Foundation
import RecountCore

/// One deterministic gzip usage file and its catalog, written once per benchmark run.
/// Rows are billed exactly what plan S allows (first minute 0.20, then 0.02 per 6 s; SMS 0.10;
/// data 0.0003 per KiB), over ~1M accounts, with unique record ids: the clean path at full speed.
struct BenchData: @unchecked Sendable {
    let folder: String
    let usagePath: String
    let catalog: TariffCatalog
    let rows: Int
    let megabytes: Int

    static let catalogText = """
        currency: CNY
        timezone: "+08:00"
        amount_precision: 0.001
        plans:
          - id: S
            approval: "BENCH-1"
            effective_from: 2026-01-01
            voice:
              - destinations: [""]
                steps:
                  - {after: 0s, increment: 60s, rate: 0.20, per: 60s}
                  - {after: 60s, increment: 6s, rate: 0.20, per: 60s}
            sms:
              - {destinations: [""], rate: 0.10}
            data:
              - {increment: 1024, rate: 0.0003, per: 1024}
        """

    /// Part of the cached file's folder name: bump it when `write(rows:to:)` changes, so a file
    /// written by an older version is not reused.
    static let formatVersion = 2

    static func make() -> BenchData {
        let rows = Int(ProcessInfo.processInfo.environment["RECOUNT_BENCH_ROWS"] ?? "") ?? 1_000_000
        let folder = NSTemporaryDirectory() + "recount-bench-v\(formatVersion)-\(rows)"
        try? FileManager.default.createDirectory(atPath: folder, withIntermediateDirectories: true)
        let usagePath = folder + "/usage.csv.gz"
        let catalog = try! TariffCatalog.parse(yaml: catalogText, path: folder + "/catalog.yaml")
        if !FileManager.default.fileExists(atPath: usagePath) {
            try! write(rows: rows, to: usagePath)
        }
        let size = try! InflateProbe.decompressedSize(of: usagePath)
        return BenchData(
            folder: folder, usagePath: usagePath, catalog: catalog, rows: rows, megabytes: size / 1_000_000)
    }

    /// Half-up rounding of micros to 0.001.
    static func milli(_ micros: Int64, over denominator: Int64) -> Int64 {
        let grain = 1000 * denominator
        return (micros + grain / 2) / grain
    }

    static func write(rows: Int, to path: String) throws {
        let sink = try FileSink(path: path + ".tmp")
        let gzip = try GzipWriter(sink: sink, engine: .zlib, level: 6)
        try gzip.write(
            "record_id,account,plan,service,start,duration_s,volume_bytes,destination,billed_quantity,billed_amount\n")
        var state: UInt64 = 0x1234_5678
        func next() -> UInt64 {
            state &+= 0x9E37_79B9_7F4A_7C15
            var z = state
            z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
            z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
            return z ^ (z >> 31)
        }
        var text = ""
        for index in 0..<rows {
            let account = "A" + String(1_000_000 + Int(next() % 1_000_000))
            let day = 1 + Int(next() % 30)
            let second = Int(next() % 86_400)
            let start = String(format: "2026-10-%02dT%02d:%02d:%02d", day, second / 3600, second / 60 % 60, second % 60)
            let kind = next() % 100
            let id = "R" + String(10_000_000_000 + index)
            if kind < 70 {
                let duration = Int64(next() % 600)
                let quantity: Int64 = duration == 0 ? 0 : duration <= 60 ? 60 : 60 + (duration - 60 + 5) / 6 * 6
                let amount = milli(quantity * 200_000, over: 60)
                text +=
                    "\(id),\(account),S,voice,\(start),\(duration),0,86139\(10_000_000 + next() % 89_999_999),"
                    + "\(quantity),\(amount / 1000).\(String(format: "%03d", amount % 1000))\n"
            } else if kind < 85 {
                text += "\(id),\(account),S,sms,\(start),0,0,86138\(10_000_000 + next() % 89_999_999),1,0.100\n"
            } else {
                let volume = Int64(1 + next() % 5_000_000)
                let quantity = (volume + 1023) / 1024 * 1024
                let amount = milli(quantity * 300, over: 1024)
                text +=
                    "\(id),\(account),S,data,\(start),0,\(volume),,\(quantity),"
                    + "\(amount / 1000).\(String(format: "%03d", amount % 1000))\n"
            }
            if text.utf8.count > 1 << 20 {
                try gzip.write(text)
                text = ""
            }
        }
        try gzip.write(text)
        try gzip.finish()
        try sink.close()
        rename(path + ".tmp", path)
    }
}
