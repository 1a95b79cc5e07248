import Testing
@testable import EddyWire

@Suite struct CBORTests {
    @Test func decodesWhatTheJavaSDKSends() throws {
        // {_ "StreamName": "s", "Data": h'00ff', "Timestamp": 1(1795000000123), "Limit": 5, "F": false} with indefinite map
        var bytes: [UInt8] = [0xBF]
        bytes += [0x6A] + Array("StreamName".utf8) + [0x61, 0x73]
        bytes += [0x64] + Array("Data".utf8) + [0x42, 0x00, 0xFF]
        bytes += [0x69] + Array("Timestamp".utf8) + [0xC1, 0x1B, 0x00, 0x00, 0x01, 0xA1, 0xEE, 0x56, 0x5E, 0x7B]
        bytes += [0x65] + Array("Limit".utf8) + [0x05]
        bytes += [0x61, 0x46, 0xF4]
        bytes += [0xFF]
        let o = try #require(try CBOR.decode(bytes).object)
        #expect(o["StreamName"]?.string == "s")
        #expect(o["Data"]?.string == "AP8=")
        #expect(o["Limit"]?.int == 5)
        #expect(o["F"] == .bool(false))
        let t = try #require(o["Timestamp"]?.double)
        #expect(abs(t - 1_795_000_000.123) < 0.001)
    }

    @Test func indefiniteStringsAndArrays() throws {
        // [_ "ab" (as chunks "a" "b"), -10, 1.5]
        let bytes: [UInt8] = [0x9F, 0x7F, 0x61, 0x61, 0x61, 0x62, 0xFF, 0x29, 0xF9, 0x3E, 0x00, 0xFF]
        #expect(try CBOR.decode(bytes) == .array([.string("ab"), .number(-10, isInteger: true), .number(1.5, isInteger: false)]))
    }

    @Test func rejectsTruncatedAndHostileInput() {
        for bad: [UInt8] in [[0x62, 0x61], [0xBF, 0x61, 0x61], [0x9B, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF], [0xA1, 0x01, 0x02], [0x00, 0x00]] {
            #expect(throws: CBOR.DecodeError.self) { try CBOR.decode(bad) }
        }
        let deep = [UInt8](repeating: 0x81, count: 1000) + [0x00]
        #expect(throws: CBOR.DecodeError.self) { try CBOR.decode(deep) }
    }

    @Test func nonFiniteFloatsDecodeForTheModelToRefuse() throws {
        // NaN and infinity as half, single and double floats: decoded, then checked by the shape decoder.
        let nan = try CBOR.decode([0xF9, 0x7E, 0x00])
        guard case .number(let d, _) = nan else { Issue.record("not a number"); return }
        #expect(d.isNaN)
        #expect(try CBOR.decode([0xFA, 0x7F, 0x80, 0x00, 0x00]) == .number(.infinity, isInteger: false))
    }
}
