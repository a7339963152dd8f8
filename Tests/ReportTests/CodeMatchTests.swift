@testable import Report
import ResultStore
import TensorCore
import XCTest

final class CodeMatchTests: XCTestCase {
    private func record(codes: Tensor?, prior: Tensor?, model: String = "aae", spec: String = "{}") -> RunRecord {
        let a = RunAttributes(experiment: "x", runID: "\(model)-z2-d0-s1", model: model, latentDim: 2, dropout: 0, seed: 1,
                              dataset: "mnist", status: .complete, spec: spec, started: "", aelabVersion: "test")
        var r = RunRecord(attributes: a)
        if let codes { r.figures[FigureData.codes] = codes }
        if let prior { r.figures[FigureData.priorSamples] = prior }
        return r
    }

    /// Codes (3, 4), (0, 0), (6, 8): radii 5, 0, 10 (median 5); coordinate variances
    /// (0 + 9 + 9)/2 and (0 + 16 + 16)/2. Prior samples (1, 0), (0, 1), (0, 3): radii 1, 1, 3.
    func testStatisticsByHand() throws {
        let m = try XCTUnwrap(CodeMatch(record(codes: Tensor(shape: [3, 2], scalars: [3, 4, 0, 0, 6, 8]),
                                               prior: Tensor(shape: [3, 2], scalars: [1, 0, 0, 1, 0, 3]))))
        XCTAssertEqual(m.codeRadius, 5)
        XCTAssertEqual(m.priorRadius, 1)
        XCTAssertEqual(m.codeStd[0], 3, accuracy: 1e-12)
        XCTAssertEqual(m.codeStd[1], 4, accuracy: 1e-12)
        XCTAssertEqual(m.priorStd[0], (1.0 / 3).squareRoot(), accuracy: 1e-12)   // mean 1/3, squares 4/9 + 1/9 + 1/9, over 2
        XCTAssertEqual(m.priorStd[1], (7.0 / 3).squareRoot(), accuracy: 1e-12)   // mean 4/3, squares 16/9 + 1/9 + 25/9, over 2
        XCTAssertEqual(m.radiusText, "median distance from the origin 5 (prior samples 1, ×5.00)")
        XCTAssertTrue(m.stdText.hasPrefix("std per coordinate 3 4 (prior samples 0.577 1.53)"), m.stdText)
        // An even count takes the mean of the middle two.
        let even = try XCTUnwrap(CodeMatch(record(codes: Tensor(shape: [4, 1], scalars: [1, -2, 3, 10]),
                                                  prior: Tensor(shape: [2, 1], scalars: [1, 1]))))
        XCTAssertEqual(even.codeRadius, 2.5)
    }

    /// None without the data, with values that are not finite, and for the models whose codes
    /// are not trained to match what they sample from (VAEs, AE).
    func testMissingOrMismatchedDataOrNoAdversaryGivesNone() {
        let two = Tensor(shape: [2, 2], scalars: [0, 0, 1, 1])
        XCTAssertNotNil(CodeMatch(record(codes: two, prior: two)))
        XCTAssertNil(CodeMatch(record(codes: nil, prior: two)))
        XCTAssertNil(CodeMatch(record(codes: Tensor(shape: [2, 3], scalars: [0, 0, 0, 1, 1, 1]), prior: two)))
        XCTAssertNil(CodeMatch(record(codes: Tensor(shape: [2, 2], scalars: [0, .nan, 1, 1]), prior: two)))
        for model in ["vae", "cvae", "ae", "wae-mmd"] { XCTAssertNil(CodeMatch(record(codes: two, prior: two, model: model)), model) }
        for model in ["caae", "wae-gan"] { XCTAssertNotNil(CodeMatch(record(codes: two, prior: two, model: model)), model) }
    }

    /// A Gaussian head's stored codes are its means, and are called so.
    func testAGaussianHeadsCodesAreNamedMeans() throws {
        let two = Tensor(shape: [2, 2], scalars: [0, 0, 1, 1])
        let gaussian = try XCTUnwrap(CodeMatch(record(codes: two, prior: two, spec: #"{"model_options": {"aae": {"encoder_head": "gaussian"}}}"#)))
        XCTAssertEqual(gaussian.codesName, "code means μ")
        let plain = try XCTUnwrap(CodeMatch(record(codes: two, prior: two, spec: #"{"model_options": {"aae": {"encoder_head": "deterministic"}}}"#)))
        XCTAssertEqual(plain.codesName, "codes")
    }
}
