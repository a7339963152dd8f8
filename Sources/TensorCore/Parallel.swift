import Dispatch
#if canImport(Glibc)
import Glibc
#endif

/// How many threads AELab's own loops (elementwise kernels, Adam, the Parzen sums) may use:
/// `ComputeEnvironment.configure(threads:)` sets it to the run's `--threads`, as it sets
/// OpenBLAS's, so that `--jobs N --threads T` holds T threads per process everywhere.
public enum WorkerThreads {
    nonisolated(unsafe) private static var limit = 0
    /// The limit (at least 1); all cores until `set` is called.
    public static var count: Int { limit > 0 ? limit : Swift.max(1, System.cores) }
    /// Sets the limit (values below 1 become 1).
    public static func set(_ n: Int) { limit = Swift.max(1, n) }
}

/// Runs `body` over consecutive ranges covering 0..<count, on up to `WorkerThreads.count`
/// threads when the work is large enough (at least two chunks of `chunk` elements), inline
/// otherwise.
///
/// `body` must touch only the elements of the range it is given: the ranges are disjoint, so
/// the result does not depend on how the work is split.
public func parallelRanges(_ count: Int, chunk: Int = 1 << 16, _ body: (Range<Int>) -> Void) {
    let chunks = (count + chunk - 1) / chunk
    let threads = WorkerThreads.count
    if chunks < 2 || threads < 2 {
        body(0..<count)
        return
    }
    // One contiguous run of chunks per thread: concurrentPerform would otherwise spread the
    // chunks over every core, whatever the limit.
    let parts = Swift.min(threads, chunks)
    let perPart = (chunks + parts - 1) / parts
    withoutActuallyEscaping(body) { body in
        let box = UncheckedSendable(body)
        DispatchQueue.concurrentPerform(iterations: parts) { p in
            let lower = Swift.min(p * perPart * chunk, count), upper = Swift.min((p + 1) * perPart * chunk, count)
            if lower < upper { box.value(lower..<upper) }
        }
    }
}

/// The machine's cores, as the scheduler lets this process use them.
public enum System {
    public static var cores: Int {
        #if canImport(Glibc)
        return Int(sysconf(Int32(_SC_NPROCESSORS_ONLN)))
        #else
        return 1
        #endif
    }
}

/// Carries a value into concurrent code whose safety the caller has established.
private struct UncheckedSendable<T>: @unchecked Sendable {
    let value: T
    init(_ value: T) { self.value = value }
}
