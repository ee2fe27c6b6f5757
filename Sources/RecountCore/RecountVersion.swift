public enum RecountVersion {
    public static let current = "0.1.0"
}
