import EddyStorage
import EddyWire
import Logging

/// Moves buffered records into S3 objects when a delivery stream's buffer is full (SizeInMBs)
/// or its oldest record has waited IntervalInSeconds: one object per delivery, named as
/// Firehose names them, gzip-compressed when configured. The object key is derived from what it
/// holds, so a delivery redone after a crash rewrites the same object instead of adding one;
/// the checkpoint is committed after the object is stored.
struct Delivery {
    let store: DeliveryStore
    let objects: any ObjectWriter
    let source: (any StreamRecordSource)?
    let logger: Logger
    let metrics: (any MetricsSink)?

    func emit(_ s: DeliveryStream, _ name: String, _ value: Double, unit: String = "Count", now: Int64) {
        metrics?.record(FirehoseMetrics.datum(s, name, value, unit: unit, now: now))
    }

    struct Batch {
        var records: [SourceRecord] = []
        var bytes = 0
        var oldest = Int64.max
        var checkpoints: [(String, UInt64)] = []
        var firstPositions: [UInt64] = []
    }

    /// Delivers what is due (everything pending when `flush` is set). Returns objects written.
    @discardableResult
    func run(now: Int64, flush: Bool = false) -> Int {
        var written = 0
        for s in store.all() where s.status(now: now, createMillis: 0) == .ACTIVE && (flush || store.mayDeliver(s.id, now: now)) {
            // Decide from sizes and the oldest arrival first: records are copied out only when due.
            guard flush || isDue(s, now: now), let batch = pending(s), !batch.records.isEmpty else { continue }
            do {
                try deliver(s, batch, now: now)
                try store.commit(s.id, batch.checkpoints)
                emit(s, "DeliveryToS3.Records", Double(batch.records.count), now: now)
                emit(s, "DeliveryToS3.Bytes", Double(batch.bytes), unit: "Bytes", now: now)
                emit(s, "DeliveryToS3.Success", 1, now: now)
                emit(s, "DeliveryToS3.DataFreshness", Double(max(0, now - batch.oldest)) / 1000, unit: "Seconds", now: now)
                if s.sourceARN != nil {
                    emit(s, "DataReadFromKinesisStream.Records", Double(batch.records.count), now: now)
                    emit(s, "DataReadFromKinesisStream.Bytes", Double(batch.bytes), unit: "Bytes", now: now)
                }
                if let buffer = s.buffer, let done = batch.checkpoints.first(where: { $0.0 == "buffer" })?.1 {
                    buffer.trim(toSequence: done)
                }
                store.setFailure(s, nil)
                store.deliverySucceeded(s.id)
                written += 1
            } catch {
                emit(s, "DeliveryToS3.Success", 0, now: now)
                store.setFailure(s, "\(error)")
                let attempts = store.deliveryFailed(s.id, now: now)
                if attempts == 1 || attempts % 10 == 0 {
                    logger.warning("delivery to S3 failed; retrying with backoff (records stay buffered)",
                                   metadata: ["deliveryStream": "\(s.name)", "attempts": "\(attempts)", "error": "\(error)"])
                }
            }
        }
        return written
    }

    /// What waits for one delivery stream: every record not yet delivered, their bytes counted
    /// up to one buffer's size (enough to know the buffer is full, without reading further),
    /// and when the oldest of them arrived.
    struct Buffered {
        var records: UInt64 = 0
        var bytes = 0
        var oldest: Int64?
        var full = false
    }

