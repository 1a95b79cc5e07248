import EddyWire

/// TransactWriteItems: up to 100 puts, updates, deletes and condition checks on distinct items,
/// all conditions evaluated and all writes made in one transaction, or none with a reason per
/// action; a ClientRequestToken makes a retry within ten minutes answer without writing again.
extension DynamoDBAPI.TransactWriteItems: DynamoDBAction {
    struct Planned {
        let table: Table
        let key: StoredKey
        let condition: Condition?
        let returnOnFailure: DynamoDBAPI.ReturnValuesOnConditionCheckFailure?
        /// nil: a condition check, which writes nothing.
        let write: ((Item?) throws(DynamoDBError) -> Item?)?
    }

    static func perform(_ input: Input, in c: DynamoDBContext) throws(DynamoDBError) -> Output {
        let tokenKey = input.clientRequestToken.map { "\(c.request.accountId)|\(c.request.region)|\($0)" }
        var fingerprintInput = input
        fingerprintInput.returnConsumedCapacity = nil
        let fingerprint = fingerprintInput.jsonBytes()
        if let tokenKey {
            switch c.service.requestTokens.check(tokenKey, fingerprint: fingerprint, now: c.now) {
            case .repeated: return Output()
            case .mismatch:
                throw .idempotentParameterMismatch("The request uses the same client token as a previous, but non-identical request.")
            case .new: break
            }
        }
        var plans: [Planned] = []
        var items = Set<String>()
        for action in input.transactItems {
            let plan = try self.plan(action, c)
            guard items.insert("\(plan.table.id)|\(plan.key.hash)|\(plan.key.range)").inserted else {
                throw .validation("Transaction request cannot include multiple operations on one item")
            }
            plans.append(plan)
        }
        try refuseThrottled(plans.map { ($0.table, $0.write == nil) }, c)
        var units: [String: CapacityUse] = [:]
        var committed: [(Table, Item?, Item?)] = []
        try c.transaction { (writer) throws(DynamoDBError) in
            var olds: [Item?] = []
            var reasons: [DynamoDBAPI.CancellationReason] = []
            var failed = false
            for plan in plans {
                let old = try c.read { try writer.item(plan.table, plan.key) }
                olds.append(old)
                if let condition = plan.condition, try !ExpressionEvaluator.matches(condition, old) {
                    failed = true
                    reasons.append(DynamoDBAPI.CancellationReason(item: plan.returnOnFailure == .ALL_OLD ? old : nil,
                                                                  code: "ConditionalCheckFailed", message: "The conditional request failed"))
                } else {
                    reasons.append(DynamoDBAPI.CancellationReason(code: "None"))
                }
            }
            guard !failed else { throw .transactionCanceled(reasons) }
            for (plan, old) in zip(plans, olds) {
                guard let write = plan.write else {
                    units[plan.table.name, default: CapacityUse(table: 0)] +=
                        CapacityUse(table: Capacity.readUnits(bytes: old.map(AttributeValues.size(of:)) ?? 0, consistent: true))
                    continue
                }
                let new = try write(old)
                _ = try c.read { try writer.change(plan.table, plan.key) { _ in new } }
                committed.append((plan.table, old, new))
                // Transactional writes cost twice a plain write.
                units[plan.table.name, default: CapacityUse(table: 0)] += Capacity.write(plan.table, old: old, new: new, multiplier: 2)
            }
        }
        for (table, old, new) in committed { c.service.changes.publish(table, old: old, new: new, at: c.now) }
        if let tokenKey { c.service.requestTokens.record(tokenKey, fingerprint: fingerprint, now: c.now) }
        let consumed = units.sorted { $0.key < $1.key }.compactMap {
            c.consumed($0.value, table: $0.key, read: false, input.returnConsumedCapacity)
        }
        return Output(consumedCapacity: consumed.isEmpty ? nil : consumed)
    }

