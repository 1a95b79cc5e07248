import ArgumentParser
import Foundation
import NIOCore
import NIOPosix

/// S3 throughput: PUT and GET of 1 MiB and 64 MiB objects, 4 KiB object ops/s, and the
/// server's RSS while a 1 GiB object goes up and comes back.
struct S3Bench: AsyncParsableCommand {
    static let configuration = CommandConfiguration(commandName: "s3", abstract: "S3 PUT/GET throughput and RSS.")

    @Option(help: "The eddy binary to start.")
    var eddy: String = ".build/release/eddy"

    @Option(name: .customLong("large-mib"), help: "Size of the large transfer for the RSS figure, in MiB.")
    var largeMiB: Int = 1024

    @Flag(help: "Turn versioning on for the bucket first.")
    var versioning = false

    @Option(help: "Fill a bucket with this many keys and time listing pages of 1,000 (0: skip).")
    var listKeys: Int = 0

    func run() async throws {
        let server = try ServerProcess.start(eddy: eddy, extraArgs: [])
        defer { server.stop() }
        let group = MultiThreadedEventLoopGroup(numberOfThreads: 1)
        let c = try await HTTPConnection.connect(host: "127.0.0.1", port: server.port, group: group)
        _ = try await c.request(method: .PUT, path: "/bench", body: ByteBuffer())
        if versioning {
            let (status, _) = try await c.request(method: .PUT, path: "/bench?versioning", body: ByteBuffer(
                string: "<VersioningConfiguration><Status>Enabled</Status></VersioningConfiguration>"))
            guard status == 200 else { throw BenchError("PutBucketVersioning answered \(status)") }
        }
        print(String(format: "RSS idle: %.1f MiB; versioning %@", server.rssMiB(), versioning ? "on" : "off"))
        if listKeys > 0 {
            try await listing(server: server, group: group)
            await c.close()
            try await group.shutdownGracefully()
            return
        }

        for (label, size, count) in [("4 KiB", 4096, 2000), ("1 MiB", 1 << 20, 200), ("64 MiB", 64 << 20, 6)] {
            var body = ByteBuffer()
            body.writeBytes((0..<size).map { UInt8(truncatingIfNeeded: $0 &* 31) })
            let t0 = DispatchTime.now().uptimeNanoseconds
            for i in 0..<count {
                let (status, _) = try await c.request(method: .PUT, path: "/bench/obj-\(size)-\(i)", body: body)
                guard status == 200 else { throw BenchError("PUT answered \(status)") }
            }
            let putSeconds = Double(DispatchTime.now().uptimeNanoseconds - t0) / 1e9
            let t1 = DispatchTime.now().uptimeNanoseconds
            for i in 0..<count {
                let (status, got) = try await c.request(method: .GET, path: "/bench/obj-\(size)-\(i)", body: ByteBuffer())
                guard status == 200, got.readableBytes == size else { throw BenchError("GET answered \(status)") }
            }
            let getSeconds = Double(DispatchTime.now().uptimeNanoseconds - t1) / 1e9
            let mb = Double(size * count) / 1e6
            print(String(format: "%@ objects (%d, 1 connection): PUT %.0f MB/s %.0f ops/s, GET %.0f MB/s %.0f ops/s",
                         label, count, mb / putSeconds, Double(count) / putSeconds, mb / getSeconds, Double(count) / getSeconds))
        }

        // RSS while a large object streams up and down, sampled every 50 ms.
        let peak = PeakSampler(server: server)
        let base = server.rssMiB()
        let sampling = Task { await peak.run() }
        let chunk = ByteBuffer(bytes: [UInt8](repeating: 7, count: 1 << 20))
        let t0 = DispatchTime.now().uptimeNanoseconds
        let status = try await c.streamUpload(path: "/bench/large", chunk: chunk, count: largeMiB)
        guard status == 200 else { throw BenchError("large PUT answered \(status)") }
        let upSeconds = Double(DispatchTime.now().uptimeNanoseconds - t0) / 1e9
        let t1 = DispatchTime.now().uptimeNanoseconds
        let received = try await c.streamDownload(path: "/bench/large")
        let downSeconds = Double(DispatchTime.now().uptimeNanoseconds - t1) / 1e9
        sampling.cancel()
        guard received == largeMiB << 20 else { throw BenchError("large GET returned \(received) bytes") }
        print(String(format: "%d MiB object: PUT %.0f MB/s, GET %.0f MB/s; server RSS before %.1f MiB, peak %.1f MiB (+%.1f MiB)",
                     largeMiB, Double(largeMiB << 20) / upSeconds / 1e6, Double(largeMiB << 20) / downSeconds / 1e6,
                     base, peak.peak, peak.peak - base))
        await c.close()
        try await group.shutdownGracefully()
    }
}

