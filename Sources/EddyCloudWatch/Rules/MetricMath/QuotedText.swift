/// A quoted string as CloudWatch's query languages write one (metric math, search expressions,
/// Metrics Insights): from the opening quote at `i` to the matching one, a backslash escaping
/// the next character. Nil when it is not closed; `i` then stands after the closing quote.
enum QuotedText {
    static func read(_ text: [Character], at i: inout Int) -> String? {
        guard i < text.count else { return nil }
        let quote = text[i]
        i += 1
        var out = ""
        while i < text.count, text[i] != quote {
            if text[i] == "\\", i + 1 < text.count { i += 1 }
            out.append(text[i])
            i += 1
        }
        guard i < text.count else { return nil }
        i += 1
        return out
    }
}
