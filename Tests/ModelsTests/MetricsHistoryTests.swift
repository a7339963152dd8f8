import TensorCore
@testable import Training
import XCTest

final class MetricsHistoryTests: XCTestCase {
    /// A metric first recorded after some epochs (a run resumed by a build that records more)
    /// is NaN for the epochs before it, so every series stays indexed by epoch − 1.
    func testMetricFirstSeenLaterIsPaddedWithNaN() {
        var history = MetricsHistory()
        for e in 1...2 { history.append(EpochMetrics(epoch: e, train: ["reconstruction": Double(10 * e)], validation: ["reconstruction": 1])) }
        history.append(EpochMetrics(epoch: 3, train: ["reconstruction": 30, "blas_threads": 2], validation: ["reconstruction": 1, "kl": 5]))
        XCTAssertEqual(history.epochs, 3)
        XCTAssertEqual(history.train["reconstruction"], [10, 20, 30])
        let threads = history.train["blas_threads"]!, kl = history.validation["kl"]!
        XCTAssertEqual(threads.count, 3)
        XCTAssertTrue(threads[0].isNaN && threads[1].isNaN)
        XCTAssertEqual(threads[2], 2)
        XCTAssertEqual(kl.count, 3)
        XCTAssertEqual(kl[2], 5)
    }

    /// Each epoch records the OpenBLAS thread count it ran with (as OpenBLAS reports it: a serial
    /// build says 1 whatever it is asked), and the console line leaves it out.
    func testEpochRecordsItsBLASThreadCount() throws {
        let data = try MNISTSubset.load(train: 300)
        let previous = BLAS.threads
        defer { BLAS.setThreads(previous) }
        for threads in [1, 2] {
            BLAS.setThreads(threads)
            let trainer = Trainer(model: makeModel("ae", smallConfig()), settings: TrainingSettings())
            let metrics = try trainer.trainEpoch(data)
            XCTAssertEqual(metrics.train["blas_threads"], Double(BLAS.threads))
            XCTAssertLessThanOrEqual(BLAS.threads, threads)
            XCTAssertFalse(ConsoleProgress.line("ae", metrics, of: 1).contains("blas_threads"))
        }
    }
}

final class EpochClockTests: XCTestCase {
    private func epoch(_ e: Int, seconds: Double?) -> EpochMetrics {
        EpochMetrics(epoch: e, train: seconds.map { ["seconds": $0, "reconstruction": 90] } ?? ["reconstruction": 90],
                     validation: ["reconstruction": 95])
    }

    /// The time left is the mean of the last `window` epochs' durations times the epochs to go:
    /// the wall time between calls, the first epoch's training seconds; none after the last.
    func testTimeLeftFollowsTheRecentEpochs() {
        var clock = EpochClock(window: 3)
        XCTAssertNil(clock.record(epoch(1, seconds: nil), of: 10, at: 100))            // nothing timed yet
        XCTAssertEqual(clock.record(epoch(2, seconds: 8), of: 10, at: 110), 80)          // 10 s of wall time × 8
        XCTAssertEqual(clock.record(epoch(3, seconds: 15), of: 10, at: 130), 15 * 7)
        XCTAssertEqual(clock.record(epoch(4, seconds: 25), of: 10, at: 160), 20 * 6)
        XCTAssertEqual(clock.record(epoch(5, seconds: 60), of: 10, at: 230), 40 * 5)     // 10 s left the window
        XCTAssertNil(clock.record(epoch(10, seconds: 60), of: 10, at: 300))
        var fresh = EpochClock(window: 3)
        XCTAssertEqual(fresh.record(epoch(4, seconds: 12), of: 10, at: 50), 12 * 6)      // first call: its training seconds
        XCTAssertEqual(fresh.record(epoch(5, seconds: .nan), of: 10, at: 64), 13 * 5)    // then wall time, whatever seconds says
    }

    func testTheLogLineSaysHowLongIsLeft() {
        let m = epoch(3, seconds: 12.34)
        XCTAssertTrue(ConsoleProgress.line("ae", m, of: 20).hasSuffix("(12.3 s)"))
        XCTAssertTrue(ConsoleProgress.line("ae", m, of: 20, remaining: 221).hasSuffix("(12.3 s, 3m41s left in this run)"))
        XCTAssertTrue(ConsoleProgress.line("ae", m, of: 200, remaining: 4 * 3600 + 5 * 60 + 59).hasSuffix("(12.3 s, 4h05m left in this run)"))
    }
}
