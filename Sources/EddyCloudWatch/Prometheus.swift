import EddyStorage

/// The stored metrics in the Prometheus text format (`GET /metrics`): each metric as a summary
/// (`_sum`, `_count`) over the retained data, labelled with account, region and dimensions.
extension MetricStore {
    public func prometheusText() throws -> String {
        try flush()
        let rows = try db.query("""
            SELECT namespace, name, dimensions, account, region, sum(count), sum(sum) FROM datapoints
            GROUP BY namespace, name, dimensions, account, region ORDER BY namespace, name, dimensions
            """)
        var out = ""
        var described = Set<String>()
        for r in rows {
            let namespace = try r.text(0), name = try r.text(1)
            let metric = Self.promName(namespace, name)
            if described.insert(metric).inserted {
                out += "# HELP \(metric) \(namespace) \(name)\n# TYPE \(metric) summary\n"
            }
            var labels = [("account", try r.text(3)), ("region", try r.text(4))]
            labels += Self.dimensions(try r.text(2)).map { (Self.snake($0.name), $0.value) }
            let labelText = labels.map { "\($0.0)=\"\(Self.escape($0.1))\"" }.joined(separator: ",")
            out += "\(metric)_sum{\(labelText)} \(Self.number(r[6].double ?? 0))\n"
            out += "\(metric)_count{\(labelText)} \(Self.number(r[5].double ?? 0))\n"
        }
        return out
    }

    static func promName(_ namespace: String, _ name: String) -> String {
        snake(namespace.replacingSlashes + "_" + name)
    }

    /// `PutRecords.Bytes` → `put_records_bytes`; anything outside [a-z0-9_] becomes `_`.
    static func snake(_ s: String) -> String {
        var out = ""
        var previous: Character = "_"
        for c in s {
            if c.isUppercase, previous.isLowercase || previous.isNumber { out.append("_") }
            let lower = Character(c.lowercased())
            let ok = lower.isASCII && (lower.isLetter || lower.isNumber)
            let next: Character = ok ? lower : "_"
            if !(next == "_" && out.last == "_") { out.append(next) }
            previous = c
        }
        return out
    }

    static func escape(_ s: String) -> String {
        var out = ""
        for c in s {
            switch c {
            case "\\": out += "\\\\"
            case "\"": out += "\\\""
            case "\n": out += "\\n"
            default: out.append(c)
            }
        }
        return out
    }

    static func number(_ d: Double) -> String { d == d.rounded() && d.magnitude < 1e15 ? String(Int64(d)) : String(d) }
}

extension String {
    var replacingSlashes: String { String(map { $0 == "/" ? "_" : $0 }) }
}
