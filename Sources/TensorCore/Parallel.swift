import Dispatch

/// Runs `body` over consecutive ranges covering 0..<count, on all cores when the work is large
/// enough (at least two chunks of `chunk` elements), inline otherwise.
///
/// `body` must touch only the elements of the range it is given: the ranges are disjoint, so
/// the result does not depend on how the work is split.
public func parallelRanges(_ count: Int, chunk: Int = 1 << 16, _ body: (Range<Int>) -> Void) {
    let chunks = (count + chunk - 1) / chunk
    if chunks < 2 {
        body(0..<count)
        return
    }
    withoutActuallyEscaping(body) { body in
        let box = UncheckedSendable(body)
        DispatchQueue.concurrentPerform(iterations: chunks) { c in
            box.value((c * chunk)..<min((c + 1) * chunk, count))
        }
    }
}

/// Carries a value into concurrent code whose safety the caller has established.
private struct UncheckedSendable<T>: @unchecked Sendable {
    let value: T
    init(_ value: T) { self.value = value }
}
