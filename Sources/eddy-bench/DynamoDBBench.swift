import ArgumentParser
import Foundation
import NIOCore
import NIOPosix

/// DynamoDB on a table of many items: loading it (BatchWriteItem), PutItem and GetItem ops/s
/// and latency on 16 connections, Query paging through 1 MB pages, and the server's RSS.
struct DynamoDBBench: AsyncParsableCommand {
    static let configuration = CommandConfiguration(commandName: "dynamodb", abstract: "DynamoDB item ops/s, latency, Query MB/s and RSS.")

    @Option(help: "The eddy binary to start.")
    var eddy: String = ".build/release/eddy"

    @Option(help: "Items loaded into the table before measuring.")
    var items: Int = 1_000_000

    @Option(help: "Connections making requests at once.")
    var connections: Int = 16

    @Option(help: "PutItem and GetItem calls measured (each).")
    var calls: Int = 40_000

    func run() async throws {
        let server = try ServerProcess.start(eddy: eddy, extraArgs: [])
        defer { server.stop() }
        let group = MultiThreadedEventLoopGroup(numberOfThreads: 2)
        var pool: [HTTPConnection] = []
        for _ in 0..<connections { pool.append(try await HTTPConnection.connect(host: "127.0.0.1", port: server.port, group: group)) }
        let c = pool[0]
        print(String(format: "RSS idle: %.1f MiB", server.rssMiB()))
        for (name, schema) in [("bench", #"[{"AttributeName":"pk","KeyType":"HASH"}]"#),
                               ("bench-ranged", #"[{"AttributeName":"pk","KeyType":"HASH"},{"AttributeName":"sk","KeyType":"RANGE"}]"#)] {
            let body = #"{"TableName":"\#(name)","BillingMode":"PAY_PER_REQUEST","KeySchema":\#(schema),"AttributeDefinitions":[{"AttributeName":"pk","AttributeType":"S"},{"AttributeName":"sk","AttributeType":"N"}]}"#
            let fixed = name == "bench" ? body.replacingOccurrences(of: #",{"AttributeName":"sk","AttributeType":"N"}"#, with: "") : body
            try await call(c, "CreateTable", fixed)
        }
        try await Task.sleep(for: .milliseconds(200))

        // Load: 25 items a call, on every connection.
        let padding = String(repeating: "x", count: 60)
        let batches = Counter()
        let total = (items + 24) / 25
        let t0 = DispatchTime.now().uptimeNanoseconds
        try await withThrowingTaskGroup(of: Void.self) { tasks in
            for connection in pool {
                tasks.addTask {
                    while true {
                        let b = batches.next()
                        guard b < total else { return }
                        let puts = (b * 25..<min(items, b * 25 + 25)).map { i in
                            #"{"PutRequest":{"Item":{"pk":{"S":"customer-\#(i)"},"n":{"N":"\#(i)"},"pad":{"S":"\#(padding)"}}}}"#
                        }
                        try await call(connection, "BatchWriteItem", #"{"RequestItems":{"bench":[\#(puts.joined(separator: ","))]}}"#)
                    }
                }
            }
            try await tasks.waitForAll()
        }
        let loadSeconds = Double(DispatchTime.now().uptimeNanoseconds - t0) / 1e9
        print(String(format: "load: %d items (~100 B) by BatchWriteItem on %d connections: %.0f items/s; RSS %.1f MiB",
                     items, connections, Double(items) / loadSeconds, server.rssMiB()))

        for operation in ["PutItem", "GetItem"] {
            let counter = Counter()
            let latencies = LatencyLog()
            let t1 = DispatchTime.now().uptimeNanoseconds
            try await withThrowingTaskGroup(of: Void.self) { tasks in
                for connection in pool {
                    tasks.addTask {
                        var random = SystemRandomNumberGenerator()
                        while counter.next() < calls {
                            let i = Int.random(in: 0..<max(1, items), using: &random)
                            let body = operation == "PutItem"
                                ? #"{"TableName":"bench","Item":{"pk":{"S":"customer-\#(i)"},"n":{"N":"\#(i + 1)"},"pad":{"S":"\#(padding)"}}}"#
                                : #"{"TableName":"bench","Key":{"pk":{"S":"customer-\#(i)"}}}"#
                            let started = DispatchTime.now().uptimeNanoseconds
                            try await call(connection, operation, body)
                            latencies.add(Double(DispatchTime.now().uptimeNanoseconds - started) / 1e6)
                        }
                    }
                }
                try await tasks.waitForAll()
            }
            let seconds = Double(DispatchTime.now().uptimeNanoseconds - t1) / 1e9
            let values = latencies.values
            print(String(format: "%@ on a %d-item table, %d connections: %.0f ops/s, p50 %.2f ms, p99 %.2f ms",
                         operation, items, connections, Double(calls) / seconds, percentile(values, 0.5), percentile(values, 0.99)))
        }

        // Query: one partition of 20,000 items of ~1 KB, paged through in 1 MB pages.
        let kilobyte = String(repeating: "q", count: 1000)
        let queryItems = 20_000
        let rows = Counter()
        try await withThrowingTaskGroup(of: Void.self) { tasks in
            for connection in pool {
                tasks.addTask {
                    while true {
                        let b = rows.next()
                        guard b * 25 < queryItems else { return }
                        let puts = (b * 25..<min(queryItems, b * 25 + 25)).map { i in
                            #"{"PutRequest":{"Item":{"pk":{"S":"device-1"},"sk":{"N":"\#(i)"},"v":{"S":"\#(kilobyte)"}}}}"#
                        }
                        try await call(connection, "BatchWriteItem", #"{"RequestItems":{"bench-ranged":[\#(puts.joined(separator: ","))]}}"#)
                    }
                }
            }
            try await tasks.waitForAll()
        }
        var bytes = 0, pages = 0
        var start: String?
        let t2 = DispatchTime.now().uptimeNanoseconds
        repeat {
            let exclusive = start.map { #","ExclusiveStartKey":{"pk":{"S":"device-1"},"sk":{"N":"\#($0)"}}"# } ?? ""
            let answer = try await call(c, "Query", #"{"TableName":"bench-ranged","KeyConditionExpression":"pk = :p","ExpressionAttributeValues":{":p":{"S":"device-1"}}\#(exclusive)}"#)
            bytes += answer.readableBytes
            pages += 1
            start = Self.lastSortKey(answer)
        } while start != nil
        let querySeconds = Double(DispatchTime.now().uptimeNanoseconds - t2) / 1e9
        print(String(format: "Query of %d items of ~1 KB: %d pages, %.0f MB/s of answers (%.1f ms a page); RSS %.1f MiB",
                     queryItems, pages, Double(bytes) / 1e6 / querySeconds, querySeconds * 1000 / Double(pages), server.rssMiB()))
        for connection in pool { await connection.close() }
    }

    @discardableResult
    func call(_ connection: HTTPConnection, _ operation: String, _ body: String) async throws -> ByteBuffer {
        let (status, answer) = try await connection.post(target: "DynamoDB_20120810.\(operation)", body: ByteBuffer(string: body),
                                                         service: "dynamodb", contentType: "application/x-amz-json-1.0")
        guard status == 200 else { throw BenchError("\(operation) answered \(status): \(String(buffer: answer).prefix(300))") }
        return answer
    }

    /// The sort key of a Query answer's LastEvaluatedKey.
    static func lastSortKey(_ answer: ByteBuffer) -> String? {
        let text = String(buffer: answer)
        guard let range = text.range(of: #""LastEvaluatedKey":"#) else { return nil }
        let rest = text[range.upperBound...]
        guard let sk = rest.range(of: #""sk":{"N":""#) else { return nil }
        return String(rest[sk.upperBound...].prefix { $0 != "\"" })
    }
}

final class LatencyLog: @unchecked Sendable {
    private let lock = NSLock()
    private var all: [Double] = []
    func add(_ v: Double) { lock.lock(); all.append(v); lock.unlock() }
    var values: [Double] { lock.lock(); defer { lock.unlock() }; return all }
}
