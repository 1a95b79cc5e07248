import EddyWire

/// Enhanced fan-out consumers: RegisterStreamConsumer, DescribeStreamConsumer,
/// ListStreamConsumers, DeregisterStreamConsumer (CREATING → ACTIVE → DELETING, 20 per stream).
enum ConsumerRules {
    static let maxPerStream = 20

    /// `…:stream/<name>/consumer/<consumer>:<created seconds>` → stream, consumer name, seconds.
    static func parse(_ arn: String) -> (stream: StreamKey, name: String, created: Int64)? {
        guard let stream = ActionContext.parseStreamARN(arn), let range = arn.firstRange(of: "/consumer/") else { return nil }
        let rest = arn[range.upperBound...]
        guard let colon = rest.lastIndex(of: ":"), let created = Int64(rest[rest.index(after: colon)...]) else { return nil }
        return (stream, String(rest[..<colon]), created)
    }

    static func notFound(_ name: String, _ key: StreamKey) -> KinesisError {
        .resourceNotFound("Consumer \(name) under stream \(key.name) under account \(key.account) not found.")
    }

    /// The consumer a request names by ConsumerARN, or by StreamARN and ConsumerName.
    static func locate(_ c: ActionContext) throws(KinesisError) -> (Stream, Consumer) {
        let key: StreamKey, name: String
        var created: Int64?
        if let arn = c.string("ConsumerARN") {
            guard let parsed = parse(arn) else { throw .invalidArgument("Invalid ConsumerARN \(arn).") }
            (key, name, created) = (parsed.stream, parsed.name, parsed.created)
        } else {
            guard let streamARN = c.string("StreamARN"), let consumer = c.string("ConsumerName"),
                  let parsed = ActionContext.parseStreamARN(streamARN) else {
                throw .invalidArgument("Either ConsumerARN or both StreamARN and ConsumerName must be provided.")
            }
            (key, name) = (parsed, consumer)
        }
        let stream = try c.existingStream(key)
        guard let consumer = stream.consumers.first(where: { $0.name == name && !$0.isGone(now: c.now, timing: c.timing) }),
              created.map({ $0 == consumer.createdMillis / 1000 }) ?? true else { throw notFound(name, key) }
        return (stream, consumer)
    }

    static func write(_ consumer: Consumer, of stream: Stream, _ c: ActionContext, streamARN: Bool, into w: inout JSONWriter) {
        w.beginObject()
        w.member("ConsumerName", consumer.name)
        w.member("ConsumerARN", consumer.arn(of: stream.key))
        w.member("ConsumerStatus", consumer.status(now: c.now, timing: c.timing).rawValue)
        w.key("ConsumerCreationTimestamp"); w.timestamp(millis: consumer.createdMillis)
        if streamARN { w.member("StreamARN", stream.arn) }
        w.endObject()
    }
}

enum RegisterStreamConsumer: KinesisAction {
    static func perform(_ c: ActionContext) throws(KinesisError) -> [UInt8] {
        let key = try c.streamKey()
        let name = c.string("ConsumerName")!
        let (consumer, stream) = try c.store.update(key, now: c.now, { (s: inout Stream, status: StreamStatus) throws(KinesisError) -> (Consumer, Stream) in
            guard status == .ACTIVE || status == .UPDATING else { throw KinesisError.notActive(key.name, key.account, status) }
            s.consumers.removeAll { $0.isGone(now: c.now, timing: c.timing) }
            if s.consumers.contains(where: { $0.name == name }) {
                throw KinesisError.resourceInUse("Consumer \(name) under stream \(key.name) already exists for account \(key.account).")
            }
            if s.consumers.count >= ConsumerRules.maxPerStream {
                throw KinesisError.limitExceeded("Consumer limit of \(ConsumerRules.maxPerStream) exceeded for stream \(key.name) under account \(key.account).")
            }
            // Consumer ARNs carry the creation time in seconds; keep it unique per name.
            let consumer = Consumer(name: name, createdMillis: c.now, storedStatus: .CREATING, statusChangedMillis: c.now)
            s.consumers.append(consumer)
            return (consumer, s)
        }, persist: c.store.setConsumers)
        return json { w in
            w.key("Consumer")
            ConsumerRules.write(consumer, of: stream, c, streamARN: false, into: &w)
        }
    }
}

enum DescribeStreamConsumer: KinesisAction {
    static func perform(_ c: ActionContext) throws(KinesisError) -> [UInt8] {
        let (stream, consumer) = try ConsumerRules.locate(c)
        return json { w in
            w.key("ConsumerDescription")
            ConsumerRules.write(consumer, of: stream, c, streamARN: true, into: &w)
        }
    }
}

enum ListStreamConsumers: KinesisAction {
    static func perform(_ c: ActionContext) throws(KinesisError) -> [UInt8] {
        var key = try c.streamKey()
        var after: Int64 = -1
        if let token = c.string("NextToken") {
            guard let (position, issued) = PageToken.decodeWithTime(token, kind: "consumers"),
                  let decoded = ListShards.decodePosition(position) else {
                throw .invalidArgument("Invalid NextToken.")
            }
            if c.now - issued > PageToken.lifetimeMillis { throw .expiredNextToken("The provided NextToken has expired.") }
            key = decoded.key
            after = Int64(decoded.after)
        }
        let stream = try c.existingStream(key)
        let all = stream.consumers.filter { !$0.isGone(now: c.now, timing: c.timing) && $0.createdMillis > after }
            .sorted { $0.createdMillis < $1.createdMillis }
        let limit = c.int("MaxResults") ?? 100
        let page = all.prefix(limit)
        return json { w in
            w.key("Consumers"); w.beginArray()
            for consumer in page { ConsumerRules.write(consumer, of: stream, c, streamARN: false, into: &w) }
            w.endArray()
            if all.count > page.count, let last = page.last {
                w.member("NextToken", PageToken.encode(ListShards.encodePosition(key, after: Int(last.createdMillis)), kind: "consumers", now: c.now))
            }
        }
    }
}

enum DeregisterStreamConsumer: KinesisAction {
    static func perform(_ c: ActionContext) throws(KinesisError) -> [UInt8] {
        let (stream, consumer) = try ConsumerRules.locate(c)
        try c.store.update(stream.key, now: c.now, { (s: inout Stream, _: StreamStatus) throws(KinesisError) in
            guard let i = s.consumers.firstIndex(where: { $0.name == consumer.name && $0.createdMillis == consumer.createdMillis }) else { return }
            if s.consumers[i].storedStatus != .DELETING {
                s.consumers[i].storedStatus = .DELETING
                s.consumers[i].statusChangedMillis = c.now
            }
        }, persist: c.store.setConsumers)
        return json { _ in }
    }
}
