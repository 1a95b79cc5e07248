#if canImport(Glibc)
import Glibc
#endif
import Synchronization

/// When appended records reach stable storage.
public enum FsyncPolicy: String, Sendable, CaseIterable {
    /// fdatasync before a write is acknowledged: survives power loss.
    case always
    /// fdatasync of every written log on a timer: a process crash loses nothing, a power loss
    /// at most the last interval.
    case interval
    /// Leave it to the OS: a process crash loses nothing (the page cache survives it).
    case never
}

public struct LogConfiguration: Sendable {
    public var segmentBytes: Int
    /// One index entry per this many bytes of log: bounds the scan a positioned read does.
    public var indexIntervalBytes: Int
    public var fsync: FsyncPolicy

    public init(segmentBytes: Int = 64 << 20, indexIntervalBytes: Int = 4096, fsync: FsyncPolicy = .interval) {
        self.segmentBytes = segmentBytes
        self.indexIntervalBytes = indexIntervalBytes
        self.fsync = fsync
    }
}

/// The append-only record log of one shard: segment files of CRC-framed records named by the
/// sequence counter of their first record, each with a sparse index file beside it.
///
/// Frame: `u32 payloadLength, u32 crc32(payload)`, payload: `u64 sequence, i64 arrivalMillis,
/// u16 keyLength, key, data` (little endian). A record is acknowledged once its frame has been
/// written to the file; a torn or corrupted tail is cut off when the log is opened.
public final class ShardLog: Sendable {
    static let frameHeader = 8
    static let payloadHeader = 18
    static let indexEntrySize = 24

    public let directory: String
    public let configuration: LogConfiguration
    /// Signalled after every append (and when the log is sealed).
    public let appended = AppendSignal()
    private let state: Mutex<State>

    struct State {
        var segments: [Segment]
        /// Sequence counter the next appended record gets.
        var nextSequence: UInt64
        /// First sequence still readable (moves with retention).
        var trimSequence: UInt64
        var lastArrival: Int64
        var dirty = false
        var closed = false
        /// Set when the shard is closed by resharding: no more appends.
        var sealed = false
    }

    /// Thrown by `append` on a sealed log: the caller routes the records again.
    public struct SealedError: Error {}

    /// Opens (recovering) or creates the log in `directory`, whose first record gets `firstSequence`.
    public init(directory: String, configuration: LogConfiguration, firstSequence: UInt64 = 0) throws {
        self.directory = directory
        self.configuration = configuration
        try FileSystem.createDirectory(directory)
        let (state, report) = try Self.recover(directory: directory, configuration: configuration, firstSequence: firstSequence)
        self.state = Mutex(state)
        self.recovery = report
    }

    public let recovery: RecoveryReport

    // MARK: Appending

    /// Appends records in one write. Returns the sequence counter of the first and the arrival
    /// time all of them share (never earlier than the previous append's).
    @discardableResult
    public func append(_ records: [LogRecord], now: Int64) throws -> (first: UInt64, arrival: Int64) {
        let (first, arrival, toSync) = try state.withLock { state throws -> (UInt64, Int64, FileHandleRef?) in
            guard !state.closed else { throw StorageError("log \(directory) is closed") }
            guard !state.sealed else { throw SealedError() }
            let arrival = max(now, state.lastArrival)
            var segment = state.segments[state.segments.count - 1]
            if segment.size >= configuration.segmentBytes {
                segment = try Segment.create(directory: directory, baseSequence: state.nextSequence)
                state.segments.append(segment)
            }
            let first = state.nextSequence
            var buffer: [UInt8] = []
            buffer.reserveCapacity(records.reduce(0) { $0 + $1.data.count + $1.partitionKey.utf8.count + 26 })
            var newIndex: [IndexEntry] = []
            var lastIndexed = segment.indexEntries.last.map { Int($0.offset) }
            var offset = segment.size
            for (i, record) in records.enumerated() {
                let sequence = first + UInt64(i)
                if lastIndexed.map({ offset - $0 >= configuration.indexIntervalBytes }) ?? true {
                    newIndex.append(IndexEntry(sequence: sequence, arrival: arrival, offset: Int64(offset)))
                    lastIndexed = offset
                }
                let start = buffer.count
                Self.appendFrame(into: &buffer, sequence: sequence, arrival: arrival, record.partitionKey, record.data)
                offset += buffer.count - start
            }
            let at = segment.size
            try buffer.withUnsafeBytes { raw in try segment.file.write(raw, at: at) }
            if !newIndex.isEmpty { try segment.appendIndex(newIndex) }
            segment.size = offset
            segment.lastSequence = first + UInt64(records.count) - 1
            segment.lastArrival = arrival
            if segment.firstArrival == nil { segment.firstArrival = arrival }
            state.nextSequence = first + UInt64(records.count)
            state.lastArrival = arrival
            state.dirty = true
            return (first, arrival, configuration.fsync == .always ? segment.file : nil)
        }
        if let toSync { try toSync.sync() }
        appended.notify()
        return (first, arrival)
    }

