@testable import Experiments
import XCTest

final class ConfigurationChangeTests: XCTestCase {
    /// Leaves that differ are listed by dotted path with both values; the description and
    /// settings present on one side only are not changes.
    func testChangedLeavesAreListedByPath() {
        let stored = #"{"description": "old", "latent_dim": 8, "training": {"epochs": 10, "learning_rate": {"reconstruction": 0.001}}, "gone": 1}"#
        let current = #"{"description": "new", "latent_dim": 8, "training": {"epochs": 50, "learning_rate": {"reconstruction": 0.002}}, "added": true}"#
        let changes = ConfigurationChange.between(stored: stored, current: current)
        XCTAssertEqual(changes.map(\.description),
                       ["training.epochs: 10 there, 50 now", "training.learning_rate.reconstruction: 0.001 there, 0.002 now"])
        XCTAssertFalse(ConfigurationChange.onlyEpochs(changes))
        XCTAssertTrue(ConfigurationChange.onlyEpochs(Array(changes.prefix(1))))
        XCTAssertEqual(ConfigurationChange.between(stored: stored, current: stored), [])
    }

    /// A list compares as a whole; a stored text that is not a JSON object (the baselines'
    /// "{}" is one, a damaged attribute another) compares as unchanged.
    func testListsCompareWholeAndUnreadableStoredTextIsNoChange() {
        let changes = ConfigurationChange.between(stored: #"{"sweep": [2, 8]}"#, current: #"{"sweep": [2, 8, 15]}"#)
        XCTAssertEqual(changes.map(\.description), ["sweep: [2, 8] there, [2, 8, 15] now"])
        XCTAssertEqual(ConfigurationChange.between(stored: "not json", current: #"{"a": 1}"#), [])
        XCTAssertEqual(ConfigurationChange.between(stored: "{}", current: #"{"a": 1}"#), [])
    }
}
