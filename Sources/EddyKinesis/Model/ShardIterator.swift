import EddyWire

/// A shard iterator: where a consumer reads next in which shard, when the iterator was made,
/// and a MAC over all of it so a client cannot forge or alter one. Opaque base64 on the wire.
public struct ShardIterator: Sendable, Equatable {
    public static let lifetimeMillis: Int64 = 300_000
    /// Version 2 gives each name a 16-bit length (version 1 had 8 bits, too few for a region a
    /// client may put in its credential scope); both are read.
    static let formatVersion: UInt8 = 2
    static let macLength = 16

    public var accountId: String
    public var region: String
    public var streamName: String
    public var streamToken: UInt64
    public var shardIndex: Int
    /// Record counter the next GetRecords starts at.
    public var position: UInt64
    public var createdMillis: Int64

    public init(accountId: String, region: String, streamName: String, streamToken: UInt64,
                shardIndex: Int, position: UInt64, createdMillis: Int64) {
        self.accountId = accountId
        self.region = region
        self.streamName = streamName
        self.streamToken = streamToken
        self.shardIndex = shardIndex
        self.position = position
        self.createdMillis = createdMillis
    }

    public func encode(key: [UInt8]) -> String {
        var bytes: [UInt8] = [Self.formatVersion]
        append(&bytes, UInt64(bitPattern: createdMillis))
        append(&bytes, streamToken)
        append(&bytes, UInt64(shardIndex))
        append(&bytes, position)
        for field in [accountId, region, streamName] {
            let u = Array(field.utf8.prefix(Int(UInt16.max)))
            bytes.append(UInt8(truncatingIfNeeded: u.count >> 8))
            bytes.append(UInt8(truncatingIfNeeded: u.count))
            bytes.append(contentsOf: u)
        }
        bytes.append(contentsOf: Self.mac(bytes, key: key))
        return Base64.encode(bytes)
    }

    public enum DecodeError: Error { case invalid }

    /// AWS takes an iterator inside one pair of double quotes, as shell scripts pass it when they
    /// keep `jq`'s or `--output json`'s quoting.
    static func unquoted(_ text: String) -> Substring {
        let u = text.utf8
        guard u.count >= 2, u.first == UInt8(ascii: "\""), u.last == UInt8(ascii: "\"") else { return text[...] }
        return text.dropFirst().dropLast()
    }

    public static func decode(_ text: String, key: [UInt8]) throws(DecodeError) -> ShardIterator {
        guard let bytes = try? Base64.decode(String(unquoted(text))), bytes.count > 1 + 32 + 3 + macLength,
              bytes[0] == 1 || bytes[0] == formatVersion else { throw .invalid }
        let wideLengths = bytes[0] == 2
        let body = Array(bytes[0..<(bytes.count - macLength)])
        let mac = Array(bytes[(bytes.count - macLength)...])
        guard constantTimeEqual(mac, Self.mac(body, key: key)) else { throw .invalid }
        var p = 1
        func u64() -> UInt64 {
            defer { p += 8 }
            return body[p..<(p + 8)].reduce(UInt64(0)) { $0 << 8 | UInt64($1) }
        }
        let created = Int64(bitPattern: u64()), token = u64(), shard = u64(), position = u64()
        var fields: [String] = []
        for _ in 0..<3 {
            let lengthBytes = wideLengths ? 2 : 1
            guard p + lengthBytes <= body.count else { throw .invalid }
            let n = wideLengths ? Int(body[p]) << 8 | Int(body[p + 1]) : Int(body[p])
            p += lengthBytes
            guard p + n <= body.count else { throw .invalid }
            fields.append(String(decoding: body[p..<(p + n)], as: UTF8.self))
            p += n
        }
        guard p == body.count, shard <= UInt64(Int32.max) else { throw .invalid }
        return ShardIterator(accountId: fields[0], region: fields[1], streamName: fields[2], streamToken: token,
                             shardIndex: Int(shard), position: position, createdMillis: created)
    }

    private func append(_ bytes: inout [UInt8], _ v: UInt64) {
        for shift in stride(from: 56, through: 0, by: -8) { bytes.append(UInt8(truncatingIfNeeded: v >> UInt64(shift))) }
    }

    static func mac(_ data: [UInt8], key: [UInt8]) -> [UInt8] {
        Array(HMACDigest.sha256(key: key, data).prefix(macLength))
    }

    static func constantTimeEqual(_ a: [UInt8], _ b: [UInt8]) -> Bool { HMACDigest.constantTimeEqual(a, b) }
}
