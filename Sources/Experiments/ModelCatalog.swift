import Models

/// The registry in words: every family with its capabilities and the options it declares, as
/// `aelab models` prints it and docs/spec.md embeds it (a test keeps the two equal).
public enum ModelCatalog {
    /// A Markdown section: one row per family, then one row per family option.
    public static var markdown: String {
        var lines = ["| model | summary | encoder head | reconstruction | generates from | capabilities |",
                     "|---|---|---|---|---|---|"]
        for family in ModelRegistry.families {
            lines.append("| `\(family.name)` | \(family.summary) | `\(family.defaultHead.rawValue)`\(family.requiresGaussianHead ? " (required)" : "") | `\(family.defaultReconstruction.rawValue)` | \(source(family)) | \(capabilities(family).joined(separator: ", ")) |")
        }
        lines += ["", "Options of each family (`model_options.MODEL.KEY`):", "",
                  "| model | key | default | range | meaning |", "|---|---|---|---|---|"]
        for family in ModelRegistry.families {
            for option in family.options {
                lines.append("| `\(family.name)` | `\(option.key)` | `\(option.defaultValue.text)` | \(option.expected) | \(option.summary) |")
            }
        }
        return lines.joined(separator: "\n") + "\n"
    }

    /// A plain-text listing for the terminal.
    public static var text: String {
        var lines: [String] = []
        for family in ModelRegistry.families {
            lines.append("\(family.name): \(family.summary)")
            lines.append("  head \(family.defaultHead.rawValue)\(family.requiresGaussianHead ? " (required)" : ""), reconstruction \(family.defaultReconstruction.rawValue), generates from \(source(family))"
                         + (capabilities(family).isEmpty ? "" : "; \(capabilities(family).joined(separator: ", "))"))
            for option in family.options {
                lines.append("  model_options.\(family.name).\(option.key) = \(option.defaultValue.text): \(option.summary) (\(option.expected))")
            }
        }
        return lines.joined(separator: "\n") + "\n"
    }

    static func capabilities(_ family: any ModelFamily.Type) -> [String] {
        (family.hasDiscriminator ? ["adversarial"] : []) + (family.isConditional ? ["conditional"] : [])
            + (family.hasImportanceSampledLikelihood ? ["importance-sampled likelihood"] : [])
    }

    static func source(_ family: any ModelFamily.Type) -> String {
        switch family.latentSource {
        case .prior: return "the prior"
        case .standardNormal: return "N(0, I)"
        case .fittedGaussian: return "a Gaussian fitted to its codes"
        }
    }
}
