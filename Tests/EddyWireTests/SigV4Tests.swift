import Testing
@testable import EddyWire

/// The AWS SigV4 test suite's `get-vanilla` request, and what goes wrong around it.
@Suite struct SigV4Tests {
    static let secret = "wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY"
    static let signedAt: Int64 = 1_440_938_160_000  // 20150830T123600Z
    let credentials = try! Credentials(parsing: "AKIDEXAMPLE:\(SigV4Tests.secret):111122223333", defaultAccount: "000000000000")

    func vanilla(signature: String = "5fa00fa31553b73ebf1942676e86291e8372ff2a2260956d9b8aae1d763fbf31",
                 key: String = "AKIDEXAMPLE", date: String = "20150830T123600Z") -> SigV4.Request {
        SigV4.Request(method: "GET", path: "/", query: nil, headers: Headers([
            ("Host", "example.amazonaws.com"), ("X-Amz-Date", date),
            ("Authorization", "AWS4-HMAC-SHA256 Credential=\(key)/\(date.prefix(8))/us-east-1/service/aws4_request, SignedHeaders=host;x-amz-date, Signature=\(signature)"),
        ]), isS3: false)
    }

    @Test func theTestSuitesVanillaRequestVerifies() {
        let verdict = SigV4.verify(vanilla(), credentials: credentials, nowMillis: Self.signedAt, bodyHash: SigV4.emptyHash)
        guard case .verified(let who) = verdict else { Issue.record("\(verdict)"); return }
        #expect(who.accountId == "111122223333")
        #expect(who.region == "us-east-1" && who.service == "service")
    }

    @Test func withoutTheBodyItWaitsForTheBodysHash() {
        #expect(SigV4.verify(vanilla(), credentials: credentials, nowMillis: Self.signedAt) == .needsBody)
    }

    @Test func anotherSignatureOrKeyIsRefused() {
        let wrong = SigV4.verify(vanilla(signature: String(repeating: "0", count: 64)), credentials: credentials,
                                 nowMillis: Self.signedAt, bodyHash: SigV4.emptyHash)
        guard case .failed(.signatureMismatch(let canonical, _, _)) = wrong else { Issue.record("\(wrong)"); return }
        #expect(canonical == "GET\n/\n\nhost:example.amazonaws.com\nx-amz-date:20150830T123600Z\n\nhost;x-amz-date\n" + SigV4.emptyHash)
        #expect(SigV4.verify(vanilla(key: "AKIDOTHER"), credentials: credentials, nowMillis: Self.signedAt, bodyHash: SigV4.emptyHash)
                == .failed(.unknownAccessKey("AKIDOTHER")))
    }

    @Test func aRequestTooFarFromTheServersClockIsRefused() {
        let sixteenMinutes: Int64 = 16 * 60_000
        let late = SigV4.verify(vanilla(), credentials: credentials, nowMillis: Self.signedAt + sixteenMinutes, bodyHash: SigV4.emptyHash)
        #expect(late == .failed(.expired(requestTime: "20150830T123600Z", now: "20150830T125200Z")))
        #expect(late.failure?.awsError(.json).message == "Signature expired: 20150830T123600Z is now earlier than 20150830T123700Z (20150830T125200Z - 15 min.)")
        let early = SigV4.verify(vanilla(), credentials: credentials, nowMillis: Self.signedAt - sixteenMinutes, bodyHash: SigV4.emptyHash)
        #expect(early.failure?.awsError(.s3).code == "RequestTimeTooSkewed")
    }

    @Test func malformedHeadersSayWhatIsMissing() {
        var request = vanilla()
        request.headers = Headers([("Host", "h"), ("Authorization", "AWS4-HMAC-SHA256 Credential=AKIDEXAMPLE/20150830/us-east-1/service/aws4_request")])
        #expect(SigV4.verify(request, credentials: credentials, nowMillis: Self.signedAt).failure?.awsError(.json).code == "IncompleteSignatureException")
        request.headers = Headers([("Authorization", "AWS AKIDEXAMPLE:abc=")])
        #expect(SigV4.verify(request, credentials: credentials, nowMillis: Self.signedAt).failure?.awsError(.s3).code == "InvalidRequest")
        request.headers = Headers()
        #expect(SigV4.verify(request, credentials: credentials, nowMillis: Self.signedAt) == .failed(.missing))
    }

    @Test func aPresignedURLExpires() {
        let query = "X-Amz-Algorithm=AWS4-HMAC-SHA256&X-Amz-Credential=AKIDEXAMPLE%2F20150830%2Fus-east-1%2Fs3%2Faws4_request"
            + "&X-Amz-Date=20150830T123600Z&X-Amz-Expires=60&X-Amz-SignedHeaders=host&X-Amz-Signature=" + String(repeating: "a", count: 64)
        let request = SigV4.Request(method: "GET", path: "/bucket/key", query: query, headers: Headers([("Host", "localhost")]), isS3: true)
        let verdict = SigV4.verify(request, credentials: credentials, nowMillis: Self.signedAt + 61_000)
        #expect(verdict.failure?.awsError(.s3).message == "Request has expired")
        // Within its time the signature itself is checked.
        guard case .failed(.signatureMismatch(let canonical, _, _)) = SigV4.verify(request, credentials: credentials, nowMillis: Self.signedAt)
        else { Issue.record("not checked"); return }
        #expect(canonical.hasSuffix("host\nUNSIGNED-PAYLOAD"))
        #expect(!canonical.contains("X-Amz-Signature"))
    }

    @Test func theCanonicalQueryIsDecodedEncodedAndSorted() {
        #expect(SigV4.canonicalQuery("b=2&a=%7e x&a=1&c", excluding: nil) == "a=1&a=~%20x&b=2&c=")
        #expect(SigV4.uriEncode("/a b/ü", keepSlash: true) == "/a%20b/%C3%BC")
    }

    @Test func credentialsAreCheckedWhenRead() throws {
        #expect(throws: Credentials.ParseError.self) { try Credentials(parsing: "AKID", defaultAccount: "000000000000") }
        #expect(throws: Credentials.ParseError.self) { try Credentials(parsing: "A:B:123", defaultAccount: "000000000000") }
        #expect(throws: Credentials.ParseError.self) { try Credentials(parsing: "A:B,A:C", defaultAccount: "000000000000") }
        #expect(try Credentials(parsing: "A:B, C:D:222233334444", defaultAccount: "000000000000").key("C")?.accountId == "222233334444")
    }

    @Test func chunkSignaturesChainFromTheSeed() {
        let key = SigV4.signingKey(secret: Self.secret, scope: SigV4.Scope("AKIDEXAMPLE/20150830/us-east-1/s3/aws4_request")!)
        let context = SigningContext(signingKey: key, amzDate: "20150830T123600Z", scope: "20150830/us-east-1/s3/aws4_request",
                                     seedSignature: String(repeating: "1", count: 64))
        let first = context.chunkSignature(previous: context.seedSignature, chunkHash: SHA256Digest.hex(Array("abc".utf8)))
        let second = context.chunkSignature(previous: first, chunkHash: SigV4.emptyHash)
        #expect(first != second && first.utf8.count == 64)
        #expect(context.chunkSignature(previous: context.seedSignature, chunkHash: SHA256Digest.hex(Array("abd".utf8))) != first)
    }
}

extension SigV4.Verdict {
    var failure: AuthFailure? { if case .failed(let f) = self { return f }; return nil }
}