    static func appendFrame(into buffer: inout [UInt8], sequence: UInt64, arrival: Int64, _ partitionKey: String, _ data: [UInt8]) {
        var key = partitionKey
        let payloadLength = payloadHeader + key.utf8.count + data.count
        let start = buffer.count
        buffer.appendLE(UInt32(payloadLength))
        buffer.appendLE(UInt32(0))  // CRC, filled in below
        buffer.appendLE(sequence)
        buffer.appendLE(UInt64(bitPattern: arrival))
        buffer.appendLE(UInt16(key.utf8.count))
        key.withUTF8 { buffer.append(contentsOf: $0) }
        buffer.append(contentsOf: data)
        let crc = buffer.withUnsafeBytes { CRC32.checksum(UnsafeRawBufferPointer(rebasing: $0[(start + frameHeader)...])) }
        buffer.withUnsafeMutableBytes { $0.storeBytes(of: crc.littleEndian, toByteOffset: start + 4, as: UInt32.self) }
    }

    // MARK: Positions

    public struct Bounds: Sendable {
        /// First readable sequence counter (TRIM_HORIZON).
        public var first: UInt64
        /// The counter the next record will get (LATEST).
        public var next: UInt64
        public var lastArrival: Int64
    }

    public var bounds: Bounds {
        state.withLock { Bounds(first: $0.trimSequence, next: $0.nextSequence, lastArrival: $0.lastArrival) }
    }

    /// The first sequence counter whose arrival time is at or after `millis` (the next one if none).
    public func sequence(atOrAfter millis: Int64) throws -> UInt64 {
        let (plan, next) = state.withLock { state -> ([ReadPlan], UInt64) in
            var plans: [ReadPlan] = []
            for segment in state.segments where (segment.lastArrival ?? Int64.min) >= millis {
                let entries = segment.indexEntries
                // The last index entry strictly before `millis` is a safe place to start scanning.
                var lo = 0, hi = entries.count
                while lo < hi {
                    let mid = (lo + hi) / 2
                    if entries[mid].arrival < millis { lo = mid + 1 } else { hi = mid }
                }
                let startOffset = lo == 0 ? 0 : Int(entries[lo - 1].offset)
                plans.append(ReadPlan(file: segment.file, offset: startOffset, end: segment.size))
                break
            }
            return (plans, state.nextSequence)
        }
        guard let first = plan.first else { return next }
        var found: UInt64?
        _ = try Self.scan(first, maxBytes: Int.max) { record in
            if record.arrivalMillis >= millis { found = record.sequence; return false }
            return true
        }
        return max(found ?? next, bounds.first)
    }

    // MARK: Reading

    public struct ReadResult: Sendable {
        /// Where the next read continues.
        public var nextSequence: UInt64
        public var count: Int
        public var bytes: Int
    }

