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

    public static func encode(_ data: UnsafeRawBufferPointer, into out: inout [UInt8]) {
        let n = data.count
        let start = out.count
        let outputLength = (n + 2) / 3 * 4
        out.append(contentsOf: repeatElement(0, count: outputLength))
        alphabet.withUnsafeBufferPointer { table in
            out.withUnsafeMutableBufferPointer { o in
                var i = 0, j = start
                while i + 3 <= n {
                    let b0 = data[i], b1 = data[i + 1], b2 = data[i + 2]
                    o[j] = table[Int(b0 >> 2)]
                    o[j + 1] = table[Int((b0 & 0x03) << 4 | b1 >> 4)]
                    o[j + 2] = table[Int((b1 & 0x0F) << 2 | b2 >> 6)]
                    o[j + 3] = table[Int(b2 & 0x3F)]
                    i += 3; j += 4
                }
                if i < n {
                    let b0 = data[i], b1: UInt8 = i + 1 < n ? data[i + 1] : 0
                    o[j] = table[Int(b0 >> 2)]
                    o[j + 1] = table[Int((b0 & 0x03) << 4 | b1 >> 4)]
                    o[j + 2] = i + 1 < n ? table[Int((b1 & 0x0F) << 2)] : UInt8(ascii: "=")
                    o[j + 3] = UInt8(ascii: "=")
                }
            }
        }
    }

    public static func encode(_ data: [UInt8], into out: inout [UInt8]) {
        data.withUnsafeBytes { encode($0, into: &out) }
    }

    public static func encode(_ data: [UInt8]) -> String {
        var out: [UInt8] = []
        encode(data, into: &out)
        return String(decoding: out, as: UTF8.self)
    }

    /// Checks `encoded` is canonical padded base64 and returns its decoded length, without
    /// decoding (validation needs only the length).
    public static func validatedLength(_ encoded: String) throws(DecodeError) -> Int {
        var s = encoded
        let result = s.withUTF8 { input -> Result<Int, DecodeError> in
            let n = input.count
            guard n % 4 == 0 else { return .failure(.length(n)) }
            if n == 0 { return .success(0) }
            var padding = 0
            if input[n - 1] == UInt8(ascii: "=") { padding += 1 }
            if input[n - 2] == UInt8(ascii: "=") { padding += 1 }
            let table = decodeTable
            for i in 0..<(n - padding) where table[Int(input[i])] == 0xFF {
                return .failure(.character(input[i]))
            }
            let last = table[Int(input[n - padding - 1])]
            if padding == 2 && last & 0x0F != 0 { return .failure(.trailingBits) }
            if padding == 1 && last & 0x03 != 0 { return .failure(.trailingBits) }
            return .success(n / 4 * 3 - padding)
        }
        return try result.get()
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
