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

    /// "label epoch 3/20  train reconstruction 101.2 kl 25.1  valid … (12.3 s)"
    public static func line(_ label: String, _ m: EpochMetrics, of epochs: Int) -> String {
        func terms(_ d: [String: Double]) -> String {
            d.filter { !EpochMetrics.bookkeeping.contains($0.key) }.sorted { $0.key < $1.key }
                .map { "\($0.key) \(String(format: "%.4g", $0.value))" }.joined(separator: " ")
        }
        let seconds = String(format: "%.1f", m.train["seconds"] ?? 0)
        return "\(label) epoch \(m.epoch)/\(epochs)  train \(terms(m.train))  valid \(terms(m.validation))  (\(seconds) s)"
    }
}

/// "1h02m", "3m05s", "42s".
public func formatDuration(_ seconds: Double) -> String {
    let s = Int(seconds.rounded())
    if s >= 3600 { return String(format: "%dh%02dm", s / 3600, (s % 3600) / 60) }
    if s >= 60 { return String(format: "%dm%02ds", s / 60, s % 60) }
    return "\(s)s"
}
