/// Which build this is: the package version and the commit of the checkout it was built from
/// (written before each build by the BuildInfo plugin, `scripts/build-info`).
public enum BuildInfo {
    public static let version = "0.1.0"
    /// `git describe --always --dirty` of the checkout at build time: "dcb3a7f", "dcb3a7f-dirty"
    /// (built with uncommitted changes), or "unknown" (no git, or not a checkout).
    public static let commit = generatedCommit
    /// "0.1.0 (dcb3a7f)": what a run file records as the build that trained it.
    public static var description: String { "\(version) (\(commit))" }
}
