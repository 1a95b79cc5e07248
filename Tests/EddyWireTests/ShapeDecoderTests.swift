import Testing
@testable import EddyWire

/// The generated decoder of the test model (Tests/EddyWireTests/Model) against AWS's messages.
private func decode(_ json: String, style: ShapeDecoder.Style = .json,
                    unrepresentable: ShapeDecoder.UnrepresentableValues = .serializationException) throws(AWSError) -> TestAPI.OpInput {
    try TestAPI.OpInput.decode(.object(try AWSJSONProtocol.parseBody(Array(json.utf8))), style: style, unrepresentable: unrepresentable)
}

@Suite struct ShapeDecoderTests {
    @Test func decodesTypedValues() throws {
        let input = try decode(#"{"Name":"abc","Count":3.9,"Data":"AAE=","Entries":[{"Key":"k"},null],"Mode":"A","Tags":{"a":"b","a":"c"},"Size":9007199254740993,"Ratio":0.5,"At":1795000000.123,"Flag":true,"Unknown":1}"#)
        #expect(input.name == "abc")
        #expect(input.count == 3)  // truncated toward zero, as AWS reads integers
        #expect(input.data == [0, 1])
        #expect(input.entries == [TestAPI.Entry(key: "k")])
        #expect(input.mode == .A)
        #expect(input.tags?.entries.count == 1 && input.tags?["a"] == "c")
        #expect(input.ratio == 0.5 && input.flag == true)
        #expect(input.at == Timestamp(checkedMillis: 1_795_000_000_123))
    }

    @Test func reportsMissingRequiredMembersInOrder() {
        #expect(throws: AWSError.validation("2 validation errors detected: Value null at 'count' failed to satisfy constraint: Member must not be null; Value null at 'name' failed to satisfy constraint: Member must not be null")) {
            try decode("{}")
        }
    }

    @Test func reportsOneError() {
        #expect(throws: AWSError.validation("1 validation error detected: Value '11' at 'count' failed to satisfy constraint: Member must have value less than or equal to 10")) {
            try decode(#"{"Name":"abc","Count":11}"#)
        }
    }

