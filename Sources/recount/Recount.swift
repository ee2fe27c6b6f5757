import ArgumentParser
import RecountCore

@main
struct Recount: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "recount",
        abstract: "Audit telecom billing records against the filed tariffs and compute the double refund owed.",
        version: RecountVersion.current,
        subcommands: [AuditCommand.self, ValidateCommand.self, CatalogCommand.self, GenerateCommand.self])
}
