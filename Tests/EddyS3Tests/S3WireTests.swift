import Testing
import EddyWire
@testable import EddyS3

@Suite struct ChecksumTests {
    // Check values of each algorithm over "123456789".
    @Test(arguments: [
        (ChecksumAlgorithm.crc32, "cbf43926"),
        (.crc32c, "e3069283"),
        (.crc64nvme, "ae8b14860a799888"),
        (.sha1, "f7c3bc1d808e04732adf679965ccc34ca7ae3441"),
        (.sha256, "15e2b0d3c33891ebb0f1ef609ec419420c20e320ce94c65fbc8c3312448eb225"),
    ])
    func checkValues(_ algorithm: ChecksumAlgorithm, _ hex: String) {
        let h = algorithm.makeHasher()
        h.update(Array("1234".utf8))
        h.update(Array("56789".utf8))
        #expect(Hex.lower(h.finish()) == hex)
    }

    /// The eight-bytes-at-a-time path and carry-less folding agree with the bit-at-a-time
    /// definition for every length and split, aligned or not.
    @Test(arguments: [ChecksumAlgorithm.crc32c, .crc64nvme])
    func slicedCRCMatchesBitwise(_ algorithm: ChecksumAlgorithm) {
        var state: UInt64 = 0x9E37_79B9_7F4A_7C15
        let bytes: [UInt8] = (0..<4_099).map { _ in
            state = state &* 6_364_136_223_846_793_005 &+ 1_442_695_040_888_963_407
            return UInt8(truncatingIfNeeded: state >> 33)
        }
        for length in [0, 1, 7, 8, 9, 15, 16, 17, 63, 64, 65, 100, 127, 128, 129, 1_031, 4_099] {
            let input = Array(bytes[0..<length])
            let expected = Self.bitwise(algorithm, input)
            for split in [1, 3, 8, 13, 64, 100, 4_099] {
                let h = algorithm.makeHasher()
                var i = 0
                while i < input.count {
                    h.update(Array(input[i..<min(i + split, input.count)]))
                    i += split
                }
                #expect(Hex.lower(h.finish()) == expected, "length \(length) split \(split)")
            }
        }
    }

    static func bitwise(_ algorithm: ChecksumAlgorithm, _ input: [UInt8]) -> String {
        if algorithm == .crc32c {
            var c: UInt32 = 0xFFFF_FFFF
            for b in input {
                c ^= UInt32(b)
                for _ in 0..<8 { c = c & 1 != 0 ? (c >> 1) ^ 0x82F6_3B78 : c >> 1 }
            }
            return Hex.lower(withUnsafeBytes(of: (c ^ 0xFFFF_FFFF).bigEndian) { Array($0) })
        }
        var c: UInt64 = ~0
        for b in input {
            c ^= UInt64(b)
            for _ in 0..<8 { c = c & 1 != 0 ? (c >> 1) ^ 0x9A6C_9329_AC4B_C9B5 : c >> 1 }
        }
        return Hex.lower(withUnsafeBytes(of: (~c).bigEndian) { Array($0) })
    }

    @Test func headersRoundTrip() {
        #expect(ChecksumAlgorithm(header: "X-Amz-Checksum-Crc32c") == .crc32c)
        #expect(ChecksumAlgorithm.sha256.header == "x-amz-checksum-sha256")
        #expect(ChecksumAlgorithm(header: "x-amz-checksum-mode") == nil)
    }
}

@Suite struct AWSChunkedTests {
    func decode(_ text: String, splitEvery n: Int) -> (String, [(String, String)], Bool, AWSError?) {
        var decoder = AWSChunkedDecoder()
        var out: [UInt8] = []
        let bytes = Array(text.utf8)
        var i = 0
        while i < bytes.count {
            let piece = Array(bytes[i..<min(i + n, bytes.count)])
            piece.withUnsafeBytes { decoder.feed($0) { out += $0 } }
            i += n
        }
        return (String(decoding: out, as: UTF8.self), decoder.trailers, decoder.complete, decoder.error)
    }

    @Test(arguments: [1, 3, 7, 1000])
    func unsignedWithTrailer(_ split: Int) {
        let body = "11\r\nhello small file\n\r\n0\r\nx-amz-checksum-crc32:oqJZdg==\r\n\r\n"
        let (data, trailers, complete, error) = decode(body, splitEvery: split)
        #expect(error == nil)
        #expect(data == "hello small file\n")
        #expect(complete)
        #expect(trailers.first?.0 == "x-amz-checksum-crc32" && trailers.first?.1 == "oqJZdg==")
    }

    @Test func signedChunks() {
        let sig = ";chunk-signature=" + String(repeating: "a", count: 64)
        let body = "5\(sig)\r\nhello\r\n6\(sig)\r\n world\r\n0\(sig)\r\n\r\n"
        let (data, _, complete, error) = decode(body, splitEvery: 4)
        #expect(error == nil && complete)
        #expect(data == "hello world")
    }

