import CZlib

/// The AWS event-stream framing (`application/vnd.amazon.eventstream`): each message is a
/// prelude (total length, headers length, CRC-32 of both), string headers, the payload and a
/// CRC-32 of everything before it.
public enum EventStream {
    public static let contentType = "application/vnd.amazon.eventstream"

    /// Header names longer than 255 bytes and values longer than 65,535 cannot be framed and are
    /// cut to fit; every header here is the server's own short constant, and payloads (events
    /// of at most a few MiB of records) stay far below the 4 GiB a length can say.
    public static func message(headers: [(String, String)], payload: [UInt8]) -> [UInt8] {
        var encodedHeaders: [UInt8] = []
        for (name, value) in headers {
            let nameBytes = name.utf8.prefix(Int(UInt8.max))
            let valueBytes = value.utf8.prefix(Int(UInt16.max))
            encodedHeaders.append(UInt8(clamping: nameBytes.count))
            encodedHeaders += nameBytes
            encodedHeaders.append(7)  // string
            appendBE(&encodedHeaders, UInt16(clamping: valueBytes.count))
            encodedHeaders += valueBytes
        }
        var out: [UInt8] = []
        let total = 12 + encodedHeaders.count + payload.count + 4
        out.reserveCapacity(total)
        appendBE(&out, UInt32(clamping: total))
        appendBE(&out, UInt32(clamping: encodedHeaders.count))
        appendBE(&out, crc(out))
        out += encodedHeaders
        out += payload
        appendBE(&out, crc(out))
        return out
    }

    /// An event of the given type with a JSON payload.
    public static func event(_ type: String, json: [UInt8]) -> [UInt8] {
        message(headers: [(":event-type", type), (":content-type", "application/json"), (":message-type", "event")], payload: json)
    }

    /// An exception in the middle of a stream.
    public static func exception(_ error: AWSError) -> [UInt8] {
        var w = JSONWriter()
        w.beginObject()
        w.member("message", error.message)
        w.endObject()
        return message(headers: [(":exception-type", error.code), (":content-type", "application/json"),
                                 (":message-type", "exception")], payload: w.bytes)
    }

    package static func crc(_ bytes: [UInt8]) -> UInt32 {
        bytes.withUnsafeBufferPointer { UInt32(crc32(0, $0.baseAddress, uInt($0.count))) }
    }

    static func appendBE<T: FixedWidthInteger>(_ out: inout [UInt8], _ v: T) {
        withUnsafeBytes(of: v.bigEndian) { out += $0 }
    }
}
