import Foundation
import Logging
import Synchronization
import Testing
import EddyStorage
import EddyWire
@testable import EddyKinesis

final class TestClock: Sendable {
    private let value = Mutex<Int64>(1_795_000_000_000)
    var now: Int64 { value.withLock { $0 } }
    func advance(_ millis: Int64) { value.withLock { $0 += millis } }
}

/// Drives the service through its request entry point, as the HTTP front does.
final class Harness: Sendable {
    let root: String
    let clock = TestClock()
    let service: KinesisService

    let ownsRoot: Bool

    init(root: String? = nil, timing: StreamTiming = StreamTiming(createMillis: 0, deleteMillis: 0, updateMillis: 0)) throws {
        ownsRoot = root == nil
        let root = root ?? (NSTemporaryDirectory() + "eddy-kinesis-" + UUID().uuidString)
        self.root = root
        let store = try StreamStore(configuration: .init(root: root, timing: timing, shardLimit: 10), logger: Logger(label: "test"))
        let clock = self.clock
        service = try KinesisService(store: store, logger: Logger(label: "test"), clock: { clock.now })
    }

    func advance(_ millis: Int64) { clock.advance(millis) }

    /// Calls an operation; returns the status and the JSON object answered.
    func call(_ op: String, _ body: String, region: String = "us-east-1", account: String = "000000000000") async -> (Int, JSONObject) {
        var headers = Headers()
        headers.add("X-Amz-Target", "Kinesis_20131202.\(op)")
        let request = ServiceRequest(method: "POST", path: "/", query: nil, headers: headers, body: Array(body.utf8),
                                     context: RequestContext(service: "kinesis", region: region, accountId: account, requestId: "r"))
        let response = await service.handle(request)
        let object = (try? JSONParser.parse(response.body))?.object ?? JSONObject()
        return (response.status, object)
    }

    func ok(_ op: String, _ body: String, region: String = "us-east-1") async throws -> JSONObject {
        let (status, object) = await call(op, body, region: region)
        guard status == 200 else {
            Issue.record("\(op) answered \(status): \(object["__type"]?.string ?? "") \(object["message"]?.string ?? "")")
            throw CancellationError()
        }
        return object
    }

    func error(_ op: String, _ body: String) async -> (Int, String, String) {
        let (status, o) = await call(op, body)
        return (status, o["__type"]?.string ?? "", o["message"]?.string ?? o["Message"]?.string ?? "")
    }

    deinit { if ownsRoot { FileSystem.remove(root) } }
}

