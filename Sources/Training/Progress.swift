import Dispatch
import Foundation

/// Receives progress from the trainer.
public protocol TrainingProgress: AnyObject {
    func batchFinished(epoch: Int, of epochs: Int, batch: Int, of batches: Int)
    func epochFinished(_ metrics: EpochMetrics, of epochs: Int)
}

/// Progress on standard error: a bar with an ETA that redraws in place on a terminal, plain
/// lines (one per epoch) otherwise.
public final class ConsoleProgress: TrainingProgress {
    private let label: String
    private let interactive: Bool
    private let start = DispatchTime.now().uptimeNanoseconds
    private var lastDraw: UInt64 = 0
    private var epochsAtStart: Int?

    public init(label: String, interactive: Bool = isatty(STDERR_FILENO) != 0) {
        self.label = label
        self.interactive = interactive
    }

    public func batchFinished(epoch: Int, of epochs: Int, batch: Int, of batches: Int) {
        guard interactive else { return }
        if epochsAtStart == nil { epochsAtStart = epoch - 1 }
        let now = DispatchTime.now().uptimeNanoseconds
        guard now - lastDraw > 200_000_000 || batch == batches else { return }
        lastDraw = now
        let done = Double(epoch - 1 - (epochsAtStart ?? 0)) + Double(batch) / Double(batches)
        let remaining = Double(epochs - epoch) + 1 - Double(batch) / Double(batches)
        let elapsed = Double(now - start) / 1e9
        let eta = done > 0 ? elapsed / done * remaining : 0
        let width = 24, filled = Int(Double(width) * Double(batch) / Double(batches))
        let bar = String(repeating: "█", count: filled) + String(repeating: "·", count: width - filled)
        FileHandle.standardError.write("\r\(label) epoch \(epoch)/\(epochs) \(bar) \(batch)/\(batches)  ETA \(formatDuration(eta))   ".data(using: .utf8)!)
    }

    public func epochFinished(_ metrics: EpochMetrics, of epochs: Int) {
        if interactive { FileHandle.standardError.write("\r\u{1B}[K".data(using: .utf8)!) }
        FileHandle.standardError.write((ConsoleProgress.line(label, metrics, of: epochs) + "\n").data(using: .utf8)!)
    }

    /// "label epoch 3/20  train reconstruction 101.2 kl 25.1  valid … (12.3 s)", and with
    /// `remaining` (seconds of training left) "(12.3 s, 3m41s left in this run)".
    public static func line(_ label: String, _ m: EpochMetrics, of epochs: Int, remaining: Double? = nil) -> String {
        func terms(_ d: [String: Double]) -> String {
            d.filter { !EpochMetrics.bookkeeping.contains($0.key) }.sorted { $0.key < $1.key }
                .map { "\($0.key) \(String(format: "%.4g", $0.value))" }.joined(separator: " ")
        }
        let seconds = String(format: "%.1f", m.train["seconds"] ?? 0)
        let left = remaining.map { ", \(formatDuration($0)) left in this run" } ?? ""
        return "\(label) epoch \(m.epoch)/\(epochs)  train \(terms(m.train))  valid \(terms(m.validation))  (\(seconds) s\(left))"
    }
}

/// The training time left in a run, from the epochs this process has trained: the mean of the
/// last `window` epochs' durations times the epochs still to train (a shared machine's epochs
/// vary, so a recent window follows it better than the first epoch or the whole history). An
/// epoch's duration is the wall time between two calls, which holds its validation and the
/// checkpoint written after it too; the first epoch, with no call before it, counts its
/// training `seconds`.
public struct EpochClock: Sendable {
    public let window: Int
    private var recent: [Double] = []
    private var last: Double?

    public init(window: Int = 10) {
        precondition(window > 0, "EpochClock: window \(window)")
        self.window = window
    }

    /// Seconds on the monotonic clock.
    public static func now() -> Double { Double(DispatchTime.now().uptimeNanoseconds) / 1e9 }

    /// Records the end of an epoch and returns the seconds of training left after it, nil before
    /// any epoch has been timed or after the last.
    public mutating func record(_ m: EpochMetrics, of epochs: Int, at time: Double = EpochClock.now()) -> Double? {
        let seconds = last.map { time - $0 } ?? m.train["seconds"]
        last = time
        if let seconds, seconds.isFinite, seconds >= 0 {
            recent.append(seconds)
            if recent.count > window { recent.removeFirst() }
        }
        guard !recent.isEmpty, m.epoch < epochs else { return nil }
        return recent.reduce(0, +) / Double(recent.count) * Double(epochs - m.epoch)
    }
}

/// "1h02m", "3m05s", "42s".
public func formatDuration(_ seconds: Double) -> String {
    let s = Int(seconds.rounded())
    if s >= 3600 { return String(format: "%dh%02dm", s / 3600, (s % 3600) / 60) }
    if s >= 60 { return String(format: "%dm%02ds", s / 60, s % 60) }
    return "\(s)s"
}
