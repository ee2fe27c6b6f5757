#if canImport(Glibc)
    import Glibc
#endif

/// One mutex and a condition variable per kind of waiter, for `ChunkPipeline`: a change wakes only
/// the threads whose wait it can end. With one `NSCondition`, every job queued, taken or finished
/// woke every waiting thread — inflaters, workers and the merging thread — most of them only to
/// sleep again, and on a 2-vCPU VM each wake-up of a halted vCPU is a round trip to the host.
final class PipelineMonitor: @unchecked Sendable {
    enum Waiter: Int, CaseIterable {
        /// The calling thread, for finished partials (or the end of the run).
        case consumer
        /// Inflating threads, for a buffer back or room in the job queue.
        case producers
        /// Workers, for a job (or the end of the input).
        case workers
        /// Workers holding a finished partial, for the consumer to take some (back-pressure).
        case backPressure
    }

    private let mutex: UnsafeMutablePointer<pthread_mutex_t>
    private let conditions: UnsafeMutablePointer<pthread_cond_t>

    init() {
        mutex = .allocate(capacity: 1)
        pthread_mutex_init(mutex, nil)
        conditions = .allocate(capacity: Waiter.allCases.count)
        for index in Waiter.allCases.indices { pthread_cond_init(conditions + index, nil) }
    }

    deinit {
        for index in Waiter.allCases.indices { pthread_cond_destroy(conditions + index) }
        conditions.deallocate()
        pthread_mutex_destroy(mutex)
        mutex.deallocate()
    }

    func lock() { pthread_mutex_lock(mutex) }
    func unlock() { pthread_mutex_unlock(mutex) }

    /// Waits, with the mutex held, until `wake(waiter)` or `wakeAll(waiter)`; callers re-check
    /// their condition in a loop (wake-ups may be spurious).
    func wait(_ waiter: Waiter) { pthread_cond_wait(conditions + waiter.rawValue, mutex) }

    /// Wakes one thread waiting as `waiter` (for a change only one of them can use, e.g. one job).
    func wake(_ waiter: Waiter) { pthread_cond_signal(conditions + waiter.rawValue) }

    /// Wakes every thread waiting as `waiter`.
    func wakeAll(_ waiter: Waiter) { pthread_cond_broadcast(conditions + waiter.rawValue) }

    /// Wakes everyone (a stop, the end of the input): rare, so no thread has to be singled out.
    func wakeEveryone() {
        for waiter in Waiter.allCases { wakeAll(waiter) }
    }
}
