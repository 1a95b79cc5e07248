import ArgumentParser
import Foundation
import NIOCore
import NIOPosix

/// What CloudWatch alarms cost the server: many alarms over the Kinesis metrics of many real
/// streams (sums, maxima, a percentile, M of N, metric math), evaluated in rounds; prints the
/// time a round takes, what that is at CloudWatch's one-minute cadence, and the server's CPU.
struct AlarmBench: AsyncParsableCommand {
    static let configuration = CommandConfiguration(commandName: "alarms", abstract: "CloudWatch alarm evaluation cost on Kinesis metrics.")

    @Option(help: "The eddy binary to start.")
    var eddy: String = ".build/release/eddy"

    @Option(help: "Streams, each with records put and read so its metrics exist.")
    var streams: Int = 100

    @Option(help: "Alarms in all, spread over the streams and ten kinds.")
    var alarms: Int = 1000

    @Option(help: "Seconds measured while the alarms are evaluated.")
    var seconds: Int = 30

    func run() async throws {
        // Rounds every second, so a short run sees many; the cost per round is what counts.
        let server = try ServerProcess.start(eddy: eddy, extraArgs: ["--alarm-interval", "1"])
        defer { server.stop() }
        let group = MultiThreadedEventLoopGroup(numberOfThreads: 1)
        let c = try await HTTPConnection.connect(host: "127.0.0.1", port: server.port, group: group)
        for s in 0..<streams {
            try await kinesis(c, "CreateStream", #"{"StreamName":"stream-\#(s)","ShardCount":1}"#)
        }
        try await Task.sleep(for: .milliseconds(500))
        let records = (0..<50).map { #"{"PartitionKey":"k\#($0)","Data":"eHh4eA=="}"# }.joined(separator: ",")
        for s in 0..<streams {
            try await kinesis(c, "PutRecords", #"{"StreamName":"stream-\#(s)","Records":[\#(records)]}"#)
            let iterator = try await kinesis(c, "GetShardIterator",
                                             #"{"StreamName":"stream-\#(s)","ShardId":"shardId-000000000000","ShardIteratorType":"TRIM_HORIZON"}"#)
            if let token = Self.field("ShardIterator", in: iterator) {
                try await kinesis(c, "GetRecords", #"{"ShardIterator":"\#(token)"}"#)
            }
        }
        let kinds: [(String, String)] = [
            ("IncomingRecords", #""Statistic":"Sum""#), ("IncomingBytes", #""Statistic":"Sum""#),
            ("GetRecords.IteratorAgeMilliseconds", #""Statistic":"Maximum""#),
            ("WriteProvisionedThroughputExceeded", #""Statistic":"Sum""#), ("ReadProvisionedThroughputExceeded", #""Statistic":"Sum""#),
            ("PutRecords.Latency", #""ExtendedStatistic":"p99""#), ("PutRecords.SuccessfulRecords", #""Statistic":"Average""#),
            ("GetRecords.Records", #""Statistic":"Sum","DatapointsToAlarm":3"#), ("IncomingRecords", #""Statistic":"Average","DatapointsToAlarm":2"#),
        ]
        let t0 = DispatchTime.now().uptimeNanoseconds
        for a in 0..<alarms {
            let stream = "stream-\(a % streams)"
            let kind = a / streams % (kinds.count + 1)
            let body: String
            if kind == kinds.count {
                body = #"{"AlarmName":"alarm-\#(a)","EvaluationPeriods":3,"Threshold":100,"ComparisonOperator":"GreaterThanThreshold","Metrics":[{"Id":"bytes","ReturnData":false,"MetricStat":{"Metric":{"Namespace":"AWS/Kinesis","MetricName":"IncomingBytes","Dimensions":[{"Name":"StreamName","Value":"\#(stream)"}]},"Period":60,"Stat":"Sum"}},{"Id":"records","ReturnData":false,"MetricStat":{"Metric":{"Namespace":"AWS/Kinesis","MetricName":"IncomingRecords","Dimensions":[{"Name":"StreamName","Value":"\#(stream)"}]},"Period":60,"Stat":"Sum"}},{"Id":"size","Expression":"FILL(bytes / records, 0)","ReturnData":true}]}"#
            } else {
                let (metric, statistic) = kinds[kind]
                body = #"{"AlarmName":"alarm-\#(a)","Namespace":"AWS/Kinesis","MetricName":"\#(metric)","Dimensions":[{"Name":"StreamName","Value":"\#(stream)"}],\#(statistic),"Period":60,"EvaluationPeriods":5,"Threshold":10,"ComparisonOperator":"GreaterThanThreshold","TreatMissingData":"notBreaching"}"#
            }
            try await cloudwatch(c, "PutMetricAlarm", body)
        }
        let createSeconds = Double(DispatchTime.now().uptimeNanoseconds - t0) / 1e9
        print(String(format: "%d streams, %d alarms created in %.2f s (%.0f PutMetricAlarm/s); RSS %.1f MiB",
                     streams, alarms, createSeconds, Double(alarms) / createSeconds, server.rssMiB()))
        // Let the first rounds settle the states, then measure.
        try await Task.sleep(for: .seconds(3))
        let before = try await counters(c), cpuBefore = server.cpuSeconds()
        let w0 = DispatchTime.now().uptimeNanoseconds
        try await Task.sleep(for: .seconds(seconds))
        let after = try await counters(c), cpuAfter = server.cpuSeconds()
        let wall = Double(DispatchTime.now().uptimeNanoseconds - w0) / 1e9
        let rounds = after.rounds - before.rounds, evaluated = after.alarms - before.alarms
        guard rounds > 0 else { throw BenchError("no evaluation round ran in \(seconds) s") }
        let perAlarm = (after.seconds - before.seconds) / max(1, evaluated)
        let perRound = perAlarm * Double(alarms)
        print(String(format: "evaluation: %.0f alarms evaluated in %.0f rounds over %.0f s; %.1f µs an alarm, %.1f ms a round of all %d",
                     evaluated, rounds, wall, perAlarm * 1e6, perRound * 1000, alarms))
        print(String(format: "at CloudWatch's cadence (a round a minute): %.2f%% of one core", perRound / 60 * 100))
        print(String(format: "server CPU while evaluating a round every second: %.1f%% of one core; RSS %.1f MiB",
                     (cpuAfter - cpuBefore) / wall * 100, server.rssMiB()))
        await c.close()
    }

    static func field(_ name: String, in answer: ByteBuffer) -> String? {
        let text = String(buffer: answer)
        guard let range = text.range(of: "\"\(name)\":\"") else { return nil }
        return String(text[range.upperBound...].prefix { $0 != "\"" })
    }

    @discardableResult
    func kinesis(_ c: HTTPConnection, _ operation: String, _ body: String) async throws -> ByteBuffer {
        let (status, answer) = try await c.post(target: "Kinesis_20131202.\(operation)", body: ByteBuffer(string: body))
        guard status == 200 else { throw BenchError("\(operation) answered \(status): \(String(buffer: answer).prefix(300))") }
        return answer
    }

    func cloudwatch(_ c: HTTPConnection, _ operation: String, _ body: String) async throws {
        let (status, answer) = try await c.post(target: "GraniteServiceVersion20100801.\(operation)", body: ByteBuffer(string: body),
                                                service: "monitoring", contentType: "application/x-amz-json-1.0")
        guard status == 200 else { throw BenchError("\(operation) answered \(status): \(String(buffer: answer).prefix(300))") }
    }

    /// The evaluation counters of `/metrics`.
    func counters(_ c: HTTPConnection) async throws -> (rounds: Double, alarms: Double, seconds: Double) {
        let (_, body) = try await c.request(method: .GET, path: "/metrics", body: ByteBuffer())
        var values: [String: Double] = [:]
        for line in String(buffer: body).split(separator: "\n") where line.hasPrefix("eddy_cloudwatch_alarm_evaluation") {
            let parts = line.split(separator: " ")
            if parts.count == 2 { values[String(parts[0])] = Double(parts[1]) }
        }
        return (values["eddy_cloudwatch_alarm_evaluation_rounds_total"] ?? 0, values["eddy_cloudwatch_alarm_evaluations_total"] ?? 0,
                values["eddy_cloudwatch_alarm_evaluation_seconds_total"] ?? 0)
    }
}
