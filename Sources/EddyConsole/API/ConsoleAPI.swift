import EddyWire

/// The console's read APIs (`/_eddy/api/…`, JSON). Most put the services' own answers side by
/// side under names (`{"summary": <DescribeStreamSummary>, "shards": <ListShards>}`), so what
/// the page shows is what a client of that service would read; S3's XML is turned into JSON.
struct ConsoleAPI: Sendable {
    let calls: ServiceCalls
    let facts: WebConsole.Facts
    let query: QueryItems
    let body: [UInt8]
    let tails: TailLimit

    func answer(method: String, path: String) async -> ServiceResponse {
        switch (method, path) {
        case ("GET", "/_eddy/api/overview"): return await overview()
        case ("GET", "/_eddy/api/kinesis/streams"): return await streams()
        case ("GET", "/_eddy/api/kinesis/stream"): return await stream()
        case ("GET", "/_eddy/api/kinesis/tail"): return await KinesisTail(calls: calls, query: query, limit: tails).response()
        case ("POST", "/_eddy/api/kinesis/put"): return await putRecord()
        case ("GET", "/_eddy/api/firehose/streams"): return await deliveryStreams()
        case ("GET", "/_eddy/api/s3/buckets"): return await S3Browser(calls: calls, query: query).buckets()
        case ("GET", "/_eddy/api/s3/objects"): return await S3Browser(calls: calls, query: query).objects()
        case ("GET", "/_eddy/api/s3/object"): return await S3Browser(calls: calls, query: query).object()
        case ("GET", "/_eddy/api/s3/preview"): return await S3Browser(calls: calls, query: query).preview()
        case ("GET", "/_eddy/api/s3/download"): return await S3Browser(calls: calls, query: query).download()
        case ("GET", "/_eddy/api/cloudwatch/metrics"): return await metrics()
        case ("POST", "/_eddy/api/cloudwatch/data"): return Self.passthrough(await calls.cloudwatch("GetMetricData", body))
        case ("GET", "/_eddy/api/cloudwatch/alarms"): return Self.passthrough(await alarms())
        case ("GET", "/_eddy/api/live"): return live()
        case ("GET", "/_eddy/api/cloudwatch/history"):
            return Self.passthrough(await calls.cloudwatch("DescribeAlarmHistory") { w in
                w.member("AlarmName", query["name"] ?? "")
                w.key("AlarmTypes"); w.beginArray(); w.string("MetricAlarm"); w.string("CompositeAlarm"); w.endArray()
                w.key("MaxRecords"); w.int(50)
            })
        case ("GET", "/_eddy/api/cloudwatch/dashboards"): return Self.passthrough(await calls.cloudwatch("ListDashboards"))
        case ("GET", "/_eddy/api/cloudwatch/dashboard"):
            return Self.passthrough(await calls.cloudwatch("GetDashboard") { w in w.member("DashboardName", query["name"] ?? "") })
        case ("GET", "/_eddy/api/dynamodb/tables"): return await tables()
        case ("GET", "/_eddy/api/dynamodb/items"): return await items()
        default:
            return Self.error(404, "NotFound", "No console API at \(method) \(path).")
        }
    }

    // MARK: Answers

    static func json(_ status: Int = 200, _ build: (inout JSONWriter) -> Void) -> ServiceResponse {
        var w = JSONWriter()
        w.beginObject()
        build(&w)
        w.endObject()
        var headers = Headers()
        headers.add("Content-Type", "application/json")
        headers.add("Cache-Control", "no-store")
        return ServiceResponse(status: status, headers: headers, body: w.bytes)
    }

    /// Server-sent events written by `produce` until the page goes; the slot it took in
    /// `limit` is given back then.
    static func eventStream(releasing limit: TailLimit, _ produce: @escaping @Sendable (ResponseStreamWriter) async -> Void) -> ServiceResponse {
        ServiceResponse(status: 200, headers: eventStreamHeaders, stream: ResponseStream { writer in
            defer { limit.release() }
            await produce(writer)
        })
    }

    static var eventStreamHeaders: Headers {
        var headers = Headers()
        headers.add("Content-Type", "text/event-stream")
        headers.add("Cache-Control", "no-store")
        return headers
    }

    static func error(_ status: Int, _ code: String, _ message: String) -> ServiceResponse {
        json(status) { w in w.member("code", code); w.member("message", message) }
    }

