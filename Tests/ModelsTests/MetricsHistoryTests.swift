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
