import EddyWire

/// One DynamoDB operation.
protocol DynamoDBAction: ServiceAction where Context == DynamoDBContext, Failure == DynamoDBError {}

struct DynamoDBContext: Sendable {
    let service: DynamoDBService
    let request: RequestContext
    let now: Int64
    /// The Host the client named (DescribeEndpoints answers it).
    let host: String
    let operation: String
    let started: ContinuousClock.Instant

    /// The capacity an item operation consumed: published as AWS/DynamoDB metrics (with the
    /// request's latency), and answered as ConsumedCapacity when the request asked for it.
    func consumed(_ units: Double, table: String, read: Bool,
                  _ asked: DynamoDBAPI.ReturnConsumedCapacity?) -> DynamoDBAPI.ConsumedCapacity? {
        consumed(CapacityUse(table: units), table: table, read: read, asked)
    }

    /// A global secondary index has capacity of its own and its own metric; a local one
    /// consumes the table's.
    func consumed(_ use: CapacityUse, table: String, read: Bool,
                  _ asked: DynamoDBAPI.ReturnConsumedCapacity?) -> DynamoDBAPI.ConsumedCapacity? {
        let local = use.indexes.filter { !$0.isGlobal }.reduce(use.table) { $0 + $1.units }
        if let provisioned = store.table(request.accountId, request.region, table) {
            service.capacity.spend(local, provisioned, read: read, now: now)
            for index in use.indexes where index.isGlobal {
                service.capacity.spend(index.units, provisioned, index: index.name, read: read, now: now)
            }
        }
        if let metrics = service.metrics {
            let dimensions = [("TableName", table)]
            let name = read ? "ConsumedReadCapacityUnits" : "ConsumedWriteCapacityUnits"
            metrics.record(MetricDatum(account: request.accountId, region: request.region, namespace: "AWS/DynamoDB",
                                       name: name, dimensions: dimensions, unit: "Count", value: local, timestampMillis: now))
            for index in use.indexes where index.isGlobal {
                metrics.record(MetricDatum(account: request.accountId, region: request.region, namespace: "AWS/DynamoDB", name: name,
                                           dimensions: dimensions + [("GlobalSecondaryIndexName", index.name)], unit: "Count",
                                           value: index.units, timestampMillis: now))
            }
            let elapsed = ContinuousClock.now - started
            let millis = Double(elapsed.components.seconds) * 1000 + Double(elapsed.components.attoseconds) / 1e15
            metrics.record(MetricDatum(account: request.accountId, region: request.region, namespace: "AWS/DynamoDB",
                                       name: "SuccessfulRequestLatency", dimensions: dimensions + [("Operation", operation)],
                                       unit: "Milliseconds", value: millis, timestampMillis: now))
        }
        return Capacity.consumed(use, table: table, read: read, asked)
    }

    var store: TableStore { service.store }

    /// Whether the table (or the global secondary index read) has provisioned capacity left for
    /// this request; a throttled request is counted in AWS/DynamoDB's throttling metrics.
    func admits(_ table: Table, index: SecondaryIndex? = nil, read: Bool) -> Bool {
        let global = index?.isGlobal == true ? index?.name : nil
        guard !service.capacity.admits(table, index: global, read: read, now: now) else { return true }
        if let metrics = service.metrics {
            var dimensions = [("TableName", table.name)]
            if let global { dimensions.append(("GlobalSecondaryIndexName", global)) }
            metrics.record(MetricDatum(account: request.accountId, region: request.region, namespace: "AWS/DynamoDB",
                                       name: "ThrottledRequests", dimensions: [("TableName", table.name), ("Operation", operation)],
                                       unit: "Count", value: 1, timestampMillis: now))
            metrics.record(MetricDatum(account: request.accountId, region: request.region, namespace: "AWS/DynamoDB",
                                       name: read ? "ReadThrottleEvents" : "WriteThrottleEvents", dimensions: dimensions,
                                       unit: "Count", value: 1, timestampMillis: now))
        }
        return false
    }

