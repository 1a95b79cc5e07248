import Foundation
import Testing
@testable import EddyStorage

func temporaryDirectory() -> String {
    let path = NSTemporaryDirectory() + "eddy-test-" + UUID().uuidString
    try! FileSystem.createDirectory(path)
    return path
}

private func record(_ i: Int, size: Int = 100) -> LogRecord {
    LogRecord(partitionKey: "key-\(i)", data: (0..<size).map { UInt8(truncatingIfNeeded: $0 &+ i) })
}

@Suite struct ShardLogTests {
    @Test func appendsAndReadsBackInOrder() throws {
        let dir = temporaryDirectory()
        defer { FileSystem.remove(dir) }
        let log = try ShardLog(directory: dir, configuration: LogConfiguration(segmentBytes: 4096, indexIntervalBytes: 512))
        for i in 0..<100 { try log.append([record(i)], now: 1000 + Int64(i)) }
        let batch = try log.append((100..<300).map { record($0) }, now: 5000)
        #expect(batch.first == 100)
        #expect(log.bounds.next == 300)
        var seen: [UInt64] = []
        let result = try log.read(from: 0, maxRecords: 1000, maxBytes: .max) { r in
            seen.append(r.sequence)
            #expect(Array(r.partitionKey) == Array("key-\(r.sequence)".utf8))
            #expect(Array(r.data) == record(Int(r.sequence)).data)
        }
        #expect(seen == Array(0..<300))
        #expect(result.nextSequence == 300)
        // Several segments were made and positioned reads land exactly.
        #expect(FileSystem.list(dir).filter { $0.hasSuffix(".log") }.count > 3)
        var from250: [UInt64] = []
        _ = try log.read(from: 250, maxRecords: 3, maxBytes: .max) { from250.append($0.sequence) }
        #expect(from250 == [250, 251, 252])
    }

    @Test func readStopsAtByteLimitAfterAtLeastOneRecord() throws {
        let dir = temporaryDirectory()
        defer { FileSystem.remove(dir) }
        let log = try ShardLog(directory: dir, configuration: LogConfiguration())
        try log.append((0..<10).map { record($0, size: 1000) }, now: 1)
        var count = 0
        let r = try log.read(from: 0, maxRecords: 100, maxBytes: 2500) { _ in count += 1 }
        #expect(count == 3)
        #expect(r.nextSequence == 3)
    }

    @Test func findsRecordsByArrivalTime() throws {
        let dir = temporaryDirectory()
        defer { FileSystem.remove(dir) }
        let log = try ShardLog(directory: dir, configuration: LogConfiguration(segmentBytes: 2048, indexIntervalBytes: 256))
        for i in 0..<100 { try log.append([record(i)], now: Int64(i * 10)) }
        #expect(try log.sequence(atOrAfter: 0) == 0)
        #expect(try log.sequence(atOrAfter: 455) == 46)
        #expect(try log.sequence(atOrAfter: 460) == 46)
        #expect(try log.sequence(atOrAfter: 99_999) == 100)
    }

    @Test func recoversAfterReopenWithSameSequences() throws {
        let dir = temporaryDirectory()
        defer { FileSystem.remove(dir) }
        do {
            let log = try ShardLog(directory: dir, configuration: LogConfiguration(segmentBytes: 4096))
            for i in 0..<120 { try log.append([record(i)], now: Int64(i)) }
        }
        let reopened = try ShardLog(directory: dir, configuration: LogConfiguration(segmentBytes: 4096))
        #expect(reopened.bounds.next == 120)
        #expect(reopened.bounds.lastArrival == 119)
        #expect(reopened.recovery.truncatedBytes == 0)
        let appended = try reopened.append([record(120)], now: 500)
        #expect(appended.first == 120)
        var all: [UInt64] = []
        _ = try reopened.read(from: 0, maxRecords: .max, maxBytes: .max) { all.append($0.sequence) }
        #expect(all == Array(0...120))
    }

    @Test func cutsTornAndCorruptedTails() throws {
        let dir = temporaryDirectory()
        defer { FileSystem.remove(dir) }
        do {
            let log = try ShardLog(directory: dir, configuration: LogConfiguration())
            for i in 0..<10 { try log.append([record(i)], now: Int64(i)) }
        }
        let segment = dir + "/" + FileSystem.list(dir).first { $0.hasSuffix(".log") }!
        // A torn write: half a frame at the end.
        var bytes = try Data(contentsOf: URL(fileURLWithPath: segment))
        let frame = bytes.count / 10
        bytes.append(bytes.prefix(frame / 2))
        try bytes.write(to: URL(fileURLWithPath: segment))
        var log = try ShardLog(directory: dir, configuration: LogConfiguration())
        #expect(log.recovery.truncatedBytes == frame / 2)
        #expect(log.bounds.next == 10)
        // A flipped bit in the last record: that record goes, the ones before stay.
        bytes = try Data(contentsOf: URL(fileURLWithPath: segment))
        bytes[bytes.count - 3] ^= 0xFF
        try bytes.write(to: URL(fileURLWithPath: segment))
        log = try ShardLog(directory: dir, configuration: LogConfiguration())
        #expect(log.recovery.truncatedBytes == frame)
        #expect(log.bounds.next == 9)
        var count = 0
        _ = try log.read(from: 0, maxRecords: .max, maxBytes: .max) { _ in count += 1 }
        #expect(count == 9)
        #expect(try log.append([record(9)], now: 100).first == 9)
    }

    @Test func trimMovesHorizonAndDeletesOldSegments() throws {
        let dir = temporaryDirectory()
        defer { FileSystem.remove(dir) }
        let log = try ShardLog(directory: dir, configuration: LogConfiguration(segmentBytes: 1024))
        for i in 0..<100 { try log.append([record(i)], now: Int64(i * 1000)) }
        let before = FileSystem.list(dir).filter { $0.hasSuffix(".log") }.count
        let removed = try log.trim(before: 50_000)
        #expect(removed > 0)
        #expect(FileSystem.list(dir).filter { $0.hasSuffix(".log") }.count == before - removed)
        #expect(log.bounds.first == 50)
        var first: UInt64?
        _ = try log.read(from: 0, maxRecords: 1, maxBytes: .max) { first = $0.sequence }
        #expect(first == 50)
        // The sequence counter survives a restart even after trimming.
        let reopened = try ShardLog(directory: dir, configuration: LogConfiguration(segmentBytes: 1024))
        #expect(reopened.bounds.next == 100)
    }
}

@Suite struct SQLiteDatabaseTests {
    @Test func storesAndQueries() throws {
        let dir = temporaryDirectory()
        defer { FileSystem.remove(dir) }
        let db = try SQLiteDatabase(path: dir + "/t.sqlite")
        try db.execute("CREATE TABLE t (a INTEGER, b TEXT, c BLOB)")
        try db.transaction { tx in
            try tx.query("INSERT INTO t VALUES (?, ?, ?)", [.integer(1), .text("x"), .blob([1, 2])])
            try tx.query("INSERT INTO t VALUES (?, ?, ?)", [.integer(2), .null, .blob([])])
        }
        let rows = try db.query("SELECT a, b, c FROM t ORDER BY a")
        #expect(rows.count == 2)
        #expect(rows[0] == [.integer(1), .text("x"), .blob([1, 2])])
        #expect(rows[1][1] == .null)
        struct Boom: Error {}
        #expect(throws: Boom.self) {
            try db.transaction { tx in
                try tx.query("INSERT INTO t VALUES (3, 'y', NULL)")
                throw Boom()
            }
        }
        #expect(try db.query("SELECT count(*) FROM t")[0][0] == .integer(2))
    }
}
