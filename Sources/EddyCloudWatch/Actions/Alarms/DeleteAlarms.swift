import EddyWire

/// DeleteAlarms: all or nothing, as AWS: an alarm that does not exist, or one a composite
/// alarm's rule still names, fails the request and none is deleted.
extension CloudWatchAPI.DeleteAlarms: CloudWatchAction {
    static func perform(_ input: Input, in c: CloudWatchContext) throws(CloudWatchError) -> Output {
        let missing = input.alarmNames.filter { c.alarms.alarm(c.scope, $0) == nil }
        if !missing.isEmpty {
            throw .resourceNotFound("\(missing.count) of the alarms to delete do not exist: \(missing.joined(separator: ", "))")
        }
        let deleting = Set(input.alarmNames)
        for alarm in c.alarms.alarms(c.scope) {
            guard case .composite(let composite) = alarm, !deleting.contains(alarm.name),
                  let rule = composite.alarmRule.flatMap({ try? AlarmRule.parse($0) }) else { continue }
            let named = rule.alarms.compactMap { CompositeEvaluation.lookup($0, in: c.scope, c.alarms)?.name }
                + [composite.actionsSuppressor.flatMap { CompositeEvaluation.lookup($0, in: c.scope, c.alarms)?.name }].compactMap { $0 }
            if let used = named.first(where: deleting.contains) {
                throw .invalidParameterValue("The alarm \(used) cannot be deleted: the composite alarm \(alarm.name) uses it. Delete or change that alarm first.")
            }
        }
        try c.storage { try c.alarms.delete(c.scope, input.alarmNames) }
        return Output()
    }
}
