import Testing
import EddyWire
@testable import EddyConsole

@Suite struct ConsoleTests {
    static func console(credentials: Credentials? = nil) -> WebConsole {
        WebConsole(services: [], facts: WebConsole.Facts(version: "t", dataDirectory: "/tmp/x", startedMillis: 0, defaultRegion: "us-east-1",
                                                        defaultAccountId: "000000000000", diskUsage: { 0 }),
                   hosts: ["0.0.0.0"], credentials: credentials)
    }

    @Test func answersOnlyForItsOwnHosts() {
        let c = Self.console()
        #expect(c.isAllowedHost("127.0.0.1:4566") && c.isAllowedHost("localhost") && c.isAllowedHost("[::1]:4566") && c.isAllowedHost("LOCALHOST:1"))
        #expect(!c.isAllowedHost("evil.example:4566") && !c.isAllowedHost(nil) && !c.isAllowedHost("127.0.0.1.evil.example"))
    }

    @Test func pagesCarryAStrictPolicyAndRefuseOtherHosts() async {
        let c = Self.console()
        func get(_ path: String, host: String = "127.0.0.1:4566") async -> ServiceResponse {
            var headers = Headers()
            headers.add("Host", host)
            return await c.handle(ServiceRequest(method: "GET", path: path, query: nil, headers: headers, body: [],
                                                 context: RequestContext(service: "eddy", region: "us-east-1", accountId: "000000000000", requestId: "r")))
        }
        let page = await get("/_eddy/")
        #expect(page.status == 200 && page.headers["Content-Security-Policy"]?.contains("script-src 'self'") == true)
        // The one inline script is the loader of console.js, admitted by its hash and nothing wider.
        let html = String(decoding: page.body, as: UTF8.self)
        #expect(html.contains("<script>" + ConsolePage.loader + "</script>") && html.contains("s.src = '/_eddy/console.js'"))
        #expect(page.headers["Content-Security-Policy"]?.contains("script-src 'self' '\(ConsolePage.loaderHash)';") == true)
        #expect(await get("/_eddy/console.js").headers["Content-Type"] == "text/javascript; charset=utf-8")
        #expect(await get("/_eddy/", host: "attacker.example").status == 421)
        #expect(await get("/_eddy/api/nothing").status == 404)
        #expect(c.handles(method: "GET", path: "/_eddy/api/overview") && !c.handles(method: "DELETE", path: "/_eddy/"))
        #expect(!c.handles(method: "GET", path: "/_eddyx") && !c.handles(method: "POST", path: "/_eddy/"))
    }

    @Test func postsMustBeJSONFromItsOwnPage() async {
        let c = Self.console()
        func post(_ type: String, origin: String?) async -> Int {
            var headers = Headers()
            headers.add("Host", "127.0.0.1:4566")
            headers.add("Content-Type", type)
            if let origin { headers.add("Origin", origin) }
            return await c.handle(ServiceRequest(method: "POST", path: "/_eddy/api/kinesis/put", query: "stream=s", headers: headers,
                                                 body: Array(#"{"PartitionKey":"k","Data":"x"}"#.utf8),
                                                 context: RequestContext(service: "eddy", region: "us-east-1", accountId: "000000000000", requestId: "r"))).status
        }
        #expect(await post("text/plain", origin: nil) == 403)
        #expect(await post("application/json", origin: "http://evil.example") == 403)
        #expect(await post("application/x-www-form-urlencoded", origin: "http://127.0.0.1:4566") == 403)
        // Through to the (absent) Kinesis service: not refused by the console.
        #expect(await post("application/json", origin: "http://127.0.0.1:4566") != 403)
        #expect(await post("application/json", origin: nil) != 403)
    }

    @Test func wantsAKeyWhileSignaturesAreVerified() async throws {
        let keys = try Credentials(parsing: "AKID1:s3cret:123456789012", defaultAccount: "000000000000")
        let c = Self.console(credentials: keys)
        func get(_ authorization: String?) async -> ServiceResponse {
            var headers = Headers()
            headers.add("Host", "127.0.0.1")
            if let authorization { headers.add("Authorization", authorization) }
            return await c.handle(ServiceRequest(method: "GET", path: "/_eddy/", query: nil, headers: headers, body: [],
                                                 context: RequestContext(service: "eddy", region: "us-east-1", accountId: "000000000000", requestId: "r")))
        }
        let refused = await get(nil)
        #expect(refused.status == 401 && refused.headers["WWW-Authenticate"]?.hasPrefix("Basic") == true)
        #expect(await get("Basic " + Base64.encode(Array("AKID1:wrong!".utf8))).status == 401)
        #expect(await get("Basic !!!").status == 401)
        #expect(await get("Basic " + Base64.encode(Array("AKID1:s3cret".utf8))).status == 200)
        #expect(WebConsole.basicKey("Basic " + Base64.encode(Array("AKID1:s3cret".utf8)), keys)?.accountId == "123456789012")
    }

    @Test func queriesDecodeAndKeysEncode() {
        let q = QueryItems("bucket=my%20b&prefix=a%2Fb%2F&flag&x=1&x=2&bad=%zz+y")
        #expect(q["bucket"] == "my b" && q["prefix"] == "a/b/" && q["flag"] == "" && q["x"] == "1" && q["bad"] == "%zz y")
        #expect(QueryItems.encode("a b/ü~") == "a%20b%2F%C3%BC~")
        #expect(S3Browser.path("b", "dir/a b?.json") == "/b/dir/a%20b%3F.json")
        #expect(WebConsole.isRegion("eu-west-1") && !WebConsole.isRegion("eu west") && !WebConsole.isRegion(""))
    }

    @Test func tailFiltersByKeyOrBytes() throws {
        let record = try #require(try JSONParser.parse(Array(#"{"PartitionKey":"user-7","Data":"eyJvcmRlciI6IDQyfQ=="}"#.utf8)).object)
        #expect(KinesisTail.matches(record, nil) && KinesisTail.matches(record, Array("user-".utf8)))
        #expect(KinesisTail.matches(record, Array("order".utf8)) && !KinesisTail.matches(record, Array("nothing".utf8)))
    }

    @Test func assetsStaySmall() {
        #expect(WebConsole.assetBytes < 200_000)
    }
}
