import _CBLAS
import Glibc

/// Which of OpenBLAS's kernel families runs the matrix products, and the choice when OpenBLAS's
/// own detection falls short.
///
/// OpenBLAS built with DYNAMIC_ARCH (Debian's) picks its kernels when it loads, from the CPU's
/// family and model numbers. A processor newer than the library is unknown to it, and it then
/// falls back to its plainest x86-64 kernels: Debian 12's OpenBLAS 0.3.21 runs an Emerald Rapids
/// Xeon (family 6, model 207, AVX-512) on "Prescott" (SSE3) kernels, 31.7 GFLOP/s for the AAE's
/// 100×1200·1200×1200 product against 163–203 with the Cooperlake kernels the CPU supports, and
/// an AAE epoch took 121 s instead of 41. `OPENBLAS_CORETYPE` overrides the choice, but only
/// when it is set before the library loads: hence `preferFasterKernel`, which starts the program
/// again with it set.
public enum BLASKernel {
    /// The kernel family OpenBLAS runs, as it names it ("Haswell", "SkylakeX", "Prescott", …).
    public static var current: String { String(cString: openblas_get_corename()) }

    /// How wide a family's vector kernels are: 0 SSE, 1 AVX, 2 AVX2 with FMA, 3 AVX-512.
    /// Names OpenBLAS 0.3.x uses for x86-64; anything unknown counts as 0.
    public static func level(of core: String) -> Int {
        switch core.lowercased() {
        case "skylakex", "cooperlake", "sapphirerapids": return 3
        case "haswell", "zen", "excavator": return 2
        case "sandybridge", "bulldozer", "piledriver", "steamroller": return 1
        default: return 0
        }
    }

    /// The fastest family a CPU with these `/proc/cpuinfo` flags can run, or nil when it has
    /// nothing beyond AVX (OpenBLAS's own choice is then as good as any).
    public static func best(forCPUFlags flags: Set<String>) -> String? {
        if ["avx512f", "avx512cd", "avx512bw", "avx512dq", "avx512vl"].allSatisfy(flags.contains) {
            return flags.contains("avx512_bf16") ? "Cooperlake" : "SkylakeX"
        }
        if flags.contains("avx2") && flags.contains("fma") { return "Haswell" }
        return nil
    }

    /// The family to force instead of `current`, or nil to keep OpenBLAS's choice. Only a
    /// fallback is replaced: a family without AVX2 on a CPU that has AVX2 and FMA. A choice of
    /// AVX2 or better is OpenBLAS's knowledge of the CPU (e.g. Zen kernels on an AMD processor
    /// with AVX-512) and stays.
    public static func replacement(for current: String, cpuFlags: Set<String>) -> String? {
        guard let best = best(forCPUFlags: cpuFlags), level(of: current) < 2 else { return nil }
        return best
    }

    /// The flags of the first processor in `/proc/cpuinfo`; empty where there is none.
    public static func cpuFlags(cpuinfo path: String = "/proc/cpuinfo") -> Set<String> {
        guard let file = fopen(path, "r") else { return [] }
        defer { fclose(file) }
        var line: UnsafeMutablePointer<CChar>? = nil
        var capacity = 0
        defer { free(line) }
        while getline(&line, &capacity, file) > 0, let line {
            let text = String(cString: line)
            guard text.hasPrefix("flags"), let colon = text.firstIndex(of: ":") else { continue }
            return Set(text[text.index(after: colon)...].split(whereSeparator: { $0 == " " || $0 == "\n" || $0 == "\t" }).map(String.init))
        }
        return []
    }

    /// When OpenBLAS fell back to kernels slower than the CPU supports and `OPENBLAS_CORETYPE`
    /// is not set, replaces this process with the same program, arguments and environment plus
    /// `OPENBLAS_CORETYPE` naming the right family (the process id stays). Call it first thing
    /// in `main`. A `OPENBLAS_CORETYPE` set by the user is always left as it is, and so is the
    /// choice when the program cannot be started again.
    public static func preferFasterKernel() {
        guard getenv("OPENBLAS_CORETYPE") == nil,
              let better = replacement(for: current, cpuFlags: cpuFlags()) else { return }
        setenv("OPENBLAS_CORETYPE", better, 1)
        execv("/proc/self/exe", CommandLine.unsafeArgv)
        unsetenv("OPENBLAS_CORETYPE")   // exec failed: carry on with OpenBLAS's choice
    }
}
