import Foundation
import Testing

@testable import RecountCore

/// `--out` may not name a place whose replacement would destroy something: the current folder,
/// an input, the catalog, a folder of other files (audit) or a folder (rate).
@Suite struct OutputPlaceTests {
    /// Runs `body` with a fresh temporary folder (relative paths are taken from it) holding
    /// `u.csv`, `in/v.csv`, `notes/x.txt` and an earlier run's reports in `old`.
    func inScratchFolder(_ body: (String) throws -> Void) throws {
        let folder = TempFolder()
        folder.write("u.csv", "x\n")
        folder.write("in/v.csv", "x\n")
        folder.write("notes/x.txt", "x\n")
        for name in OutputPlace.reportNames { folder.write("old/" + name, "x\n") }
        try body(folder.path)
    }

    /// `mkdir -p` with the failing folder and the system's reason (Foundation said "error 512").
    @Test func makeFoldersMakesWhatIsMissingAndNamesWhatIsInTheWay() throws {
        try inScratchFolder { root in
            try OutputPlace.makeFolders(root + "/a/b/c")
            try OutputPlace.makeFolders(root + "/a/b/c")  // already there: nothing to do
            try OutputPlace.makeFolders(root + "/notes")
            var isFolder: ObjCBool = false
            #expect(
                FileManager.default.fileExists(atPath: root + "/a/b/c", isDirectory: &isFolder) && isFolder.boolValue)
            #expect(throws: OutputError.cannotCreateFolder(path: root + "/u.csv/x", reason: "Not a directory")) {
                try OutputPlace.makeFolders(root + "/u.csv/x/y")
            }
            #expect(throws: OutputError.cannotCreateFolder(path: root + "/u.csv", reason: "a file is in the way")) {
                try OutputPlace.makeFolders(root + "/u.csv")
            }
            #expect(
                OutputError.cannotCreateFolder(path: "/p", reason: "Not a directory").description
                    == "/p: cannot create the folder: Not a directory")
        }
    }

    @Test func reportFolderRefusesPlacesItWouldDestroy() throws {
        try inScratchFolder { root in
            let inputs = ["u.csv", "in"]
            for refused in ["", ".", "./", "..", "/", root, "u.csv", "in", "in/..", "notes", "\(root)/notes/../in"] {
                #expect(throws: OutputError.self, "--out '\(refused)'") {
                    try OutputPlace.checkReportFolder(refused, inputs: inputs, working: root)
                }
            }
            // A folder that would hold an input, even one not yet listed.
            try FileManager.default.createSymbolicLink(atPath: root + "/link", withDestinationPath: "in")
            #expect(throws: OutputError.self) {
                try OutputPlace.checkReportFolder("link", inputs: ["in/v.csv"], working: root)
            }
            for accepted in ["new", "new/deeper", "old", "\(root)/old/", "in/new"] {
                #expect(throws: Never.self, "--out '\(accepted)'") {
                    try OutputPlace.checkReportFolder(accepted, inputs: inputs, working: root)
                }
            }
        }
    }

    @Test func rateFileRefusesInputsAndFolders() throws {
        try inScratchFolder { root in
            let inputs = ["catalog.yaml", "u.csv", "in", "in/v.csv"]
            for refused in ["", "u.csv", "./u.csv", "\(root)/in/../u.csv", "in/v.csv", "in", "catalog.yaml", "."] {
                #expect(throws: OutputError.self, "--out '\(refused)'") {
                    try OutputPlace.checkFile(refused, inputs: inputs, working: root)
                }
            }
            // Devices (and links to them): the finished file would be renamed over the node.
            for device in ["/dev/full", "/dev/null", "/dev/stdout"] {
                #expect(throws: OutputError.self, "--out '\(device)'") {
                    try OutputPlace.checkFile(device, inputs: inputs, working: root)
                }
            }
            for accepted in ["rated.csv", "in/rated.csv.gz", "notes/x.txt"] {
                #expect(throws: Never.self, "--out '\(accepted)'") {
                    try OutputPlace.checkFile(accepted, inputs: inputs, working: root)
                }
            }
        }
    }

    @Test func messagesNameThePathAndWhy() {
        let error = OutputError.unusablePlace(path: "w", reason: "it is a file; --out takes a folder")
        #expect(error.description == "--out 'w' cannot take the output: it is a file; --out takes a folder")
    }
}

/// Finished outputs are synced to disk before and after they are renamed into place.
@Suite struct DurableOutputTests {
    /// A folder syncs; a missing one, or a file, is named with the system's reason.
    @Test func foldersSyncAndFailuresNameThePath() throws {
        let folder = TempFolder()
        let file = folder.write("a.txt", "x\n")
        try Durable.syncFolder(folder.path)
        #expect(throws: OutputError.cannotPlace(path: folder.path + "/missing", reason: "No such file or directory")) {
            try Durable.syncFolder(folder.path + "/missing")
        }
        #expect(throws: OutputError.cannotPlace(path: file, reason: "Not a directory")) {
            try Durable.syncFolder(file)
        }
    }

    /// A file's bytes sync before it closes; a device that cannot sync (`/dev/null`) is fine.
    @Test func filesSyncAndDevicesThatCannotAreFine() throws {
        let folder = TempFolder()
        let sink = try FileSink(path: folder.path + "/r.csv")
        try sink.write("a,b\n")
        try sink.sync()
        try sink.close()
        try sink.sync()  // closed: nothing to do
        #expect(try String(contentsOfFile: folder.path + "/r.csv", encoding: .utf8) == "a,b\n")
        let null = try FileSink(path: "/dev/null")
        try null.write("x")
        try null.sync()
        try null.close()
    }
}