    @Test func aFloodOfTrailersIsAnError() {
        let trailers = String(repeating: "x-amz-meta-x:" + String(repeating: "v", count: 8000) + "\r\n", count: 30_000)
        let (_, kept, complete, error) = decode("0\r\n" + trailers + "\r\n", splitEvery: 65536)
        #expect(error?.code == "InvalidRequest" && !complete)
        #expect(kept.count <= AWSChunkedDecoder.maxTrailers)
    }

    @Test func malformedSizeIsAnError() {
        #expect(decode("zz\r\nabc", splitEvery: 100).3 != nil)
        #expect(decode("3\r\nabcdef\r\n", splitEvery: 100).3 != nil)
    }
}

@Suite struct S3AddressingTests {
    @Test func pathStyle() {
        let a = S3Address(path: "/bkt/dir/a%20b.txt", query: "uploadId=x%2By&partNumber=2&uploads", host: "127.0.0.1:4566")
        #expect(a.bucket == "bkt")
        #expect(a.key == "dir/a b.txt")
        #expect(a.query["uploadId"] == "x+y")
        #expect(a.query["uploads"] == "")
        #expect(S3Address(path: "/", query: nil, host: nil).bucket == nil)
        #expect(S3Address(path: "/bkt", query: nil, host: nil).key == nil)
    }

    @Test func virtualHosted() {
        let a = S3Address(path: "/k/x", query: nil, host: "my.bucket.localhost:4566")
        #expect(a.bucket == "my.bucket" && a.key == "k/x")
        #expect(S3Address.virtualHostBucket("b1.s3.us-west-2.amazonaws.com") == "b1")
        #expect(S3Address.virtualHostBucket("localhost:4566") == nil)
        // LocalStack's host forms, which clients configured for it send.
        #expect(S3Address.virtualHostBucket("b.s3.localhost.localstack.cloud:4566") == "b")
        #expect(S3Address.virtualHostBucket("my.b.localhost.localstack.cloud") == "my.b")
        #expect(S3Address.virtualHostBucket("s3.localhost.localstack.cloud:4566") == nil)
        #expect(S3Address.virtualHostBucket("localhost.localstack.cloud") == nil)
        #expect(S3Address.virtualHostBucket("b.s3.localhost") == "b")
        #expect(S3Address.virtualHostBucket("b.s3.amazonaws.com") == "b")
        #expect(S3Address.virtualHostBucket("b.s3.dualstack.eu-west-1.amazonaws.com") == "b")
        #expect(S3Address.virtualHostBucket("s3.eu-west-1.amazonaws.com") == nil)
        let path = S3Address(path: "/bkt/k", query: nil, host: "s3.localhost.localstack.cloud:4566")
        #expect(path.bucket == "bkt" && path.key == "k")
    }

    /// A prefix's keys are read as one index range, ending at the prefix's successor.
    @Test func prefixSuccessors() {
        #expect(ObjectStore.successor("logs/") == "logs0")
        #expect(ObjectStore.successor("a\u{D7FF}") == "a\u{E000}")
        #expect(ObjectStore.successor("é") == "ê")
        #expect(ObjectStore.successor("a\u{10FFFF}") == "b")
        #expect(ObjectStore.successor("\u{10FFFF}") == nil)
    }

    @Test func bucketNames() {
        for ok in ["abc", "my-bucket.1", String(repeating: "a", count: 63)] { #expect(BucketName.isValid(ok), "\(ok)") }
        for bad in ["ab", "ABC", "-abc", "abc-", "a..b", "192.168.1.1", "xn--abc", "a_b", String(repeating: "a", count: 64)] {
            #expect(!BucketName.isValid(bad), "\(bad)")
        }
    }

    @Test func urlEncoding() {
        #expect(URLCoding.encode("a b/ü+") == "a%20b/%C3%BC%2B")
        #expect(URLCoding.decode("%C3%BC") == "ü")
        #expect(URLCoding.decode("%zz") == nil)
    }
}

@Suite struct RangesAndDatesTests {
    @Test func byteRanges() throws {
        #expect(try ByteRange.parse("bytes=0-9", size: 100) == 0..<10)
        #expect(try ByteRange.parse("bytes=90-", size: 100) == 90..<100)
        #expect(try ByteRange.parse("bytes=-10", size: 100) == 90..<100)
        #expect(try ByteRange.parse("bytes=95-200", size: 100) == 95..<100)
        #expect(try ByteRange.parse("bytes=9-0", size: 100) == nil)
        #expect(try ByteRange.parse("bytes=0-1,5-6", size: 100) == nil)
        #expect(throws: S3Error.self) { try ByteRange.parse("bytes=100-", size: 100) }
    }

