import EddyWire

/// An HTTP/1.1 request as bytes (`METHOD URI HTTP/1.1`, header lines, an empty line, the body),
/// read leniently: the corpus holds requests recorded from real clients, and the fuzzer's
/// mutations of them should still reach the services rather than stop at framing, which the
/// front (NIO's parser) does before any of this.
struct RawRequest {
    var method: String
    var uri: String
    var headers: Headers
    var body: [UInt8]

    var path: String { uri.split(separator: "?", maxSplits: 1, omittingEmptySubsequences: false).first.map(String.init) ?? uri }
    var query: String? {
        let parts = uri.split(separator: "?", maxSplits: 1, omittingEmptySubsequences: false)
        return parts.count > 1 ? String(parts[1]) : nil
    }

    init?(_ bytes: [UInt8]) {
        let separator: [UInt8] = [13, 10, 13, 10]
        var headEnd = bytes.endIndex
        var bodyStart = bytes.endIndex
        if bytes.count >= 4 {
            for i in 0...(bytes.count - 4) where bytes[i..<(i + 4)].elementsEqual(separator) {
                headEnd = i
                bodyStart = i + 4
                break
            }
        }
        let lines = bytes[..<headEnd].split(separator: 10, omittingEmptySubsequences: false).map { line in
            String(decoding: line.last == 13 ? line.dropLast() : line, as: UTF8.self)
        }
        guard let requestLine = lines.first else { return nil }
        let parts = requestLine.split(separator: " ", omittingEmptySubsequences: true)
        guard parts.count >= 2, parts[1].hasPrefix("/") else { return nil }
        method = String(parts[0])
        uri = String(parts[1])
        var headers = Headers()
        for line in lines.dropFirst() {
            guard let colon = line.firstIndex(of: ":") else { continue }
            let value = line[line.index(after: colon)...].drop { $0 == " " || $0 == "\t" }
            headers.add(String(line[..<colon]), String(value))
        }
        self.headers = headers
        body = Array(bytes[bodyStart...])
    }
}
