import EddyWire

/// The parts of an item some document paths name (ProjectionExpression, UPDATED_OLD/NEW):
/// maps keep the named members, lists the named elements in order.
enum Projection {
    static func project(_ item: Item, _ paths: [DocumentPath]) -> Item {
        var out: [(key: String, value: AttributeValue)] = []
        for (name, value) in item.entries {
            let wanted = paths.filter { $0.elements.first == .name(name) }.map { Array($0.elements.dropFirst()) }
            guard !wanted.isEmpty else { continue }
            if wanted.contains(where: \.isEmpty) {
                out.append((name, value))
            } else if let projected = project(value, wanted) {
                out.append((name, projected))
            }
        }
        return Item(out)
    }

    static func project(_ value: AttributeValue, _ paths: [[DocumentPath.Element]]) -> AttributeValue? {
        if let m = value.m {
            var kept: [(key: String, value: AttributeValue)] = []
            for (name, inner) in m.entries {
                let wanted = paths.filter { $0.first == .name(name) }.map { Array($0.dropFirst()) }
                guard !wanted.isEmpty else { continue }
                if wanted.contains(where: \.isEmpty) { kept.append((name, inner)) } else if let p = project(inner, wanted) { kept.append((name, p)) }
            }
            return kept.isEmpty ? nil : AttributeValue(m: Item(kept))
        }
        if let l = value.l {
            var kept: [AttributeValue] = []
            for (i, inner) in l.enumerated() {
                let wanted = paths.filter { $0.first == .index(i) }.map { Array($0.dropFirst()) }
                guard !wanted.isEmpty else { continue }
                if wanted.contains(where: \.isEmpty) { kept.append(inner) } else if let p = project(inner, wanted) { kept.append(p) }
            }
            return kept.isEmpty ? nil : AttributeValue(l: kept)
        }
        return nil
    }
}