    /// Visits records from `sequence` on (from the trim horizon if that is later), stopping
    /// after `maxRecords`, or once `maxBytes` of data have been returned, or at the end.
    public func read(from sequence: UInt64, maxRecords: Int, maxBytes: Int,
                     _ visit: (RecordView) -> Void) throws -> ReadResult {
        var position = sequence
        var count = 0, bytes = 0
        while count < maxRecords && bytes < maxBytes {
            let plan: ReadPlan? = state.withLock { state in
                position = max(position, state.trimSequence)
                guard position < state.nextSequence else { return nil }
                // The segment holding `position`: the last one whose base is not after it.
                var lo = 0, hi = state.segments.count
                while lo < hi {
                    let mid = (lo + hi) / 2
                    if state.segments[mid].baseSequence <= position { lo = mid + 1 } else { hi = mid }
                }
                guard lo > 0 else { return nil }
                let segment = state.segments[lo - 1]
                let entries = segment.indexEntries
                var a = 0, b = entries.count
                while a < b {
                    let mid = (a + b) / 2
                    if entries[mid].sequence <= position { a = mid + 1 } else { b = mid }
                }
                let offset = a == 0 ? 0 : Int(entries[a - 1].offset)
                return ReadPlan(file: segment.file, offset: offset, end: segment.size)
            }
            guard let plan else { break }
            var progressed = false
            let target = position
            _ = try Self.scan(plan, maxBytes: Int.max) { record in
                if record.sequence < target { return true }
                if count >= maxRecords || bytes >= maxBytes { return false }
                visit(record)
                count += 1
                bytes += record.data.count
                position = record.sequence + 1
                progressed = true
                return true
            }
            if !progressed { break }
        }
        return ReadResult(nextSequence: max(position, bounds.first), count: count, bytes: bytes)
    }

    /// Bytes of data waiting from `sequence` on (counted up to `maxBytes`) and the arrival time of
    /// the first of them, without copying records out.
    public func pending(from sequence: UInt64, maxBytes: Int) -> (bytes: Int, oldest: Int64?)? {
        guard sequence < bounds.next else { return (0, nil) }
        var oldest: Int64?
        guard let result = try? read(from: sequence, maxRecords: .max, maxBytes: maxBytes, { r in
            if oldest == nil { oldest = r.arrivalMillis }
        }) else { return nil }
        return (result.bytes, oldest)
    }

    struct ReadPlan {
        var file: FileHandleRef
        var offset: Int
        var end: Int
    }

    /// Walks the frames of one segment from `plan.offset` to `plan.end`, verifying each CRC;
    /// `visit` returns false to stop. Returns the offset after the last good frame.
    static func scan(_ plan: ReadPlan, maxBytes: Int, _ visit: (RecordView) -> Bool) throws -> Int {
        var offset = plan.offset
        var chunk = [UInt8](repeating: 0, count: 256 << 10)
        while offset < plan.end {
            let want = min(chunk.count, plan.end - offset)
            let got = try chunk.withUnsafeMutableBytes { (buf) throws in
                try plan.file.read(into: UnsafeMutableRawBufferPointer(rebasing: buf[0..<want]), at: offset)
            }
            var position = 0
            var stop = false
            var needMore = 0
            chunk.withUnsafeBytes { buf in
                while position + frameHeader <= got {
                    let length = Int(buf.loadUnaligned(fromByteOffset: position, as: UInt32.self).littleEndian)
                    guard length >= payloadHeader, length <= 64 << 20 else { stop = true; return }
                    if position + frameHeader + length > got {
                        needMore = frameHeader + length
                        return
                    }
                    let crc = buf.loadUnaligned(fromByteOffset: position + 4, as: UInt32.self).littleEndian
                    let payload = UnsafeRawBufferPointer(rebasing: buf[(position + frameHeader)..<(position + frameHeader + length)])
                    guard CRC32.checksum(payload) == crc else { stop = true; return }
                    let keyLength = Int(payload.loadUnaligned(fromByteOffset: 16, as: UInt16.self).littleEndian)
                    guard payloadHeader + keyLength <= length else { stop = true; return }
                    let view = RecordView(
                        sequence: payload.loadUnaligned(fromByteOffset: 0, as: UInt64.self).littleEndian,
                        arrivalMillis: Int64(bitPattern: payload.loadUnaligned(fromByteOffset: 8, as: UInt64.self).littleEndian),
                        partitionKey: UnsafeRawBufferPointer(rebasing: payload[payloadHeader..<(payloadHeader + keyLength)]),
                        data: UnsafeRawBufferPointer(rebasing: payload[(payloadHeader + keyLength)...]))
                    position += frameHeader + length
                    if !visit(view) { stop = true; return }
                }
            }
            offset += position
            if stop { break }
            if needMore > 0 {
                if offset + needMore > plan.end { break }  // torn frame at the end
                if needMore > chunk.count { chunk = [UInt8](repeating: 0, count: needMore) }
            } else if position == 0 {
                break
            }
        }
        return offset
    }