    /// The request refused when `admits` is false.
    func admit(_ table: Table, index: SecondaryIndex? = nil, read: Bool) throws(DynamoDBError) {
        guard admits(table, index: index, read: read) else { throw .throughputExceeded(index: index?.isGlobal == true) }
    }

    /// The table a TableName parameter names: a name, or the table's ARN (which must be of the
    /// caller's account and region).
    func tableName(_ given: String) throws(DynamoDBError) -> String {
        var name = given
        let arnPrefix = "arn:aws:dynamodb:\(request.region):\(request.accountId):table/"
        if given.hasPrefix("arn:") {
            guard given.hasPrefix(arnPrefix) else { throw .tableNotFound(given) }
            name = String(given.dropFirst(arnPrefix.count))
        }
        let allowed = name.utf8.allSatisfy { c in
            (c >= UInt8(ascii: "a") && c <= UInt8(ascii: "z")) || (c >= UInt8(ascii: "A") && c <= UInt8(ascii: "Z"))
                || (c >= UInt8(ascii: "0") && c <= UInt8(ascii: "9")) || c == UInt8(ascii: "_") || c == UInt8(ascii: "-") || c == UInt8(ascii: ".")
        }
        guard (3...255).contains(name.utf8.count), allowed else {
            throw .validation("Invalid table/index name.  Table/index names must be between 3 and 255 characters long, and may contain only the characters a-z, A-Z, 0-9, '_', '-', and '.'")
        }
        return name
    }

    /// The table a resource ARN names (tags).
    func table(arn: String) throws(DynamoDBError) -> Table {
        let prefix = "arn:aws:dynamodb:\(request.region):\(request.accountId):table/"
        guard arn.hasPrefix(prefix), let table = store.table(request.accountId, request.region, String(arn.dropFirst(prefix.count))) else {
            throw .resourceNotFound("Requested resource not found: ResourcArn: \(arn) not found")
        }
        return table
    }

    /// The table, as the caller's account and region see it.
    func table(named given: String) throws(DynamoDBError) -> Table? {
        store.table(request.accountId, request.region, try tableName(given))
    }

    /// The table for an operation on its items, which an absent or still-creating table refuses.
    func itemTable(_ given: String) throws(DynamoDBError) -> Table {
        guard let table = try table(named: given), table.status(now: now, createMillis: service.createMillis) != .CREATING else {
            throw .notFound
        }
        return table
    }

    /// The item under `key` changed by `body` in one transaction (see `TableStore.change`).
    func change(_ table: Table, _ key: StoredKey,
                _ body: (Item?) throws(DynamoDBError) -> Item?) throws(DynamoDBError) -> (old: Item?, new: Item?) {
        var failure: DynamoDBError?
        do {
            let result = try store.change(table, key) { old in
                do throws(DynamoDBError) {
                    return try body(old)
                } catch {
                    failure = error
                    throw error
                }
            }
            service.changes.publish(table, old: result.old, new: result.new, at: now)
            return result
        } catch {
            if let failure { throw failure }
            throw .serviceUnavailable("Could not store the change: \(error)")
        }
    }

    /// Several changes in one transaction; `body`'s own errors pass through as they are.
    func transaction<T>(_ body: (TableStore.Writer) throws(DynamoDBError) -> T) throws(DynamoDBError) -> T {
        var failure: DynamoDBError?
        do {
            return try store.transaction { writer in
                do throws(DynamoDBError) {
                    return try body(writer)
                } catch {
                    failure = error
                    throw error
                }
            }
        } catch {
            if let failure { throw failure }
            throw .serviceUnavailable("Could not store the change: \(error)")
        }
    }

    /// A store read inside a transaction body, its failure as the service's error.
    func read<T>(_ body: () throws -> T) throws(DynamoDBError) -> T {
        do { return try body() } catch { throw .serviceUnavailable("Could not read the table: \(error)") }
    }

    func storage<T>(_ body: () throws -> T) throws(DynamoDBError) -> T {
        do { return try body() } catch { throw .serviceUnavailable("Could not store the change: \(error)") }
    }
}
