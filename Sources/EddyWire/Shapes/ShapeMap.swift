/// A model map (string keys), in the order the client sent it: validation messages and tag
/// lists keep that order, and a key sent twice keeps its last value, as AWS's parsers do.
public struct ShapeMap<Value: Sendable>: Sendable {
    public private(set) var entries: [(key: String, value: Value)]

    public init(_ entries: [(key: String, value: Value)] = []) {
        // A client decides how many entries there are: index them rather than scan per entry.
        var position: [String: Int] = [:]
        var kept: [(key: String, value: Value)] = []
        kept.reserveCapacity(entries.count)
        for (key, value) in entries {
            if let i = position[key] { kept[i].value = value } else {
                position[key] = kept.count
                kept.append((key, value))
            }
        }
        self.entries = kept
    }

    public var count: Int { entries.count }
    public var isEmpty: Bool { entries.isEmpty }
    public var keys: [String] { entries.map(\.key) }

    public subscript(key: String) -> Value? {
        get { entries.first { $0.key == key }?.value }
        set {
            if let i = entries.firstIndex(where: { $0.key == key }) {
                if let newValue { entries[i].value = newValue } else { entries.remove(at: i) }
            } else if let newValue {
                entries.append((key, newValue))
            }
        }
    }
}

extension ShapeMap: Equatable where Value: Equatable {
    public static func == (a: ShapeMap, b: ShapeMap) -> Bool {
        a.entries.count == b.entries.count && zip(a.entries, b.entries).allSatisfy { $0.key == $1.key && $0.value == $1.value }
    }
}
