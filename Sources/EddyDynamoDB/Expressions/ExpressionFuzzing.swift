import EddyWire

/// The expression language as a fuzz target reaches it (one entry point, so the parser's
/// types stay internal): the input is parsed as each kind of expression with a few names and
/// values defined, and whatever parses is evaluated against, or applied to, a sample item.
package enum ExpressionFuzzing {
    static let names = ShapeMap<String>([(key: "#a", value: "a"), (key: "#n", value: "n"), (key: "#l", value: "l")])
    static let values = ShapeMap<AttributeValue>([
        (key: ":s", value: AttributeValue(s: "x")), (key: ":n", value: AttributeValue(n: "1.5")),
        (key: ":l", value: AttributeValue(l: [AttributeValue(s: "y")])), (key: ":ss", value: AttributeValue(ss: ["a", "b"])),
        (key: ":t", value: AttributeValue(s: "S")),
    ])
    static let item = Item([
        ("pk", AttributeValue(s: "k")), ("a", AttributeValue(s: "abc")), ("n", AttributeValue(n: "10")),
        ("l", AttributeValue(l: [AttributeValue(n: "1"), AttributeValue(m: Item([("x", AttributeValue(null: true))]))])),
        ("set", AttributeValue(ss: ["a"])),
    ])

    /// False when an update made an item DynamoDB would not store (the target traps then).
    package static func run(_ input: [UInt8]) -> Bool {
        guard let text = String(validating: input, as: UTF8.self) else { return true }
        var context = ExpressionContext(names: names, values: values)
        if let condition = try? ExpressionParser.condition(text, &context) {
            _ = try? ExpressionEvaluator.matches(condition, item)
            _ = try? ExpressionEvaluator.matches(condition, nil)
        }
        if let update = try? ExpressionParser.update(text, &context), let updated = try? ItemUpdate.apply(update, to: item) {
            // Whatever an update makes of a valid item with valid values is itself valid.
            guard let checked = try? AttributeValues.checked(updated) else { return false }
            _ = TableStore.encode(checked)
        }
        if let paths = try? ExpressionParser.projection(text, &context) {
            _ = Projection.project(item, paths)
        }
        return true
    }
}
