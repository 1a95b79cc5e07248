import Testing
@testable import EddyDynamoDB

@Suite struct DynamoNumberTests {
    func number(_ text: String) throws -> DynamoNumber { try DynamoNumber(parsing: text) }

    /// DynamoDB answers numbers in plain notation without needless zeros.
    @Test func numbersComeBackAsDynamoDBWritesThem() throws {
        let cases = ["00042": "42", "-0": "0", "1.5E2": "150", "1.0": "1", "0.10": "0.1", ".5": "0.5", "5.": "5",
                     "-1.25e-3": "-0.00125", "+7": "7", "1E+125": "1" + String(repeating: "0", count: 125),
                     "12345678901234567890123456789012345678": "12345678901234567890123456789012345678",
                     "1234567895171680000000000000000000000000": "1234567895171680000000000000000000000000"]
        for (input, expected) in cases { #expect(try number(input).text == expected, "\(input)") }
        #expect(try number("1E-130").text == "0." + String(repeating: "0", count: 129) + "1")
    }

    @Test func outsideDynamoDBsRangeOrPrecisionIsRefused() throws {
        #expect(throws: DynamoNumber.Failure.tooManyDigits) { try number("123456789012345678901234567890123456789") }
        #expect(throws: DynamoNumber.Failure.overflow) { try number("1E126") }
        #expect(throws: DynamoNumber.Failure.underflow) { try number("1E-131") }
        for bad in ["", "abc", "1e", "1.2.3", "--1", "1e+", " 1", "1 ", "0x10", "NaN", "Infinity", "1e1.5"] {
            #expect(throws: DynamoNumber.Failure.notANumber, "\(bad)") { try number(bad) }
        }
        // A huge exponent neither overflows the parser nor is taken for a small number.
        #expect(throws: DynamoNumber.Failure.overflow) { try number("1e99999999999999999999") }
        #expect(throws: DynamoNumber.Failure.underflow) { try number("1e-99999999999999999999") }
        #expect(try number("0e99999999999999999999") == .zero)
    }

    /// Sort keys are ordered by value, so their stored bytes must sort the same way.
    @Test func storedBytesSortAsTheNumbers() throws {
        let texts = ["-1E125", "-100", "-10.5", "-10", "-9.99", "-1", "-0.5", "-0.05", "-1E-130", "0", "1E-130", "0.05", "0.5",
                     "1", "1.5", "9.99", "10", "10.5", "100", "123456789", "9.9999999999999999999999999999999999999E125"]
        let numbers = try texts.map(number)
        #expect(numbers == numbers.sorted())
        let bytes = numbers.map(\.orderedBytes)
        for (a, b) in zip(bytes, bytes.dropFirst()) { #expect(a.lexicographicallyPrecedes(b)) }
        #expect(try number("1.50").orderedBytes == number("1.5").orderedBytes)
    }

    @Test func sizeIsAboutOneBytePerTwoDigits() throws {
        #expect(try number("1").storedSize == 2)
        #expect(try number("12345").storedSize == 4)
        #expect(try number("1000000").storedSize == 2)
    }
}
