import Foundation
import TensorCore
import XCTest

final class BLASKernelTests: XCTestCase {
    /// /proc/cpuinfo flags of three real processors (abridged to what matters here).
    let emeraldRapids: Set<String> = ["sse3", "avx", "avx2", "fma", "avx512f", "avx512dq", "avx512cd", "avx512bw", "avx512vl",
                                      "avx512_bf16", "avx512_fp16", "amx_tile"]
    let skylakeSP: Set<String> = ["sse3", "avx", "avx2", "fma", "avx512f", "avx512dq", "avx512cd", "avx512bw", "avx512vl"]
    let haswell: Set<String> = ["sse3", "avx", "avx2", "fma"]
    let sandyBridge: Set<String> = ["sse3", "avx"]

    func testBestFamilyFollowsTheWidestVectorsTheCPUHas() {
        XCTAssertEqual(BLASKernel.best(forCPUFlags: emeraldRapids), "Cooperlake")
        XCTAssertEqual(BLASKernel.best(forCPUFlags: skylakeSP), "SkylakeX")
        XCTAssertEqual(BLASKernel.best(forCPUFlags: haswell), "Haswell")
        XCTAssertNil(BLASKernel.best(forCPUFlags: sandyBridge))
        XCTAssertNil(BLASKernel.best(forCPUFlags: []))
        // AVX-512 without its byte/word and length extensions (Knights Landing) is not SkylakeX.
        XCTAssertEqual(BLASKernel.best(forCPUFlags: haswell.union(["avx512f", "avx512cd"])), "Haswell")
        // AVX2 without FMA is not enough for the Haswell kernels.
        XCTAssertNil(BLASKernel.best(forCPUFlags: ["avx", "avx2"]))
    }

    func testOnlyAFallbackIsReplaced() {
        // Debian 12's OpenBLAS 0.3.21 on an Emerald Rapids Xeon (model 207) loads Prescott.
        XCTAssertEqual(BLASKernel.replacement(for: "Prescott", cpuFlags: emeraldRapids), "Cooperlake")
        XCTAssertEqual(BLASKernel.replacement(for: "Nehalem", cpuFlags: skylakeSP), "SkylakeX")
        XCTAssertEqual(BLASKernel.replacement(for: "Sandybridge", cpuFlags: haswell), "Haswell")
        // OpenBLAS's own choice of AVX2 or better stays (Zen on an AMD CPU with AVX-512, say).
        XCTAssertNil(BLASKernel.replacement(for: "Zen", cpuFlags: skylakeSP))
        XCTAssertNil(BLASKernel.replacement(for: "Haswell", cpuFlags: emeraldRapids))
        XCTAssertNil(BLASKernel.replacement(for: "SkylakeX", cpuFlags: emeraldRapids))
        // A name the table does not know (a newer OpenBLAS, a build for one target) stays.
        XCTAssertNil(BLASKernel.replacement(for: "GENERIC", cpuFlags: emeraldRapids))
        XCTAssertNil(BLASKernel.replacement(for: "NewFamily", cpuFlags: emeraldRapids))
        // Nothing better to offer.
        XCTAssertNil(BLASKernel.replacement(for: "Sandybridge", cpuFlags: sandyBridge))
        XCTAssertNil(BLASKernel.replacement(for: "Prescott", cpuFlags: []))
    }

    func testLevels() {
        XCTAssertEqual(["Prescott", "Core2", "Nehalem", "Unknown", "Sandybridge", "Steamroller", "Haswell", "Zen", "Excavator",
                        "SkylakeX", "Cooperlake", "SapphireRapids", "GENERIC", "NEOVERSEN1", "?"]
            .map(BLASKernel.level(of:)), [0, 0, 0, 0, 1, 1, 2, 2, 2, 3, 3, 3, nil, nil, nil])
    }

    func testCPUFlagsAreTheFirstProcessorsFlagsLine() throws {
        let path = FileManager.default.temporaryDirectory.appendingPathComponent("cpuinfo-\(UUID().uuidString)").path
        try """
        processor\t: 0
        model name\t: Intel(R) Xeon(R) Processor
        flags\t\t: fpu sse3 avx2 fma avx512f
        bugs\t\t: spectre_v1

        processor\t: 1
        flags\t\t: fpu other

        """.write(toFile: path, atomically: true, encoding: .utf8)
        defer { try? FileManager.default.removeItem(atPath: path) }
        XCTAssertEqual(BLASKernel.cpuFlags(cpuinfo: path), ["fpu", "sse3", "avx2", "fma", "avx512f"])
        XCTAssertEqual(BLASKernel.cpuFlags(cpuinfo: path + ".absent"), [])
    }

    func testTheLoadedFamilyHasAName() {
        XCTAssertFalse(BLASKernel.current.isEmpty)
        #if arch(x86_64) && os(Linux)
        XCTAssertTrue(BLASKernel.cpuFlags().contains("sse2"), "x86-64 always has SSE2; /proc/cpuinfo was not read")
        #endif
    }
}
