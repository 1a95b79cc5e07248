import Foundation
import Testing
import EddyWire
@testable import EddyFirehose

@Suite struct ObjectKeyTests {
    let millis = AWSDate.parse("2026-11-23T14:05:09Z")!
    var stream: DeliveryStream {
        DeliveryStream(id: 7, account: "000000000000", region: "us-east-1", name: "orders", type: .DirectPut, sourceARN: nil,
                       sourceRoleARN: nil, destination: .placeholder, version: 2, storedStatus: .ACTIVE, createdMillis: 0,
                       updatedMillis: 0, tags: [], encryption: nil, buffer: nil, failure: nil)
    }

    @Test func defaultKeysFollowFirehose() {
        let key = ObjectKey.make(stream: stream, prefix: "logs/", arrival: millis, identity: [1, 2], fileExtension: ".gz")
        #expect(key.hasPrefix("logs/2026/11/23/14/orders-2-2026-11-23-14-05-09-"))
        #expect(key.hasSuffix(".gz"))
        let uuid = key.dropFirst("logs/2026/11/23/14/orders-2-2026-11-23-14-05-09-".count).dropLast(3)
        #expect(uuid.count == 36 && uuid.split(separator: "-").map(\.count) == [8, 4, 4, 4, 12])
        // The same batch always gets the same key (redelivery after a crash overwrites it).
        #expect(key == ObjectKey.make(stream: stream, prefix: "logs/", arrival: millis, identity: [1, 2], fileExtension: ".gz"))
        #expect(key != ObjectKey.make(stream: stream, prefix: "logs/", arrival: millis, identity: [1, 3], fileExtension: ".gz"))
    }

    @Test func customPrefixesReplaceTheTimePath() {
        let key = ObjectKey.make(stream: stream, prefix: "y=!{timestamp:yyyy}/m=!{timestamp:MM}/", arrival: millis, identity: [0],
                                 fileExtension: "")
        #expect(key.hasPrefix("y=2026/m=11/orders-2-"))
        #expect(ObjectKey.expand("e/!{firehose:error-output-type}/", arrival: millis, identity: [0]) == "e/processing-failed/")
    }

    @Test func gzipIsAValidGzipStream() throws {
        let text = Array(String(repeating: "hello firehose\n", count: 1000).utf8)
        let compressed = try Gzip.compress(text)
        #expect(compressed.prefix(2) == [0x1F, 0x8B])
        #expect(compressed.count < text.count / 10)
        let path = NSTemporaryDirectory() + "eddy-gz-" + UUID().uuidString + ".gz"
        try Data(compressed).write(to: URL(fileURLWithPath: path))
        defer { try? FileManager.default.removeItem(atPath: path) }
        let p = Process()
        p.executableURL = URL(fileURLWithPath: "/usr/bin/env")
        p.arguments = ["gzip", "-dc", path]
        let out = Pipe()
        p.standardOutput = out
        try p.run()
        let decoded = out.fileHandleForReading.readDataToEndOfFile()
        p.waitUntilExit()
        #expect(Array(decoded) == text)
    }
}

@Suite struct KPLAggregateTests {
    /// An aggregate as the KPL writes it: magic, the protobuf body, the body's MD5.
    func aggregate(_ body: [UInt8]) -> [UInt8] { KPLAggregate.magic + body + MD5Digest.of(body) }

    @Test func hostileAggregatesNeverTrap() {
        // A length of 2^63-1, a varint that never ends, a field type that does not exist, a cut fixed64.
        for body: [UInt8] in [[0x1A, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0x7F],
                              [0x1A] + [UInt8](repeating: 0xFF, count: 12),
                              [0x1F, 0x00, 0x00, 0x00, 0x00, 0x00],
                              [0x19, 0x01]] {
            guard case .malformed = KPLAggregate.parse(aggregate(body)) else {
                Issue.record("\(body) was read as an aggregate")
                continue
            }
        }
        // Many fixed64 fields in a row are read in a loop, not one call deeper each.
        let many = [UInt8]((0..<200_000).flatMap { _ in [0x19, 0, 0, 0, 0, 0, 0, 0, 0] as [UInt8] })
        #expect(KPLAggregate.parse(aggregate(many)) == .records([]))
    }

    @Test func readsAnAggregate() {
        // Record { data = "hi" } as field 3 of the aggregate.
        let record: [UInt8] = [0x1A, 0x04, 0x1A, 0x02, 0x68, 0x69]
        #expect(KPLAggregate.records(aggregate(record)) == [Array("hi".utf8)])
    }

    @Test func anAggregateWhoseDigestDoesNotMatchIsMalformed() {
        let record: [UInt8] = [0x1A, 0x04, 0x1A, 0x02, 0x68, 0x69]
        let parsed = KPLAggregate.parse(KPLAggregate.magic + record + [UInt8](repeating: 0, count: 16))
        #expect(parsed == .malformed("The KPL aggregate's MD5 does not match its contents."))
    }

    @Test func dataWithoutTheMagicIsNotAnAggregate() {
        #expect(KPLAggregate.parse(Array("plain record, long enough to hold a digest".utf8)) == .notAggregated)
    }
}

@Suite struct FirehoseModelTests {
    @Test func everyPatternInTheModelCompiles() {
        #expect(FirehoseAPI.Patterns.all.filter { $0.pattern == nil }.map(\.source) == [])
    }
}
