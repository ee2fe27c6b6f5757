import Dispatch

/// Holds a value until `release()` drops it, so its memory is freed on whichever thread calls
/// that: a run's index and tentative findings (hundreds of MB) while the findings sort, and a
/// command's result after its summary is printed. `@unchecked Sendable`: the thread that makes
/// it never touches the value again.
public final class Retired<Value>: @unchecked Sendable {
    private var value: Value?

    public init(_ value: consuming Value) { self.value = value }

    public func release() { value = nil }

    /// Frees `value` on a pool thread without waiting. At the end of a command the process may
    /// exit first — the system takes the memory back at once — and an in-process caller (the
    /// tests) still gets it freed.
    public static func releaseInBackground(_ value: consuming Value) {
        let retired = Retired(value)
        DispatchQueue.global().async { retired.release() }
    }
}
