import Testing
@testable import EddyWire

@Suite struct XMLWriterTests {
    /// Found by fuzzing CloudWatch and S3: an error message quoting a client's value with a NUL
    /// or another control character was written as `&#0;`, which no XML 1.0 parser accepts, so
    /// the client could not read the error.
    @Test func errorMessagesAreAlwaysWellFormed() throws {
        let error = AWSError(code: "InvalidParameterValue", message: "The value a\u{0}b\u{1}c\td for parameter Namespace is invalid.")
        let document = AWSQueryProtocol.errorXML(error, namespace: "http://monitoring.amazonaws.com/doc/2010-08-01/", requestId: "r")
        let parsed = try XMLElement.parse(document)
        let message = parsed.child("Error")?.child("Message")?.text
        #expect(message == "The value a\u{FFFD}b\u{FFFD}c\td for parameter Namespace is invalid.")
    }

    /// Data keeps the character as a reference, as S3 writes a key in a listing.
    @Test func dataKeepsControlCharactersAsReferences() {
        var w = XMLWriter()
        w.element("Key", "a\u{1}b\rc")
        #expect(String(decoding: w.bytes, as: UTF8.self).hasSuffix("<Key>a&#1;b&#13;c</Key>"))
    }
}
