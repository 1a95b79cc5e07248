import EddyWire

/// Put/Get/DeleteResourcePolicy for streams and consumers: the policy must be a JSON object;
/// it is stored and returned as given.
enum ResourcePolicies {
    /// The resource must exist: a stream, or a consumer of one.
    static func resource(_ c: ActionContext) throws(KinesisError) -> String {
        let arn = c.string("ResourceARN")!
        guard let key = ActionContext.parseStreamARN(arn) else { throw .invalidArgument("Invalid ResourceARN \(arn).") }
        let stream = try c.existingStream(key)
        if let consumer = ConsumerRules.parse(arn) {
            guard stream.consumers.contains(where: { $0.name == consumer.name && $0.createdMillis / 1000 == consumer.created }) else {
                throw ConsumerRules.notFound(consumer.name, key)
            }
        }
        return arn
    }

    static func catalog<T>(_ body: () throws -> T) throws(KinesisError) -> T {
        do { return try body() } catch { throw .internalFailure("Could not store the policy: \(error)") }
    }
}

enum PutResourcePolicy: KinesisAction {
    static func perform(_ c: ActionContext) throws(KinesisError) -> [UInt8] {
        let arn = try ResourcePolicies.resource(c)
        let policy = c.string("Policy")!
        guard case .object(let document)? = try? JSONParser.parse(Array(policy.utf8)), document["Statement"] != nil else {
            throw .invalidArgument("Policy is not a valid JSON policy document with a Statement.")
        }
        try ResourcePolicies.catalog { try c.store.setPolicy(arn, policy) }
        return json { _ in }
    }
}

enum GetResourcePolicy: KinesisAction {
    static func perform(_ c: ActionContext) throws(KinesisError) -> [UInt8] {
        let arn = try ResourcePolicies.resource(c)
        let policy = try ResourcePolicies.catalog { try c.store.policy(arn) }
        // A resource without a policy answers an empty document.
        return json { w in w.member("Policy", policy ?? "{}") }
    }
}

enum DeleteResourcePolicy: KinesisAction {
    static func perform(_ c: ActionContext) throws(KinesisError) -> [UInt8] {
        let arn = try ResourcePolicies.resource(c)
        guard try ResourcePolicies.catalog({ try c.store.policy(arn) }) != nil else {
            throw .resourceNotFound("No resource policy found for resource ARN \(arn).")
        }
        try ResourcePolicies.catalog { try c.store.setPolicy(arn, nil) }
        return json { _ in }
    }
}

/// DescribeAccountSettings / UpdateAccountSettings: the minimum throughput billing commitment,
/// kept per account and region.
enum AccountSettings {
    static func key(_ c: ActionContext) -> String { "account-settings:\(c.request.accountId):\(c.request.region)" }

    static func load(_ c: ActionContext) -> JSONObject? {
        guard let bytes = try? c.store.setting(key(c)) else { return nil }
        return (try? JSONParser.parse(bytes))?.object
    }

    static func write(_ settings: JSONObject?, into w: inout JSONWriter) {
        w.key("MinimumThroughputBillingCommitment")
        if let settings { w.value(.object(settings)) } else { w.beginObject(); w.member("Status", "DISABLED"); w.endObject() }
    }
}

enum DescribeAccountSettings: KinesisAction {
    static func perform(_ c: ActionContext) throws(KinesisError) -> [UInt8] {
        let settings = AccountSettings.load(c)
        return json { w in AccountSettings.write(settings, into: &w) }
    }
}

enum UpdateAccountSettings: KinesisAction {
    static func perform(_ c: ActionContext) throws(KinesisError) -> [UInt8] {
        let wanted = c.input["MinimumThroughputBillingCommitment"]?.object?["Status"]?.string ?? ""
        let previous = AccountSettings.load(c)
        var settings = JSONObject()
        if wanted == "ENABLED" {
            let started = previous?["Status"]?.string == "ENABLED" ? (previous?["StartedAt"]?.double ?? Double(c.now) / 1000) : Double(c.now) / 1000
            settings.members = [("Status", .string("ENABLED")), ("StartedAt", .number(started, isInteger: false)),
                                ("EarliestAllowedEndAt", .number(started + 86_400, isInteger: false))]
        } else {
            if let previous, previous["Status"]?.string == "ENABLED",
               let earliest = previous["EarliestAllowedEndAt"]?.double, Double(c.now) / 1000 < earliest {
                throw .invalidArgument("The minimum throughput billing commitment cannot end before \(AWSDate.iso8601(Int64(earliest * 1000))).")
            }
            settings.members = [("Status", .string("DISABLED"))]
            if let started = previous?["StartedAt"] { settings.members += [("StartedAt", started), ("EndedAt", .number(Double(c.now) / 1000, isInteger: false))] }
        }
        var w = JSONWriter()
        w.value(.object(settings))
        do { try c.store.setSetting(AccountSettings.key(c), w.bytes) } catch { throw .internalFailure("Could not store the settings: \(error)") }
        return json { w in AccountSettings.write(settings, into: &w) }
    }
}
