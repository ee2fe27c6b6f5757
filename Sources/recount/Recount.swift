import ArgumentParser
import Foundation
import RecountCore

@main
struct Recount: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "recount",
        abstract: "Audit telecom billing records against the filed tariffs and compute the double refund owed.",
        version: RecountVersion.current,
        subcommands: [
            AuditCommand.self, ValidateCommand.self, RateCommand.self, CatalogCommand.self, GenerateCommand.self,
        ])

    /// ArgumentParser's own `main`, except that usage errors exit 1 as DESIGN.md §6 says
    /// (ArgumentParser's default for them is EX_USAGE, 64).
    static func main() {
        do {
            var command = try parseAsRoot()
            try command.run()
        } catch {
            if exitCode(for: error).rawValue == ExitCode.validationFailure.rawValue {
                FileHandle.standardError.write(Data((fullMessage(for: error) + "\n").utf8))
                Foundation.exit(1)
            }
            exit(withError: error)
        }
    }
}
