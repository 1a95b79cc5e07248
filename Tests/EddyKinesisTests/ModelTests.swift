import Foundation
import Testing
import EddyWire
import EddyWire
typealias EddyWireBase64 = EddyWire.Base64
@testable import EddyKinesis

@Suite struct HashKeyTests {
    @Test func md5OfPartitionKey() {
        // python3 -c "import hashlib; print(int(hashlib.md5(b'pk-1').hexdigest(), 16))"
        #expect(String(HashKey.of(partitionKey: "pk-1")) == "273922656776327812788301823748127981641")
        #expect(String(HashKey.of(partitionKey: "")) == "281949768489412648962353822266799178366")
    }

    @Test func evenRangesMatchAWS() {
        let two = HashKey.evenRanges(count: 2)
        #expect(String(two[0].upperBound) == "170141183460469231731687303715884105727")
        #expect(String(two[1].lowerBound) == "170141183460469231731687303715884105728")
        #expect(two[1].upperBound == UInt128.max)
        let three = HashKey.evenRanges(count: 3)
        #expect(String(three[1].lowerBound) == "113427455640312821154458202477256070485")
        #expect(String(three[2].lowerBound) == "226854911280625642308916404954512140970")
        for n in [1, 4, 7, 500] {
            let ranges = HashKey.evenRanges(count: n)
            #expect(ranges.first?.lowerBound == 0)
            #expect(ranges.last?.upperBound == UInt128.max)
            for i in 1..<ranges.count { #expect(ranges[i].lowerBound == ranges[i - 1].upperBound + 1) }
        }
    }

    @Test func parsesExplicitHashKeys() {
        #expect(HashKey.parse("0") == 0)
        #expect(HashKey.parse("340282366920938463463374607431768211455") == UInt128.max)
        #expect(HashKey.parse("340282366920938463463374607431768211456") == nil)
        #expect(HashKey.parse("-1") == nil)
        #expect(HashKey.parse("") == nil)
    }
}

@Suite struct SequenceNumberTests {
    @Test func isFiftySixDigitsAndRoundTrips() throws {
        let s = SequenceNumber(streamToken: 123_456_789_012, shardIndex: 3, counter: 42, arrivalMillis: 1_795_000_000_000)
        let text = s.description
        #expect(text.count == 56)
        #expect(text.hasPrefix("49"))
        #expect(SequenceNumber(text) == s)
    }

    @Test func ordersAsBigIntegersWithinAShard() {
        var previous: String?
        for counter: UInt64 in [0, 1, 9, 10, 99, 1000, 123_456_789, UInt64(Int64.max)] {
            let text = SequenceNumber(streamToken: 555_555_555_555, shardIndex: 1, counter: counter, arrivalMillis: 1).description
            if let previous {
                // Same length, so string order is numeric order.
                #expect(previous.count == text.count && previous < text)
            }
            previous = text
        }
    }

    @Test func rejectsForeignNumbers() {
        #expect(SequenceNumber("1") == nil)
        #expect(SequenceNumber(String(repeating: "1", count: 56)) == nil)
        #expect(SequenceNumber("49" + String(repeating: "x", count: 54)) == nil)
    }
}

@Suite struct ShardIteratorTests {
    let key: [UInt8] = Array(repeating: 7, count: 32)

    @Test func roundTrips() throws {
        let it = ShardIterator(accountId: "000000000000", region: "eu-west-1", streamName: "s.1-x_y", streamToken: 999,
                               shardIndex: 12, position: 1 << 40, createdMillis: 1_795_000_000_123)
        let text = it.encode(key: key)
        #expect(try ShardIterator.decode(text, key: key) == it)
    }

    @Test func detectsTamperingAndOtherKeys() throws {
        let it = ShardIterator(accountId: "000000000000", region: "us-east-1", streamName: "s", streamToken: 1,
                               shardIndex: 0, position: 5, createdMillis: 1)
        var bytes = try #require(try? EddyWireBase64.decode(it.encode(key: key)))
        bytes[20] ^= 1
        #expect(throws: ShardIterator.DecodeError.self) { try ShardIterator.decode(EddyWireBase64.encode(bytes), key: key) }
        #expect(throws: ShardIterator.DecodeError.self) { try ShardIterator.decode(it.encode(key: key), key: Array(repeating: 8, count: 32)) }
        #expect(throws: ShardIterator.DecodeError.self) { try ShardIterator.decode("not an iterator", key: key) }
    }

