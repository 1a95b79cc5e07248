import EddyWire

/// TagResource, UntagResource and ListTagsForResource on alarms and dashboards, by ARN.
enum ResourceTags {
    static let maxTags = 50

    /// The ARN of an alarm or dashboard of the caller that exists.
    static func resource(_ arn: String, _ c: CloudWatchContext) throws(CloudWatchError) -> String {
        let parts = arn.split(separator: ":", maxSplits: 6, omittingEmptySubsequences: false)
        guard parts.count >= 6, parts[0] == "arn", parts[2] == "cloudwatch" else {
            throw .invalidParameterValue("The ARN \(arn) is not a CloudWatch alarm or dashboard ARN.")
        }
        if parts.count == 7, parts[5] == "alarm" {
            let name = String(parts[6])
            guard parts[3] == Substring(c.request.region), parts[4] == Substring(c.request.accountId),
                  c.alarms.alarm(c.scope, name)?.arn == arn else { throw .resourceNotFoundException(type: "Alarm", id: name) }
            return arn
        }
        if parts.count == 6, parts[5].hasPrefix("dashboard/") {
            let name = String(parts[5].dropFirst("dashboard/".count))
            guard parts[4] == Substring(c.request.accountId), try c.storage({ try c.alarms.dashboard(Dashboards.scope(c), name) }) != nil else {
                throw .resourceNotFoundException(type: "Dashboard", id: name)
            }
            return arn
        }
        throw .invalidParameterValue("The ARN \(arn) is not a CloudWatch alarm or dashboard ARN.")
    }
}

extension CloudWatchAPI.TagResource: CloudWatchAction {
    static func perform(_ input: Input, in c: CloudWatchContext) throws(CloudWatchError) -> Output {
        let arn = try ResourceTags.resource(input.resourceARN, c)
        let existing = Set(try c.storage { try c.alarms.tags(arn) }.map(\.0))
        let added = Set(input.tags.map(\.key)).subtracting(existing)
        guard existing.count + added.count <= ResourceTags.maxTags else {
            throw .invalidParameterValue("A resource can have at most \(ResourceTags.maxTags) tags.")
        }
        try c.storage { try c.alarms.tag(arn, input.tags.map { ($0.key, $0.value) }) }
        return Output()
    }
}

extension CloudWatchAPI.UntagResource: CloudWatchAction {
    static func perform(_ input: Input, in c: CloudWatchContext) throws(CloudWatchError) -> Output {
        let arn = try ResourceTags.resource(input.resourceARN, c)
        try c.storage { try c.alarms.untag(arn, input.tagKeys) }
        return Output()
    }
}

extension CloudWatchAPI.ListTagsForResource: CloudWatchAction {
    static func perform(_ input: Input, in c: CloudWatchContext) throws(CloudWatchError) -> Output {
        let arn = try ResourceTags.resource(input.resourceARN, c)
        return Output(tags: try c.storage { try c.alarms.tags(arn) }.map { CloudWatchAPI.Tag(key: $0.0, value: $0.1) })
    }
}