    @Test func reportsPatternLengthEnumAndNestedPaths() throws {
        do {
            _ = try decode(#"{"Name":"abcdefghij","Count":1,"Mode":"C","Entries":[{"Key":"ok"},{}],"Data":"AAAAAAAA","Tags":{"K":"v"}}"#)
            Issue.record("expected a ValidationException")
        } catch {
            #expect(error.code == "ValidationException")
            let m = error.message ?? ""
            #expect(m.hasPrefix("5 validation errors detected: "))
            #expect(m.contains("Value 'java.nio.HeapByteBuffer[pos=0 lim=6 cap=6]' at 'data' failed to satisfy constraint: Member must have length less than or equal to 4"))
            #expect(m.contains("Value null at 'entries.2.member.key' failed to satisfy constraint: Member must not be null"))
            #expect(m.contains("Value 'C' at 'mode' failed to satisfy constraint: Member must satisfy enum value set: [A, B]"))
            #expect(m.contains("Value 'abcdefghij' at 'name' failed to satisfy constraint: Member must have length less than or equal to 8"))
            #expect(m.contains("Value 'K' at 'tags.K.key' failed to satisfy constraint: Member must satisfy regular expression pattern: [a-z]+"))
        }
    }

    @Test func lengthsComeBeforePatterns() throws {
        // Too long for the model: the pattern is not run on it at all.
        let long = String(repeating: "A", count: 100_000)
        #expect(throws: AWSError.validation("1 validation error detected: Value '\(long)' at 'name' failed to satisfy constraint: Member must have length less than or equal to 8")) {
            try decode(#"{"Name":"\#(long)","Count":1}"#)
        }
        // Within the length, both are reported, the pattern first (as AWS does).
        #expect(throws: AWSError.validation("1 validation error detected: Value 'AB' at 'name' failed to satisfy constraint: Member must satisfy regular expression pattern: [a-z]+")) {
            try decode(#"{"Name":"AB","Count":1}"#)
        }
    }

    @Test func wrongTypesAreSerializationErrors() {
        #expect(throws: AWSError.serialization("class java.lang.String can not be converted to an Integer")) {
            try decode(#"{"Name":"a","Count":"3"}"#)
        }
        #expect(throws: AWSError.serialization("class java.math.BigDecimal can not be converted to an String")) {
            try decode(#"{"Name":5,"Count":3}"#)
        }
        #expect(throws: AWSError.serialization("Start of list found where not expected")) {
            try decode(#"{"Name":["a"],"Count":3}"#)
        }
        #expect(throws: AWSError.serialization("'AA=' can not be converted to a Blob: Base64 encoded length is expected a multiple of 4 bytes but found: 3")) {
            try decode(#"{"Name":"a","Count":3,"Data":"AA="}"#)
        }
        #expect(throws: AWSError.serialization("Expected list or null")) {
            try decode(#"{"Name":"a","Count":3,"Entries":5}"#)
        }
    }

    @Test func everyNumberIsChecked() throws {
        // Integers are read as AWS's Java deserializer reads them: the integer part, wrapped.
        #expect(throws: AWSError.validation("1 validation error detected: Value '0' at 'count' failed to satisfy constraint: Member must have value greater than or equal to 1")) {
            try decode(#"{"Name":"a","Count":1e400}"#)
        }
        #expect(try decode(#"{"Name":"a","Count":4294967297}"#).count == 1)
        #expect(try decode(#"{"Name":"a","Count":1,"Size":18446744073709551617}"#).size == 0)  // 2^64 + 1 as a double is 2^64
        #expect(throws: AWSError.validation("1 validation error detected: Value '-5' at 'size' failed to satisfy constraint: Member must have value greater than or equal to 0")) {
            try decode(#"{"Name":"a","Count":1,"Size":-5.9}"#)
        }
        #expect(ShapeDecoder.javaInt(0x1p31) == Int32.min && ShapeDecoder.javaInt(-0x1p31 - 1) == Int32.max)
        #expect(ShapeDecoder.javaLong(0x1p63) == Int64.min && ShapeDecoder.javaLong(.nan) == 0 && ShapeDecoder.javaLong(-0x1p70) == 0)
        #expect(throws: AWSError.serialization("1e+300 can not be converted to a Date: it is not an instant between the years 0001 and 9999")) {
            try decode(#"{"Name":"a","Count":1,"At":1e300}"#)
        }
        #expect(throws: AWSError.serialization("-62135596801 can not be converted to a Date: it is not an instant between the years 0001 and 9999")) {
            try decode(#"{"Name":"a","Count":1,"At":-62135596801}"#)
        }
        #expect(throws: AWSError.serialization("NaN can not be converted to an Double")) {
            try decode(#"{"Name":"a","Count":1,"Ratio":"NaN"}"#)
        }
        // CloudWatch names the parameter as its query API does.
        #expect(throws: AWSError(code: "InvalidParameterValue", message: "The value Infinity for parameter Values.member.2 is invalid.")) {
            try decode(#"{"Name":"a","Count":1,"Values":[0.5,"Infinity"]}"#, unrepresentable: .invalidParameterValue)
        }
        #expect(throws: AWSError.validation("1 validation error detected: Value '2' at 'ratio' failed to satisfy constraint: Member must have value less than or equal to 1")) {
            try decode(#"{"Name":"a","Count":1,"Ratio":2}"#)
        }
    }

    @Test func readsAwsQueryForms() throws {
        let form = "Action=Op&Name=abc&Count=2&Flag=true&At=2026-11-23T14%3A05%3A09.5Z&Entries.member.1.Key=x&Entries.member.2.Key=y"
            + "&Tags.entry.1.key=a&Tags.entry.1.value=b&Values.member.1=0.25&Ratio=1"
        let tree = AWSQueryProtocol.tree(AWSQueryProtocol.pairs(Array(form.utf8)))
        let input = try TestAPI.OpInput.decode(tree, style: .query)
        #expect(input.name == "abc" && input.count == 2 && input.flag == true && input.ratio == 1)
        #expect(input.entries == [TestAPI.Entry(key: "x"), TestAPI.Entry(key: "y")])
        #expect(input.tags?["a"] == "b")
        #expect(input.values == [0.25])
        #expect(input.at?.millis == AWSDate.parse("2026-11-23T14:05:09Z").map { $0 + 500 })
        let nan = AWSQueryProtocol.tree(AWSQueryProtocol.pairs(Array("Name=a&Count=1&Values.member.1=nan".utf8)))
        #expect(throws: AWSError(code: "InvalidParameterValue", message: "The value NaN for parameter Values.member.1 is invalid.")) {
            try TestAPI.OpInput.decode(nan, style: .query, unrepresentable: .invalidParameterValue)
        }
        let badTime = AWSQueryProtocol.tree(AWSQueryProtocol.pairs(Array("Name=a&Count=1&At=nan".utf8)))
        #expect(throws: AWSError(code: "InvalidParameterValue", message: "The value NaN for parameter At is invalid.")) {
            try TestAPI.OpInput.decode(badTime, style: .query, unrepresentable: .invalidParameterValue)
        }
    }

    @Test func nonObjectBodyIsRejected() {
        #expect(throws: AWSError.self) { try decode("[1]") }
        #expect(throws: AWSError.self) { try decode("{") }
    }

    @Test func generatedPatternsCompile() {
        #expect(TestAPI.Patterns.all.allSatisfy { $0.pattern != nil })
    }
}

