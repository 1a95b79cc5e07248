import EddyWire

/// An update expression applied to an item, as UpdateItem does: SET (with `if_not_exists`,
/// `list_append`, `+` and `-`), REMOVE, ADD (numbers and sets) and DELETE (from sets).
enum ItemUpdate {
    static func invalidType(_ operation: String, _ value: AttributeValue) -> DynamoDBError {
        .validation("Invalid UpdateExpression: Incorrect operand type for operator or function; operator or function: \(operation), operand type: \(AttributeValues.typeName(value))")
    }

    static let missing = DynamoDBError.validation("The provided expression refers to an attribute that does not exist in the item")
    static let invalidPath = DynamoDBError.validation("The document path provided in the update expression is invalid for update")

    /// The item UpdateItem (or a transaction's Update) stores: the actions applied to the item
    /// there, or to one made of the key, checked as any stored item.
    static func updated(_ actions: UpdateActions, _ old: Item?, key: Item) throws(DynamoDBError) -> Item {
        let checked = try AttributeValues.checked(try apply(actions, to: old ?? key))
        guard AttributeValues.size(of: checked) <= AttributeValues.maxItemBytes else {
            throw .validation("Item size to update has exceeded the maximum allowed size")
        }
        return checked
    }

    /// Key attributes cannot be updated.
    static func refuseKeyUpdates(_ actions: UpdateActions, _ table: Table) throws(DynamoDBError) {
        for path in actions.paths {
            if case .name(let top)? = path.elements.first, top == table.hashKey.name || top == table.rangeKey?.name {
                throw .invalid("Cannot update attribute \(top). This attribute is part of the key")
            }
        }
    }

    static func apply(_ actions: UpdateActions, to original: Item) throws(DynamoDBError) -> Item {
        var item = original
        // Operands read the item as it was before this update.
        for (path, operand) in actions.assignments {
            try assign(try evaluate(operand, original), at: path, in: &item)
        }
        for path in actions.remove { remove(path, from: &item) }
        for (path, operand) in actions.add {
            guard let value = ExpressionEvaluator.resolve(operand, in: original) else { throw missing }
            let current = ExpressionEvaluator.value(at: path, in: item)
            try assign(try added(value, to: current), at: path, in: &item)
        }
        for (path, operand) in actions.delete {
            guard let value = ExpressionEvaluator.resolve(operand, in: original) else { throw missing }
            guard let current = ExpressionEvaluator.value(at: path, in: item) else { continue }
            if let remaining = try deleted(value, from: current) {
                try assign(remaining, at: path, in: &item)
            } else {
                remove(path, from: &item)
            }
        }
        return item
    }

    static func evaluate(_ operand: Operand, _ item: Item) throws(DynamoDBError) -> AttributeValue {
        switch operand {
        case .ifNotExists(let path, let fallback):
            if let present = ExpressionEvaluator.value(at: path, in: item) { return present }
            return try evaluate(fallback, item)
        case .listAppend(let a, let b):
            let x = try evaluate(a, item), y = try evaluate(b, item)
            guard let first = x.l else { throw invalidType("list_append", x) }
            guard let second = y.l else { throw invalidType("list_append", y) }
            return AttributeValue(l: first + second)
        case .plus(let a, let b), .minus(let a, let b):
            let x = try evaluate(a, item), y = try evaluate(b, item)
            let symbol: String
            if case .plus = operand { symbol = "+" } else { symbol = "-" }
            guard let p = x.n else { throw invalidType(symbol, x) }
            guard let q = y.n else { throw invalidType(symbol, y) }
            let left = try AttributeValues.number(p), right = try AttributeValues.number(q)
            return AttributeValue(n: try arithmetic { () throws(DynamoNumber.Failure) in
                try left.adding(symbol == "+" ? right : right.negated)
            }.text)
        case .size:
            throw .validation("Invalid UpdateExpression: The function is not allowed in an update expression; function: size")
        case .path, .value:
            guard let value = ExpressionEvaluator.resolve(operand, in: item) else { throw missing }
            return value
        }
    }

    static func arithmetic(_ body: () throws(DynamoNumber.Failure) -> DynamoNumber) throws(DynamoDBError) -> DynamoNumber {
        do {
            return try body()
        } catch {
            throw AttributeValues.numberError(error)
        }
    }

