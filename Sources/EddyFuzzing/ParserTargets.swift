import EddyCloudWatch
import EddyDynamoDB
import EddyFirehose
import EddyHTTP
import EddyKinesis
import EddyS3
import EddyWire

/// The parsers a client's bytes reach first. Where a parser has an inverse (a writer, a
/// formatter), the target also checks that what it read survives the round trip, which finds
/// values a parser accepts but a writer cannot express (an infinite number, a date outside
/// the calendar) — the class that once made Eddy answer invalid JSON.
enum ParserTargets {
    static let all: [FuzzTarget] = [
        FuzzTarget("json", "a JSON document: the JSON parser, then writing what it read and reading that again", run: json),
        FuzzTarget("cbor", "a CBOR item: the CBOR decoder, then the document it makes as JSON", run: cbor),
        FuzzTarget("xml", "an XML document: the REST-XML request parser", run: xml),
        FuzzTarget("awsquery", "an awsQuery form body: its pairs and the tree the typed decoder reads", run: awsQuery),
        FuzzTarget("eventstream", "headers and a payload: the event-stream encoder, its frames read back", run: eventStream),
        FuzzTarget("sigv4", "Authorization, query, date, path, payload hash, body: the credential scope, SigV4 verification, and a request signed as AWS signs verifying", run: credentialScope),
        FuzzTarget("httpdate", "a date and a Range header: HTTP and ISO 8601 dates round trip, byte ranges", run: httpDate),
        FuzzTarget("s3head", "an S3 request head and body: addressing, query, preconditions, ranges, aws-chunked decoding", run: s3Head),
        FuzzTarget("pattern", "a model pattern and a value, or a pattern of its own: the pattern matcher", run: pattern),
        FuzzTarget("kpl", "a KPL aggregate body: de-aggregation as Firehose does it", run: kpl),
        FuzzTarget("expression", "a DynamoDB condition, update or projection expression: parsed, evaluated and applied",
                   run: { check(ExpressionFuzzing.run($0), "an expression failed other than with a validation error") }),
        FuzzTarget("metricmath", "a CloudWatch metric math expression, search expression or Metrics Insights query: computed and matched",
                   run: { check(MetricMathFuzzing.run($0), "a metric math expression made more points than a query answers") }),
    ]

    static func json(_ input: [UInt8]) {
        guard let value = try? JSONParser.parse(input) else { return }
        roundTrip(value, "JSON")
    }

    static func cbor(_ input: [UInt8]) {
        guard let value = try? CBOR.decode(input) else { return }
        roundTrip(value, "CBOR")
    }

    /// A document read from a client, written as JSON (as answers and stored documents are),
    /// must be JSON again.
    static func roundTrip(_ value: JSONValue, _ source: String) {
        var writer = JSONWriter()
        writer.value(value)
        check((try? JSONParser.parse(writer.bytes)) != nil,
              "\(source) document written as invalid JSON: \(String(decoding: writer.bytes.prefix(200), as: UTF8.self))")
    }

    static func xml(_ input: [UInt8]) {
        _ = try? XMLElement.parse(input)
    }

    static func awsQuery(_ input: [UInt8]) {
        roundTrip(AWSQueryProtocol.tree(AWSQueryProtocol.pairs(input)), "awsQuery")
    }

    static func eventStream(_ input: [UInt8]) {
        // Header pairs separated by NUL and "=" until a 0xFF, then the payload.
        let split = input.firstIndex(of: 0xFF) ?? input.endIndex
        let headers: [(String, String)] = input[..<split].split(separator: 0).map { field in
            let parts = field.split(separator: UInt8(ascii: "="), maxSplits: 1, omittingEmptySubsequences: false)
            return (String(decoding: parts[0], as: UTF8.self), parts.count > 1 ? String(decoding: parts[1], as: UTF8.self) : "")
        }
        let payload = Array(input[min(split + 1, input.endIndex)...])
        let frame = EventStream.message(headers: headers, payload: payload)
        var reader = FrameReader(bytes: frame)
        check(reader.readMessage() != nil, "an event-stream frame does not read back")
    }

