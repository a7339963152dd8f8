/// Names that become HDF5 path components, and lists of them stored as one string attribute.
///
/// A list is stored comma-joined ("encoder,decoder"; "" for none), so that h5py reads it as a
/// `str`; its items are therefore checked to hold no comma. Names also hold no "/", are not
/// empty and are not "." or "..".
enum NameList {
    static func join(_ items: [String]) -> String {
        items.joined(separator: ",")
    }

    static func split(_ text: String) -> [String] {
        text.isEmpty ? [] : text.split(separator: ",", omittingEmptySubsequences: false).map(String.init)
    }

    /// Throws unless `name` can be a path component and a list item; `what` names its role.
    static func check(_ name: String, _ what: String, in location: HDF5Location) throws {
        let problem: String? =
            name.isEmpty ? "is empty"
            : name == "." || name == ".." ? "is not allowed"
            : name.contains("/") ? "contains '/'"
            : name.contains(",") ? "contains ','"
            : nil
        if let problem { throw location.error("invalid \(what) name '\(name)': \(problem)") }
    }

    /// Throws unless every item can be stored in a comma-joined list (extra inputs).
    static func checkItems(_ items: [String], _ what: String, in location: HDF5Location) throws {
        for item in items where item.isEmpty || item.contains(",") {
            throw location.error("invalid \(what) '\(item)': list items are not empty and hold no ','")
        }
    }

    /// Throws if `names` repeats one.
    static func checkUnique(_ names: [String], _ what: String, in location: HDF5Location) throws {
        var seen = Set<String>()
        for name in names where !seen.insert(name).inserted {
            throw location.error("duplicate \(what) '\(name)'")
        }
    }
}
