import Testing
@testable import EddyWire

@Suite struct JSONParserTests {
    @Test func parsesNestedDocument() throws {
        let v = try JSONParser.parse(Array(#"{"a":[1,2.5,-3e2,true,false,null],"b":{"c":"d"}}"#.utf8))
        let o = try #require(v.object)
        #expect(o["a"]?.array?.count == 6)
        #expect(o["a"]?.array?[1] == .number(2.5, isInteger: false))
        #expect(o["a"]?.array?[2].double == -300)
        #expect(o["b"]?.object?["c"]?.string == "d")
    }

    @Test func decodesEscapesAndSurrogatePairs() throws {
        let v = try JSONParser.parse(Array(#""a\/b\n\u00e9\ud83d\ude00""#.utf8))
        #expect(v.string == "a/b\né😀")
    }

    @Test(arguments: [#"{"a":}"#, #"{"a":1,}"#, "[1 2]", #""\ud800""#, "01", "{} x", #""a"#, "nul", ""])
    func rejectsMalformedJSON(_ text: String) {
        #expect(throws: JSONParseError.self) { try JSONParser.parse(Array(text.utf8)) }
    }

    @Test func rejectsInvalidUTF8() {
        #expect(throws: JSONParseError.self) { try JSONParser.parse([0x22, 0xC3, 0x28, 0x22]) }
    }

    @Test func rejectsDeepNesting() {
        let deep = String(repeating: "[", count: 10_000) + String(repeating: "]", count: 10_000)
        #expect(throws: JSONParseError.self) { try JSONParser.parse(Array(deep.utf8)) }
    }

    @Test func lastDuplicateKeyWins() throws {
        let o = try #require(try JSONParser.parse(Array(#"{"a":1,"a":2}"#.utf8)).object)
        #expect(o["a"]?.int == 2)
    }

    @Test func writerRoundTrips() throws {
        var w = JSONWriter()
        w.beginObject()
        w.member("s", "quote\" back\\ nl\n ctl\u{01} é")
        w.member("n", 42)
        w.key("t"); w.timestamp(millis: 1_700_000_000_005)
        w.key("b"); [UInt8]([0, 1, 2, 255]).withUnsafeBytes { w.base64($0) }
        w.key("a"); w.beginArray(); w.bool(true); w.null(); w.endArray()
        w.endObject()
        let o = try #require(try JSONParser.parse(w.bytes).object)
        #expect(o["s"]?.string == "quote\" back\\ nl\n ctl\u{01} é")
        #expect(o["n"]?.int == 42)
        #expect(o["t"]?.double == 1_700_000_000.005)
        #expect(o["b"]?.string == "AAEC/w==")
        #expect(o["a"] == .array([.bool(true), .null]))
    }
}

@Suite struct Base64Tests {
    @Test func roundTripsAllLengths() throws {
        for n in 0..<40 {
            let bytes = (0..<n).map { UInt8(truncatingIfNeeded: $0 * 37 + 11) }
            let encoded = Base64.encode(bytes)
            #expect(try Base64.decode(encoded) == bytes)
        }
    }

    @Test func rejectsBadInput() {
        #expect(throws: Base64.DecodeError.length(3)) { try Base64.decode("abc") }
        #expect(throws: Base64.DecodeError.character(UInt8(ascii: "*"))) { try Base64.decode("ab*d") }
        #expect(throws: Base64.DecodeError.trailingBits) { try Base64.decode("aGVsbG9=") == [] }
        #expect(throws: Base64.DecodeError.self) { try Base64.decode("a=bc") }
    }
}

@Suite struct CredentialScopeTests {
    @Test func parsesAuthorizationHeader() throws {
        let header = "AWS4-HMAC-SHA256 Credential=AKIDEXAMPLE/20261123/ap-southeast-2/kinesis/aws4_request, SignedHeaders=host, Signature=abc"
        let scope = try #require(CredentialScope(authorization: header))
        #expect(scope.region == "ap-southeast-2")
        #expect(scope.service == "kinesis")
        #expect(scope.accountId(default: "000000000000") == "000000000000")
        let numeric = try #require(CredentialScope(authorization: "AWS4-HMAC-SHA256 Credential=123456789012/20261123/us-east-1/s3/aws4_request"))
        #expect(numeric.accountId(default: "000000000000") == "123456789012")
    }

    @Test func rejectsGarbage() {
        #expect(CredentialScope(authorization: "Bearer x") == nil)
        #expect(CredentialScope(authorization: "AWS4-HMAC-SHA256 Credential=onlykey") == nil)
    }
}