    func buffered(_ s: DeliveryStream) -> Buffered {
        let limit = s.hints.bytes
        var state = Buffered()
        func add(_ p: (bytes: Int, oldest: Int64?)?, records: UInt64) {
            guard let p else { return }
            state.bytes += p.bytes
            state.records += records
            if let o = p.oldest { state.oldest = min(state.oldest ?? o, o) }
        }
        if let buffer = s.buffer {
            let bounds = buffer.bounds
            let from = max(((try? store.checkpoint(s.id, "buffer")) ?? nil) ?? 0, bounds.first)
            add(buffer.pending(from: from, maxBytes: limit), records: bounds.next > from ? bounds.next - from : 0)
        } else if let arn = s.sourceARN, let source, let shards = source.shards(ofStream: arn) {
            for shard in shards {
                let from = max(((try? store.checkpoint(s.id, "shard-\(shard.index)")) ?? nil) ?? shard.first, shard.first)
                let waiting = shard.next > from ? shard.next - from : 0
                // Once a buffer's worth is found, the rest is only counted, not read: the delivery
                // loop asks this every tick.
                if state.bytes < limit {
                    add(source.pending(stream: arn, shard: shard.index, from: from, maxBytes: limit - state.bytes), records: waiting)
                } else {
                    state.records += waiting
                }
            }
        }
        state.full = state.bytes >= limit
        return state
    }

    /// Whether the buffer is full or its oldest record has waited the buffering interval.
    func isDue(_ s: DeliveryStream, now: Int64) -> Bool {
        let state = buffered(s)
        guard let oldest = state.oldest else { return false }
        return state.full || now - oldest >= s.hints.intervalMillis
    }

    /// The records waiting for one delivery stream, up to its buffer size.
    func pending(_ s: DeliveryStream) -> Batch? {
        var batch = Batch()
        let limit = s.hints.bytes
        if let buffer = s.buffer {
            let from = (try? store.checkpoint(s.id, "buffer")) ?? nil ?? 0
            guard let result = try? buffer.read(from: from, maxRecords: 100_000, maxBytes: limit, { r in
                batch.records.append(SourceRecord(position: r.sequence, arrivalMillis: r.arrivalMillis, data: Array(r.data)))
            }) else { return nil }
            batch.checkpoints = [("buffer", result.nextSequence)]
            batch.firstPositions = [from]
        } else if let arn = s.sourceARN, let source, let shards = source.shards(ofStream: arn) {
            for shard in shards.sorted(by: { $0.index < $1.index }) {
                let name = "shard-\(shard.index)"
                // Shards the stream gains after the delivery stream started are read from their start.
                let from = (try? store.checkpoint(s.id, name)) ?? nil ?? shard.first
                guard batch.bytes < limit,
                      let (records, next) = source.read(stream: arn, shard: shard.index, from: from, maxRecords: 10_000,
                                                        maxBytes: limit - batch.bytes) else { continue }
                batch.records += records
                batch.bytes += records.reduce(0) { $0 + $1.data.count }
                if next != from { batch.checkpoints.append((name, next)) }
                batch.firstPositions.append(from &* 1_000_003 &+ UInt64(shard.index))
            }
        } else {
            return nil
        }
        batch.bytes = batch.records.reduce(0) { $0 + $1.data.count }
        batch.oldest = batch.records.map(\.arrivalMillis).min() ?? Int64.max
        return batch
    }

    /// A group of records delivered as one object.
    struct Group {
        var prefix: String
        var partitions: [String: String]
        var records: [[UInt8]]
    }

