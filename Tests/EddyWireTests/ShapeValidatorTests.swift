import Testing
@testable import EddyWire

/// A small model in the botocore form, so the validator is tested without a service.
private let model = try! ServiceModel(json: #"""
{"metadata":{"targetPrefix":"Test_1"},
 "operations":{"Op":{"name":"Op","input":{"shape":"OpInput"}}},
 "shapes":{
  "OpInput":{"type":"structure","required":["Name","Count"],"members":{
     "Count":{"shape":"Count"},"Data":{"shape":"Data"},"Entries":{"shape":"Entries"},
     "Mode":{"shape":"Mode"},"Name":{"shape":"Name"},"Tags":{"shape":"Tags"}}},
  "Name":{"type":"string","min":1,"max":8,"pattern":"[a-z]+"},
  "Count":{"type":"integer","min":1,"max":10},
  "Data":{"type":"blob","max":4},
  "Mode":{"type":"string","enum":["A","B"]},
  "Entries":{"type":"list","min":1,"max":2,"member":{"shape":"Entry"}},
  "Entry":{"type":"structure","required":["Key"],"members":{"Key":{"shape":"Name"}}},
  "Tags":{"type":"map","key":{"shape":"Name"},"value":{"shape":"Name"}}
 }}
"""#)

private func validate(_ json: String) throws(AWSError) {
    let object = try AWSJSONProtocol.parseBody(Array(json.utf8))
    try ShapeValidator(model: model).validate(object, operation: "Op")
}

@Suite struct ShapeValidatorTests {
    @Test func acceptsValidInput() throws {
        try validate(#"{"Name":"abc","Count":3,"Data":"AAE=","Entries":[{"Key":"k"}],"Mode":"A","Tags":{"a":"b"},"Unknown":1}"#)
    }

    @Test func reportsMissingRequiredMembersInOrder() {
        #expect(throws: AWSError.validation("2 validation errors detected: Value null at 'count' failed to satisfy constraint: Member must not be null; Value null at 'name' failed to satisfy constraint: Member must not be null")) {
            try validate("{}")
        }
    }

    @Test func reportsOneError() {
        #expect(throws: AWSError.validation("1 validation error detected: Value '11' at 'count' failed to satisfy constraint: Member must have value less than or equal to 10")) {
            try validate(#"{"Name":"abc","Count":11}"#)
        }
    }

    @Test func reportsPatternLengthEnumAndNestedPaths() throws {
        do {
            try validate(#"{"Name":"ABCDEFGHIJ","Count":1,"Mode":"C","Entries":[{"Key":"ok"},{}],"Data":"AAAAAAAA"}"#)
            Issue.record("expected a ValidationException")
        } catch {
            #expect(error.code == "ValidationException")
            let m = error.message ?? ""
            #expect(m.hasPrefix("5 validation errors detected: "))
            #expect(m.contains("Value 'java.nio.HeapByteBuffer[pos=0 lim=6 cap=6]' at 'data' failed to satisfy constraint: Member must have length less than or equal to 4"))
            #expect(m.contains("Value null at 'entries.2.member.key' failed to satisfy constraint: Member must not be null"))
            #expect(m.contains("Value 'C' at 'mode' failed to satisfy constraint: Member must satisfy enum value set: [A, B]"))
            #expect(m.contains("Value 'ABCDEFGHIJ' at 'name' failed to satisfy constraint: Member must satisfy regular expression pattern: [a-z]+"))
            #expect(m.contains("Value 'ABCDEFGHIJ' at 'name' failed to satisfy constraint: Member must have length less than or equal to 8"))
        }
    }

    @Test func wrongTypesAreSerializationErrors() {
        #expect(throws: AWSError.serialization("class java.lang.String can not be converted to an Integer")) {
            try validate(#"{"Name":"a","Count":"3"}"#)
        }
        #expect(throws: AWSError.serialization("class java.math.BigDecimal can not be converted to an String")) {
            try validate(#"{"Name":5,"Count":3}"#)
        }
        #expect(throws: AWSError.serialization("Start of list found where not expected")) {
            try validate(#"{"Name":["a"],"Count":3}"#)
        }
        #expect(throws: AWSError.serialization("'AA=' can not be converted to a Blob: Base64 encoded length is expected a multiple of 4 bytes but found: 3")) {
            try validate(#"{"Name":"a","Count":3,"Data":"AA="}"#)
        }
    }

    @Test func nonObjectBodyIsRejected() {
        #expect(throws: AWSError.self) { try validate("[1]") }
        #expect(throws: AWSError.self) { try validate("{") }
    }

    @Test func patternsInModelsCompile() throws {
        // The generated model for the real service must parse and compile its patterns.
        let m = try ServiceModel(json: #"{"metadata":{},"operations":{},"shapes":{"S":{"type":"string","pattern":"arn:aws.*:kinesis:.*:\\d{12}:stream/\\S+"}}}"#)
        #expect(m.shapes["S"]?.pattern?.matches("arn:aws:kinesis:us-east-1:000000000000:stream/x") == true)
        #expect(m.shapes["S"]?.pattern?.matches("arn:aws:kinesis:us-east-1:0:stream/x") == false)
    }
}
