#if canImport(Glibc)
import Glibc
#endif

struct IndexEntry: Equatable {
    var sequence: UInt64
    var arrival: Int64
    var offset: Int64
}

/// One segment file and its sparse index. Mutable fields are guarded by the owning log's lock.
final class Segment: @unchecked Sendable {
    let baseSequence: UInt64
    let file: FileHandleRef
    let indexFile: FileHandleRef
    var size = 0
    var indexEntries: [IndexEntry] = []
    var lastSequence: UInt64?
    var firstArrival: Int64?
    var lastArrival: Int64?

    init(baseSequence: UInt64, file: FileHandleRef, indexFile: FileHandleRef) {
        self.baseSequence = baseSequence
        self.file = file
        self.indexFile = indexFile
    }

    static func name(_ base: UInt64) -> String {
        let digits = String(base)
        return String(repeating: "0", count: max(0, 20 - digits.count)) + digits
    }

    static func create(directory: String, baseSequence: UInt64) throws -> Segment {
        let segment = try open(directory: directory, baseSequence: baseSequence)
        FileSystem.syncDirectory(directory)
        return segment
    }

    static func open(directory: String, baseSequence: UInt64) throws -> Segment {
        let base = directory + "/" + name(baseSequence)
        return Segment(baseSequence: baseSequence,
                       file: try FileHandleRef(path: base + ".log", create: true),
                       indexFile: try FileHandleRef(path: base + ".idx", create: true))
    }

    func appendIndex(_ entries: [IndexEntry]) throws {
        var bytes: [UInt8] = []
        bytes.reserveCapacity(entries.count * ShardLog.indexEntrySize)
        for e in entries {
            bytes.appendLE(e.sequence)
            bytes.appendLE(UInt64(bitPattern: e.arrival))
            bytes.appendLE(UInt64(bitPattern: e.offset))
        }
        let at = indexEntries.count * ShardLog.indexEntrySize
        try bytes.withUnsafeBytes { raw in try indexFile.write(raw, at: at) }
        indexEntries.append(contentsOf: entries)
    }

    func readIndex() throws -> [IndexEntry] {
        let size = try indexFile.size()
        let count = size / ShardLog.indexEntrySize
        var bytes = [UInt8](repeating: 0, count: count * ShardLog.indexEntrySize)
        let got = try bytes.withUnsafeMutableBytes { buf in try indexFile.read(into: buf, at: 0) }
        var entries: [IndexEntry] = []
        entries.reserveCapacity(count)
        bytes.withUnsafeBytes { buf in
            var p = 0
            while p + ShardLog.indexEntrySize <= got {
                entries.append(IndexEntry(
                    sequence: buf.loadUnaligned(fromByteOffset: p, as: UInt64.self).littleEndian,
                    arrival: Int64(bitPattern: buf.loadUnaligned(fromByteOffset: p + 8, as: UInt64.self).littleEndian),
                    offset: Int64(bitPattern: buf.loadUnaligned(fromByteOffset: p + 16, as: UInt64.self).littleEndian)))
                p += ShardLog.indexEntrySize
            }
        }
        return entries
    }

    /// A sealed segment: trust its index if it is consistent with the file, else rebuild it.
    func loadSealed() throws {
        size = try file.size()
        let entries = try readIndex()
        if let last = entries.last, entries.first?.offset == 0, Int(last.offset) < size {
            indexEntries = entries
            firstArrival = entries.first?.arrival
            // The tail after the last index entry gives the last sequence and arrival.
            var lastSeen: (UInt64, Int64)?
            _ = try ShardLog.scan(ShardLog.ReadPlan(file: file, offset: Int(last.offset), end: size), maxBytes: Int.max) { r in
                lastSeen = (r.sequence, r.arrivalMillis); return true
            }
            lastSequence = lastSeen?.0
            lastArrival = lastSeen?.1
        } else {
            var report = RecoveryReport()
            try recoverTail(report: &report)
        }
    }

    /// The active segment: verify every frame after the last index entry, cut a torn or
    /// corrupted tail, and drop index entries that point past the good end.
    func recoverTail(report: inout RecoveryReport) throws {
        let fileSize = try file.size()
        var entries = try readIndex()
        entries = entries.filter { Int($0.offset) < fileSize }
        // Index entries must point at frames in order; verify from the last trusted one.
        var start = 0
        if let last = entries.last, entries.first?.offset == 0 { start = Int(last.offset) } else { entries = [] }
        var lastSeen: (UInt64, Int64)?
        var rebuilt = entries
        let interval = 4096
        var lastIndexed = rebuilt.last.map { Int($0.offset) } ?? -interval
        var offset = start
        if !rebuilt.isEmpty { rebuilt.removeLast() ; lastIndexed = rebuilt.last.map { Int($0.offset) } ?? -interval }
        let end = try ShardLog.scan(ShardLog.ReadPlan(file: file, offset: start, end: fileSize), maxBytes: Int.max) { r in
            if offset - lastIndexed >= interval || rebuilt.isEmpty {
                rebuilt.append(IndexEntry(sequence: r.sequence, arrival: r.arrivalMillis, offset: Int64(offset)))
                lastIndexed = offset
            }
            offset += ShardLog.frameHeader + ShardLog.payloadHeader + r.partitionKey.count + r.data.count
            lastSeen = (r.sequence, r.arrivalMillis)
            return true
        }
        if end < fileSize {
            report.truncatedBytes += fileSize - end
            report.truncatedSegment = file.path
            try file.truncate(to: end)
            try file.sync()
        }
        size = end
        if lastSeen == nil, let last = entries.last {
            // Nothing valid after the last entry: it pointed at a torn frame.
            rebuilt = entries.filter { $0 != last }
        }
        try indexFile.truncate(to: 0)
        indexEntries = []
        if !rebuilt.isEmpty { try appendIndex(rebuilt) }
        firstArrival = indexEntries.first?.arrival
        if let lastSeen {
            lastSequence = lastSeen.0
            lastArrival = lastSeen.1
        } else if let previous = indexEntries.last {
            // Every frame after the last index entry was cut; rescan from the previous one.
            var seen: (UInt64, Int64)?
            _ = try ShardLog.scan(ShardLog.ReadPlan(file: file, offset: Int(previous.offset), end: size), maxBytes: Int.max) { r in
                seen = (r.sequence, r.arrivalMillis); return true
            }
            lastSequence = seen?.0
            lastArrival = seen?.1
        }
    }

    func delete() {
        unlink(file.path)
        unlink(indexFile.path)
    }
}
