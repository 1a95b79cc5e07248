import EddyWire

/// UpdateTable: billing mode and throughput, deletion protection, table class, and one global
/// secondary index created (backfilled from the items at once) or deleted.
extension DynamoDBAPI.UpdateTable: DynamoDBAction {
    static func perform(_ input: Input, in c: DynamoDBContext) throws(DynamoDBError) -> Output {
        if input.streamSpecification?.streamEnabled == true { throw .unsupported("DynamoDB Streams (StreamSpecification)") }
        if input.sseSpecification != nil { throw .unsupported("server-side encryption settings (SSESpecification)") }
        if input.replicaUpdates != nil || input.multiRegionConsistency != nil || input.globalTableWitnessUpdates != nil
            || input.globalTableSettingsReplicationMode != nil {
            throw .unsupported("global tables (ReplicaUpdates)")
        }
        if input.onDemandThroughput != nil || input.warmThroughput != nil { throw .unsupported("OnDemandThroughput and WarmThroughput") }
        guard var table = try c.table(named: input.tableName) else { throw .tableNotFound(input.tableName) }
        let updates = input.globalSecondaryIndexUpdates ?? []
        guard input.billingMode != nil || input.provisionedThroughput != nil || !updates.isEmpty || input.tableClass != nil
                || input.deletionProtectionEnabled != nil || input.streamSpecification != nil else {
            throw .validation("At least one of ProvisionedThroughput, BillingMode, UpdateStreamEnabled, GlobalSecondaryIndexUpdates or SSESpecification or ReplicaUpdates is required")
        }
        var d = table.definition
        let billing = input.billingMode ?? d.billingMode ?? .PROVISIONED
        if billing == .PAY_PER_REQUEST {
            if input.provisionedThroughput != nil {
                throw .invalid("Neither ReadCapacityUnits nor WriteCapacityUnits can be specified when BillingMode is PAY_PER_REQUEST")
            }
            d.provisionedThroughput = nil
            d.globalSecondaryIndexes = d.globalSecondaryIndexes?.map { var i = $0; i.provisionedThroughput = nil; return i }
        } else {
            if let t = input.provisionedThroughput { d.provisionedThroughput = t }
            guard d.provisionedThroughput != nil else {
                throw .invalid("ProvisionedThroughput must be specified when BillingMode is PROVISIONED")
            }
        }
        d.billingMode = billing
        if let p = input.deletionProtectionEnabled { d.deletionProtectionEnabled = p }
        if let tableClass = input.tableClass { d.tableClass = tableClass }

        let changes = updates.filter { $0.create != nil || $0.delete != nil }
        guard changes.count <= 1 else {
            throw .limitExceeded("Subscriber limit exceeded: Only 1 online index can be created or deleted simultaneously per table")
        }
        var created: SecondaryIndex?
        var dropped: String?
        for update in updates {
            if let create = update.create {
                var definitions = d.attributeDefinitions ?? []
                for new in input.attributeDefinitions ?? [] where !definitions.contains(where: { $0.attributeName == new.attributeName }) {
                    definitions.append(new)
                }
                var defined: [String: ScalarAttributeType] = [:]
                for a in definitions { defined[a.attributeName] = a.attributeType }
                guard table.index(named: create.indexName) == nil else {
                    throw .validation("One or more parameter values were invalid: Index with name \(create.indexName) already exists")
                }
                try DynamoDBAPI.CreateTable.checkKeySchema(create.keySchema, defined: defined, definitions: definitions)
                try DynamoDBAPI.CreateTable.checkProjection(create.projection, create.indexName)
                if billing == .PAY_PER_REQUEST, create.provisionedThroughput != nil {
                    throw .invalid("ProvisionedThroughput should not be specified for index: \(create.indexName) when BillingMode is PAY_PER_REQUEST")
                }
                if billing == .PROVISIONED, create.provisionedThroughput == nil {
                    throw .invalid("ProvisionedThroughput must be specified for index: \(create.indexName)")
                }
                guard (d.globalSecondaryIndexes?.count ?? 0) < DynamoDBAPI.CreateTable.maxGlobalIndexes else {
                    throw .limitExceeded("Subscriber limit exceeded: Only \(DynamoDBAPI.CreateTable.maxGlobalIndexes) global secondary indexes are allowed per table")
                }
                d.attributeDefinitions = definitions
                d.globalSecondaryIndexes = (d.globalSecondaryIndexes ?? []) + [
                    DynamoDBAPI.GlobalSecondaryIndex(indexName: create.indexName, keySchema: create.keySchema, projection: create.projection,
                                                     provisionedThroughput: create.provisionedThroughput)]
            } else if let delete = update.delete {
                guard d.globalSecondaryIndexes?.contains(where: { $0.indexName == delete.indexName }) == true else {
                    throw .resourceNotFound("Requested resource not found: Index: \(delete.indexName) not found")
                }
                d.globalSecondaryIndexes = d.globalSecondaryIndexes?.filter { $0.indexName != delete.indexName }
                if d.globalSecondaryIndexes?.isEmpty == true { d.globalSecondaryIndexes = nil }
                dropped = delete.indexName
            } else if let change = update.update {
                guard let i = d.globalSecondaryIndexes?.firstIndex(where: { $0.indexName == change.indexName }) else {
                    throw .resourceNotFound("Requested resource not found: Index: \(change.indexName) not found")
                }
                guard billing == .PROVISIONED, let t = change.provisionedThroughput else {
                    throw .invalid("ProvisionedThroughput can only be updated on an index of a table in PROVISIONED mode")
                }
                d.globalSecondaryIndexes?[i].provisionedThroughput = t
            }
        }
        // Attribute definitions are kept only for attributes some key uses.
        let used = Set((d.keySchema ?? []).map(\.attributeName) + (d.globalSecondaryIndexes ?? []).flatMap { $0.keySchema.map(\.attributeName) }
            + (d.localSecondaryIndexes ?? []).flatMap { $0.keySchema.map(\.attributeName) })
        d.attributeDefinitions = d.attributeDefinitions?.filter { used.contains($0.attributeName) }
        table.definition = d
        if let name = updates.compactMap({ $0.create?.indexName }).first { created = table.index(named: name) }
        try c.storage {
            try c.store.save(table)
            if let dropped { try c.store.dropIndex(table, dropped) }
            if let created { try c.store.backfill(table, created) }
        }
        let usage = try c.storage { try c.store.usage(table) }
        return Output(tableDescription: table.description(status: .UPDATING, usage: usage, creatingIndex: created?.name))
    }
}
