import EddyWire

/// DescribeAlarms: alarms by names, prefix, state or action prefix, composite ones' children
/// and parents, metric alarms only unless AlarmTypes says otherwise (as AWS), sorted by name,
/// MaxRecords (default 50) to a page.
extension CloudWatchAPI.DescribeAlarms: CloudWatchAction {
    static let defaultMaxRecords = 50

    static func perform(_ input: Input, in c: CloudWatchContext) throws(CloudWatchError) -> Output {
        let types = Set(input.alarmTypes ?? [.MetricAlarm])
        var found = c.alarms.alarms(c.scope).filter { types.contains($0.type) }
        if let names = input.alarmNames { found = found.filter { names.contains($0.name) } }
        if let prefix = input.alarmNamePrefix {
            if input.alarmNames != nil { throw .invalidParameterCombination("AlarmNames and AlarmNamePrefix cannot be used together.") }
            found = found.filter { $0.name.utf8.starts(with: prefix.utf8) }
        }
        if let state = input.stateValue { found = found.filter { $0.state == state } }
        if let prefix = input.actionPrefix {
            found = found.filter { a in [CloudWatchAPI.StateValue.OK, .ALARM, .INSUFFICIENT_DATA].contains { s in a.actions(for: s).contains { $0.hasPrefix(prefix) } } }
        }
        if let parent = input.childrenOfAlarmName {
            guard case .composite(let composite)? = c.alarms.alarm(c.scope, parent), let rule = composite.alarmRule.flatMap({ try? AlarmRule.parse($0) }) else {
                return Output(compositeAlarms: [], metricAlarms: [], nextToken: nil)
            }
            let children = Set(rule.alarms.compactMap { CompositeEvaluation.lookup($0, in: c.scope, c.alarms)?.name })
            found = found.filter { children.contains($0.name) }
        }
        if let child = input.parentsOfAlarmName {
            found = found.filter { a in
                guard case .composite(let composite) = a, let rule = composite.alarmRule.flatMap({ try? AlarmRule.parse($0) }) else { return false }
                return rule.alarms.contains { CompositeEvaluation.lookup($0, in: c.scope, c.alarms)?.name == child }
            }
        }
        return try page(found, input)
    }

    static func page(_ found: [AlarmStore.Alarm], _ input: Input) throws(CloudWatchError) -> Output {
        var rest = found[...]
        if let token = input.nextToken {
            guard let after = AlarmPaging.name(from: token) else { throw .invalidNextToken("The service couldn't process your request because the NextToken \(token) is invalid.") }
            rest = rest.drop { !after.utf8.lexicographicallyPrecedes($0.name.utf8) }
        }
        let limit = input.maxRecords ?? defaultMaxRecords
        let page = rest.prefix(limit)
        var metric: [CloudWatchAPI.MetricAlarm] = [], composite: [CloudWatchAPI.CompositeAlarm] = []
        for alarm in page {
            switch alarm {
            case .metric(let a): metric.append(a)
            case .composite(let a): composite.append(a)
            }
        }
        let next = rest.count > page.count ? page.last.map { AlarmPaging.token(after: $0.name) } : nil
        return Output(compositeAlarms: composite, metricAlarms: metric, nextToken: next)
    }
}

/// Page tokens of alarm listings: the last name returned, so a page never skips or repeats an
/// alarm created or deleted between calls.
enum AlarmPaging {
    static func token(after name: String) -> String { Base64.encode(Array(("eddy-alarms:" + name).utf8)) }

    static func name(from token: String) -> String? {
        guard let bytes = try? Base64.decode(token), let text = String(validating: bytes, as: UTF8.self),
              text.hasPrefix("eddy-alarms:") else { return nil }
        return String(text.dropFirst("eddy-alarms:".count))
    }
}