    @Test func takesOnePairOfDoubleQuotesAsAWSDoes() throws {
        let it = ShardIterator(accountId: "000000000000", region: "us-east-1", streamName: "s", streamToken: 1,
                               shardIndex: 0, position: 5, createdMillis: 1)
        let text = it.encode(key: key)
        #expect(try ShardIterator.decode("\"" + text + "\"", key: key) == it)
        for bad in ["\"" + text, text + "\"", "\"\"" + text + "\"\"", "\"", "\"\""] {
            #expect(throws: ShardIterator.DecodeError.self) { try ShardIterator.decode(bad, key: key) }
        }
    }
}

@Suite struct StreamReadersTests {
    let stream = StreamKey(account: "000000000000", region: "us-east-1", name: "s")

    @Test func tellsReadersApartAndKeepsTheirLatestLag() {
        let readers = StreamReaders()
        readers.saw(.polling, stream: stream, shardIndex: 0, client: "boto3", records: 10, millisBehindLatest: 500, now: 1_000)
        readers.saw(.polling, stream: stream, shardIndex: 0, client: "boto3", records: 5, millisBehindLatest: 0, now: 2_000)
        readers.saw(.subscription, stream: stream, shardIndex: 0, client: "boto3", records: 1, millisBehindLatest: 7, now: 2_000)
        readers.saw(.polling, stream: stream, shardIndex: 1, client: "kcl", records: 0, millisBehindLatest: 0, now: 2_000)
        let seen = readers.of(stream, now: 3_000)
        #expect(seen.map { "\($0.shardIndex) \($0.kind.rawValue) \($0.client)" } == ["0 GetRecords boto3", "0 SubscribeToShard boto3", "1 GetRecords kcl"])
        #expect(seen[0].calls == 2 && seen[0].records == 15 && seen[0].millisBehindLatest == 0 && seen[0].firstMillis == 1_000)
        // Ten minutes without a read and a reader is gone.
        #expect(readers.of(stream, now: 2_000 + StreamReaders.forgetMillis).isEmpty)
    }

    @Test func staysBoundedWhateverClientsCallThemselves() {
        let readers = StreamReaders()
        for i in 0..<(StreamReaders.maximum + 500) {
            readers.saw(.polling, stream: stream, shardIndex: 0, client: "\(i) " + String(repeating: "é", count: 1_000), records: 1,
                        millisBehindLatest: 0, now: Int64(i))
        }
        let seen = readers.of(stream, now: Int64(StreamReaders.maximum + 500))
        #expect(seen.count == StreamReaders.maximum)
        #expect(seen.allSatisfy { $0.client.utf8.count <= StreamReaders.maximumClientBytes && $0.client.hasSuffix("é") })
    }
}

@Suite struct ShardIdAndDateTests {
    @Test func shardIds() {
        #expect(ShardId.format(0) == "shardId-000000000000")
        #expect(ShardId.format(123) == "shardId-000000000123")
        #expect(ShardId.parse("shardId-000000000007") == 7)
        #expect(ShardId.parse("7") == 7)
        #expect(ShardId.parse("shardId-x") == nil)
    }

    @Test func javaDates() {
        #expect(AWSDate.javaString(1_421_889_722_000) == "Thu Jan 22 01:22:02 UTC 2015")
        #expect(AWSDate.javaString(0) == "Thu Jan 01 00:00:00 UTC 1970")
    }
}

@Suite struct GeneratedModelTests {
    @Test func everyPatternInTheKinesisModelCompiles() throws {
        #expect(KinesisAPI.Patterns.all.filter { $0.pattern == nil }.map(\.source) == [])
        #expect(KinesisAPI.operations.count == 39)
    }

    @Test func generatedCodeMatchesApiSpecs() throws {
        // The Swift in Generated/ folders comes from api-specs/; they must not drift apart.
        let root = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
        let p = Process()
        p.executableURL = URL(fileURLWithPath: "/usr/bin/env")
        p.arguments = ["python3", root.appendingPathComponent("scripts/gen-api-specs.py").path, "--check"]
        let out = Pipe()
        p.standardOutput = out
        try p.run()
        let text = String(decoding: out.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
        p.waitUntilExit()
        #expect(p.terminationStatus == 0, "\(text)")
    }
}