    static func added(_ value: AttributeValue, to current: AttributeValue?) throws(DynamoDBError) -> AttributeValue {
        if let n = value.n {
            guard let current else { return value }
            guard let existing = current.n else { throw invalidType("ADD", current) }
            let a = try AttributeValues.number(existing), b = try AttributeValues.number(n)
            return AttributeValue(n: try arithmetic { () throws(DynamoNumber.Failure) in try a.adding(b) }.text)
        }
        guard value.ss != nil || value.ns != nil || value.bs != nil else { throw invalidType("ADD", value) }
        guard let current else { return value }
        if let add = value.ss, let existing = current.ss { return AttributeValue(ss: existing + add.filter { !existing.contains($0) }) }
        if let add = value.ns, let existing = current.ns {
            let present = Set(existing)
            return AttributeValue(ns: existing + add.filter { !present.contains($0) })
        }
        if let add = value.bs, let existing = current.bs { return AttributeValue(bs: existing + add.filter { !existing.contains($0) }) }
        throw invalidType("ADD", current)
    }

    /// The set without the elements; nil when none are left (the attribute goes).
    static func deleted(_ value: AttributeValue, from current: AttributeValue) throws(DynamoDBError) -> AttributeValue? {
        if let drop = value.ss, let existing = current.ss {
            let left = existing.filter { !drop.contains($0) }
            return left.isEmpty ? nil : AttributeValue(ss: left)
        }
        if let drop = value.ns, let existing = current.ns {
            let gone = Set(drop)
            let left = existing.filter { !gone.contains($0) }
            return left.isEmpty ? nil : AttributeValue(ns: left)
        }
        if let drop = value.bs, let existing = current.bs {
            let left = existing.filter { !drop.contains($0) }
            return left.isEmpty ? nil : AttributeValue(bs: left)
        }
        throw invalidType("DELETE", value.ss != nil || value.ns != nil || value.bs != nil ? current : value)
    }

    /// Writes `value` at `path`: its parent must exist; an index past a list's end appends.
    static func assign(_ value: AttributeValue, at path: DocumentPath, in item: inout Item) throws(DynamoDBError) {
        guard case .name(let first)? = path.elements.first else { throw invalidPath }
        let rest = Array(path.elements.dropFirst())
        if rest.isEmpty {
            item[first] = value
            return
        }
        guard let top = item[first] else { throw invalidPath }
        item[first] = try assign(value, at: rest[...], in: top)
    }

    static func assign(_ value: AttributeValue, at rest: ArraySlice<DocumentPath.Element>, in container: AttributeValue) throws(DynamoDBError) -> AttributeValue {
        guard let element = rest.first else { return value }
        let tail = rest.dropFirst()
        switch element {
        case .name(let n):
            guard var map = container.m else { throw invalidPath }
            if tail.isEmpty {
                map[n] = value
            } else {
                guard let inner = map[n] else { throw invalidPath }
                map[n] = try assign(value, at: tail, in: inner)
            }
            return AttributeValue(m: map)
        case .index(let i):
            guard var list = container.l else { throw invalidPath }
            if list.indices.contains(i) {
                list[i] = try assign(value, at: tail, in: list[i])
            } else {
                guard tail.isEmpty else { throw invalidPath }
                list.append(value)
            }
            return AttributeValue(l: list)
        }
    }

    static func remove(_ path: DocumentPath, from item: inout Item) {
        guard case .name(let first)? = path.elements.first else { return }
        let rest = Array(path.elements.dropFirst())
        if rest.isEmpty {
            item[first] = nil
        } else if let top = item[first] {
            item[first] = removing(rest[...], from: top)
        }
    }

    static func removing(_ rest: ArraySlice<DocumentPath.Element>, from container: AttributeValue) -> AttributeValue {
        guard let element = rest.first else { return container }
        let tail = rest.dropFirst()
        switch element {
        case .name(let n):
            guard var map = container.m, let inner = map[n] else { return container }
            map[n] = tail.isEmpty ? nil : removing(tail, from: inner)
            return AttributeValue(m: map)
        case .index(let i):
            guard var list = container.l, list.indices.contains(i) else { return container }
            if tail.isEmpty { list.remove(at: i) } else { list[i] = removing(tail, from: list[i]) }
            return AttributeValue(l: list)
        }
    }
}