    /// A service's JSON answer as it is (its errors too, with their status).
    static func passthrough(_ a: ServiceCalls.Answer) -> ServiceResponse {
        var headers = Headers()
        headers.add("Content-Type", "application/json")
        headers.add("Cache-Control", "no-store")
        return ServiceResponse(status: a.status, headers: headers, body: a.json != nil ? a.body : Array("{}".utf8))
    }

    /// A member holding a service's answer, or null when it failed.
    static func embed(_ w: inout JSONWriter, _ name: String, _ a: ServiceCalls.Answer) {
        w.key(name)
        if a.ok, a.json != nil { w.raw(a.body) } else { w.null() }
    }

    // MARK: Live updates

    static let liveMillis = 2000

    /// One event stream per open page: the overview's (or the alarms') answer again every two
    /// seconds, so a page stays current without polling.
    func live() -> ServiceResponse {
        guard let view = query["view"], view == "overview" || view == "alarms" else {
            return Self.error(400, "InvalidParameter", "view is overview or alarms")
        }
        guard tails.acquire() else { return Self.error(429, "TooManyStreams", "Too many console pages are open at once.") }
        let this = self
        return Self.eventStream(releasing: tails) { writer in
            do {
                try await writer.write(Array("retry: 2000\n\n".utf8))
                while !Task.isCancelled {
                    try await Task.sleep(for: .milliseconds(Self.liveMillis))
                    let body = view == "overview" ? await this.overview().body : await this.alarms().body
                    try await writer.write(Array("event: update\ndata: ".utf8) + body + Array("\n\n".utf8))
                }
            } catch {
                return
            }
        }
    }

    func alarms() async -> ServiceCalls.Answer {
        await calls.cloudwatch("DescribeAlarms") { w in
            w.key("AlarmTypes"); w.beginArray(); w.string("MetricAlarm"); w.string("CompositeAlarm"); w.endArray()
            w.key("MaxRecords"); w.int(100)
        }
    }

    // MARK: Overview

    func overview() async -> ServiceResponse {
        let streams = await streamSummaries(limit: 200)
        let deliveries = await calls.firehose("ListDeliveryStreams") { w in w.key("Limit"); w.int(100) }
        let buckets = await S3Browser(calls: calls, query: query).bucketList()
        let alarms = await self.alarms()
        let tables = await calls.dynamodb("ListTables") { w in w.key("Limit"); w.int(100) }
        let names = streams.compactMap { $0.json?.object?["StreamDescriptionSummary"]?.object?["StreamName"]?.string }
        let deliveryNames = deliveries.json?.object?["DeliveryStreamNames"]?.array?.compactMap(\.string) ?? []
        let rates = await self.rates(streams: names, deliveryStreams: deliveryNames)
        let now = WallClock.nowMillis()
        return Self.json { w in
            w.member("version", facts.version)
            w.member("dataDirectory", facts.dataDirectory)
            w.key("uptimeSeconds"); w.int64((now - facts.startedMillis) / 1000)
            w.key("diskBytes"); w.int64(facts.diskUsage())
            w.member("region", calls.region)
            w.member("accountId", calls.accountId)
            w.key("streams"); w.beginArray()
            for s in streams where s.ok { w.raw(s.body) }
            w.endArray()
            w.key("rates"); w.raw(rates)
            Self.embed(&w, "deliveryStreams", deliveries)
            w.key("buckets"); w.beginArray()
            for b in buckets { w.beginObject(); w.member("Name", b.name); w.member("CreationDate", b.created); w.endObject() }
            w.endArray()
            Self.embed(&w, "alarms", alarms)
            Self.embed(&w, "tables", tables)
        }
    }

    /// One figure a line of the overview shows: a metric's statistic over the last full minute.
    struct Rate {
        var key: String
        var namespace, dimension, value, metric, statistic: String
    }

