import EddyWire

/// PutMetricAlarm: creates or replaces a metric alarm (single metric or metric math). A new
/// alarm starts in INSUFFICIENT_DATA; a replaced one keeps its state, and its tags (AWS ignores
/// Tags on an update).
extension CloudWatchAPI.PutMetricAlarm: CloudWatchAction {
    static func perform(_ input: Input, in c: CloudWatchContext) throws(CloudWatchError) -> Output {
        try AlarmDefinition.check(input, c)
        let tags = try AlarmDefinition.checkTags(input.tags)
        let now = Timestamp(millis: c.now)
        var alarm = CloudWatchAPI.MetricAlarm(
            alarmName: input.alarmName, alarmArn: AlarmDefinition.arn(c, input.alarmName), alarmDescription: input.alarmDescription,
            alarmConfigurationUpdatedTimestamp: now, actionsEnabled: input.actionsEnabled ?? true, okActions: input.okActions ?? [],
            alarmActions: input.alarmActions ?? [], insufficientDataActions: input.insufficientDataActions ?? [],
            stateValue: .INSUFFICIENT_DATA, stateReason: "Unchecked: Initial alarm creation", stateUpdatedTimestamp: now,
            metricName: input.metricName, namespace: input.namespace, statistic: input.statistic, extendedStatistic: input.extendedStatistic,
            dimensions: input.metrics == nil ? (input.dimensions ?? []) : nil, period: input.period, unit: input.unit,
            evaluationPeriods: input.evaluationPeriods, datapointsToAlarm: input.datapointsToAlarm, threshold: input.threshold,
            comparisonOperator: input.comparisonOperator, treatMissingData: input.treatMissingData,
            evaluateLowSampleCountPercentile: input.evaluateLowSampleCountPercentile, metrics: input.metrics,
            stateTransitionedTimestamp: now)
        var created = false
        try c.alarmChange {
            try c.alarms.modify(c.scope, input.alarmName) { current throws -> (AlarmStore.Alarm, [AlarmStore.HistoryEntry])? in
                switch current {
                case .composite?:
                    throw CloudWatchError.invalidParameterValue("The alarm \(input.alarmName) is a composite alarm; PutMetricAlarm cannot replace it.")
                case .metric(let old)?:
                    alarm.stateValue = old.stateValue
                    alarm.stateReason = old.stateReason
                    alarm.stateReasonData = old.stateReasonData
                    alarm.stateUpdatedTimestamp = old.stateUpdatedTimestamp
                    alarm.stateTransitionedTimestamp = old.stateTransitionedTimestamp
                case nil:
                    created = true
                }
                let stored = AlarmStore.Alarm.metric(alarm)
                return (stored, [AlarmDefinition.configurationHistory(stored, created: created, millis: c.now)])
            }
            if created, !tags.isEmpty { try c.alarms.tag(AlarmDefinition.arn(c, input.alarmName), tags) }
        }
        return Output()
    }
}
