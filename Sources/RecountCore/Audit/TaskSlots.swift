/// One slot per task of a `DispatchQueue.concurrentPerform`, each written only by its own task
/// and read after all have finished: the tasks share the object, never a slot, so no lock is
/// needed (hence `@unchecked Sendable`).
final class TaskSlots<Element>: @unchecked Sendable {
    private let slots: UnsafeMutableBufferPointer<Element>

    init(count: Int, repeating value: Element) {
        slots = .allocate(capacity: count)
        slots.initialize(repeating: value)
    }

    deinit {
        slots.deinitialize()
        slots.deallocate()
    }

    var count: Int { slots.count }

    subscript(index: Int) -> Element {
        get { slots[index] }
        set { slots[index] = newValue }
    }

    /// The slots in task order (after the tasks have finished).
    var elements: UnsafeMutableBufferPointer<Element> { slots }
}