    /// Reads one frame the way an SDK does: lengths, both CRCs, string headers.
    struct FrameReader {
        let bytes: [UInt8]
        var i = 0

        mutating func u(_ width: Int) -> UInt32? {
            guard bytes.count - i >= width else { return nil }
            var v: UInt32 = 0
            for _ in 0..<width { v = v << 8 | UInt32(bytes[i]); i += 1 }
            return v
        }

        mutating func readMessage() -> [UInt8]? {
            guard let total = u(4), let headersLength = u(4), let preludeCRC = u(4), Int(total) == bytes.count,
                  preludeCRC == EventStream.crc(Array(bytes[0..<8])), Int(headersLength) <= bytes.count - 16 else { return nil }
            let headersEnd = 12 + Int(headersLength)
            while i < headersEnd {
                guard let nameLength = u(1), Int(nameLength) <= headersEnd - i else { return nil }
                i += Int(nameLength)
                guard let type = u(1), type == 7, let valueLength = u(2), Int(valueLength) <= headersEnd - i else { return nil }
                i += Int(valueLength)
            }
            guard i == headersEnd else { return nil }
            let payload = Array(bytes[headersEnd..<(bytes.count - 4)])
            i = bytes.count - 4
            guard let messageCRC = u(4), messageCRC == EventStream.crc(Array(bytes[0..<(bytes.count - 4)])) else { return nil }
            return payload
        }
    }

    static let fuzzCredentials: Credentials? = try? Credentials(parsing: "AKIDFUZZ:secret:111122223333", defaultAccount: "000000000000")
    static let fuzzNow: Int64 = 1_796_000_000_000

    /// Lines: Authorization, query, X-Amz-Date, path, X-Amz-Content-SHA256; then the body.
    static func credentialScope(_ input: [UInt8]) {
        let text = String(decoding: input, as: UTF8.self)
        let lines = text.split(separator: "\n", maxSplits: 5, omittingEmptySubsequences: false).map(String.init)
        func line(_ i: Int) -> String? { i < lines.count && !lines[i].isEmpty ? lines[i] : nil }
        let authorization = line(0) ?? ""
        let query = line(1)
        if let scope = CredentialScope(authorization: authorization) {
            _ = scope.accountId(default: "000000000000")
        }
        _ = ServiceRouter.scope(headers: Headers([("Authorization", authorization)]), query: query)
        _ = ServiceRouter.scope(headers: Headers(), query: query ?? authorization)

        guard let credentials = fuzzCredentials else { return }
        var headers = Headers([("Host", "localhost:4566")])
        if !authorization.isEmpty { headers.add("Authorization", authorization) }
        if let date = line(2) { headers.add("X-Amz-Date", date) }
        if let sha = line(4) { headers.add("X-Amz-Content-SHA256", sha) }
        let body = Array((lines.count > 5 ? lines[5] : "").utf8)
        for isS3 in [false, true] {
            let request = SigV4.Request(method: "POST", path: line(3) ?? "/", query: query, headers: headers, isS3: isS3)
            _ = SigV4.verify(request, credentials: credentials, nowMillis: fuzzNow, bodyHash: SHA256Digest.hex(body))
            // Signed the way AWS says to sign it, the same request must verify.
            let date = SigV4.basicDate(fuzzNow)
            var signedHeaders = request.headers
            signedHeaders.fields.removeAll { $0.name == "Authorization" || $0.name == "X-Amz-Date" }
            signedHeaders.add("X-Amz-Date", date)
            var signed = request
            signed.headers = signedHeaders
            let names = Array(Set(signedHeaders.fields.map { $0.name.lowercased() })).sorted()
            let payload = line(4) ?? SHA256Digest.hex(body)
            let canonical = SigV4.canonicalRequest(signed, signedHeaders: names, payloadHash: payload)
            guard let scope = SigV4.Scope(Substring("AKIDFUZZ/\(date.prefix(8))/us-east-1/kinesis/aws4_request")) else { return }
            let toSign = [SigV4.algorithm, date, scope.path, SHA256Digest.hex(Array(canonical.utf8))].joined(separator: "\n")
            let signature = Hex.lower(HMACDigest.sha256(key: SigV4.signingKey(secret: "secret", scope: scope), Array(toSign.utf8)))
            signed.headers.add("Authorization", "\(SigV4.algorithm) Credential=AKIDFUZZ/\(scope.path), SignedHeaders=\(names.joined(separator: ";")), Signature=\(signature)")
            let verdict = SigV4.verify(signed, credentials: credentials, nowMillis: fuzzNow, bodyHash: SHA256Digest.hex(body))
            if case .failed(.signatureMismatch) = verdict { check(false, "a correctly signed request did not verify: \(canonical)") }
        }
    }