extension S3Bench {
    /// Fills a bucket with `listKeys` empty objects under 1,000 prefixes (8 connections), then
    /// times ListObjectsV2 and ListObjectVersions pages of 1,000 keys from the start, the middle
    /// and the end, with and without a delimiter.
    func listing(server: ServerProcess, group: EventLoopGroup) async throws {
        let connections = 8
        let t0 = DispatchTime.now().uptimeNanoseconds
        try await withThrowingTaskGroup(of: Void.self) { tasks in
            for w in 0..<connections {
                tasks.addTask {
                    let c = try await HTTPConnection.connect(host: "127.0.0.1", port: server.port, group: group)
                    for i in stride(from: w, to: listKeys, by: connections) {
                        let (status, _) = try await c.request(method: .PUT, path: "/bench/p\(i % 1000)/key-\(i)", body: ByteBuffer())
                        guard status == 200 else { throw BenchError("PUT answered \(status)") }
                    }
                    await c.close()
                }
            }
            try await tasks.waitForAll()
        }
        let fill = Double(DispatchTime.now().uptimeNanoseconds - t0) / 1e9
        print(String(format: "%d keys put in %.1f s (%.0f PUT/s on %d connections); RSS %.1f MiB",
                     listKeys, fill, Double(listKeys) / fill, connections, server.rssMiB()))
        let c = try await HTTPConnection.connect(host: "127.0.0.1", port: server.port, group: group)
        for (label, query) in [("ListObjectsV2", "list-type=2&max-keys=1000"), ("ListObjectsV2 delimiter /", "list-type=2&max-keys=1000&delimiter=/"),
                               ("ListObjectVersions", "versions&max-keys=1000"), ("ListObjectVersions delimiter /", "versions&max-keys=1000&delimiter=/")] {
            var times: [Double] = []
            for start in ["", "p500/", "p999/"] {
                let marker = start.isEmpty ? "" : (query.hasPrefix("versions") ? "&key-marker=\(start)" : "&start-after=\(start)")
                for _ in 0..<5 {
                    let t = DispatchTime.now().uptimeNanoseconds
                    let (status, _) = try await c.request(method: .GET, path: "/bench?\(query)\(marker)", body: ByteBuffer())
                    guard status == 200 else { throw BenchError("\(label) answered \(status)") }
                    times.append(Double(DispatchTime.now().uptimeNanoseconds - t) / 1e6)
                }
            }
            times.sort()
            print(String(format: "%@: median %.1f ms, max %.1f ms per 1,000-key page", label, times[times.count / 2], times[times.count - 1]))
        }
        await c.close()
    }
}

final class PeakSampler: @unchecked Sendable {
    let server: ServerProcess
    private let lock = NSLock()
    private var value = 0.0
    var peak: Double { lock.lock(); defer { lock.unlock() }; return value }

    init(server: ServerProcess) { self.server = server }

    func run() async {
        while !Task.isCancelled {
            let r = server.rssMiB()
            lock.withLock { value = max(value, r) }
            try? await Task.sleep(for: .milliseconds(50))
        }
    }
}
