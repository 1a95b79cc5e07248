import EddyWire

/// The parameters DynamoDB had before expressions (`Expected` with `ConditionalOperator`,
/// `AttributeUpdates`, `AttributesToGet`), which KCL and older clients still send: translated
/// into the same conditions and updates.
enum LegacyParameters {
    static func condition(_ expected: ShapeMap<DynamoDBAPI.ExpectedAttributeValue>,
                          _ conditionalOperator: DynamoDBAPI.ConditionalOperator?) throws(DynamoDBError) -> Condition? {
        var conditions: [Condition] = []
        for (name, e) in expected.entries {
            conditions.append(try condition(name, e))
        }
        guard var combined = conditions.first else { return nil }
        for next in conditions.dropFirst() {
            combined = conditionalOperator == .OR ? .or(combined, next) : .and(combined, next)
        }
        return combined
    }

    static func condition(_ name: String, _ e: DynamoDBAPI.ExpectedAttributeValue) throws(DynamoDBError) -> Condition {
        let path = DocumentPath(elements: [.name(name)])
        let attribute = Operand.path(path)
        if let op = e.comparisonOperator {
            if e.value != nil {
                throw .invalid("Value and ComparisonOperator cannot be used together for Attribute: \(name)")
            }
            if e.exists != nil {
                throw .invalid("Exists and ComparisonOperator cannot be used together for Attribute: \(name)")
            }
            let arguments = try (e.attributeValueList ?? []).map { (v) throws(DynamoDBError) in
                Operand.value(try AttributeValues.checked(v), name: "")
            }
            func count(_ n: Int) throws(DynamoDBError) {
                guard arguments.count == n else { throw .invalid("Invalid number of argument(s) for the \(op.rawValue) ComparisonOperator") }
            }
            switch op {
            case .NOT_NULL: try count(0); return .attributeExists(path)
            case .NULL: try count(0); return .attributeNotExists(path)
            case .EQ: try count(1); return .compare(.equal, attribute, arguments[0])
            case .NE: try count(1); return .compare(.notEqual, attribute, arguments[0])
            case .LT: try count(1); return .compare(.less, attribute, arguments[0])
            case .LE: try count(1); return .compare(.lessOrEqual, attribute, arguments[0])
            case .GT: try count(1); return .compare(.greater, attribute, arguments[0])
            case .GE: try count(1); return .compare(.greaterOrEqual, attribute, arguments[0])
            case .CONTAINS: try count(1); return .contains(attribute, arguments[0])
            case .NOT_CONTAINS: try count(1); return .and(.attributeExists(path), .not(.contains(attribute, arguments[0])))
            case .BEGINS_WITH: try count(1); return .beginsWith(attribute, arguments[0])
            case .BETWEEN: try count(2); return .between(attribute, arguments[0], arguments[1])
            case .IN:
                guard !arguments.isEmpty else { throw .invalid("Invalid number of argument(s) for the IN ComparisonOperator") }
                return .in(attribute, arguments)
            }
        }
        let exists = e.exists ?? true
        if exists {
            guard let value = e.value else {
                throw .invalid("Value must be provided when Exists is true for Attribute: \(name)")
            }
            return .compare(.equal, attribute, .value(try AttributeValues.checked(value), name: ""))
        }
        guard e.value == nil else { throw .invalid("Value cannot be used when Exists is false for Attribute: \(name)") }
        return .attributeNotExists(path)
    }

    static func updates(_ updates: ShapeMap<DynamoDBAPI.AttributeValueUpdate>) throws(DynamoDBError) -> UpdateActions {
        var actions = UpdateActions()
        for (name, update) in updates.entries {
            let path = DocumentPath(elements: [.name(name)])
            let value = try update.value.map { (v) throws(DynamoDBError) in try AttributeValues.checked(v) }
            switch update.action ?? .PUT {
            case .PUT:
                guard let value else { throw .invalid("Only DELETE action is allowed when no attribute value is specified") }
                actions.assignments.append((path, .value(value, name: "")))
            case .DELETE:
                if let value { actions.delete.append((path, .value(value, name: ""))) } else { actions.remove.append(path) }
            case .ADD:
                guard let value else { throw .invalid("Only DELETE action is allowed when no attribute value is specified") }
                actions.add.append((path, .value(value, name: "")))
            }
        }
        return actions
    }
}