    // MARK: Maintenance

    /// Makes the trim horizon the first record that arrived at or after `cutoffMillis` and
    /// deletes segments that hold only older records. Returns how many segments went.
    @discardableResult
    public func trim(before cutoffMillis: Int64) throws -> Int {
        trim(toSequence: try sequence(atOrAfter: cutoffMillis))
    }

    /// Moves the trim horizon to `newHorizon` (records before it are no longer needed) and
    /// deletes the segments wholly before it. Returns how many segments went.
    @discardableResult
    public func trim(toSequence newHorizon: UInt64) -> Int {
        let removed: [Segment] = state.withLock { state in
            if newHorizon > state.trimSequence { state.trimSequence = newHorizon }
            var removed: [Segment] = []
            // The active segment stays: its name carries the sequence counter across restarts.
            while state.segments.count > 1, state.segments[1].baseSequence <= state.trimSequence {
                removed.append(state.segments.removeFirst())
            }
            return removed
        }
        for segment in removed { segment.delete() }
        return removed.count
    }

    /// Flushes written records to stable storage (the `interval` fsync policy's timer calls it).
    public func sync() throws {
        let file: FileHandleRef? = state.withLock { state in
            guard state.dirty else { return nil }
            state.dirty = false
            return state.segments.last?.file
        }
        try file?.sync()
    }

    /// Refuses further appends and returns the sequence counter after the last record.
    public func seal() -> UInt64 {
        defer { appended.notify() }
        return state.withLock { state in
            state.sealed = true
            return state.nextSequence
        }
    }

    /// Re-applies a seal after a restart (the catalog remembers which shards are closed).
    public func restoreSeal() { state.withLock { $0.sealed = true } }

    public func close() {
        state.withLock { $0.closed = true }
    }

    /// Closes the log and removes its files (the stream was deleted).
    public func destroy() {
        close()
        FileSystem.remove(directory)
    }

    // MARK: Recovery

    static func recover(directory: String, configuration: LogConfiguration, firstSequence: UInt64) throws -> (State, RecoveryReport) {
        var report = RecoveryReport()
        let bases = FileSystem.list(directory).compactMap { name -> UInt64? in
            guard name.hasSuffix(".log") else { return nil }
            return UInt64(name.dropLast(4))
        }.sorted()
        var segments: [Segment] = []
        for (i, base) in bases.enumerated() {
            let segment = try Segment.open(directory: directory, baseSequence: base)
            if i == bases.count - 1 {
                try segment.recoverTail(report: &report)
            } else {
                try segment.loadSealed()
            }
            segments.append(segment)
        }
        if segments.isEmpty {
            segments.append(try Segment.create(directory: directory, baseSequence: firstSequence))
        }
        let last = segments[segments.count - 1]
        let next = last.lastSequence.map { $0 + 1 } ?? last.baseSequence
        report.records = next - segments[0].baseSequence
        let lastArrival = segments.reversed().lazy.compactMap(\.lastArrival).first ?? 0
        return (State(segments: segments, nextSequence: next, trimSequence: segments[0].baseSequence, lastArrival: lastArrival), report)
    }
}

extension Array where Element == UInt8 {
    @inline(__always) mutating func appendLE<T: FixedWidthInteger>(_ value: T) {
        Swift.withUnsafeBytes(of: value.littleEndian) { append(contentsOf: $0) }
    }
}
