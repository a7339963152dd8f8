import _CBLAS
import Foundation
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

    /// Whether this OpenBLAS chooses its kernels when it loads (and so reads `OPENBLAS_CORETYPE`).
    public static var choosesAtLoad: Bool { String(cString: openblas_get_config()).contains("DYNAMIC_ARCH") }

    /// How wide a family's vector kernels are: 0 SSE, 1 AVX, 2 AVX2 with FMA, 3 AVX-512; nil for
    /// a name this table does not know. The x86-64 names of OpenBLAS 0.3.21's DYNAMIC_ARCH
    /// builds ("Unknown" is its name for a CPU it could not place).
    public static func level(of core: String) -> Int? {
        switch core.lowercased() {
        case "skylakex", "cooperlake", "sapphirerapids": return 3
        case "haswell", "zen", "excavator": return 2
        case "sandybridge", "bulldozer", "piledriver", "steamroller": return 1
        case "katmai", "coppermine", "northwood", "prescott", "banias", "atom", "core2", "penryn", "dunnington",
             "nehalem", "athlon", "opteron", "opteron_sse3", "opteron(sse3)", "barcelona", "nano", "bobcat", "unknown":
            return 0
        default: return nil
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

    /// The family to force instead of `current`, or nil to keep OpenBLAS's choice. Only a known
    /// fallback is replaced: a family without AVX2 on a CPU that has AVX2 and FMA. A choice of
    /// AVX2 or better is OpenBLAS's knowledge of the CPU (e.g. Zen kernels on an AMD processor
    /// with AVX-512) and stays, and so does a name this table does not know.
    public static func replacement(for current: String, cpuFlags: Set<String>) -> String? {
        guard let best = best(forCPUFlags: cpuFlags), let level = level(of: current), level < 2 else { return nil }
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
    /// in `main`.
    ///
    /// A `OPENBLAS_CORETYPE` set by the user is left as it is, with a warning on standard error
    /// when OpenBLAS did not load that family (a name it does not know gives its plainest
    /// kernels). Nothing is done for an OpenBLAS that does not choose at load time, nor when
    /// this program was not started as itself (`ld.so ./aelab`: /proc/self/exe is the loader),
    /// nor when it cannot be started again. `AELAB_ASSUME_BLAS_CORE`, for tests, stands in for
    /// the family OpenBLAS loaded.
    public static func preferFasterKernel() {
        // Started again by the lines below: remember which family OpenBLAS fell back to, and keep
        // the marker from the processes this one starts.
        if let marker = getenv(fallbackVariable) {
            replacedFamily = String(cString: marker)
            unsetenv(fallbackVariable)
        }
        if let chosen = getenv("OPENBLAS_CORETYPE").map({ String(cString: $0) }), !chosen.isEmpty {
            if chosen.lowercased() != current.lowercased() {
                let warning = replacedFamily != nil
                    ? "aelab: warning: aelab asked OpenBLAS for its \(chosen) kernels, but it loaded \(current)\n"
                    : "aelab: warning: OPENBLAS_CORETYPE=\(chosen), but OpenBLAS loaded its \(current) kernels "
                        + "(it does not know that name); unset it to let aelab choose\n"
                _ = warning.withCString { write(STDERR_FILENO, $0, strlen($0)) }
            }
            return
        }
        let loaded = getenv("AELAB_ASSUME_BLAS_CORE").map { String(cString: $0) } ?? current
        guard choosesAtLoad, let better = replacement(for: loaded, cpuFlags: cpuFlags()), startedAsItself() else { return }
        setenv("OPENBLAS_CORETYPE", better, 1)
        setenv(fallbackVariable, loaded, 1)   // for `aelab info`: the family replaced
        execv("/proc/self/exe", CommandLine.unsafeArgv)
        unsetenv("OPENBLAS_CORETYPE")   // exec failed: carry on with OpenBLAS's choice
        unsetenv(fallbackVariable)
    }

    /// Set by `preferFasterKernel` when it starts the program again: the family OpenBLAS had
    /// loaded by itself. Read and removed first thing in the new process (`replacedFamily`).
    static let fallbackVariable = "AELAB_OPENBLAS_FELL_BACK_TO"

    /// The family OpenBLAS loaded by itself, when `preferFasterKernel` started this process again
    /// on another; nil otherwise.
    nonisolated(unsafe) public private(set) static var replacedFamily: String?

    /// How this process's kernel family was chosen, in words.
    public static var choice: String {
        if let replacedFamily { return "chosen by aelab: OpenBLAS alone loads its \(replacedFamily) kernels on this CPU" }
        if let chosen = ProcessInfo.processInfo.environment["OPENBLAS_CORETYPE"], !chosen.isEmpty {
            return "OPENBLAS_CORETYPE=\(chosen)"
        }
        return choosesAtLoad ? "OpenBLAS's own choice for this CPU" : "the only family of this OpenBLAS build"
    }

    /// OpenBLAS's description of its build ("OpenBLAS 0.3.21 DYNAMIC_ARCH NO_AFFINITY …").
    public static var configuration: String {
        String(cString: openblas_get_config()).trimmingCharacters(in: .whitespaces)
    }

    /// Whether /proc/self/exe is the program argv[0] names (when argv[0] is a path; a bare name
    /// was found on PATH and is taken as such).
    static func startedAsItself() -> Bool {
        guard let exe = realpath("/proc/self/exe", nil) else { return false }
        defer { free(exe) }
        let name = CommandLine.arguments.first ?? ""
        guard name.contains("/") else { return true }
        guard let named = realpath(name, nil) else { return false }
        defer { free(named) }
        return strcmp(exe, named) == 0
    }
}