    /// The overview's rates: records/s in and out of each stream (IncomingRecords,
    /// GetRecords.Records) and deliveries and delivered records a minute of each delivery
    /// stream (DeliveryToS3.Success's count, DeliveryToS3.Records), from one GetMetricData.
    func rates(streams: [String], deliveryStreams: [String]) async -> [UInt8] {
        var wanted: [Rate] = []
        for name in streams.prefix(200) {
            wanted.append(Rate(key: "in", namespace: "AWS/Kinesis", dimension: "StreamName", value: name, metric: "IncomingRecords", statistic: "Sum"))
            wanted.append(Rate(key: "out", namespace: "AWS/Kinesis", dimension: "StreamName", value: name, metric: "GetRecords.Records", statistic: "Sum"))
        }
        for name in deliveryStreams.prefix(100) {
            wanted.append(Rate(key: "deliveries", namespace: "AWS/Firehose", dimension: "DeliveryStreamName", value: name,
                               metric: "DeliveryToS3.Success", statistic: "SampleCount"))
            wanted.append(Rate(key: "records", namespace: "AWS/Firehose", dimension: "DeliveryStreamName", value: name,
                               metric: "DeliveryToS3.Records", statistic: "Sum"))
        }
        var figures: [String: Double] = [:]
        if !wanted.isEmpty {
            let now = WallClock.nowMillis() / 1000
            var w = JSONWriter()
            w.beginObject()
            w.key("StartTime"); w.int64(now - 180)
            w.key("EndTime"); w.int64(now + 60)
            w.member("ScanBy", "TimestampDescending")
            w.key("MetricDataQueries"); w.beginArray()
            for (i, r) in wanted.enumerated() {
                w.beginObject()
                w.member("Id", "q\(i)")
                w.key("MetricStat"); w.beginObject()
                w.key("Metric"); w.beginObject()
                w.member("Namespace", r.namespace); w.member("MetricName", r.metric)
                w.key("Dimensions"); w.beginArray(); w.beginObject(); w.member("Name", r.dimension); w.member("Value", r.value); w.endObject(); w.endArray()
                w.endObject()
                w.key("Period"); w.int(60); w.member("Stat", r.statistic)
                w.endObject()
                w.endObject()
            }
            w.endArray()
            w.endObject()
            let answer = await calls.cloudwatch("GetMetricData", w.bytes)
            for r in answer.json?.object?["MetricDataResults"]?.array ?? [] {
                guard let id = r.object?["Id"]?.string else { continue }
                // Newest first: the newest minute may be partial, so the one before is the rate.
                let values = r.object?["Values"]?.array?.compactMap(\.double) ?? []
                let stamps = r.object?["Timestamps"]?.array?.compactMap(\.double) ?? []
                let current = Double(now - now % 60)
                let complete = zip(stamps, values).first { $0.0 < current }?.1
                figures[id] = complete ?? values.first ?? 0
            }
        }
        // {"streams": {"orders": {"in": …, "out": …}}, "deliveryStreams": {"to-lake": {"deliveries": …, "records": …}}}
        var out = JSONWriter()
        out.beginObject()
        for (member, namespace) in [("streams", "AWS/Kinesis"), ("deliveryStreams", "AWS/Firehose")] {
            out.key(member); out.beginObject()
            var open: String?
            for (i, r) in wanted.enumerated() where r.namespace == namespace {
                if open != r.value {
                    if open != nil { out.endObject() }
                    out.key(r.value); out.beginObject()
                    open = r.value
                }
                let v = figures["q\(i)"] ?? 0
                out.key(r.key); out.double(namespace == "AWS/Kinesis" ? v / 60 : v)
            }
            if open != nil { out.endObject() }
            out.endObject()
        }
        out.endObject()
        return out.bytes
    }

    // MARK: Kinesis

    /// DescribeStreamSummary of each stream ListStreams names (at most `limit`).
    func streamSummaries(limit: Int) async -> [ServiceCalls.Answer] {
        var names: [String] = []
        var token: String?
        repeat {
            let page = await calls.kinesis("ListStreams") { w in
                w.key("Limit"); w.int(100)
                if let token { w.member("NextToken", token) }
            }
            let o = page.json?.object
            names += o?["StreamNames"]?.array?.compactMap(\.string) ?? []
            token = o?["HasMoreStreams"]?.bool == true ? o?["NextToken"]?.string : nil
        } while token != nil && names.count < limit
        var out: [ServiceCalls.Answer] = []
        for name in names.prefix(limit) {
            out.append(await calls.kinesis("DescribeStreamSummary") { w in w.member("StreamName", name) })
        }
        return out
    }

    func streams() async -> ServiceResponse {
        let summaries = await streamSummaries(limit: 500)
        return Self.json { w in
            w.key("streams"); w.beginArray()
            for s in summaries where s.ok { w.raw(s.body) }
            w.endArray()
        }
    }