    @Test func dates() {
        #expect(AWSDate.httpDate(1_421_889_722_000) == "Thu, 22 Jan 2015 01:22:02 GMT")
        #expect(AWSDate.iso8601(1_421_889_722_005) == "2015-01-22T01:22:02.005Z")
        #expect(AWSDate.parse("Thu, 22 Jan 2015 01:22:02 GMT") == 1_421_889_722_000)
        #expect(AWSDate.parse("2015-01-22T01:22:02.000Z") == 1_421_889_722_000)
    }
}

@Suite struct XMLTests {
    @Test func parsesRequestBodies() throws {
        let xml = """
            <?xml version="1.0" encoding="UTF-8"?>
            <CompleteMultipartUpload xmlns="http://s3.amazonaws.com/doc/2006-03-01/">
              <!-- comment -->
              <Part><ETag>&quot;abc&quot;</ETag><PartNumber>1</PartNumber></Part>
              <Part><ETag><![CDATA["d<e>f"]]></ETag><PartNumber>2</PartNumber></Part>
            </CompleteMultipartUpload>
            """
        let root = try XMLElement.parse(Array(xml.utf8))
        #expect(root.localName == "CompleteMultipartUpload")
        #expect(root.children("Part").map { $0.value("ETag") } == ["\"abc\"", "\"d<e>f\""])
        #expect(root.children("Part").last?.value("PartNumber") == "2")
    }

    @Test func rejectsBrokenXML() {
        for bad in ["<a><b></a>", "<a>", "", "<!DOCTYPE x><a/>", "<a>&bogus;</a>", "<a/><b/>",
                    "<Key>nulvictim&#0;x</Key>", "<Key>a&#x1F;</Key>", "<Key>\u{01}</Key>", "<a>&#xD800;</a>"] {
            #expect(throws: XMLElement.ParseError.self) { try XMLElement.parse(Array(bad.utf8)) }
        }
    }

    @Test func aFloodOfElementsIsRefused() {
        let flood = "<a>" + String(repeating: "<b/>", count: 200_000) + "</a>"
        #expect(throws: XMLElement.ParseError.self) { try XMLElement.parse(Array(flood.utf8)) }
        let allowed = "<a>" + String(repeating: "<b/>", count: 50_000) + "</a>"
        #expect(throws: Never.self) { try XMLElement.parse(Array(allowed.utf8)) }
    }

    @Test func writerEscapes() {
        var w = XMLWriter()
        w.element("Key", "a<b&\"c\"")
        #expect(String(decoding: w.bytes, as: UTF8.self).hasSuffix("<Key>a&lt;b&amp;&quot;c&quot;</Key>"))
    }
}

@Suite struct EncodedWordTests {
    @Test(arguments: [
        ("=?UTF-8?B?Y2Fmw6k=?=", "café"),
        ("=?utf-8?Q?Z=C3=BCrich_Nord?=", "Zürich Nord"),
        ("=?utf-8?B?Y2Fmw6k=?= =?utf-8?B?IG5vaXI=?=", "café noir"),
        ("=?ISO-8859-1?Q?caf=E9?=", "café"),
        ("before =?UTF-8?B?w6k=?= after", "before é after"),
        ("no words", "no words"),
        ("=?UTF-8?B?not base64!?=", "=?UTF-8?B?not base64!?="),
        ("=?UTF-8?Q?bad=ZZ?=", "=?UTF-8?Q?bad=ZZ?="),
        ("=?UTF-8?X?abc?=", "=?UTF-8?X?abc?="),
        ("=?koi8-r?B?abc?=", "=?koi8-r?B?abc?="),
        ("=?UTF-8?B?unterminated", "=?UTF-8?B?unterminated"),
        ("=?", "=?"),
        ("=?UTF-8?Q?x=", "=?UTF-8?Q?x="),
    ])
    func decodes(_ input: String, _ expected: String) {
        #expect(EncodedWords.decode(input) == expected)
    }

    @Test func answersNonASCIIMetadataMailSafe() {
        #expect(ObjectHeaders.answered("x-amz-meta-city", "Zürich") == "=?UTF-8?B?WsO8cmljaA==?=")
        #expect(ObjectHeaders.answered("x-amz-meta-city", "Zurich") == "Zurich")
        #expect(ObjectHeaders.answered("content-disposition", "Zürich") == "Zürich")
    }

    @Test func completedPartsRoundTrip() {
        let parts = [ObjectStore.CompletedPart(number: 1, size: 5 << 20, checksum: "abc+/="),
                     ObjectStore.CompletedPart(number: 7, size: 3, checksum: nil)]
        #expect(ObjectStore.CompletedPart.decode(ObjectStore.CompletedPart.encode(parts)) == parts)
    }
}
