/// Which DEFLATE encoder writes gzip output (`findings.csv.gz`, `recount rate --out X.gz`, the
/// generator's `.csv.gz` files). Both write valid gzip that every reader decompresses to the same
/// bytes; they differ in speed and in the compressed bytes.
public enum GzipEngine: String, Sendable, CaseIterable, Codable {
    /// Intel's ISA-L igzip at level 1: ~330 MB/s per core on usage rows here, 4.5× zlib level 1, at
    /// a slightly better ratio. Writes one gzip member per 1 MiB of input (DESIGN §2 reads
    /// multi-member files whole, as do gzip, pigz, DuckDB and polars).
    case isal
    /// zlib: one member per file; the same `.gz` bytes wherever the same zlib is installed.
    case zlib

    public static let standard: GzipEngine = .isal
}
