// PLACEHOLDER — replaced by the tariffs branch.
public enum CatalogError: Error, CustomStringConvertible, Equatable {
    case invalid(String)
    public var description: String { "catalog: placeholder" }
}
extension TariffCatalog {
    public static func load(path: String) throws(CatalogError) -> TariffCatalog { throw .invalid(path) }
}
