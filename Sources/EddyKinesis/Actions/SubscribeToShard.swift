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
extension KinesisAPI.SubscribeToShard: KinesisAction {
    struct Settings: Sendable {
        var lifetime: Duration = .seconds(300)
        var heartbeat: Duration = .seconds(5)
        static let maxEventRecords = 10_000
        static let maxEventBytes = 2 << 20
    }

    static func perform(_ input: Input, in c: KinesisContext) throws(KinesisError) -> Output {
        let arn = input.consumerARN
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
        guard let index = ShardId.parse(input.shardId), let shard = stream.shards.first(where: { $0.index == index }) else {
            throw .shardNotFound(ShardId.parse(input.shardId).map(ShardId.format) ?? input.shardId, key.name, key.account)
        }
        let start = input.startingPosition
        let startPosition = try ShardPosition.resolve(start.type, sequence: start.sequenceNumber, timestamp: start.timestamp, shard: shard,
                                                      stream: stream, key: key, now: c.now, operation: "SubscribeToShard")
        let subscription = arn + "|" + shard.id
        let registry = c.subscriptions
        guard registry.acquire(subscription) else {
            c.metrics.emit(key, "SubscribeToShard.RateExceeded", 1)
            throw .resourceInUse("Another active subscription exists for this consumer: \(arn) on shard \(shard.id).")
        }
        let events = EventProducer(store: c.store, key: key, streamToken: stream.token, consumerName: consumer.name, consumerARN: arn,
                                   shardIndex: shard.index, settings: c.subscriptionSettings, clock: c.clock, sink: c.metrics.sink,
                                   readers: c.readers)
        return Output(eventStream: ResponseStream { writer in
            defer { registry.release(subscription) }
            await events.run(from: startPosition, writer)
        })
    }

    /// Writes the subscription's events until its lifetime is over, the shard ends, the stream
    /// or consumer goes, or the client does.
    struct EventProducer: Sendable {
        let store: StreamStore
        let key: StreamKey
        let streamToken: UInt64
        let consumerName: String
        let consumerARN: String
        let shardIndex: Int
        let settings: Settings
        let clock: @Sendable () -> Int64
        let sink: (any MetricsSink)?
        let readers: StreamReaders

        func run(from startPosition: UInt64, _ writer: ResponseStreamWriter) async {
            var position = startPosition
            let deadline = ContinuousClock.now + settings.lifetime
            var lastEvent = ContinuousClock.now
            do {
                try await writer.write(EventStream.event("initial-response", json: EmptyOutput().jsonBytes()))
                while ContinuousClock.now < deadline && !Task.isCancelled {
                    let now = clock()
                    guard let current = store.stream(key, now: now), current.token == streamToken,
                          current.consumers.contains(where: { $0.name == consumerName && !$0.isGone(now: now, timing: store.configuration.timing) }),
                          let shard = current.shards.first(where: { $0.index == shardIndex }) else {
                        try await writer.write(EventStream.exception(KinesisError.resourceNotFound(
                            "Consumer \(consumerARN) or its stream no longer exists.").awsError))
                        return
                    }
                    var records: [KinesisAPI.Record] = []
                    var lastArrival: Int64 = 0
                    var eventBytes = 0
                    let result = try shard.log.read(from: position, maxRecords: Settings.maxEventRecords, maxBytes: Settings.maxEventBytes) { r in
                        let record = current.described(r, in: shard)
                        lastArrival = r.arrivalMillis
                        eventBytes += r.data.count
                        records.append(record)
                    }
                    position = result.nextSequence
                    let atEnd = shard.endCounter.map { position >= $0 } ?? false
                    let idleLongEnough = ContinuousClock.now - lastEvent >= settings.heartbeat
                    if result.count == 0 && !atEnd && !idleLongEnough {
                        await shard.log.appended.wait(timeout: min(settings.heartbeat, deadline - ContinuousClock.now))
                        continue
                    }
                    let caughtUp = position >= shard.log.bounds.next
                    let behind = caughtUp ? 0 : max(0, clock() - lastArrival)
                    // AWS's continuation is a position of its own, not a record's number: the gap
                    // where the reader stands, after the last record sent (a number with no arrival
                    // part, which AT_ and AFTER_SEQUENCE_NUMBER both resume at the next record, so
                    // neither skips nor repeats one). The event that ends a closed shard names its
                    // children instead, as AWS's does (KCL refuses an event with both).
                    let continuation = atEnd ? nil : current.sequenceNumber(shard: shard.index, counter: position, arrival: 0).description
                    let event = KinesisAPI.SubscribeToShardEvent(records: records, continuationSequenceNumber: continuation,
                                                                 millisBehindLatest: behind,
                                                                 childShards: atEnd ? current.childShards(of: shard) : nil)
                    try await writer.write(EventStream.event("SubscribeToShardEvent", json: event.jsonBytes(capacity: 4096)))
                    lastEvent = ContinuousClock.now
                    readers.saw(.subscription, stream: key, shardIndex: shardIndex, client: consumerName, records: result.count,
                                millisBehindLatest: behind, now: clock())
                    let metrics = KinesisMetrics(sink: sink, now: clock())
                    metrics.emit(key, "SubscribeToShardEvent.Records", Double(result.count))
                    metrics.emit(key, "SubscribeToShardEvent.Bytes", Double(eventBytes), unit: "Bytes")
                    metrics.emit(key, "SubscribeToShardEvent.MillisBehindLatest", Double(behind), unit: "Milliseconds")
                    metrics.emit(key, "SubscribeToShardEvent.Success", 1)
                    if atEnd { return }
                }
            } catch {
                // The client went away (a write failed) or the log could not be read: the stream ends.
                try? await writer.write(EventStream.exception(AWSError(code: "InternalFailureException", message: "\(error)", status: 500)))
            }
        }
    }
}
