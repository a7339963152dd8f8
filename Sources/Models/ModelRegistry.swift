/// Every model AELab knows, by the name specs use.
public enum ModelRegistry {
    public static let families: [any ModelFamily.Type] = [AE.self, VAE.self, CVAE.self, AAE.self, CAAE.self, WAEGAN.self, WAEMMD.self]

    public static var names: [String] { families.map { $0.name } }

    public static func family(named name: String) -> (any ModelFamily.Type)? {
        families.first { $0.name == name }
    }
}
