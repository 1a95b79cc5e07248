import EddyWire
import Synchronization

/// Read or write capacity of a provisioned table (or global secondary index) as DynamoDB
/// meters it: units accrue at the provisioned rate, and up to 300 seconds of unused capacity is
/// kept as burst capacity. A request is admitted while the balance is positive; what it consumed
/// is taken afterwards, so one large request may overdraw and the requests after it wait.
struct CapacityBucket: Equatable {
    static let burstSeconds = 300.0

    private(set) var balance: Double
    private(set) var updatedMillis: Int64

    init(ratePerSecond: Double, now: Int64) {
        balance = ratePerSecond * Self.burstSeconds
        updatedMillis = now
    }

    mutating func refill(ratePerSecond: Double, now: Int64) {
        let elapsed = Double(max(0, now - updatedMillis)) / 1000
        balance = min(ratePerSecond * Self.burstSeconds, balance + elapsed * ratePerSecond)
        updatedMillis = max(updatedMillis, now)
    }

    mutating func admits(ratePerSecond: Double, now: Int64) -> Bool {
        refill(ratePerSecond: ratePerSecond, now: now)
        return balance > 0
    }

    mutating func spend(_ units: Double, ratePerSecond: Double, now: Int64) {
        refill(ratePerSecond: ratePerSecond, now: now)
        balance -= units
    }
}

/// The buckets of every provisioned table and index, in memory: a restart starts them full, as
/// a table's burst capacity is after a quiet period.
final class ProvisionedCapacity: Sendable {
    struct Key: Hashable {
        let table: Int64
        let index: String?
        let read: Bool
    }

    private let buckets = Mutex<[Key: CapacityBucket]>([:])

    /// The provisioned units per second for reads or writes of the table, or of one of its
    /// global secondary indexes; nil when it is billed per request (never throttled).
    static func rate(_ table: Table, index: String?, read: Bool) -> Double? {
        let definition = table.definition
        guard definition.billingMode != .PAY_PER_REQUEST else { return nil }
        let throughput: DynamoDBAPI.ProvisionedThroughput?
        if let index {
            throughput = definition.globalSecondaryIndexes?.first { $0.indexName == index }?.provisionedThroughput
        } else {
            throughput = definition.provisionedThroughput
        }
        guard let throughput else { return nil }
        return Double(read ? throughput.readCapacityUnits : throughput.writeCapacityUnits)
    }

    func admits(_ table: Table, index: String? = nil, read: Bool, now: Int64) -> Bool {
        guard let rate = Self.rate(table, index: index, read: read) else { return true }
        let key = Key(table: table.id, index: index, read: read)
        return buckets.withLock { all in
            var bucket = all[key] ?? CapacityBucket(ratePerSecond: rate, now: now)
            defer { all[key] = bucket }
            return bucket.admits(ratePerSecond: rate, now: now)
        }
    }

    func spend(_ units: Double, _ table: Table, index: String? = nil, read: Bool, now: Int64) {
        guard units > 0, let rate = Self.rate(table, index: index, read: read) else { return }
        let key = Key(table: table.id, index: index, read: read)
        buckets.withLock { all in
            var bucket = all[key] ?? CapacityBucket(ratePerSecond: rate, now: now)
            bucket.spend(units, ratePerSecond: rate, now: now)
            all[key] = bucket
        }
    }

    func reset() { buckets.withLock { $0 = [:] } }
}
