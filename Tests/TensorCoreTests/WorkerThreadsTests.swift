import Foundation
import TensorCore
import XCTest

/// `--threads T` must hold T threads in AELab's own loops (elementwise kernels, Adam, the Parzen
/// sums, the convolutions' lowering), which all split their work with `parallelRanges`, as well
/// as in OpenBLAS: `ComputeEnvironment.configure(threads:)` sets both.
final class WorkerThreadsTests: XCTestCase {
    override func tearDown() {
        ComputeEnvironment.configure(threads: Swift.max(1, System.cores))
        super.tearDown()
    }

    func testConfigureSetsOpenBLASAndOurOwnLoops() {
        ComputeEnvironment.configure(threads: 1)
        XCTAssertEqual(WorkerThreads.count, 1)
        XCTAssertEqual(BLAS.threads, 1)
        ComputeEnvironment.configure(threads: 2)
        XCTAssertEqual(WorkerThreads.count, 2)
        XCTAssertEqual(BLAS.threads, 2)
    }

    /// With one thread the body runs once, over everything, on the calling thread.
    func testOneThreadRunsInline() {
        WorkerThreads.set(1)
        let caller = Thread.current
        let calls = record(count: 1 << 20, chunk: 1 << 10)
        XCTAssertEqual(calls.map(\.range), [0..<(1 << 20)])
        XCTAssertTrue(calls.allSatisfy { $0.thread === caller })
    }

    /// With T threads the work is split into at most T disjoint ranges covering it, never more
    /// than T of them running at once, however many chunks there are and however many cores the
    /// machine has.
    func testTThreadsSplitIntoAtMostTRangesAtOnce() {
        for threads in [2, 3, 8] {
            WorkerThreads.set(threads)
            for (count, chunk) in [(1 << 20, 1 << 10), (10_000, 1_000), (2_500, 1_000), (999, 1_000)] {
                let calls = record(count: count, chunk: chunk)
                let chunks = (count + chunk - 1) / chunk
                let expected = chunks < 2 ? 1 : Swift.min(threads, chunks)
                XCTAssertLessThanOrEqual(calls.count, expected, "T \(threads), \(count) in chunks of \(chunk)")
                if expected >= 2 { XCTAssertGreaterThanOrEqual(calls.count, 2, "T \(threads), \(count): not split") }
                let sorted = calls.map(\.range).sorted { $0.lowerBound < $1.lowerBound }
                XCTAssertEqual(sorted.first?.lowerBound, 0)
                XCTAssertEqual(sorted.last?.upperBound, count)
                for (a, b) in zip(sorted, sorted.dropFirst()) { XCTAssertEqual(a.upperBound, b.lowerBound) }
                XCTAssertLessThanOrEqual(peak, threads, "T \(threads): \(peak) ranges ran at once")
            }
        }
    }

    // MARK: recording

    private let lock = NSLock()
    private var running = 0
    private var peak = 0

    /// Runs `parallelRanges` with a body that records its range and thread, and holds each range
    /// for a millisecond so that ranges which could overlap do.
    private func record(count: Int, chunk: Int) -> [(range: Range<Int>, thread: Thread)] {
        var calls: [(range: Range<Int>, thread: Thread)] = []
        running = 0
        peak = 0
        parallelRanges(count, chunk: chunk) { range in
            lock.lock()
            calls.append((range, Thread.current))
            running += 1
            peak = Swift.max(peak, running)
            lock.unlock()
            usleep(1_000)
            lock.lock()
            running -= 1
            lock.unlock()
        }
        return calls
    }
}
