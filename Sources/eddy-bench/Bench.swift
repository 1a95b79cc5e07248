import ArgumentParser
import Foundation
import NIOCore
import NIOPosix

/// Measures the Kinesis core the way the README reports it: start-to-ready, RSS, PutRecords
/// throughput, PutRecord latency and GetRecords drain, against a server it starts itself.
@main
struct EddyBench: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "eddy-bench",
        abstract: "Benchmark Eddy on loopback and print the figures.",
        subcommands: [KinesisBench.self, S3Bench.self, DynamoDBBench.self, AlarmBench.self],
        defaultSubcommand: KinesisBench.self)
}

struct KinesisBench: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "kinesis",
        abstract: "Start-to-ready, RSS, PutRecords throughput, PutRecord latency, GetRecords drain.")

    @Option(help: "The eddy binary to start (build it with -c release first).")
    var eddy: String = ".build/release/eddy"

    @Option(help: "Records to ingest through PutRecords.")
    var records: Int = 1_000_000

    @Option(help: "Records per PutRecords call.")
    var batch: Int = 500

    @Option(help: "Bytes of data per record.")
    var recordBytes: Int = 100

    @Option(help: "Concurrent connections for PutRecords.")
    var connections: Int = 16

    @Option(help: "Shards in the benchmark stream.")
    var shards: Int = 4

    @Option(help: "Sequential PutRecord calls for the latency figure.")
    var putRecordCalls: Int = 5000

    @Option(help: "fsync policy for the server under test.")
    var fsync: String = "interval"

    @Flag(help: "Keep a console live tail of the stream open (curl) while PutRecords runs.")
    var withTail = false

    func run() async throws {
        let readyTimes = try (0..<5).map { _ in try measureStartToReady() }
        print(String(format: "start-to-ready: median %.1f ms (min %.1f, max %.1f) over 5 starts",
                     median(readyTimes), readyTimes.min() ?? 0, readyTimes.max() ?? 0))

        let server = try ServerProcess.start(eddy: eddy, extraArgs: ["--fsync", fsync])
        defer { server.stop() }
        try await Task.sleep(for: .milliseconds(500))
        print(String(format: "RSS idle: %.1f MiB", server.rssMiB()))

        let group = MultiThreadedEventLoopGroup(numberOfThreads: 1)
        let control = try await HTTPConnection.connect(host: "127.0.0.1", port: server.port, group: group)
        _ = try await control.post(target: "Kinesis_20131202.CreateStream",
                                   body: ByteBuffer(string: #"{"StreamName":"bench","ShardCount":\#(shards)}"#))
        try await Task.sleep(for: .milliseconds(200))
        // A page's live tail, read the whole time on a thread of its own (its events counted at the end).
        let tail = withTail ? TailReader(port: server.port, path: "/_eddy/api/kinesis/tail?stream=bench") : nil
        if tail != nil { try await Task.sleep(for: .milliseconds(500)) }

        // PutRecords: prebuilt bodies with distinct partition keys so every shard gets its share.
        let bodies = (0..<8).map { n in putRecordsBody(variant: n) }
        let calls = records / batch
        let connectionsList = try await withThrowingTaskGroup(of: HTTPConnection.self) { g in
            for _ in 0..<connections { g.addTask { try await HTTPConnection.connect(host: "127.0.0.1", port: server.port, group: group) } }
            return try await g.reduce(into: []) { $0.append($1) }
        }
        let next = Counter()
        let start = DispatchTime.now().uptimeNanoseconds
        let latencies = try await withThrowingTaskGroup(of: [Double].self) { g in
            for c in connectionsList {
                g.addTask {
                    var lat: [Double] = []
                    while true {
                        let i = next.next()
                        if i >= calls { break }
                        let t0 = DispatchTime.now().uptimeNanoseconds
                        let (status, body) = try await c.post(target: "Kinesis_20131202.PutRecords", body: bodies[i % bodies.count])
                        guard status == 200, !String(buffer: body).contains("\"ErrorCode\"") else {
                            throw BenchError("PutRecords answered \(status): \(String(buffer: body).prefix(200))")
                        }
                        lat.append(Double(DispatchTime.now().uptimeNanoseconds - t0) / 1e6)
                    }
                    return lat
                }
            }
            return try await g.reduce(into: []) { $0 += $1 }
        }
        let seconds = Double(DispatchTime.now().uptimeNanoseconds - start) / 1e9
        let total = Double(calls * batch)
        print(String(format: "PutRecords: %.0f records/s, %.1f MB/s of data (%d calls x %d x %d B, %d shards, %d connections, %.2f s); call p50 %.2f ms p99 %.2f ms",
                     total / seconds, total * Double(recordBytes) / seconds / 1e6, calls, batch, recordBytes, shards, connections, seconds,
                     percentile(latencies, 0.5), percentile(latencies, 0.99)))
        if let tail {
            let events = tail.stop()
            let batches = events.components(separatedBy: "event: records").count - 1
            let seen = events.components(separatedBy: "\"seen\":").dropFirst().compactMap { Int($0.prefix { $0.isNumber }) }.reduce(0, +)
            let sent = events.components(separatedBy: "\"sent\":").dropFirst().compactMap { Int($0.prefix { $0.isNumber }) }.reduce(0, +)
            print("  with a live tail open: \(batches) event batches, \(sent) records sent of \(seen) read by the tail")
        }
        try await Task.sleep(for: .milliseconds(1500))
        print(String(format: "RSS after %d records: %.1f MiB", calls * batch, server.rssMiB()))

        // PutRecord latency, one connection, sequential.
        var single: [Double] = []
        let data = String(repeating: "A", count: (recordBytes + 2) / 3 * 4)
        for i in 0..<(putRecordCalls + 200) {
            let body = ByteBuffer(string: #"{"StreamName":"bench","PartitionKey":"k\#(i)","Data":"\#(data)"}"#)
            let t0 = DispatchTime.now().uptimeNanoseconds
            let (status, _) = try await control.post(target: "Kinesis_20131202.PutRecord", body: body)
            guard status == 200 else { throw BenchError("PutRecord answered \(status)") }
            if i >= 200 { single.append(Double(DispatchTime.now().uptimeNanoseconds - t0) / 1e6) }
        }
        print(String(format: "PutRecord latency (1 connection, %d calls): p50 %.3f ms, p99 %.3f ms, max %.3f ms",
                     putRecordCalls, percentile(single, 0.5), percentile(single, 0.99), single.max() ?? 0))

        // GetRecords: drain every shard from TRIM_HORIZON, shards in parallel.
        let drainStart = DispatchTime.now().uptimeNanoseconds
        let drained = try await withThrowingTaskGroup(of: Int.self) { g in
            for s in 0..<shards {
                let c = connectionsList[s % connectionsList.count]
                g.addTask { try await drain(shard: s, connection: c) }
            }
            return try await g.reduce(0, +)
        }
        let drainSeconds = Double(DispatchTime.now().uptimeNanoseconds - drainStart) / 1e9
        print(String(format: "GetRecords drain: %.0f records/s (%d records, %.2f s, Limit 10000)", Double(drained) / drainSeconds, drained, drainSeconds))
        print(String(format: "RSS at end: %.1f MiB", server.rssMiB()))
        for c in connectionsList { await c.close() }
        await control.close()
        try await group.shutdownGracefully()
    }

    func drain(shard: Int, connection: HTTPConnection) async throws -> Int {
        let id = "shardId-" + String(format: "%012d", shard)
        let (_, itBody) = try await connection.post(target: "Kinesis_20131202.GetShardIterator",
            body: ByteBuffer(string: #"{"StreamName":"bench","ShardId":"\#(id)","ShardIteratorType":"TRIM_HORIZON"}"#))
        var iterator = try field("ShardIterator", in: itBody)
        var count = 0
        while true {
            let (status, body) = try await connection.post(target: "Kinesis_20131202.GetRecords",
                body: ByteBuffer(string: #"{"ShardIterator":"\#(iterator)","Limit":10000}"#))
            guard status == 200 else { throw BenchError("GetRecords answered \(status): \(String(buffer: body).prefix(200))") }
            let n = occurrences(of: sequenceMarker, in: body)
            count += n
            iterator = try field("NextShardIterator", in: body)
            if n == 0 { break }
        }
        return count
    }

    func putRecordsBody(variant: Int) -> ByteBuffer {
        let data = Data((0..<recordBytes).map { UInt8(truncatingIfNeeded: $0 &* 7 &+ variant) }).base64EncodedString()
        var s = #"{"StreamName":"bench","Records":["#
        for i in 0..<batch {
            if i > 0 { s += "," }
            s += #"{"Data":"\#(data)","PartitionKey":"pk-\#(variant)-\#(i)"}"#
        }
        s += "]}"
        return ByteBuffer(string: s)
    }

    func measureStartToReady() throws -> Double {
        let t0 = DispatchTime.now().uptimeNanoseconds
        let server = try ServerProcess.start(eddy: eddy, extraArgs: [])
        let ms = Double(server.readyAt - t0) / 1e6
        server.stop()
        return ms
    }
}

func field(_ name: String, in body: ByteBuffer) throws -> String {
    let text = String(buffer: body)
    guard let r = text.range(of: "\"\(name)\":\"") else { throw BenchError("no \(name) in \(text.prefix(200))") }
    let rest = text[r.upperBound...]
    return String(rest.prefix { $0 != "\"" })
}

let sequenceMarker = Array("\"SequenceNumber\"".utf8)

/// Counts a byte pattern (the bench must not spend longer reading answers than the server writing them).
func occurrences(of pattern: [UInt8], in buffer: ByteBuffer) -> Int {
    buffer.withUnsafeReadableBytes { bytes in
        var count = 0, i = 0
        let n = bytes.count, m = pattern.count
        while i + m <= n {
            if bytes[i] == pattern[0] && bytes[i + 1] == pattern[1] {
                var j = 2
                while j < m && bytes[i + j] == pattern[j] { j += 1 }
                if j == m { count += 1; i += m; continue }
            }
            i += 1
        }
        return count
    }
}

func percentile(_ values: [Double], _ p: Double) -> Double {
    let sorted = values.sorted()
    return sorted[min(sorted.count - 1, Int(Double(sorted.count) * p))]
}

func median(_ values: [Double]) -> Double { percentile(values, 0.5) }

struct BenchError: Error, CustomStringConvertible {
    var description: String
    init(_ d: String) { description = d }
}

final class Counter: @unchecked Sendable {
    private let lock = NSLock()
    private var value = 0
    func next() -> Int { lock.lock(); defer { lock.unlock() }; value += 1; return value - 1 }
}

/// The server under test, started with an ephemeral data dir on a free port.
final class ServerProcess: @unchecked Sendable {
    let process: Process
    let port: Int
    let readyAt: UInt64

    static func start(eddy: String, extraArgs: [String]) throws -> ServerProcess {
        let port = freePort()
        let p = Process()
        p.executableURL = URL(fileURLWithPath: eddy)
        p.arguments = ["serve", "--ephemeral", "--port", String(port), "--log-level", "warning"] + extraArgs
        let out = Pipe()
        p.standardOutput = out
        p.standardError = FileHandle.nullDevice
        try p.run()
        var line = Data()
        while !line.contains(UInt8(ascii: "\n")) {
            let chunk = out.fileHandleForReading.availableData
            if chunk.isEmpty { throw BenchError("server exited before Ready.") }
            line.append(chunk)
        }
        return ServerProcess(process: p, port: port, readyAt: DispatchTime.now().uptimeNanoseconds)
    }

    private init(process: Process, port: Int, readyAt: UInt64) {
        self.process = process
        self.port = port
        self.readyAt = readyAt
    }

    /// User plus system CPU seconds the server has used (from /proc).
    func cpuSeconds() -> Double {
        guard let stat = try? String(contentsOfFile: "/proc/\(process.processIdentifier)/stat", encoding: .utf8),
              let close = stat.lastIndex(of: ")") else { return 0 }
        let fields = stat[stat.index(after: close)...].split(separator: " ")
        // After the command: state is field 3, utime 14 and stime 15 (1-based, of the whole line).
        guard fields.count > 13, let user = Double(fields[11]), let system = Double(fields[12]) else { return 0 }
        return (user + system) / Double(sysconf(Int32(_SC_CLK_TCK)))
    }

    func rssMiB() -> Double {
        guard let status = try? String(contentsOfFile: "/proc/\(process.processIdentifier)/status", encoding: .utf8),
              let line = status.split(separator: "\n").first(where: { $0.hasPrefix("VmRSS:") }) else { return -1 }
        let kb = Double(line.split(separator: " ").dropFirst().first ?? "0") ?? 0
        return kb / 1024
    }

    func stop() {
        process.terminate()
        process.waitUntilExit()
    }

    static func freePort() -> Int {
        let fd = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
        defer { close(fd) }
        var addr = sockaddr_in()
        addr.sin_family = sa_family_t(AF_INET)
        addr.sin_addr.s_addr = inet_addr("127.0.0.1")
        addr.sin_port = 0
        var len = socklen_t(MemoryLayout<sockaddr_in>.size)
        _ = withUnsafePointer(to: &addr) { $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { bind(fd, $0, len) } }
        _ = withUnsafeMutablePointer(to: &addr) { $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { getsockname(fd, $0, &len) } }
        return Int(UInt16(bigEndian: addr.sin_port))
    }
}

/// A console live tail read with a plain socket on its own thread, as a browser page would hold
/// it open, until `stop()` (which answers what it read).
final class TailReader: @unchecked Sendable {
    let fd: Int32
    let lock = NSLock()
    var received: [UInt8] = []
    let done = DispatchSemaphore(value: 0)

    init(port: Int, path: String) {
        fd = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
        var addr = sockaddr_in()
        addr.sin_family = sa_family_t(AF_INET)
        addr.sin_addr.s_addr = inet_addr("127.0.0.1")
        addr.sin_port = UInt16(port).bigEndian
        _ = withUnsafePointer(to: &addr) { $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { connect(fd, $0, socklen_t(MemoryLayout<sockaddr_in>.size)) } }
        let request = Array("GET \(path) HTTP/1.1\r\nHost: 127.0.0.1\r\nAccept: text/event-stream\r\n\r\n".utf8)
        _ = request.withUnsafeBytes { send(fd, $0.baseAddress, $0.count, 0) }
        let reader = self
        Thread {
            var buffer = [UInt8](repeating: 0, count: 65_536)
            while true {
                let n = buffer.withUnsafeMutableBytes { recv(reader.fd, $0.baseAddress, $0.count, 0) }
                if n <= 0 { break }
                reader.lock.lock()
                reader.received += buffer[0..<n]
                reader.lock.unlock()
            }
            reader.done.signal()
        }.start()
    }

    func stop() -> String {
        shutdown(fd, Int32(SHUT_RDWR))
        done.wait()
        close(fd)
        lock.lock()
        defer { lock.unlock() }
        return String(decoding: received, as: UTF8.self)
    }
}