    func deliver(_ s: DeliveryStream, _ batch: Batch, now: Int64) throws {
        let d = s.destination
        let processing = Processing(d)
        guard let bucket = S3Destination.bucket(of: d.bucketARN) else { throw ObjectWriterError.failed("invalid BucketARN \(d.bucketARN)") }
        // A record that cannot be processed goes to the error output; the others are delivered.
        var records: [[UInt8]] = []
        var failed: [(record: SourceRecord, failure: ProcessingFailure)] = []
        for r in batch.records {
            switch processing.split(r.data) {
            case .success(let parts): records += parts
            case .failure(let failure): failed.append((r, failure))
            }
        }
        let prefix = d.prefix ?? ""
        // Dynamic partitioning: one object per set of partition keys.
        var groups: [Group] = []
        if processing.partitionQueries.isEmpty {
            if !records.isEmpty || failed.isEmpty { groups = [Group(prefix: prefix, partitions: [:], records: records)] }
        } else {
            var byKey: [[String]: Int] = [:]
            for r in records {
                guard let keys = processing.partitionKeys(r) else {
                    let failure = ProcessingFailure(code: "DynamicPartitioning.MetadataExtractionFailed",
                                                    message: "The partition keys could not be read from the record (it is not JSON, or a key is missing).",
                                                    outputType: .partitioningFailed)
                    failed.append((SourceRecord(position: 0, arrivalMillis: batch.oldest, data: r), failure))
                    continue
                }
                let id = keys.sorted { $0.key < $1.key }.map { "\($0.key)=\($0.value)" }
                if let g = byKey[id] { groups[g].records.append(r) } else {
                    byKey[id] = groups.count
                    groups.append(Group(prefix: prefix, partitions: keys, records: [r]))
                }
            }
        }
        groups += ErrorOutput.groups(failed, errorPrefix: d.errorOutputPrefix ?? "", now: now)
        let gzip = d.compressionFormat == .GZIP
        for group in groups {
            var body: [UInt8] = []
            for r in group.records {
                body += r
                if processing.appendDelimiter || group.partitions["firehose:error-output-type"] != nil { body.append(0x0A) }
            }
            if gzip { body = try Gzip.compress(body) }
            let groupIdentity = group.partitions.sorted { $0.key < $1.key }.reduce(UInt64(14_695_981_039_346_656_037)) { h, kv in
                (kv.key + "=" + kv.value).utf8.reduce(h) { ($0 ^ UInt64($1)) &* 1_099_511_628_211 }
            }
            let key = ObjectKey.make(stream: s, prefix: group.prefix, arrival: batch.oldest, identity: batch.firstPositions + [groupIdentity],
                                     fileExtension: d.fileExtension ?? (gzip ? ".gz" : ""), partitions: group.partitions)
            try objects.putObject(account: s.account, bucket: bucket, key: key, body: body,
                                  contentType: gzip ? "application/x-gzip" : "application/octet-stream")
        }
    }
}

/// What Firehose writes for a record it could not process: one JSON document per record, under
/// the error output prefix (by default `processing-failed/`), grouped by error output type.
enum ErrorOutput {
    static let defaultPrefix = "processing-failed/"

    static func groups(_ failed: [(record: SourceRecord, failure: ProcessingFailure)], errorPrefix: String,
                       now: Int64) -> [Delivery.Group] {
        var byType: [ProcessingFailure.OutputType: [[UInt8]]] = [:]
        for (record, failure) in failed { byType[failure.outputType, default: []].append(document(record, failure, now: now)) }
        return byType.sorted { $0.key.rawValue < $1.key.rawValue }.map { type, documents in
            Delivery.Group(prefix: errorPrefix.isEmpty ? defaultPrefix : errorPrefix,
                           partitions: ["firehose:error-output-type": type.rawValue], records: documents)
        }
    }

    static func document(_ record: SourceRecord, _ failure: ProcessingFailure, now: Int64) -> [UInt8] {
        var w = JSONWriter()
        w.beginObject()
        w.key("attemptsMade"); w.int(1)
        w.key("arrivalTimestamp"); w.int64(record.arrivalMillis)
        w.key("errorCode"); w.string(failure.code)
        w.key("errorMessage"); w.string(failure.message)
        w.key("attemptEndingTimestamp"); w.int64(now)
        w.key("rawData"); w.base64(record.data)
        w.endObject()
        return w.bytes
    }
}