    func stream() async -> ServiceResponse {
        guard let name = query["name"], !name.isEmpty else { return Self.error(400, "MissingParameter", "name is required") }
        let summary = await calls.kinesis("DescribeStreamSummary") { w in w.member("StreamName", name) }
        guard summary.ok else { return Self.passthrough(summary) }
        var shards: [[UInt8]] = []
        var token: String?
        repeat {
            let page = await calls.kinesis("ListShards") { w in
                if let token { w.member("NextToken", token) } else { w.member("StreamName", name) }
                w.key("MaxResults"); w.int(1000)
            }
            guard page.ok, let o = page.json?.object else { break }
            for s in o["Shards"]?.array ?? [] {
                var sw = JSONWriter()
                sw.value(s)
                shards.append(sw.bytes)
            }
            token = o["NextToken"]?.string
        } while token != nil && shards.count < 10_000
        let arn = summary.json?.object?["StreamDescriptionSummary"]?.object?["StreamARN"]?.string ?? ""
        let consumers = await calls.kinesis("ListStreamConsumers") { w in w.member("StreamARN", arn) }
        let tags = await calls.kinesis("ListTagsForStream") { w in w.member("StreamName", name) }
        return Self.json { w in
            Self.embed(&w, "summary", summary)
            w.key("shards"); w.beginArray()
            for s in shards { w.raw(s) }
            w.endArray()
            Self.embed(&w, "consumers", consumers)
            w.key("readers")
            if let readers = calls.insight("kinesis", "readers", of: name) { w.raw(readers) } else { w.null() }
            Self.embed(&w, "tags", tags)
        }
    }

    /// The page's test record, through PutRecord like any producer's.
    func putRecord() async -> ServiceResponse {
        guard let name = query["stream"], let o = (try? JSONParser.parse(body))?.object else {
            return Self.error(400, "MissingParameter", "stream and a JSON body with PartitionKey and Data are required")
        }
        let key = o["PartitionKey"]?.string ?? ""
        let data = Array((o["Data"]?.string ?? "").utf8)
        return Self.passthrough(await calls.kinesis("PutRecord") { w in
            w.member("StreamName", name)
            w.member("PartitionKey", key)
            w.key("Data"); w.base64(data)
        })
    }

    // MARK: Firehose

    func deliveryStreams() async -> ServiceResponse {
        let list = await calls.firehose("ListDeliveryStreams") { w in w.key("Limit"); w.int(100) }
        let names = list.json?.object?["DeliveryStreamNames"]?.array?.compactMap(\.string) ?? []
        var described: [ServiceCalls.Answer] = []
        for name in names {
            described.append(await calls.firehose("DescribeDeliveryStream") { w in w.member("DeliveryStreamName", name) })
        }
        return Self.json { w in
            w.key("deliveryStreams"); w.beginArray()
            for d in described where d.ok { w.raw(d.body) }
            w.endArray()
            // What each holds now, which DescribeDeliveryStream does not tell.
            w.key("buffers"); w.beginObject()
            for name in names {
                guard let buffer = calls.insight("firehose", "buffer", of: name) else { continue }
                w.key(name); w.raw(buffer)
            }
            w.endObject()
        }
    }

    // MARK: CloudWatch

    func metrics() async -> ServiceResponse {
        var all: [JSONValue] = []
        var token: String?
        repeat {
            let page = await calls.cloudwatch("ListMetrics") { w in
                if let ns = query["namespace"], !ns.isEmpty { w.member("Namespace", ns) }
                if let token { w.member("NextToken", token) }
            }
            guard page.ok, let o = page.json?.object else { return Self.passthrough(page) }
            all += o["Metrics"]?.array ?? []
            token = o["NextToken"]?.string
        } while token != nil && all.count < 5000
        return Self.json { w in
            w.key("Metrics"); w.beginArray()
            for m in all { w.value(m) }
            w.endArray()
        }
    }

    // MARK: DynamoDB

    func tables() async -> ServiceResponse {
        let list = await calls.dynamodb("ListTables") { w in w.key("Limit"); w.int(100) }
        let names = list.json?.object?["TableNames"]?.array?.compactMap(\.string) ?? []
        var described: [ServiceCalls.Answer] = []
        for name in names { described.append(await calls.dynamodb("DescribeTable") { w in w.member("TableName", name) }) }
        return Self.json { w in
            w.key("tables"); w.beginArray()
            for d in described where d.ok { w.raw(d.body) }
            w.endArray()
        }
    }

    func items() async -> ServiceResponse {
        guard let table = query["table"] else { return Self.error(400, "MissingParameter", "table is required") }
        let start = query["start"].flatMap { try? JSONParser.parse(Array($0.utf8)) }
        return Self.passthrough(await calls.dynamodb("Scan") { w in
            w.member("TableName", table)
            w.key("Limit"); w.int(50)
            if let start { w.key("ExclusiveStartKey"); w.value(start) }
        })
    }
}
