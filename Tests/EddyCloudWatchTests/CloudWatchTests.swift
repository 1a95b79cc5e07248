import Foundation
import Testing
import EddyStorage
import EddyWire
@testable import EddyCloudWatch

@Suite struct AWSQueryTests {
    @Test func formBecomesTheTypedInput() throws {
        let body = "Action=PutMetricData&Version=2010-08-01&Namespace=My+App&MetricData.member.1.MetricName=M"
            + "&MetricData.member.1.Value=2.5&MetricData.member.1.Timestamp=2026-11-23T10%3A00%3A00.250Z"
            + "&MetricData.member.1.Dimensions.member.1.Name=D&MetricData.member.1.Dimensions.member.1.Value=v"
            + "&MetricData.member.2.MetricName=N&MetricData.member.2.Values.member.1=1&MetricData.member.2.Values.member.2=2"
        let tree = AWSQueryProtocol.tree(AWSQueryProtocol.pairs(Array(body.utf8)))
        #expect(tree.object?["Action"]?.string == "PutMetricData")
        let input = try CloudWatchAPI.PutMetricDataInput.decode(tree, style: .query)
        #expect(input.namespace == "My App")
        let data = try #require(input.metricData)
        #expect(data.count == 2)
        #expect(data[0].value == 2.5)
        #expect(data[0].timestamp?.millis == AWSDate.parse("2026-11-23T10:00:00Z").map { $0 + 250 })
        #expect(data[0].dimensions == [CloudWatchAPI.Dimension(name: "D", value: "v")])
        #expect(data[1].values == [1, 2])
    }

    @Test func answersAreWrappedXML() {
        let output = CloudWatchAPI.GetMetricStatisticsOutput(label: "M", datapoints: [
            CloudWatchAPI.Datapoint(timestamp: Timestamp(millis: 1_795_392_000_000), sum: 2.5, unit: .None,
                                    extendedStatistics: ShapeMap([("p99", 2.0)])),
        ])
        let xml = String(decoding: AWSQueryProtocol.answer(output, operation: "GetMetricStatistics",
                                                           resultWrapper: CloudWatchAPI.GetMetricStatistics.resultWrapper,
                                                           namespace: "ns", requestId: "r1"), as: UTF8.self)
        #expect(xml.contains("<GetMetricStatisticsResponse xmlns=\"ns\"><GetMetricStatisticsResult><Label>M</Label><Datapoints><member>"))
        #expect(xml.contains("<Timestamp>2026-11-23T00:00:00.000Z</Timestamp><Sum>2.5</Sum><Unit>None</Unit>"))
        #expect(xml.contains("<ExtendedStatistics><entry><key>p99</key><value>2.0</value></entry></ExtendedStatistics></member></Datapoints>"))
        #expect(xml.hasSuffix("<ResponseMetadata><RequestId>r1</RequestId></ResponseMetadata></GetMetricStatisticsResponse>"))
    }

    @Test func everyPatternInTheModelCompiles() {
        #expect(CloudWatchAPI.Patterns.all.filter { $0.pattern == nil }.map(\.source) == [])
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
