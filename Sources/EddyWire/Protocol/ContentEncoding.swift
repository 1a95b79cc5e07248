/// The `Content-Encoding` of a request body, for services whose operations AWS lets SDKs compress
/// (the model's `requestcompression` trait: CloudWatch's PutMetricData). botocore and the Java SDK
/// gzip such bodies past 10 KiB and add `gzip` to what the header already says.
public enum ContentEncoding {
    /// The body as the service reads it: every listed coding undone, the last applied first.
    public static func decode(_ body: [UInt8], header: String?, limit: Int) throws(AWSError) -> [UInt8] {
        guard let header else { return body }
        let codings = header.split(separator: ",").map { $0.trimmingSpaces.lowercased() }.filter { !$0.isEmpty && $0 != "identity" }
        guard codings.count <= 4 else { throw unsupported(header) }
        var body = body
        for coding in codings.reversed() {
            guard coding == "gzip" || coding == "x-gzip" else { throw unsupported(coding) }
            do {
                body = try Gzip.decompress(body, limit: limit)
            } catch .tooLarge {
                throw AWSError(code: "RequestEntityTooLarge", message: "The request body inflates to more than the \(limit) bytes Eddy accepts.", status: 413)
            } catch {
                throw AWSError(code: "MalformedInput", message: "The request body is not valid gzip, as its Content-Encoding says.", status: 400)
            }
        }
        return body
    }

    static func unsupported(_ coding: String) -> AWSError {
        AWSError(code: "UnsupportedContentEncoding", message: "Content-Encoding \(coding.prefix(64)) is not supported; request bodies may be gzip-compressed.", status: 415)
    }
}

extension Substring {
    var trimmingSpaces: Substring {
        var s = self
        while let c = s.first, c == " " || c == "\t" { s.removeFirst() }
        while let c = s.last, c == " " || c == "\t" { s.removeLast() }
        return s
    }
}
