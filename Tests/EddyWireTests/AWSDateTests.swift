import Testing
@testable import EddyWire

@Suite struct AWSDateTests {
    @Test func parsesHTTPAndISODates() {
        #expect(AWSDate.parse("Thu, 22 Jan 2015 01:22:02 GMT") == 1_421_889_722_000)
        #expect(AWSDate.parse("2015-01-22T01:22:02Z") == 1_421_889_722_000)
        #expect(AWSDate.parseISO8601Millis("2015-01-22T01:22:02.5Z") == 1_421_889_722_500)
    }

    @Test func hostileDatesAreRefusedNotOverflowed() {
        // What a hostile If-Modified-Since sent: a year whose days overflow the arithmetic.
        #expect(AWSDate.parse("Thu, 01 Jan 1000000000000 00:00:00 GMT") == nil)
        #expect(AWSDate.parse("Thu, 01 Jan 9223372036854775807 00:00:00 GMT") == nil)
        #expect(AWSDate.parse("Thu, 99 Jan 2015 99:99:99 GMT") == nil)
        #expect(AWSDate.parse("0000-01-01T00:00:00Z") == nil)
        #expect(AWSDate.parse(String(repeating: "1", count: 10_000)) == nil)
    }

    /// Found by the httpdate fuzz target: a leap second at the end of 9999 is the year 10000,
    /// which no date format here can write back.
    @Test func theLastLeapSecondIsOutOfRange() {
        #expect(AWSDate.parse("9999-12-31T23:59:60Z") == nil)
        #expect(AWSDate.parse("9999-12-31T23:59:59Z") == 253_402_300_799_000)
        #expect(AWSDate.parse(AWSDate.httpDate(253_402_300_799_000)) == 253_402_300_799_000)
    }
}
