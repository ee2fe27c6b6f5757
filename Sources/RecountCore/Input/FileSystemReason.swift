import Foundation

#if canImport(Glibc)
    import Glibc
#endif

extension Error {
    /// A file-system error as its plain reason (`Permission denied`), not Foundation's dump of
    /// domains and user-info dictionaries, for one-line messages.
    var fileSystemReason: String {
        let underlying = (self as NSError).userInfo[NSUnderlyingErrorKey] as? NSError
        if let code = underlying?.code, underlying?.domain == NSPOSIXErrorDomain {
            return String(cString: strerror(Int32(code)))
        }
        return (self as NSError).localizedDescription
    }
}
