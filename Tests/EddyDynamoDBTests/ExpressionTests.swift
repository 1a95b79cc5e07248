import EddyWire
import Testing
@testable import EddyDynamoDB

@Suite struct ExpressionTests {
    let item = Item([("pk", AttributeValue(s: "k")), ("n", AttributeValue(n: "10")), ("s", AttributeValue(s: "hello")),
                     ("tags", AttributeValue(ss: ["a", "b"])),
                     ("m", AttributeValue(m: Item([("l", AttributeValue(l: [AttributeValue(n: "1"), AttributeValue(s: "x")]))])))])

    func context(_ values: [(String, AttributeValue)] = [], names: [(String, String)] = []) -> ExpressionContext {
        ExpressionContext(names: names.isEmpty ? nil : ShapeMap(names.map { (key: $0.0, value: $0.1) }),
                          values: values.isEmpty ? nil : ShapeMap(values.map { (key: $0.0, value: $0.1) }))
    }

    func holds(_ text: String, _ values: [(String, AttributeValue)] = [], names: [(String, String)] = []) throws -> Bool {
        var c = context(values, names: names)
        return try ExpressionEvaluator.matches(try ExpressionParser.condition(text, &c), item)
    }

    @Test func comparisonsFunctionsAndLogic() throws {
        let ten = AttributeValue(n: "10.0"), nine = AttributeValue(n: "9")
        #expect(try holds("n = :v", [(":v", ten)]))
        #expect(try holds("n > :v AND NOT (n < :v)", [(":v", nine)]))
        #expect(try holds("n BETWEEN :a AND :b", [(":a", nine), (":b", ten)]))
        #expect(try holds("#x IN (:a, :b)", [(":a", nine), (":b", ten)], names: [("#x", "n")]))
        #expect(try holds("begins_with(s, :p) and contains(tags, :t)", [(":p", AttributeValue(s: "he")), (":t", AttributeValue(s: "b"))]))
        #expect(try holds("attribute_exists(m.l[1]) AND attribute_not_exists(m.l[2]) AND attribute_type(m.l[0], :t)",
                          [(":t", AttributeValue(s: "N"))]))
        #expect(try holds("size(s) = :five OR absent = :five", [(":five", AttributeValue(n: "5"))]))
        // A missing attribute: equal is false, not-equal true; a type mismatch orders nothing.
        #expect(try !holds("absent = :v", [(":v", ten)]))
        #expect(try holds("absent <> :v", [(":v", ten)]))
        #expect(try !holds("s < :v", [(":v", ten)]))
    }

    @Test func syntaxAndSubstitutionErrorsAreAWSs() {
        var c = context()
        #expect(throws: DynamoDBError.validation("Invalid ConditionExpression: Syntax error; token: \"<EOF>\", near: \"= <EOF>\"")) {
            var c = ExpressionContext(names: nil, values: ShapeMap([(key: ":v", value: AttributeValue(s: "x"))]))
            _ = try ExpressionParser.condition("a =", &c)
        }
        #expect(throws: DynamoDBError.validation("Invalid ConditionExpression: An expression attribute value used in expression is not defined; attribute value: :v")) {
            _ = try ExpressionParser.condition("a = :v", &c)
        }
        #expect(throws: DynamoDBError.validation("Invalid ConditionExpression: An expression attribute name used in the document path is not defined; attribute name: #a")) {
            _ = try ExpressionParser.condition("#a = b", &c)
        }
        #expect(throws: DynamoDBError.validation("Invalid ConditionExpression: The expression can not be empty;")) {
            _ = try ExpressionParser.condition("  ", &c)
        }
        // Reserved words in any case and at any depth of a path; as a #name substitute they are fine.
        #expect(throws: DynamoDBError.validation("Invalid ConditionExpression: Attribute name is a reserved keyword; reserved keyword: Status")) {
            _ = try ExpressionParser.condition("attribute_exists(Status)", &c)
        }
        #expect(throws: DynamoDBError.validation("Invalid ConditionExpression: Attribute name is a reserved keyword; reserved keyword: count")) {
            _ = try ExpressionParser.condition("attribute_exists(m.count)", &c)
        }
        var named = context(names: [("#s", "status")])
        #expect(throws: Never.self) { _ = try ExpressionParser.condition("attribute_exists(#s) AND size(m) > m", &named) }
    }

    /// Client-written nesting is bounded, so parsing and evaluating cannot exhaust the stack.
    @Test func deepAndLongExpressionsAreRefused() {
        var c = context()
        let deep = String(repeating: "(", count: 2000) + "a = b" + String(repeating: ")", count: 2000)
        #expect(throws: DynamoDBError.self) { _ = try ExpressionParser.condition(deep, &c) }
        let nots = String(repeating: "NOT ", count: 1000) + "a = b"
        #expect(throws: DynamoDBError.self) { _ = try ExpressionParser.condition(nots, &c) }
        let chain = (0..<400).map { _ in "a = b" }.joined(separator: " AND ")
        #expect(throws: DynamoDBError.self) { _ = try ExpressionParser.condition(chain, &c) }
        #expect(throws: DynamoDBError.self) { _ = try ExpressionParser.condition(String(repeating: "a", count: 5000), &c) }
    }

    @Test func updatesSetRemoveAddDelete() throws {
        var c = context([(":one", AttributeValue(n: "1.5")), (":zero", AttributeValue(n: "0")), (":more", AttributeValue(l: [AttributeValue(s: "y")])),
                         (":tag", AttributeValue(ss: ["a"])), (":new", AttributeValue(ss: ["c"]))])
        let actions = try ExpressionParser.update(
            "SET n = n - :one, c = if_not_exists(c, :zero) + :one, m.l = list_append(m.l, :more) REMOVE s DELETE tags :tag ADD fresh :new", &c)
        try c.checkAllUsed()
        let updated = try ItemUpdate.apply(actions, to: item)
        #expect(updated["n"]?.n == "8.5" && updated["c"]?.n == "1.5" && updated["s"] == nil)
        #expect(updated["m"]?.m?["l"]?.l?.count == 3 && updated["tags"]?.ss == ["b"] && updated["fresh"]?.ss == ["c"])
    }

    @Test func arithmeticIsExactDecimal() throws {
        func sum(_ a: String, _ b: String) throws -> String { try DynamoNumber(parsing: a).adding(try DynamoNumber(parsing: b)).text }
        #expect(try sum("0.1", "0.2") == "0.3")
        #expect(try sum("1E20", "-1") == "99999999999999999999")
        #expect(try sum("-5", "5") == "0")
        #expect(try sum("-1.25", "0.5") == "-0.75")
        #expect(throws: DynamoNumber.Failure.tooManyDigits) { try sum("1E100", "1E-100") }
    }

    @Test func legacyExpectedMeansTheSameConditions() throws {
        let expected = ShapeMap<DynamoDBAPI.ExpectedAttributeValue>([
            (key: "n", value: DynamoDBAPI.ExpectedAttributeValue(value: AttributeValue(n: "10"))),
            (key: "gone", value: DynamoDBAPI.ExpectedAttributeValue(exists: false)),
            (key: "s", value: DynamoDBAPI.ExpectedAttributeValue(comparisonOperator: .BEGINS_WITH, attributeValueList: [AttributeValue(s: "hel")])),
        ])
        let condition = try #require(try LegacyParameters.condition(expected, nil))
        #expect(try ExpressionEvaluator.matches(condition, item))
        #expect(try !ExpressionEvaluator.matches(condition, nil))
    }

    @Test func projectionsKeepTheNamedParts() throws {
        var c = context(names: [("#m", "m")])
        let paths = try ExpressionParser.projection("pk, #m.l[1]", &c)
        let projected = Projection.project(item, paths)
        #expect(projected.keys == ["pk", "m"])
        #expect(projected["m"]?.m?["l"]?.l == [AttributeValue(s: "x")])
    }
}
