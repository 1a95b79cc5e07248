/// Standard base64 (RFC 4648, padded), as the AWS JSON protocols encode blobs.
public enum Base64 {
    private static let alphabet: [UInt8] = Array("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/".utf8)
    private static let decodeTable: [UInt8] = {
        var t = [UInt8](repeating: 0xFF, count: 256)
        for (i, c) in alphabet.enumerated() { t[Int(c)] = UInt8(i) }
        return t
    }()

    public enum DecodeError: Error, Equatable, Sendable {
        /// The encoded length is not a multiple of four.
        case length(Int)
        /// A character outside the alphabet (or padding in the middle).
        case character(UInt8)
        /// Non-zero bits after the last character (not the canonical encoding).
        case trailingBits
    }

    public static func encode(_ data: some Collection<UInt8>, into out: inout [UInt8]) {
        out.reserveCapacity(out.count + (data.count + 2) / 3 * 4)
        var it = data.makeIterator()
        while let b0 = it.next() {
            let b1 = it.next(), b2 = it.next()
            out.append(alphabet[Int(b0 >> 2)])
            out.append(alphabet[Int((b0 & 0x03) << 4 | (b1 ?? 0) >> 4)])
            if let b1 {
                out.append(alphabet[Int((b1 & 0x0F) << 2 | (b2 ?? 0) >> 6)])
            } else {
                out.append(UInt8(ascii: "="))
            }
            if let b2 {
                out.append(alphabet[Int(b2 & 0x3F)])
            } else {
                out.append(UInt8(ascii: "="))
            }
        }
    }

    public static func encode(_ data: some Collection<UInt8>) -> String {
        var out: [UInt8] = []
        encode(data, into: &out)
        return String(decoding: out, as: UTF8.self)
    }

    /// Number of bytes `encoded` decodes to, without decoding (for length validation).
    public static func decodedLength(of encoded: Substring.UTF8View) -> Int {
        let n = encoded.count
        guard n > 0 else { return 0 }
        var padding = 0
        var i = encoded.index(before: encoded.endIndex)
        while padding < 2, encoded[i] == UInt8(ascii: "=") {
            padding += 1
            if i == encoded.startIndex { break }
            i = encoded.index(before: i)
        }
        return n / 4 * 3 - padding
    }

    public static func decode(_ encoded: String) throws(DecodeError) -> [UInt8] {
        var s = encoded
        let result = s.withUTF8 { buffer in Result { () throws(DecodeError) in try decode(buffer) } }
        return try result.get()
    }

    public static func decode(_ input: UnsafeBufferPointer<UInt8>) throws(DecodeError) -> [UInt8] {
        let n = input.count
        guard n % 4 == 0 else { throw .length(n) }
        if n == 0 { return [] }
        var padding = 0
        if input[n - 1] == UInt8(ascii: "=") { padding += 1 }
        if input[n - 2] == UInt8(ascii: "=") { padding += 1 }
        var out = [UInt8]()
        out.reserveCapacity(n / 4 * 3 - padding)
        let table = decodeTable
        var i = 0
        while i < n {
            let c0 = table[Int(input[i])], c1 = table[Int(input[i + 1])]
            let last = i + 4 == n
            let p2 = input[i + 2], p3 = input[i + 3]
            guard c0 != 0xFF else { throw .character(input[i]) }
            guard c1 != 0xFF else { throw .character(input[i + 1]) }
            if last && padding == 2 {
                guard p2 == UInt8(ascii: "="), p3 == UInt8(ascii: "=") else { throw .character(p2) }
                guard c1 & 0x0F == 0 else { throw .trailingBits }
                out.append(c0 << 2 | c1 >> 4)
                break
            }
            let c2 = table[Int(p2)]
            guard c2 != 0xFF else { throw .character(p2) }
            if last && padding == 1 {
                guard c2 & 0x03 == 0 else { throw .trailingBits }
                out.append(c0 << 2 | c1 >> 4)
                out.append((c1 & 0x0F) << 4 | c2 >> 2)
                break
            }
            let c3 = table[Int(p3)]
            guard c3 != 0xFF else { throw .character(p3) }
            out.append(c0 << 2 | c1 >> 4)
            out.append((c1 & 0x0F) << 4 | c2 >> 2)
            out.append((c2 & 0x03) << 6 | c3)
            i += 4
        }
        return out
    }
}
