/// An instant a client sent or an answer carries, always within the years 0001–9999 (what the
/// AWS services' Java dates and ISO 8601 can hold), kept to the millisecond. The only way to
/// make one from a client's number is the checked initialisers, so an action never sees NaN,
/// infinity or a value that overflows when scaled.
public struct Timestamp: Sendable, Hashable, Comparable, CustomStringConvertible {
    /// Milliseconds since 1970-01-01T00:00:00Z.
    public let millis: Int64

    /// 0001-01-01T00:00:00Z and 9999-12-31T23:59:59.999Z.
    public static let earliestMillis: Int64 = -62_135_596_800_000
    public static let latestMillis: Int64 = 253_402_300_799_999

    /// An instant Eddy itself produced (a clock reading, a stored value); clamped into range.
    public init(millis: Int64) {
        self.millis = min(max(millis, Self.earliestMillis), Self.latestMillis)
    }

    /// Epoch seconds as a client sends them (with a fraction); nil when not finite or out of range.
    public init?(checkedSeconds seconds: Double) {
        guard seconds.isFinite else { return nil }
        let scaled = (seconds * 1000).rounded(.down)
        guard scaled >= Double(Self.earliestMillis), scaled <= Double(Self.latestMillis) else { return nil }
        millis = Int64(scaled)
    }

    /// Epoch milliseconds; nil when out of range.
    public init?(checkedMillis millis: Int64) {
        guard millis >= Self.earliestMillis, millis <= Self.latestMillis else { return nil }
        self.millis = millis
    }

    public var seconds: Double { Double(millis) / 1000 }

    /// Whole seconds (floor), as ListShards compares creation times.
    public var wholeSeconds: Int64 { millis.floorDiv(1000) }

    public static func < (a: Timestamp, b: Timestamp) -> Bool { a.millis < b.millis }

    public var description: String { AWSDate.iso8601(millis) }
}