@Suite struct KinesisServiceTests {
    @Test func createDescribeAndListAcrossRegions() async throws {
        let h = try Harness()
        _ = try await h.ok("CreateStream", #"{"StreamName":"s1","ShardCount":3}"#)
        _ = try await h.ok("CreateStream", #"{"StreamName":"sydney","ShardCount":1}"#, region: "ap-southeast-2")
        let d = try await h.ok("DescribeStream", #"{"StreamName":"s1"}"#)
        let desc = try #require(d["StreamDescription"]?.object)
        #expect(desc["StreamStatus"]?.string == "ACTIVE")
        #expect(desc["Shards"]?.array?.count == 3)
        #expect(desc["StreamARN"]?.string == "arn:aws:kinesis:us-east-1:000000000000:stream/s1")
        let east = try await h.ok("ListStreams", "{}")
        #expect(east["StreamNames"] == .array([.string("s1")]))
        let sydney = try await h.ok("ListStreams", "{}", region: "ap-southeast-2")
        #expect(sydney["StreamNames"] == .array([.string("sydney")]))
        let again = await h.error("CreateStream", #"{"StreamName":"s1","ShardCount":1}"#)
        #expect(again == (400, "ResourceInUseException", "Stream s1 under account 000000000000 already exists."))
    }

    @Test func onDemandStreamsGetFourShards() async throws {
        let h = try Harness()
        _ = try await h.ok("CreateStream", #"{"StreamName":"od","StreamModeDetails":{"StreamMode":"ON_DEMAND"}}"#)
        let s = try await h.ok("DescribeStreamSummary", #"{"StreamName":"od"}"#)
        #expect(s["StreamDescriptionSummary"]?.object?["OpenShardCount"]?.int == 4)
        #expect(s["StreamDescriptionSummary"]?.object?["StreamModeDetails"]?.object?["StreamMode"]?.string == "ON_DEMAND")
    }

    @Test func shardLimitIsEnforced() async throws {
        let h = try Harness()
        _ = try await h.ok("CreateStream", #"{"StreamName":"a","ShardCount":8}"#)
        let (status, type, message) = await h.error("CreateStream", #"{"StreamName":"b","ShardCount":3}"#)
        #expect(status == 400 && type == "LimitExceededException")
        #expect(message.contains("Current shard count for the account: 8. Limit: 10."))
    }

    @Test func errorsUseAWSShapes() async throws {
        let h = try Harness()
        #expect(await h.error("DescribeStream", #"{"StreamName":"nope"}"#)
                == (400, "ResourceNotFoundException", "Stream nope under account 000000000000 not found."))
        #expect(await h.error("CreateStream", "{}").2
                == "1 validation error detected: Value null at 'streamName' failed to satisfy constraint: Member must not be null")
        #expect(await h.error("Nope", "{}").1 == "UnknownOperationException")
        #expect(await h.error("ListStreams", "{").1 == "SerializationException")
        // Every operation of the model is implemented.
        #expect(Set(KinesisService.actions.map { $0.name }) == Set(KinesisAPI.operationNames))
    }

    @Test func putAndGetRecordsInOrderWithSequenceNumbers() async throws {
        let h = try Harness()
        _ = try await h.ok("CreateStream", #"{"StreamName":"s","ShardCount":2}"#)
        var sequences: [String] = []
        for i in 0..<5 {
            let data = Base64.encode(Array("r\(i)".utf8))
            let r = try await h.ok("PutRecord", #"{"StreamName":"s","PartitionKey":"pk-1","Data":"\#(data)"}"#)
            #expect(r["ShardId"]?.string == "shardId-000000000001")  // md5("pk-1") is in the upper half
            sequences.append(r["SequenceNumber"]!.string!)
            h.advance(1)
        }
        #expect(sequences == sequences.sorted() && Set(sequences).count == 5)
        let batch = try await h.ok("PutRecords", #"{"StreamName":"s","Records":[{"PartitionKey":"pk-1","Data":"cjU="},{"PartitionKey":"x","Data":"","ExplicitHashKey":"0"}]}"#)
        #expect(batch["FailedRecordCount"]?.int == 0)
        #expect(batch["Records"]?.array?[1].object?["ShardId"]?.string == "shardId-000000000000")
        let it = try await h.ok("GetShardIterator", #"{"StreamName":"s","ShardId":"shardId-000000000001","ShardIteratorType":"TRIM_HORIZON"}"#)
        let got = try await h.ok("GetRecords", #"{"ShardIterator":"\#(it["ShardIterator"]!.string!)","Limit":3}"#)
        let records = try #require(got["Records"]?.array)
        #expect(records.count == 3)
        #expect(records.map { $0.object!["SequenceNumber"]!.string! } == Array(sequences.prefix(3)))
        #expect(records[0].object?["Data"]?.string == Base64.encode(Array("r0".utf8)))
        #expect(records[0].object?["ApproximateArrivalTimestamp"]?.double == 1_795_000_000.0)
        #expect((got["MillisBehindLatest"]?.int ?? 0) > 0)
        let rest = try await h.ok("GetRecords", #"{"ShardIterator":"\#(got["NextShardIterator"]!.string!)"}"#)
        #expect(rest["Records"]?.array?.count == 3)
        #expect(rest["MillisBehindLatest"]?.int == 0)

        // AT / AFTER_SEQUENCE_NUMBER and AT_TIMESTAMP land where they should.
        let after = try await h.ok("GetShardIterator", #"{"StreamName":"s","ShardId":"shardId-000000000001","ShardIteratorType":"AFTER_SEQUENCE_NUMBER","StartingSequenceNumber":"\#(sequences[3])"}"#)
        let afterRecords = try await h.ok("GetRecords", #"{"ShardIterator":"\#(after["ShardIterator"]!.string!)"}"#)
        #expect(afterRecords["Records"]?.array?.first?.object?["SequenceNumber"]?.string == sequences[4])
        let at = try await h.ok("GetShardIterator", #"{"StreamName":"s","ShardId":"shardId-000000000001","ShardIteratorType":"AT_TIMESTAMP","Timestamp":1795000000.002}"#)
        let atRecords = try await h.ok("GetRecords", #"{"ShardIterator":"\#(at["ShardIterator"]!.string!)"}"#)
        #expect(atRecords["Records"]?.array?.first?.object?["SequenceNumber"]?.string == sequences[2])
    }

    @Test func sequenceNumbersFromElsewhereAreRejected() async throws {
        let h = try Harness()
        _ = try await h.ok("CreateStream", #"{"StreamName":"s","ShardCount":2}"#)
        _ = try await h.ok("CreateStream", #"{"StreamName":"t","ShardCount":2}"#)
        let r = try await h.ok("PutRecord", #"{"StreamName":"s","PartitionKey":"pk-1","Data":"AA=="}"#)
        let seq = r["SequenceNumber"]!.string!
        let wrongShard = await h.error("GetShardIterator", #"{"StreamName":"s","ShardId":"shardId-000000000000","ShardIteratorType":"AT_SEQUENCE_NUMBER","StartingSequenceNumber":"\#(seq)"}"#)
        #expect(wrongShard == (400, "InvalidArgumentException", "Invalid StartingSequenceNumber. It encodes shardId-000000000001, while it was used in a call to a shard with shardId-000000000000"))
        let wrongStream = await h.error("GetShardIterator", #"{"StreamName":"t","ShardId":"shardId-000000000001","ShardIteratorType":"AT_SEQUENCE_NUMBER","StartingSequenceNumber":"\#(seq)"}"#)
        #expect(wrongStream.1 == "InvalidArgumentException" && wrongStream.2.hasSuffix("because it did not come from this stream."))
    }

    @Test func iteratorsExpireAndRejectTampering() async throws {
        let h = try Harness()
        _ = try await h.ok("CreateStream", #"{"StreamName":"s","ShardCount":1}"#)
        let it = try await h.ok("GetShardIterator", #"{"StreamName":"s","ShardId":"shardId-000000000000","ShardIteratorType":"LATEST"}"#)
        let text = it["ShardIterator"]!.string!
        #expect(await h.error("GetRecords", #"{"ShardIterator":"\#(text.dropLast(4))AAAA"}"#) == (400, "InvalidArgumentException", "Invalid ShardIterator."))
        h.advance(300_001)
        let expired = await h.error("GetRecords", #"{"ShardIterator":"\#(text)"}"#)
        #expect(expired.1 == "ExpiredIteratorException")
        #expect(expired.2.hasPrefix("Iterator expired. The iterator was created at time "))
    }

    @Test func recordSizeAndHashKeyLimits() async throws {
        let h = try Harness()
        _ = try await h.ok("CreateStream", #"{"StreamName":"s","ShardCount":1}"#)
        let big = Base64.encode([UInt8](repeating: 1, count: 1_048_577))
        let tooBig = await h.error("PutRecord", #"{"StreamName":"s","PartitionKey":"k","Data":"\#(big)"}"#)
        #expect(tooBig.1 == "ValidationException" && tooBig.2.contains("Member must have length less than or equal to 1048576"))
        let badHash = await h.error("PutRecord", #"{"StreamName":"s","PartitionKey":"k","Data":"","ExplicitHashKey":"340282366920938463463374607431768211456"}"#)
        #expect(badHash.1 == "InvalidArgumentException")
        let longKey = String(repeating: "k", count: 257)
        #expect(await h.error("PutRecord", #"{"StreamName":"s","PartitionKey":"\#(longKey)","Data":""}"#).1 == "ValidationException")
    }

    @Test func tagsRetentionAndPaging() async throws {
        let h = try Harness()
        _ = try await h.ok("CreateStream", #"{"StreamName":"s","ShardCount":1,"Tags":{"a":"1"}}"#)
        _ = try await h.ok("AddTagsToStream", #"{"StreamName":"s","Tags":{"c":"3","b":"2"}}"#)
        let page = try await h.ok("ListTagsForStream", #"{"StreamName":"s","Limit":2}"#)
        #expect(page["Tags"]?.array?.map { $0.object!["Key"]!.string! } == ["a", "b"])
        #expect(page["HasMoreTags"] == .bool(true))
        _ = try await h.ok("RemoveTagsFromStream", #"{"StreamName":"s","TagKeys":["a"]}"#)
        _ = try await h.ok("TagResource", #"{"ResourceARN":"arn:aws:kinesis:us-east-1:000000000000:stream/s","Tags":{"d":"4"}}"#)
        let all = try await h.ok("ListTagsForResource", #"{"ResourceARN":"arn:aws:kinesis:us-east-1:000000000000:stream/s"}"#)
        #expect(all["Tags"]?.array?.map { $0.object!["Key"]!.string! } == ["b", "c", "d"])
        _ = try await h.ok("IncreaseStreamRetentionPeriod", #"{"StreamName":"s","RetentionPeriodHours":48}"#)
        #expect(await h.error("IncreaseStreamRetentionPeriod", #"{"StreamName":"s","RetentionPeriodHours":30}"#).1 == "InvalidArgumentException")
        #expect(await h.error("DecreaseStreamRetentionPeriod", #"{"StreamName":"s","RetentionPeriodHours":23}"#).1 == "InvalidArgumentException")
        for i in 0..<5 { _ = try await h.ok("CreateStream", #"{"StreamName":"p\#(i)","ShardCount":1}"#) }
        let first = try await h.ok("ListStreams", #"{"Limit":2}"#)
        #expect(first["StreamNames"] == .array([.string("p0"), .string("p1")]))
        let second = try await h.ok("ListStreams", #"{"Limit":2,"NextToken":"\#(first["NextToken"]!.string!)"}"#)
        #expect(second["StreamNames"] == .array([.string("p2"), .string("p3")]))
        let shards = try await h.ok("ListShards", #"{"StreamName":"s","ShardFilter":{"Type":"AT_LATEST"}}"#)
        #expect(shards["Shards"]?.array?.count == 1)
        #expect(await h.error("ListShards", #"{"StreamName":"s","NextToken":"x"}"#).1 == "InvalidArgumentException")
    }

    @Test func restartKeepsStreamsRecordsAndIterators() async throws {
        let root = NSTemporaryDirectory() + "eddy-restart-" + UUID().uuidString
        var seq = "", iterator = ""
        do {
            let h = try Harness(root: root)
            _ = try await h.ok("CreateStream", #"{"StreamName":"s","ShardCount":1,"Tags":{"k":"v"}}"#)
            seq = try await h.ok("PutRecord", #"{"StreamName":"s","PartitionKey":"p","Data":"aGk="}"#)["SequenceNumber"]!.string!
            iterator = try await h.ok("GetShardIterator", #"{"StreamName":"s","ShardId":"shardId-000000000000","ShardIteratorType":"TRIM_HORIZON"}"#)["ShardIterator"]!.string!
            h.service.store.syncAll()
        }
        defer { FileSystem.remove(root) }
        let h = try Harness(root: root)
        let got = try await h.ok("GetRecords", #"{"ShardIterator":"\#(iterator)"}"#)
        #expect(got["Records"]?.array?.first?.object?["SequenceNumber"]?.string == seq)
        let next = try await h.ok("PutRecord", #"{"StreamName":"s","PartitionKey":"p","Data":"aGk="}"#)["SequenceNumber"]!.string!
        #expect(next > seq)
        let tags = try await h.ok("ListTagsForStream", #"{"StreamName":"s"}"#)
        #expect(tags["Tags"]?.array?.count == 1)
    }

    @Test func deleteAndCreatingStates() async throws {
        let h = try Harness(timing: StreamTiming(createMillis: 500, deleteMillis: 500, updateMillis: 0))
        _ = try await h.ok("CreateStream", #"{"StreamName":"s","ShardCount":1}"#)
        let creating = try await h.ok("DescribeStreamSummary", #"{"StreamName":"s"}"#)
        #expect(creating["StreamDescriptionSummary"]?.object?["StreamStatus"]?.string == "CREATING")
        #expect(await h.error("PutRecord", #"{"StreamName":"s","PartitionKey":"p","Data":""}"#).1 == "ResourceNotFoundException")
        h.advance(500)
        _ = try await h.ok("PutRecord", #"{"StreamName":"s","PartitionKey":"p","Data":""}"#)
        _ = try await h.ok("DeleteStream", #"{"StreamName":"s"}"#)
        let deleting = try await h.ok("DescribeStreamSummary", #"{"StreamName":"s"}"#)
        #expect(deleting["StreamDescriptionSummary"]?.object?["StreamStatus"]?.string == "DELETING")
        h.advance(500)
        #expect(await h.error("DescribeStreamSummary", #"{"StreamName":"s"}"#).1 == "ResourceNotFoundException")
        _ = try await h.ok("CreateStream", #"{"StreamName":"s","ShardCount":1}"#)
    }

    @Test func splitAndMergeCloseParentsAndRouteToChildren() async throws {
        let h = try Harness()
        _ = try await h.ok("CreateStream", #"{"StreamName":"s","ShardCount":2}"#)
        let before = try await h.ok("PutRecord", #"{"StreamName":"s","PartitionKey":"a","Data":"AA==","ExplicitHashKey":"5"}"#)
        _ = try await h.ok("SplitShard", #"{"StreamName":"s","ShardToSplit":"shardId-000000000000","NewStartingHashKey":"85070591730234615865843651857942052864"}"#)
        let shards = try #require(try await h.ok("ListShards", #"{"StreamName":"s"}"#)["Shards"]?.array?.compactMap(\.object))
        #expect(shards.map { $0["ShardId"]!.string! } == ["shardId-000000000000", "shardId-000000000001", "shardId-000000000002", "shardId-000000000003"])
        #expect(shards[0]["SequenceNumberRange"]?.object?["EndingSequenceNumber"] != nil)
        #expect(shards[2]["ParentShardId"]?.string == "shardId-000000000000")
        #expect(shards[2]["HashKeyRange"]?.object?["EndingHashKey"]?.string == "85070591730234615865843651857942052863")
        #expect(shards[3]["HashKeyRange"]?.object?["StartingHashKey"]?.string == "85070591730234615865843651857942052864")
        let after = try await h.ok("PutRecord", #"{"StreamName":"s","PartitionKey":"a","Data":"AQ==","ExplicitHashKey":"5"}"#)
        #expect(after["ShardId"]?.string == "shardId-000000000002")
        // Reading the parent ends with its children and no next iterator.
        let it = try await h.ok("GetShardIterator", #"{"StreamName":"s","ShardId":"shardId-000000000000","ShardIteratorType":"TRIM_HORIZON"}"#)
        let end = try await h.ok("GetRecords", #"{"ShardIterator":"\#(it["ShardIterator"]!.string!)"}"#)
        #expect(end["Records"]?.array?.first?.object?["SequenceNumber"] == before["SequenceNumber"])
        #expect(end["NextShardIterator"] == nil)
        #expect(end["ChildShards"]?.array?.count == 2)
        #expect(await h.error("SplitShard", #"{"StreamName":"s","ShardToSplit":"shardId-000000000000","NewStartingHashKey":"10"}"#).1 == "ResourceInUseException")
        #expect(await h.error("SplitShard", #"{"StreamName":"s","ShardToSplit":"shardId-000000000001","NewStartingHashKey":"1"}"#).1 == "InvalidArgumentException")
        #expect(await h.error("MergeShards", #"{"StreamName":"s","ShardToMerge":"shardId-000000000002","AdjacentShardToMerge":"shardId-000000000001"}"#).1 == "InvalidArgumentException")
        _ = try await h.ok("MergeShards", #"{"StreamName":"s","ShardToMerge":"shardId-000000000003","AdjacentShardToMerge":"shardId-000000000001"}"#)
        let merged = try #require(try await h.ok("ListShards", #"{"StreamName":"s","ShardFilter":{"Type":"AT_LATEST"}}"#)["Shards"]?.array?.compactMap(\.object))
        #expect(merged.map { $0["ShardId"]!.string! } == ["shardId-000000000002", "shardId-000000000004"])
        #expect(merged[1]["AdjacentParentShardId"]?.string == "shardId-000000000001")
        #expect(merged[1]["HashKeyRange"]?.object?["EndingHashKey"]?.string == "340282366920938463463374607431768211455")
    }

    @Test func recordsPastRetentionAreTrimmed() async throws {
        let h = try Harness()
        _ = try await h.ok("CreateStream", #"{"StreamName":"s","ShardCount":1}"#)
        _ = try await h.ok("PutRecord", #"{"StreamName":"s","PartitionKey":"old","Data":"AA=="}"#)
        h.advance(23 * 3_600_000)
        let kept = try await h.ok("PutRecord", #"{"StreamName":"s","PartitionKey":"new","Data":"AQ=="}"#)
        h.advance(2 * 3_600_000)
        h.service.store.maintain(now: h.clock.now)
        let it = try await h.ok("GetShardIterator", #"{"StreamName":"s","ShardId":"shardId-000000000000","ShardIteratorType":"TRIM_HORIZON"}"#)
        let got = try await h.ok("GetRecords", #"{"ShardIterator":"\#(it["ShardIterator"]!.string!)"}"#)
        #expect(got["Records"]?.array?.map { $0.object!["SequenceNumber"]!.string! } == [kept["SequenceNumber"]!.string!])
    }

    @Test func settingsOperationsAreKeptAndReported() async throws {
        let h = try Harness()
        _ = try await h.ok("CreateStream", #"{"StreamName":"s","ShardCount":2}"#)
        let arn = "arn:aws:kinesis:us-east-1:000000000000:stream/s"
        let mon = try await h.ok("EnableEnhancedMonitoring", #"{"StreamName":"s","ShardLevelMetrics":["IncomingBytes","OutgoingRecords"]}"#)
        #expect(mon["DesiredShardLevelMetrics"] == .array([.string("IncomingBytes"), .string("OutgoingRecords")]))
        _ = try await h.ok("DisableEnhancedMonitoring", #"{"StreamName":"s","ShardLevelMetrics":["IncomingBytes"]}"#)
        _ = try await h.ok("StartStreamEncryption", #"{"StreamName":"s","EncryptionType":"KMS","KeyId":"alias/aws/kinesis"}"#)
        let summary = try #require(try await h.ok("DescribeStreamSummary", #"{"StreamName":"s"}"#)["StreamDescriptionSummary"]?.object)
        #expect(summary["EncryptionType"]?.string == "KMS" && summary["KeyId"]?.string == "alias/aws/kinesis")
        #expect(summary["EnhancedMonitoring"]?.array?.first?.object?["ShardLevelMetrics"] == .array([.string("OutgoingRecords")]))
        let put = try await h.ok("PutRecord", #"{"StreamName":"s","PartitionKey":"p","Data":"AA=="}"#)
        #expect(put["EncryptionType"]?.string == "KMS")
        _ = try await h.ok("StopStreamEncryption", #"{"StreamName":"s","EncryptionType":"KMS","KeyId":"alias/aws/kinesis"}"#)
        _ = try await h.ok("UpdateMaxRecordSize", #"{"StreamARN":"\#(arn)","MaxRecordSizeInKiB":2048}"#)
        let big = Base64.encode([UInt8](repeating: 1, count: 1_500_000))
        _ = try await h.ok("PutRecord", #"{"StreamName":"s","PartitionKey":"p","Data":"\#(big)"}"#)
        _ = try await h.ok("PutResourcePolicy", #"{"ResourceARN":"\#(arn)","Policy":"{\"Version\":\"2012-10-17\",\"Statement\":[]}"}"#)
        #expect(try await h.ok("GetResourcePolicy", #"{"ResourceARN":"\#(arn)"}"#)["Policy"]?.string?.contains("Statement") == true)
        #expect(await h.error("PutResourcePolicy", #"{"ResourceARN":"\#(arn)","Policy":"not json"}"#).1 == "InvalidArgumentException")
        _ = try await h.ok("DeleteResourcePolicy", #"{"ResourceARN":"\#(arn)"}"#)
        let account = try await h.ok("UpdateAccountSettings", #"{"MinimumThroughputBillingCommitment":{"Status":"ENABLED"}}"#)
        #expect(account["MinimumThroughputBillingCommitment"]?.object?["Status"]?.string == "ENABLED")
        #expect(try await h.ok("DescribeAccountSettings", "{}")["MinimumThroughputBillingCommitment"]?.object?["Status"]?.string == "ENABLED")
        // UpdateShardCount doubles the open shards with even ranges; the old ones close.
        let scaled = try await h.ok("UpdateShardCount", #"{"StreamName":"s","TargetShardCount":4,"ScalingType":"UNIFORM_SCALING"}"#)
        #expect(scaled["CurrentShardCount"]?.int == 2 && scaled["TargetShardCount"]?.int == 4)
        let open = try #require(try await h.ok("ListShards", #"{"StreamName":"s","ShardFilter":{"Type":"AT_LATEST"}}"#)["Shards"]?.array)
        #expect(open.count == 4)
        #expect(open[1].object?["ParentShardId"]?.string == "shardId-000000000000")
        #expect(await h.error("UpdateShardCount", #"{"StreamName":"s","TargetShardCount":9,"ScalingType":"UNIFORM_SCALING"}"#).1 == "LimitExceededException")
        _ = try await h.ok("UpdateStreamMode", #"{"StreamARN":"\#(arn)","StreamModeDetails":{"StreamMode":"ON_DEMAND"}}"#)
        let mode = try await h.ok("DescribeStreamSummary", #"{"StreamName":"s"}"#)["StreamDescriptionSummary"]?.object
        #expect(mode?["StreamModeDetails"]?.object?["StreamMode"]?.string == "ON_DEMAND")
    }

    @Test func closedShardsAgeOutWithRetention() async throws {
        let h = try Harness()
        _ = try await h.ok("CreateStream", #"{"StreamName":"s","ShardCount":1}"#)
        _ = try await h.ok("SplitShard", #"{"StreamName":"s","ShardToSplit":"shardId-000000000000","NewStartingHashKey":"1000"}"#)
        h.advance(23 * 3_600_000)
        h.service.store.maintain(now: h.clock.now)
        #expect(try await h.ok("ListShards", #"{"StreamName":"s"}"#)["Shards"]?.array?.count == 3)
        h.advance(2 * 3_600_000)
        h.service.store.maintain(now: h.clock.now)
        let shards = try await h.ok("ListShards", #"{"StreamName":"s"}"#)["Shards"]?.array
        #expect(shards?.map { $0.object!["ShardId"]!.string! } == ["shardId-000000000001", "shardId-000000000002"])
    }
}
