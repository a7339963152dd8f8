/// Every model AELab knows, by the name specs use: the one list. Spec validation, `aelab
/// models`, docs/spec.md's per-model options, the order of `compare`'s and the report's tables
/// and which runs get code-match figures all read it. Adding a family is one file in
/// `Families/` and one line here, at the place its rows should take in the tables.
public enum ModelRegistry {
    public static let families: [any ModelFamily.Type] = [
        AE.self,
        VAE.self,
        BetaVAE.self,
        IWAE.self,
        CVAE.self,
        AAE.self,
        CAAE.self,
        WAEGAN.self,
        WAEMMD.self,
    ]

    public static var names: [String] { families.map { $0.name } }

    public static func family(named name: String) -> (any ModelFamily.Type)? {
        families.first { $0.name == name }
    }

    /// The families with a latent adversary (`hasDiscriminator`), by name.
    public static var adversarialNames: [String] { families.filter { $0.hasDiscriminator }.map { $0.name } }
}
