import Foundation
import Testing
import EddyStorage
import EddyWire
@testable import EddyCloudWatch

@Suite struct AWSQueryTests {
    let model = try! ServiceModel(json: CloudWatchServiceModel.json)

    @Test func formBecomesTheInputTree() throws {
        let body = "Action=PutMetricData&Version=2010-08-01&Namespace=My+App&MetricData.member.1.MetricName=M"
            + "&MetricData.member.1.Value=2.5&MetricData.member.1.Timestamp=2026-11-23T10%3A00%3A00.250Z"
            + "&MetricData.member.1.Dimensions.member.1.Name=D&MetricData.member.1.Dimensions.member.1.Value=v"
            + "&MetricData.member.2.MetricName=N&MetricData.member.2.Values.member.1=1&MetricData.member.2.Values.member.2=2"
        let pairs = AWSQueryProtocol.form(Array(body.utf8))
        #expect(pairs["Action"] == "PutMetricData")
        let input = AWSQueryProtocol.input(pairs, operation: "PutMetricData", model: model)
        #expect(input["Namespace"]?.string == "My App")
        let data = try #require(input["MetricData"]?.array)
        #expect(data.count == 2)
        #expect(data[0].object?["Value"]?.double == 2.5)
        #expect(data[0].object?["Timestamp"]?.double == Double(AWSDate.parse("2026-11-23T10:00:00Z")!) / 1000 + 0.25)
        #expect(data[0].object?["Dimensions"]?.array?.first?.object?["Value"]?.string == "v")
        #expect(data[1].object?["Values"]?.array?.count == 2)
        try ShapeValidator(model: model).validate(input, operation: "PutMetricData")
    }

    @Test func answersAreWrappedXML() {
        let json = Array(#"{"Label":"M","Datapoints":[{"Timestamp":1795392000,"Sum":2.5,"Unit":"None"}]}"#.utf8)
        let xml = String(decoding: AWSQueryProtocol.xml(json: json, operation: "GetMetricStatistics", model: model,
                                                        namespace: "ns", requestId: "r1"), as: UTF8.self)
        // Members follow the model (alphabetical here); XML readers do not depend on the order.
        #expect(xml.contains("<GetMetricStatisticsResponse xmlns=\"ns\"><GetMetricStatisticsResult><Datapoints><member>"))
        #expect(xml.contains("<Sum>2.5</Sum><Timestamp>2026-11-23T00:00:00.000Z</Timestamp><Unit>None</Unit></member></Datapoints><Label>M</Label>"))
        #expect(xml.hasSuffix("<ResponseMetadata><RequestId>r1</RequestId></ResponseMetadata></GetMetricStatisticsResponse>"))
    }
}

@Suite struct MetricStoreTests {
    @Test func aggregatesPerMinuteAndPersists() throws {
        let dir = NSTemporaryDirectory() + "eddy-cw-" + UUID().uuidString
        try FileSystem.createDirectory(dir)
        defer { FileSystem.remove(dir) }
        let store = try MetricStore(path: dir + "/m.sqlite")
        let t: Int64 = 1_795_392_000_000
        for (i, v) in [1.0, 5.0, 3.0].enumerated() {
            store.record(MetricDatum(account: "a", region: "r", namespace: "N", name: "M", dimensions: [("B", "2"), ("A", "1")],
                                     unit: "Count", value: v, timestampMillis: t + Int64(i) * 1000))
        }
        store.record(MetricDatum(account: "a", region: "r", namespace: "N", name: "M", dimensions: [("A", "1"), ("B", "2")],
                                 unit: "Count", value: 10, timestampMillis: t + 61_000))
        let rows = try store.rows(account: "a", region: "r", namespace: "N", name: "M", dimensions: [("A", "1"), ("B", "2")],
                                  start: t / 1000 - 60, end: t / 1000 + 3600)
        #expect(rows.count == 2)
        #expect(rows[0].count == 3 && rows[0].sum == 9 && rows[0].minimum == 1 && rows[0].maximum == 5)
        #expect(rows[1].sum == 10)
        let reopened = try MetricStore(path: dir + "/m.sqlite")
        #expect(try reopened.metrics(account: "a", region: "r", namespace: "N", name: nil, since: 0).count == 1)
        #expect(try reopened.rows(account: "a", region: "r", namespace: "N", name: "M", dimensions: [("A", "1")],
                                  start: 0, end: Int64.max / 2).isEmpty)
    }
}
