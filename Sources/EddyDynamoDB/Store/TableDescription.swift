import EddyWire

extension Table {
    /// The table as DescribeTable (and CreateTable, DeleteTable) report it.
    /// `creatingIndex`: an index UpdateTable has just added, answered as CREATING (it is
    /// backfilled by then, and ACTIVE from the next DescribeTable on).
    func description(status: TableStatus, usage: TableUsage,
                     creatingIndex: String? = nil) -> DynamoDBAPI.TableDescription {
        let d = definition
        let created = Timestamp(millis: createdMillis)
        let onDemand = d.billingMode == .PAY_PER_REQUEST
        func throughput(_ t: DynamoDBAPI.ProvisionedThroughput?) -> DynamoDBAPI.ProvisionedThroughputDescription {
            DynamoDBAPI.ProvisionedThroughputDescription(numberOfDecreasesToday: 0, readCapacityUnits: t?.readCapacityUnits ?? 0,
                                                         writeCapacityUnits: t?.writeCapacityUnits ?? 0)
        }
        let indexStatus: DynamoDBAPI.IndexStatus = status == .CREATING ? .CREATING : .ACTIVE
        var out = DynamoDBAPI.TableDescription(
            attributeDefinitions: d.attributeDefinitions, tableName: name, keySchema: d.keySchema, tableStatus: status,
            creationDateTime: created, provisionedThroughput: throughput(d.provisionedThroughput),
            tableSizeBytes: usage.bytes, itemCount: usage.items, tableArn: arn, tableId: tableId)
        if onDemand {
            out.billingModeSummary = DynamoDBAPI.BillingModeSummary(billingMode: .PAY_PER_REQUEST, lastUpdateToPayPerRequestDateTime: created)
        }
        out.globalSecondaryIndexes = d.globalSecondaryIndexes.map { indexes in
            indexes.map { index in
                DynamoDBAPI.GlobalSecondaryIndexDescription(
                    indexName: index.indexName, keySchema: index.keySchema, projection: index.projection,
                    indexStatus: index.indexName == creatingIndex ? .CREATING : indexStatus,
                    backfilling: index.indexName == creatingIndex ? true : nil,
                    provisionedThroughput: throughput(index.provisionedThroughput),
                    indexSizeBytes: usage.indexes[index.indexName]?.bytes ?? 0, itemCount: usage.indexes[index.indexName]?.items ?? 0,
                    indexArn: "\(arn)/index/\(index.indexName)")
            }
        }
        out.localSecondaryIndexes = d.localSecondaryIndexes.map { indexes in
            indexes.map { index in
                DynamoDBAPI.LocalSecondaryIndexDescription(indexName: index.indexName, keySchema: index.keySchema,
                                                           projection: index.projection, indexSizeBytes: usage.indexes[index.indexName]?.bytes ?? 0,
                                                           itemCount: usage.indexes[index.indexName]?.items ?? 0,
                                                           indexArn: "\(arn)/index/\(index.indexName)")
            }
        }
        if let tableClass = d.tableClass { out.tableClassSummary = DynamoDBAPI.TableClassSummary(tableClass: tableClass) }
        out.deletionProtectionEnabled = d.deletionProtectionEnabled ?? false
        return out
    }
}