/// Object keys as Firehose writes them: `<Prefix>[yyyy/MM/dd/HH/]<name>-<version>-<yyyy-MM-dd-HH-mm-ss>-<uuid><ext>`.
/// A prefix with `!{timestamp:…}` expressions replaces the default time prefix.
enum ObjectKey {
    static func make(stream: DeliveryStream, prefix: String, arrival: Int64, identity: [UInt64], fileExtension: String,
                     partitions: [String: String] = [:]) -> String {
        let custom = prefix.contains("!{")
        let expanded = expand(prefix, arrival: arrival, identity: identity, partitions: partitions)
        let timePath = custom ? "" : format("yyyy/MM/dd/HH/", arrival)
        let name = "\(stream.name)-\(stream.version)-\(format("yyyy-MM-dd-HH-mm-ss", arrival))-\(uuid(stream.id, identity))"
        return expanded + timePath + name + fileExtension
    }

    /// `!{timestamp:<Java date pattern>}` and `!{firehose:random-string}`.
    static func expand(_ prefix: String, arrival: Int64, identity: [UInt64], partitions: [String: String] = [:]) -> String {
        var out = ""
        var rest = Substring(prefix)
        while let open = rest.firstRange(of: "!{") {
            out += rest[..<open.lowerBound]
            guard let close = rest[open.upperBound...].firstIndex(of: "}") else { out += rest[open.lowerBound...]; return out }
            let expression = rest[open.upperBound..<close]
            if expression.hasPrefix("timestamp:") {
                out += format(String(expression.dropFirst("timestamp:".count)), arrival)
            } else if expression == "firehose:random-string" {
                out += String(uuid(0, identity).prefix(11))
            } else if expression == "firehose:error-output-type" {
                out += partitions["firehose:error-output-type"] ?? "processing-failed"
            } else if expression.hasPrefix("partitionKeyFromQuery:") {
                out += partitions[String(expression.dropFirst("partitionKeyFromQuery:".count))] ?? ""
            }
            rest = rest[rest.index(after: close)...]
        }
        return out + rest
    }

    /// The subset of Java's date patterns Firehose prefixes use (yyyy, yy, MM, dd, HH, mm, ss), in UTC.
    static func format(_ pattern: String, _ millis: Int64) -> String {
        let iso = AWSDate.iso8601(millis)  // 2026-11-23T14:05:09.123Z
        let u = Array(iso.utf8)
        func part(_ a: Int, _ b: Int) -> String { String(decoding: u[a..<b], as: UTF8.self) }
        var out = ""
        var p = Substring(pattern)
        let tokens: [(String, String)] = [("yyyy", part(0, 4)), ("yy", part(2, 4)), ("MM", part(5, 7)), ("dd", part(8, 10)),
                                          ("HH", part(11, 13)), ("mm", part(14, 16)), ("ss", part(17, 19))]
        outer: while !p.isEmpty {
            for (token, value) in tokens where p.hasPrefix(token) {
                out += value
                p = p.dropFirst(token.count)
                continue outer
            }
            out.append(p.removeFirst())
        }
        return out
    }

    /// A UUID-shaped name derived from the batch: the same records always give the same key.
    static func uuid(_ stream: Int64, _ identity: [UInt64]) -> String {
        var h1: UInt64 = 0xcbf2_9ce4_8422_2325 ^ UInt64(bitPattern: stream), h2: UInt64 = 0x9E37_79B9_7F4A_7C15
        for v in identity {
            h1 = (h1 ^ v) &* 0x0000_0100_0000_01B3
            h2 = (h2 ^ (v &+ 0x632B_E59B_D9B4_E019)) &* 0xBF58_476D_1CE4_E5B9
        }
        let hex = Array("0123456789abcdef".utf8)
        var s: [UInt8] = []
        for (i, v) in [h1, h2].enumerated() {
            for j in 0..<16 {
                let pos = i * 16 + j
                if [8, 12, 16, 20].contains(pos) { s.append(UInt8(ascii: "-")) }
                s.append(hex[Int((v >> UInt64(60 - j * 4)) & 0xF)])
            }
        }
        return String(decoding: s, as: UTF8.self)
    }
}
