import Foundation

/// What `recount validate` prints: a line per file, the rows `--max-rejects` let through (each
/// `file:line: reason`, in input order), then totals and throughput.
public enum ValidationSummary {
    public static func text(_ report: PipelineReport) -> String {
        var lines = ["kind          rows   rejects   compressed  decompressed  file"]
        for file in report.files {
            lines.append(
                pad(file.kind.rawValue, 12, left: true) + pad(String(file.rowsRead), 7)
                    + pad(String(file.rowsRejected), 10) + pad(String(file.compressedBytes), 13)
                    + pad(String(file.decompressedBytes), 14) + "  " + file.path)
        }
        for reject in report.rejects {
            lines.append("rejected: \(report.files[reject.file].path):\(reject.line): \(reject.reason)")
        }
        let rows = report.files.reduce(0) { $0 + $1.rowsRead }
        let bytes = report.files.reduce(0) { $0 + $1.decompressedBytes }
        let seconds = max(report.wallSeconds, 1e-6)
        lines.append(
            String(
                format: "%d files, %d rows, %d rejected, %.1f s: %.0f rows/s, %.1f MB/s decompressed",
                report.files.count, rows, report.rejects.count, report.wallSeconds, Double(rows) / seconds,
                Double(bytes) / 1e6 / seconds))
        return lines.joined(separator: "\n")
    }

    static func pad(_ text: String, _ width: Int, left: Bool = false) -> String {
        let fill = String(repeating: " ", count: max(0, width - text.count))
        return left ? text + fill : fill + text
    }
}
