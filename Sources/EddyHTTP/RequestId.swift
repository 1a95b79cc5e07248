/// AWS-style request ids (UUID v4 text); a per-connection counter would do, but clients log
/// these and expect them unique across restarts.
enum RequestId {
    static func make() -> String {
        var g = SystemRandomNumberGenerator()
        let a = g.next() as UInt64, b = g.next() as UInt64
        let hex = Array("0123456789abcdef".utf8)
        var out = [UInt8]()
        out.reserveCapacity(36)
        for (i, v) in [a, b].enumerated() {
            for j in 0..<16 {
                let pos = i * 16 + j
                if pos == 8 || pos == 12 || pos == 16 || pos == 20 { out.append(UInt8(ascii: "-")) }
                var nibble = Int((v >> UInt64(60 - j * 4)) & 0xF)
                if pos == 12 { nibble = 4 }
                if pos == 16 { nibble = 8 | (nibble & 3) }
                out.append(hex[nibble])
            }
        }
        return String(decoding: out, as: UTF8.self)
    }
}