    /// A transaction over a table without the capacity for it is cancelled as a whole, the
    /// throttled actions named in its reasons.
    static func refuseThrottled(_ actions: [(Table, read: Bool)], _ c: DynamoDBContext) throws(DynamoDBError) {
        let throttled = actions.map { !c.admits($0.0, read: $0.read) }
        guard throttled.contains(true) else { return }
        throw .transactionCanceled(throttled.map {
            $0 ? DynamoDBAPI.CancellationReason(code: "ProvisionedThroughputExceeded",
                                                message: DynamoDBError.throughputExceeded(index: false).awsError.message)
               : DynamoDBAPI.CancellationReason(code: "None")
        })
    }

    static func plan(_ action: DynamoDBAPI.TransactWriteItem, _ c: DynamoDBContext) throws(DynamoDBError) -> Planned {
        let given = [action.put != nil, action.update != nil, action.delete != nil, action.conditionCheck != nil].filter { $0 }.count
        guard given == 1 else {
            throw .validation("TransactItems can only contain one of Check, Put, Update or Delete")
        }
        func condition(_ text: String?, _ names: ShapeMap<String>?, _ values: ShapeMap<AttributeValue>?,
                       update: String? = nil) throws(DynamoDBError) -> (Condition?, UpdateActions?) {
            let expressions = (update == nil ? [] : [("UpdateExpression", update)]) + [("ConditionExpression", text)]
            var context = try ItemRequests.context(names: names, values: values, expressions: expressions)
            let actions = try update.map { (u) throws(DynamoDBError) in try ExpressionParser.update(u, &context) }
            let parsed = try text.map { (t) throws(DynamoDBError) in try ExpressionParser.condition(t, &context) }
            try context.checkAllUsed()
            return (parsed, actions)
        }
        if let put = action.put {
            let table = try c.itemTable(put.tableName)
            let item = try AttributeValues.checked(put.item)
            guard AttributeValues.size(of: item) <= AttributeValues.maxItemBytes else {
                throw .validation("Item size has exceeded the maximum allowed size")
            }
            let (cond, _) = try condition(put.conditionExpression, put.expressionAttributeNames, put.expressionAttributeValues)
            return Planned(table: table, key: try table.key(ofItem: item), condition: cond,
                           returnOnFailure: put.returnValuesOnConditionCheckFailure, write: { _ in item })
        }
        if let delete = action.delete {
            let table = try c.itemTable(delete.tableName)
            let (cond, _) = try condition(delete.conditionExpression, delete.expressionAttributeNames, delete.expressionAttributeValues)
            return Planned(table: table, key: try table.key(named: try AttributeValues.checked(delete.key)), condition: cond,
                           returnOnFailure: delete.returnValuesOnConditionCheckFailure, write: { _ in nil })
        }
        if let update = action.update {
            let table = try c.itemTable(update.tableName)
            let keyItem = try AttributeValues.checked(update.key)
            let (cond, parsed) = try condition(update.conditionExpression, update.expressionAttributeNames,
                                               update.expressionAttributeValues, update: update.updateExpression)
            let actions = parsed ?? UpdateActions()
            try ItemUpdate.refuseKeyUpdates(actions, table)
            return Planned(table: table, key: try table.key(named: keyItem), condition: cond,
                           returnOnFailure: update.returnValuesOnConditionCheckFailure,
                           write: { (old) throws(DynamoDBError) in try ItemUpdate.updated(actions, old, key: keyItem) })
        }
        let check = action.conditionCheck ?? DynamoDBAPI.ConditionCheck(key: ShapeMap(), tableName: "", conditionExpression: "")
        let table = try c.itemTable(check.tableName)
        let (cond, _) = try condition(check.conditionExpression, check.expressionAttributeNames, check.expressionAttributeValues)
        return Planned(table: table, key: try table.key(named: try AttributeValues.checked(check.key)), condition: cond,
                       returnOnFailure: check.returnValuesOnConditionCheckFailure, write: nil)
    }
}
