import EddyWire

/// PutCompositeAlarm: an alarm whose state is its rule over other alarms' states, with an
/// optional actions suppressor. Every alarm the rule names must exist; a rule may not name the
/// alarm itself.
extension CloudWatchAPI.PutCompositeAlarm: CloudWatchAction {
    static func perform(_ input: Input, in c: CloudWatchContext) throws(CloudWatchError) -> Output {
        try AlarmDefinition.checkActions([("AlarmActions", input.alarmActions), ("OKActions", input.okActions),
                                          ("InsufficientDataActions", input.insufficientDataActions)])
        let rule: AlarmRule
        do { rule = try AlarmRule.parse(input.alarmRule) } catch { throw .invalidParameterValue(error.message) }
        let missing = rule.alarms.filter { CompositeEvaluation.lookup($0, in: c.scope, c.alarms) == nil }
        if !missing.isEmpty {
            throw .invalidParameterValue("Could not save the composite alarm as alarms [\(missing.joined(separator: ", "))] in the alarm rule do not exist")
        }
        if rule.alarms.contains(where: { $0 == input.alarmName || $0 == AlarmDefinition.arn(c, input.alarmName) }) {
            throw .invalidParameterValue("The alarm rule of \(input.alarmName) cannot reference the alarm itself.")
        }
        if let suppressor = input.actionsSuppressor {
            guard CompositeEvaluation.lookup(suppressor, in: c.scope, c.alarms) != nil else {
                throw .invalidParameterValue("The actions suppressor \(suppressor) does not exist.")
            }
        } else if input.actionsSuppressorWaitPeriod != nil || input.actionsSuppressorExtensionPeriod != nil {
            throw .invalidParameterCombination("ActionsSuppressorWaitPeriod and ActionsSuppressorExtensionPeriod need an ActionsSuppressor.")
        }
        let tags = try AlarmDefinition.checkTags(input.tags)
        let now = Timestamp(millis: c.now)
        let alarm = CloudWatchAPI.CompositeAlarm(
            actionsEnabled: input.actionsEnabled ?? true, alarmActions: input.alarmActions ?? [], alarmArn: AlarmDefinition.arn(c, input.alarmName),
            alarmConfigurationUpdatedTimestamp: now, alarmDescription: input.alarmDescription, alarmName: input.alarmName,
            alarmRule: input.alarmRule, insufficientDataActions: input.insufficientDataActions ?? [], okActions: input.okActions ?? [],
            stateReason: "Unchecked: Initial alarm creation", stateUpdatedTimestamp: now, stateValue: .INSUFFICIENT_DATA,
            stateTransitionedTimestamp: now, actionsSuppressor: input.actionsSuppressor,
            actionsSuppressorWaitPeriod: input.actionsSuppressor == nil ? nil : (input.actionsSuppressorWaitPeriod ?? 60),
            actionsSuppressorExtensionPeriod: input.actionsSuppressor == nil ? nil : (input.actionsSuppressorExtensionPeriod ?? 60))
        try AlarmDefinition.store(.composite(alarm), tags: tags, c)
        return Output()
    }
}
