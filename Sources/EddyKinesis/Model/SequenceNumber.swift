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
        // Written straight into the string's own storage: one allocation per number (the read
        // path makes one per record).
        String(unsafeUninitializedCapacity: 56) { write(to: $0) }
    }

    /// The 56 ASCII digits, appended (the hot paths write them straight into JSON).
    public func write(into bytes: inout [UInt8]) {
        let start = bytes.count
        bytes.append(contentsOf: repeatElement(UInt8(ascii: "0"), count: 56))
        bytes.withUnsafeMutableBufferPointer { b in _ = write(to: UnsafeMutableBufferPointer(rebasing: b[start...])) }
    }

    /// Writes the 56 digits at the start of `buffer`; returns how many it wrote (0 if it is too small).
    func write(to buffer: UnsafeMutableBufferPointer<UInt8>) -> Int {
        guard buffer.count >= 56 else { return 0 }
        buffer[0] = UInt8(ascii: "4")
        buffer[1] = UInt8(ascii: "9")
        var p = 2
        p = Self.digits(buffer, at: p, streamToken, Self.tokenDigits)
        p = Self.digits(buffer, at: p, UInt64(clamping: shardIndex), Self.shardDigits)
        p = Self.digits(buffer, at: p, counter, Self.counterDigits)
        return Self.digits(buffer, at: p, UInt64(clamping: arrivalMillis), Self.tailDigits)
    }

    /// `value` in `width` decimal digits, zero-padded (higher digits beyond the width are dropped).
    private static func digits(_ buffer: UnsafeMutableBufferPointer<UInt8>, at start: Int, _ value: UInt64, _ width: Int) -> Int {
        var v = value
        var i = start + width - 1
        while i >= start {
            buffer[i] = UInt8(ascii: "0") + UInt8(v % 10)
            v /= 10
            i -= 1
        }
        return start + width
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
