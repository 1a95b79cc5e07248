import EddyStorage
import EddyWire
import Synchronization

/// Consumer-and-shard pairs with a subscription open: AWS allows one at a time.
final class SubscriptionRegistry: Sendable {
    private let active = Mutex<Set<String>>([])

    func acquire(_ key: String) -> Bool { active.withLock { $0.insert(key).inserted } }
    func release(_ key: String) { active.withLock { _ = $0.remove(key) } }
}

/// SubscribeToShard: an event stream that first answers `initial-response`, then pushes
/// `SubscribeToShardEvent`s as records reach the shard (woken by the log's append signal, not a
/// polling interval), a heartbeat event when idle, ChildShards at the end of a closed shard, and
/// ends cleanly when the subscription's lifetime (5 minutes, as AWS) is over.
enum SubscribeToShard {
    struct Settings: Sendable {
        var lifetime: Duration = .seconds(300)
        var heartbeat: Duration = .seconds(5)
        static let maxEventRecords = 10_000
        static let maxEventBytes = 2 << 20
    }

    static func start(_ c: ActionContext, registry: SubscriptionRegistry, settings: Settings,
                      clock: @escaping @Sendable () -> Int64) throws(KinesisError) -> ServiceResponse {
        let arn = c.string("ConsumerARN")!
        guard let parsed = ConsumerRules.parse(arn) else { throw .invalidArgument("Invalid ConsumerARN \(arn).") }
        let key = parsed.stream
        let stream = try c.existingStream(key)
        guard let consumer = stream.consumers.first(where: { $0.name == parsed.name && $0.createdMillis / 1000 == parsed.created
                                                              && !$0.isGone(now: c.now, timing: c.timing) }) else {
            throw ConsumerRules.notFound(parsed.name, key)
        }
        let consumerStatus = consumer.status(now: c.now, timing: c.timing)
        guard consumerStatus == .ACTIVE else {
            throw .resourceInUse("Consumer \(arn) is not ACTIVE, instead in state \(consumerStatus.rawValue).")
        }
        let shardText = c.string("ShardId")!
        guard let index = ShardId.parse(shardText), let shard = stream.shards.first(where: { $0.index == index }) else {
            throw .shardNotFound(ShardId.parse(shardText).map(ShardId.format) ?? shardText, key.name, key.account)
        }
        let start = c.input["StartingPosition"]?.object ?? JSONObject()
        let startPosition = try ShardPosition.resolve(type: start["Type"]?.string ?? "", sequence: start["SequenceNumber"]?.string,
                                                 timestamp: start["Timestamp"], shard: shard, stream: stream, key: key, now: c.now,
                                                 operation: "SubscribeToShard")
        let subscription = arn + "|" + shard.id
        guard registry.acquire(subscription) else {
            c.emit(key, "SubscribeToShard.RateExceeded", 1)
            throw .resourceInUse("Another active subscription exists for this consumer: \(arn) on shard \(shard.id).")
        }
        let store = c.store
        let shardIndex = shard.index
        let request = c.request
        let metrics = c.metrics
        var headers = Headers()
        headers.add("x-amzn-RequestId", c.request.requestId)
        headers.add("Content-Type", EventStream.contentType)
        let response = ResponseStream { writer in
            defer { registry.release(subscription) }
            var position = startPosition
            let deadline = ContinuousClock.now + settings.lifetime
            var lastEvent = ContinuousClock.now
            do {
                try await writer.write(EventStream.event("initial-response", json: Array("{}".utf8)))
                while ContinuousClock.now < deadline && !Task.isCancelled {
                    let now = clock()
                    guard let current = store.stream(key, now: now), current.token == stream.token,
                          current.consumers.contains(where: { $0.name == consumer.name && !$0.isGone(now: now, timing: store.configuration.timing) }),
                          let shard = current.shards.first(where: { $0.index == shardIndex }) else {
                        try await writer.write(EventStream.exception(KinesisError.resourceNotFound(
                            "Consumer \(arn) or its stream no longer exists.").awsError))
                        return
                    }
                    var w = JSONWriter(capacity: 4096)
                    w.beginObject()
                    w.key("Records"); w.beginArray()
                    var lastArrival: Int64 = 0
                    var eventBytes = 0
                    var lastSequence: SequenceNumber?
                    let result = try shard.log.read(from: position, maxRecords: Settings.maxEventRecords, maxBytes: Settings.maxEventBytes) { r in
                        w.record(r, of: current, shard: shard)
                        lastArrival = r.arrivalMillis
                        eventBytes += r.data.count
                        lastSequence = current.sequenceNumber(shard: shard.index, counter: r.sequence, arrival: r.arrivalMillis)
                    }
                    w.endArray()
                    position = result.nextSequence
                    let atEnd = shard.endCounter.map { position >= $0 } ?? false
                    let idleLongEnough = ContinuousClock.now - lastEvent >= settings.heartbeat
                    if result.count == 0 && !atEnd && !idleLongEnough {
                        await shard.log.appended.wait(timeout: min(settings.heartbeat, deadline - ContinuousClock.now))
                        continue
                    }
                    // Continue after the last record sent, or from the gap where the reader stands.
                    let continuation = lastSequence ?? current.sequenceNumber(shard: shard.index, counter: position, arrival: 0)
                    w.key("ContinuationSequenceNumber"); w.stringOfSafeASCII { continuation.write(into: &$0) }
                    let caughtUp = position >= shard.log.bounds.next
                    w.key("MillisBehindLatest"); w.int(caughtUp ? 0 : Int(max(0, clock() - lastArrival)))
                    if atEnd { w.childShards(of: shard, in: current) }
                    w.endObject()
                    try await writer.write(EventStream.event("SubscribeToShardEvent", json: w.bytes))
                    lastEvent = ContinuousClock.now
                    let metricsContext = ActionContext(store: store, request: request, input: JSONObject(), now: clock(),
                                                       iteratorKey: [], metrics: metrics)
                    metricsContext.emit(key, "SubscribeToShardEvent.Records", Double(result.count))
                    metricsContext.emit(key, "SubscribeToShardEvent.Bytes", Double(eventBytes), unit: "Bytes")
                    metricsContext.emit(key, "SubscribeToShardEvent.MillisBehindLatest", Double(caughtUp ? 0 : max(0, clock() - lastArrival)),
                                        unit: "Milliseconds")
                    metricsContext.emit(key, "SubscribeToShardEvent.Success", 1)
                    if atEnd { return }
                }
            } catch {
                // The client went away (a write failed) or the log could not be read: the stream ends.
                try? await writer.write(EventStream.exception(AWSError(code: "InternalFailureException", message: "\(error)", status: 500)))
            }
        }
        return ServiceResponse(status: 200, headers: headers, stream: response)
    }
}