@Suite struct ShapeEncodingTests {
    let output = TestAPI.OpOutput(name: "abc", data: [0, 255], at: Timestamp(checkedMillis: 1_795_000_000_123), count: 7, ratio: 0.5,
                                  entries: [TestAPI.Entry(key: "k")], tags: ShapeMap([("a", "b")]), mode: .B, flag: false)

    @Test func writesJSON() throws {
        let json = String(decoding: output.jsonBytes(), as: UTF8.self)
        #expect(json == #"{"Name":"abc","Data":"AP8=","At":1795000000.123,"Count":7,"Ratio":0.5,"Entries":[{"Key":"k"}],"Tags":{"a":"b"},"Mode":"B","Flag":false}"#)
        // What is written reads back as the same value.
        let back = try TestAPI.OpOutput.decode(try JSONParser.parse(output.jsonBytes()), style: .json)
        #expect(back == output)
    }

    @Test func writesCBORInBothTimestampForms() throws {
        var millis = CBORWriter(timestamps: .taggedMillis)
        output.encode(cbor: &millis)
        let decoded = try #require(try CBOR.decode(millis.bytes).object)
        #expect(decoded["Data"]?.string == "AP8=")  // a byte string, read back as base64
        #expect(decoded["At"] == .number(1_795_000_000.123, isInteger: false))
        #expect(millis.bytes.prefix(1) == [0xA9])
        // As AWS and the Java SDK write it: tag 1 around a 64-bit integer of epoch milliseconds.
        let at = Array("bAt".utf8) + [0xC1, 0x1B] + withUnsafeBytes(of: UInt64(1_795_000_000_123).bigEndian, Array.init)
        #expect(millis.bytes.firstRange(of: at) != nil)
        var tagged = CBORWriter(timestamps: .taggedSeconds)
        TestAPI.OpOutput(name: "a", at: Timestamp(checkedMillis: 1_795_000_000_000)).encode(cbor: &tagged)
        #expect(tagged.bytes == [0xA2, 0x64] + Array("Name".utf8) + [0x61, 0x61, 0x62] + Array("At".utf8) + [0xC1, 0x1A, 0x6A, 0xFD, 0x86, 0xC0])
    }

    @Test func writesAwsQueryXML() {
        let xml = String(decoding: AWSQueryProtocol.answer(output, operation: "Op", resultWrapper: "OpResult", namespace: "urn:x", requestId: "r"),
                         as: UTF8.self)
        #expect(xml.contains(#"<OpResponse xmlns="urn:x"><OpResult><Name>abc</Name><Data>AP8=</Data><At>2026-11-18T"#))
        #expect(xml.contains("<Count>7</Count><Ratio>0.5</Ratio><Entries><member><Key>k</Key></member></Entries>"))
        #expect(xml.contains("<Tags><entry><key>a</key><value>b</value></entry></Tags><Mode>B</Mode><Flag>false</Flag></OpResult>"))
        #expect(xml.hasSuffix("<ResponseMetadata><RequestId>r</RequestId></ResponseMetadata></OpResponse>"))
    }
}
