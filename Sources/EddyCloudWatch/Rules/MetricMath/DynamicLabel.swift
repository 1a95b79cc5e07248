import EddyWire

/// CloudWatch's dynamic labels: `${PROP('Dim.StreamName')} max ${MAX}` in a query's Label is
/// filled in from each series it labels (every series of a search or query in turn). Values
/// are written as Java writes doubles, times in ISO 8601, spans in seconds; a `${…}` Eddy does
/// not know is left as written.
enum DynamicLabel {
    static func render(_ label: String, _ s: TimeSeries, defaultLabel: String) -> String {
        guard label.contains("${") else { return label }
        var out = ""
        var rest = Substring(label)
        while let open = rest.firstRange(of: "${") {
            out += rest[..<open.lowerBound]
            guard let close = rest[open.upperBound...].firstIndex(of: "}") else { break }
            let name = String(rest[open.upperBound..<close])
            out += value(name, s, defaultLabel: defaultLabel) ?? "${\(name)}"
            rest = rest[rest.index(after: close)...]
        }
        return out + rest
    }

    static func value(_ name: String, _ s: TimeSeries, defaultLabel: String) -> String? {
        if name.hasPrefix("PROP('"), name.hasSuffix("')") {
            return s.properties[String(name.dropFirst(6).dropLast(2))]
        }
        let points = s.sorted.filter { $0.value.isFinite }
        let values = points.map(\.value)
        func number(_ d: Double?) -> String { d.map(JavaDouble.text) ?? "" }
        func time(_ t: Int64?) -> String { t.map { AWSDate.iso8601($0 * 1000) } ?? "" }
        func span(_ seconds: Int64?) -> String { seconds.map { "\($0)s" } ?? "" }
        let maxPoint = points.max { $0.value < $1.value }, minPoint = points.min { $0.value < $1.value }
        switch name {
        case "LABEL": return defaultLabel
        case "AVG": return values.isEmpty ? "" : number(values.reduce(0, +) / Double(values.count))
        case "SUM": return number(values.reduce(0, +))
        case "DATAPOINT_COUNT": return String(values.count)
        case "FIRST": return number(values.first)
        case "LAST": return number(values.last)
        case "MAX": return number(maxPoint?.value)
        case "MIN": return number(minPoint?.value)
        case "FIRST_LAST_RANGE": return values.isEmpty ? "" : number((values.last ?? 0) - (values.first ?? 0))
        case "MIN_MAX_RANGE": return values.isEmpty ? "" : number((maxPoint?.value ?? 0) - (minPoint?.value ?? 0))
        case "FIRST_TIME": return time(points.first?.key)
        case "LAST_TIME": return time(points.last?.key)
        case "MAX_TIME": return time(maxPoint?.key)
        case "MIN_TIME": return time(minPoint?.key)
        case "FIRST_LAST_TIME_RANGE": return span(points.last.flatMap { l in points.first.map { l.key - $0.key } })
        case "MIN_MAX_TIME_RANGE": return span(maxPoint.flatMap { a in minPoint.map { abs(a.key - $0.key) } })
        default: return nil
        }
    }
}
