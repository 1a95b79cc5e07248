/// A Kinesis sequence number: 56 decimal digits that compare as integers, strictly increasing
/// within a shard. Eddy lays it out as fixed-width decimal fields, so comparing the digits
/// compares the fields in order:
///
///     49 | stream token (12) | shard index (6) | record counter (20) | arrival millis (16)
///
/// The stream token is random per stream (so a number from another stream, or an earlier
/// stream of the same name, is recognised), the shard index names the shard, and the counter
/// is the record's position in the shard's log.
public struct SequenceNumber: Sendable, Equatable, Comparable, CustomStringConvertible {
    public static let version = "49"
    static let tokenDigits = 12, shardDigits = 6, counterDigits = 20, tailDigits = 16

    public var streamToken: UInt64
    public var shardIndex: Int
    public var counter: UInt64
    public var arrivalMillis: Int64

    public init(streamToken: UInt64, shardIndex: Int, counter: UInt64, arrivalMillis: Int64) {
        self.streamToken = streamToken
        self.shardIndex = shardIndex
        self.counter = counter
        self.arrivalMillis = arrivalMillis
    }

    public var description: String {
        var bytes: [UInt8] = []
        bytes.reserveCapacity(56)
        write(into: &bytes)
        return String(decoding: bytes, as: UTF8.self)
    }

    /// The 56 ASCII digits, appended (the hot paths write them straight into JSON).
    public func write(into bytes: inout [UInt8]) {
        bytes.append(UInt8(ascii: "4"))
        bytes.append(UInt8(ascii: "9"))
        Self.appendDigits(&bytes, streamToken, Self.tokenDigits)
        Self.appendDigits(&bytes, UInt64(shardIndex), Self.shardDigits)
        Self.appendDigits(&bytes, counter, Self.counterDigits)
        Self.appendDigits(&bytes, UInt64(max(0, arrivalMillis)), Self.tailDigits)
    }

    private static func appendDigits(_ bytes: inout [UInt8], _ value: UInt64, _ width: Int) {
        let start = bytes.count
        bytes.append(contentsOf: repeatElement(UInt8(ascii: "0"), count: width))
        var v = value
        var i = start + width - 1
        while v > 0 && i >= start {
            bytes[i] = UInt8(ascii: "0") + UInt8(v % 10)
            v /= 10
            i -= 1
        }
    }

    /// Parses a number Eddy issued; nil for anything else (wrong length, version, digits).
    public init?(_ text: String) {
        let u = Array(text.utf8)
        guard u.count == 56, u.allSatisfy({ $0 >= 0x30 && $0 <= 0x39 }), u[0] == 0x34, u[1] == 0x39 else { return nil }
        func field(_ start: Int, _ width: Int) -> UInt64? { UInt64(String(decoding: u[start..<(start + width)], as: UTF8.self)) }
        var p = 2
        guard let token = field(p, Self.tokenDigits) else { return nil }
        p += Self.tokenDigits
        guard let shard = field(p, Self.shardDigits) else { return nil }
        p += Self.shardDigits
        guard let counter = field(p, Self.counterDigits) else { return nil }
        p += Self.counterDigits
        guard let tail = field(p, Self.tailDigits) else { return nil }
        self.init(streamToken: token, shardIndex: Int(shard), counter: counter, arrivalMillis: Int64(tail))
    }

    public static func < (a: SequenceNumber, b: SequenceNumber) -> Bool {
        (a.streamToken, a.shardIndex, a.counter, a.arrivalMillis) < (b.streamToken, b.shardIndex, b.counter, b.arrivalMillis)
    }

    /// A random stream token that fits its field.
    public static func newStreamToken() -> UInt64 {
        UInt64.random(in: 100_000_000_000...999_999_999_999)
    }
}
