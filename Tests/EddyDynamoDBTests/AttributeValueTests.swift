import EddyWire
import Testing
@testable import EddyDynamoDB

@Suite struct AttributeValueTests {
    @Test func exactlyOneTypePerValue() {
        #expect(throws: DynamoDBError.self) { try AttributeValues.checked(AttributeValue()) }
        #expect(throws: DynamoDBError.self) { try AttributeValues.checked(AttributeValue(s: "a", n: "1")) }
        #expect(throws: DynamoDBError.self) { try AttributeValues.checked(AttributeValue(null: false)) }
        #expect(throws: DynamoDBError.self) { try AttributeValues.checked(AttributeValue(ss: [])) }
        #expect(throws: DynamoDBError.self) { try AttributeValues.checked(AttributeValue(ns: ["1", "1.0"])) }
    }

    @Test func numbersInsideListsAndMapsAreNormalized() throws {
        let value = AttributeValue(l: [AttributeValue(n: "01.50"), AttributeValue(m: Item([("x", AttributeValue(ns: ["2.0", "1e1"]))]))])
        let checked = try AttributeValues.checked(value)
        #expect(checked.l?[0].n == "1.5")
        #expect(checked.l?[1].m?["x"]?.ns == ["2", "10"])
    }

    @Test func nestingStopsAt32Levels() {
        var value = AttributeValue(s: "leaf")
        for _ in 0..<31 { value = AttributeValue(l: [value]) }
        #expect((try? AttributeValues.checked(value)) != nil)
        value = AttributeValue(l: [value])
        #expect(throws: DynamoDBError.self) { try AttributeValues.checked(value) }
    }

    /// Sizes as the DynamoDB developer guide counts them.
    @Test func itemSizes() {
        let item = Item([("pk", AttributeValue(s: "abc")), ("n", AttributeValue(n: "12345")), ("b", AttributeValue(bool: true)),
                         ("l", AttributeValue(l: [AttributeValue(s: "xy"), AttributeValue(null: true)]))])
        // pk 2+3, n 1+4, b 1+1, l 1 + (3 + (1+2) + (1+1)) = 21
        #expect(AttributeValues.size(of: item) == 21)
    }
}
