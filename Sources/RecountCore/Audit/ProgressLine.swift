import Foundation

/// A one-line progress report on stderr (bytes read of total, decompressed MB/s), redrawn at
/// most twice a second; silent unless enabled (the CLI enables it only when stderr is a terminal).
struct ProgressLine {
    let enabled: Bool
    let totalBytes: Int
    private let started = Date()
    private var lastDrawn = Date.distantPast
    private var drew = false

    init(enabled: Bool, totalBytes: Int) {
        self.enabled = enabled
        self.totalBytes = totalBytes
    }

    mutating func update(doneBytes: Int) {
        guard enabled else { return }
        let now = Date()
        guard now.timeIntervalSince(lastDrawn) >= 0.5 else { return }
        lastDrawn = now
        drew = true
        let seconds = max(now.timeIntervalSince(started), 0.001)
        let percent = totalBytes > 0 ? Double(doneBytes) * 100 / Double(totalBytes) : 100
        let line = String(
            format: "\r%.0f of %.0f MB read (%.0f%%), %.0f MB/s compressed  ", Double(doneBytes) / 1e6,
            Double(totalBytes) / 1e6, percent, Double(doneBytes) / 1e6 / seconds)
        FileHandle.standardError.write(Data(line.utf8))
    }

    func finish() {
        if enabled, drew { FileHandle.standardError.write(Data("\r\u{1b}[K".utf8)) }
    }
}
