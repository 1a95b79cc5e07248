import Testing
@testable import EddyWire

@Suite struct GzipTests {
    let text = Array("metric data, metric data, metric data".utf8)

    @Test func whatIsCompressedInflatesBack() throws {
        #expect(try Gzip.decompress(try Gzip.compress(text), limit: 1 << 20) == text)
    }

    @Test func concatenatedMembersInflateInOrder() throws {
        let two = try Gzip.compress(text) + Gzip.compress(Array("!".utf8))
        #expect(try Gzip.decompress(two, limit: 1 << 20) == text + Array("!".utf8))
    }

    @Test func aBombStopsAtTheLimit() throws {
        let bomb = try Gzip.compress([UInt8](repeating: 0, count: 8 << 20))
        #expect(bomb.count < 16 << 10)
        #expect(throws: Gzip.Failure.tooLarge(limit: 1 << 20)) { try Gzip.decompress(bomb, limit: 1 << 20) }
    }

    @Test func truncatedOrForeignBytesAreMalformed() throws {
        let whole = try Gzip.compress(text)
        for cut in [0, 1, 10, whole.count - 1] {
            #expect(throws: Gzip.Failure.malformed) { try Gzip.decompress(Array(whole.prefix(cut)), limit: 1 << 20) }
        }
        #expect(throws: Gzip.Failure.malformed) { try Gzip.decompress(text, limit: 1 << 20) }
        #expect(throws: Gzip.Failure.malformed) { try Gzip.decompress(whole + [0, 0, 0], limit: 1 << 20) }
    }

    @Test func theHeaderListsCodingsAppliedInOrder() throws {
        let twice = try Gzip.compress(try Gzip.compress(text))
        #expect(try ContentEncoding.decode(twice, header: "gzip, gzip", limit: 1 << 20) == text)
        #expect(try ContentEncoding.decode(text, header: "identity", limit: 1 << 20) == text)
        #expect(throws: AWSError.self) { try ContentEncoding.decode(text, header: "deflate", limit: 1 << 20) }
    }
}
