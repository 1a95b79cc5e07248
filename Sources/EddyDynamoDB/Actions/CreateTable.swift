import EddyWire

/// CreateTable: the key schema, attribute definitions, billing and indexes checked in AWS's
/// order and with its messages. The answer says CREATING, as AWS's does; the table stays so
/// for `--create-table-ms` (none by default: SDK waiters look again only after 20 s).
extension DynamoDBAPI.CreateTable: DynamoDBAction {
    static let maxGlobalIndexes = 20
    static let maxLocalIndexes = 5
    /// DynamoDB's default quota of tables per account and region.
    static let maxTables = 2500

    static func perform(_ input: Input, in c: DynamoDBContext) throws(DynamoDBError) -> Output {
        if input.streamSpecification?.streamEnabled == true { throw .unsupported("DynamoDB Streams (StreamSpecification)") }
        if input.sseSpecification?.enabled == true { throw .unsupported("server-side encryption settings (SSESpecification)") }
        if input.resourcePolicy != nil { throw .unsupported("resource policies (ResourcePolicy)") }
        if input.globalTableSourceArn != nil { throw .unsupported("global tables (GlobalTableSourceArn)") }
        if input.vectorIndexes != nil { throw .unsupported("vector indexes (VectorIndexes)") }
        if input.onDemandThroughput != nil || input.warmThroughput != nil
            || input.globalSecondaryIndexes?.contains(where: { $0.onDemandThroughput != nil || $0.warmThroughput != nil }) == true {
            throw .unsupported("OnDemandThroughput and WarmThroughput")
        }
        var definition = input
        definition.tableName = try c.tableName(input.tableName)
        definition.billingMode = input.billingMode ?? .PROVISIONED
        let onDemand = definition.billingMode == .PAY_PER_REQUEST
        if onDemand, input.provisionedThroughput != nil {
            throw .invalid("Neither ReadCapacityUnits nor WriteCapacityUnits can be specified when BillingMode is PAY_PER_REQUEST")
        }
        if !onDemand, input.provisionedThroughput == nil {
            throw .invalid("ReadCapacityUnits and WriteCapacityUnits must both be specified when BillingMode is PROVISIONED")
        }
        if let t = input.provisionedThroughput, t.readCapacityUnits < 1 || t.writeCapacityUnits < 1 {
            throw .validation("One or more parameter values were invalid: Provisioned throughput for the table must be at least 1 read and 1 write capacity unit")
        }

        let definitions = input.attributeDefinitions ?? []
        var defined: [String: ScalarAttributeType] = [:]
        for d in definitions {
            guard defined[d.attributeName] == nil else { throw .validation("Cannot have two attributes with the same name") }
            defined[d.attributeName] = d.attributeType
        }
        let schema = input.keySchema ?? []
        try checkKeySchema(schema, defined: defined, definitions: definitions)
        var used = Set(schema.map(\.attributeName))

        var names = Set<String>()
        let globals = input.globalSecondaryIndexes ?? []
        guard globals.count <= maxGlobalIndexes else {
            throw .limitExceeded("Subscriber limit exceeded: Only \(maxGlobalIndexes) global secondary indexes are allowed per table")
        }
        for index in globals {
            guard names.insert(index.indexName).inserted else { throw .validation("Duplicate index name: \(index.indexName)") }
            try checkKeySchema(index.keySchema, defined: defined, definitions: definitions)
            try checkProjection(index.projection, index.indexName)
            if onDemand, index.provisionedThroughput != nil {
                throw .invalid("ProvisionedThroughput should not be specified for index: \(index.indexName) when BillingMode is PAY_PER_REQUEST")
            }
            if !onDemand, index.provisionedThroughput == nil {
                throw .invalid("ProvisionedThroughput must be specified for index: \(index.indexName)")
            }
            used.formUnion(index.keySchema.map(\.attributeName))
        }
        let locals = input.localSecondaryIndexes ?? []
        guard locals.count <= maxLocalIndexes else {
            throw .limitExceeded("Subscriber limit exceeded: Only \(maxLocalIndexes) local secondary indexes are allowed per table")
        }
        if !locals.isEmpty, !schema.contains(where: { $0.keyType == .RANGE }) {
            throw .invalid("Table KeySchema does not have a range key, which is required when specifying a LocalSecondaryIndex")
        }
        for index in locals {
            guard names.insert(index.indexName).inserted else { throw .validation("Duplicate index name: \(index.indexName)") }
            try checkKeySchema(index.keySchema, defined: defined, definitions: definitions)
            guard index.keySchema.first?.attributeName == schema.first?.attributeName else {
                throw .invalid("Index KeySchema does not have the same leading hash key as table KeySchema for index: \(index.indexName). index hash key: \(index.keySchema.first?.attributeName ?? ""), table hash key: \(schema.first?.attributeName ?? "")")
            }
            guard index.keySchema.count == 2 else {
                throw .invalid("Index KeySchema does not have a range key for index: \(index.indexName)")
            }
            try checkProjection(index.projection, index.indexName)
            used.formUnion(index.keySchema.map(\.attributeName))
        }
        guard used.count == defined.count else {
            throw .invalid("Number of attributes in key schema must match the number of attributes defined in attribute definitions.")
        }

        guard c.store.all(c.request.accountId, c.request.region).count < maxTables else {
            throw .limitExceeded("Subscriber limit exceeded: There is a limit of \(maxTables) tables per account per region")
        }
        let created: Table?
        do {
            created = try c.store.create(account: c.request.accountId, region: c.request.region, name: definition.tableName,
                                         tableId: c.request.requestId, definition: definition, now: c.now)
        } catch {
            throw .serviceUnavailable("Could not store the table: \(error)")
        }
        guard let table = created else { throw .resourceInUse("Table already exists: \(definition.tableName)") }
        return Output(tableDescription: table.description(status: .CREATING, usage: TableUsage(items: 0, bytes: 0)))
    }

    /// A HASH key, then at most one RANGE key, each defined in AttributeDefinitions.
    static func checkKeySchema(_ schema: [DynamoDBAPI.KeySchemaElement], defined: [String: ScalarAttributeType],
                               definitions: [DynamoDBAPI.AttributeDefinition]) throws(DynamoDBError) {
        guard schema.first?.keyType == .HASH else { throw .validation("Invalid KeySchema: The first KeySchemaElement is not a HASH key type") }
        if schema.count == 2 {
            guard schema[1].keyType == .RANGE else {
                throw .validation("Invalid KeySchema: The second KeySchemaElement is not a RANGE key type")
            }
            guard schema[1].attributeName != schema[0].attributeName else {
                throw .validation("Both the Hash Key and the Range Key element in the KeySchema have the same name")
            }
        }
        let missing = schema.map(\.attributeName).filter { defined[$0] == nil }
        guard missing.isEmpty else {
            throw .invalid("Some index key attributes are not defined in AttributeDefinitions. Keys: \(AttributeValues.list(schema.map(\.attributeName))), AttributeDefinitions: \(AttributeValues.list(definitions.map(\.attributeName)))")
        }
    }

    static func checkProjection(_ projection: DynamoDBAPI.Projection, _ index: String) throws(DynamoDBError) {
        guard let type = projection.projectionType else { throw .invalid("Unknown ProjectionType: null") }
        let attributes = projection.nonKeyAttributes ?? []
        if type == .INCLUDE {
            guard !attributes.isEmpty else { throw .invalid("ProjectionType is INCLUDE, but NonKeyAttributes is not specified") }
        } else if !attributes.isEmpty {
            throw .invalid("ProjectionType is \(type.rawValue), but NonKeyAttributes is specified")
        }
    }
}
