/// Doubles as AWS's Java services print them, in messages and in their JSON answers.
public enum JavaDouble {
    /// A double as Java's `Double.toString` writes it (CloudWatch's reasons come from Java):
    /// `5.0`, `0.25`, `1.0E7`, `1.0E-4`.
    public static func text(_ d: Double) -> String {
        guard d.isFinite else { return d.isNaN ? "NaN" : (d > 0 ? "Infinity" : "-Infinity") }
        let magnitude = d.magnitude
        if magnitude == 0 || (magnitude >= 1e-3 && magnitude < 1e7) {
            let text = "\(d)"
            return text.contains(".") || text.contains("e") ? text : text + ".0"
        }
        // From the shortest digits that round-trip (Swift's, as Java's), not by arithmetic.
        let text = "\(magnitude)".lowercased()
        let pieces = text.split(separator: "e", maxSplits: 1)
        let mantissa = Array(pieces.first ?? "0")
        let shift = pieces.count > 1 ? Int(pieces[1]) ?? 0 : 0
        let point = mantissa.firstIndex(of: ".") ?? mantissa.count
        let all = mantissa.filter { $0 != "." }
        let first = all.firstIndex { $0 != "0" } ?? 0
        let exponent = point - 1 - first + shift
        var significant = String(all[first...])
        while significant.count > 1, significant.hasSuffix("0") { significant.removeLast() }
        let digits = String(significant.prefix(1)) + "." + (significant.count > 1 ? String(significant.dropFirst()) : "0")
        return (d < 0 ? "-" : "") + digits + "E\(exponent)"
    }
}