    static func httpDate(_ input: [UInt8]) {
        let text = String(decoding: input, as: UTF8.self)
        if let millis = AWSDate.parse(text) {
            check(AWSDate.parse(AWSDate.httpDate(millis)) == millis, "\(text) does not round trip as an HTTP date")
            check(AWSDate.parse(AWSDate.iso8601(millis)) == millis, "\(text) does not round trip as ISO 8601")
        }
        // The first byte sizes the object the range is asked of.
        let size = Int(input.first ?? 0) * 97
        if let range = try? ByteRange.parse(String(text.dropFirst()), size: size) {
            check(range.lowerBound >= 0 && range.upperBound <= size && !range.isEmpty, "range \(range) outside an object of \(size)")
        }
    }

    static func s3Head(_ input: [UInt8]) {
        guard let request = RawRequest(input) else { return }
        let address = S3Address(path: request.path, query: request.query, host: request.headers["Host"])
        _ = address.bucket?.utf8.count
        try? Preconditions.check(request.headers, etag: "\"0cc175b9c0f1b6a831c399e269772661\"", modified: 1_700_000_000_000)
        if let range = request.headers["Range"] { _ = try? ByteRange.parse(range, size: request.body.count) }
        // The body as aws-chunked, fed in pieces whose sizes come from the body itself.
        var decoder = AWSChunkedDecoder()
        var decoded = 0
        var rest = request.body[...]
        while !rest.isEmpty, decoder.error == nil {
            let take = max(1, Int(rest.first ?? 1) % 61)
            let piece = Array(rest.prefix(take))
            rest = rest.dropFirst(take)
            piece.withUnsafeBytes { decoder.feed($0) { decoded += $0.count } }
        }
        check(decoded <= request.body.count, "aws-chunked decoding made \(decoded) bytes of \(request.body.count)")
    }

    static let modelPatterns: [Pattern] = (KinesisAPI.Patterns.all + FirehoseAPI.Patterns.all + CloudWatchAPI.Patterns.all
                                           + DynamoDBAPI.Patterns.all)
        .compactMap(\.pattern)

    static func pattern(_ input: [UInt8]) {
        guard let selector = input.first else { return }
        let rest = String(decoding: input.dropFirst(), as: UTF8.self)
        if selector == 0xFF {
            // A pattern of its own (its first line) and a value: the parser and compiler too.
            let lines = rest.split(separator: "\n", maxSplits: 1, omittingEmptySubsequences: false)
            guard lines[0].utf8.count <= 512, let compiled = try? Pattern(String(lines[0])) else { return }
            _ = compiled.matches(lines.count > 1 ? String(lines[1]) : "")
            return
        }
        guard !modelPatterns.isEmpty else { return }
        _ = modelPatterns[Int(selector) % modelPatterns.count].matches(rest)
    }

    static func kpl(_ input: [UInt8]) {
        _ = KPLAggregate.parse(input)
        // Most inputs would stop at the digest; framed with a right one they reach the protobuf reader.
        let framed = KPLAggregate.magic + input + MD5Digest.of(input)
        if case .notAggregated = KPLAggregate.parse(framed) { check(false, "a framed aggregate was not recognised") }
    }
}
