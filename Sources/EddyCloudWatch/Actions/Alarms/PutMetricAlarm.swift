import EddyWire

/// PutMetricAlarm: creates or replaces a metric alarm (single metric or metric math). A new
/// alarm starts in INSUFFICIENT_DATA; a replaced one keeps its state, and its tags (AWS ignores
/// Tags on an update).
extension CloudWatchAPI.PutMetricAlarm: CloudWatchAction {
    static func perform(_ input: Input, in c: CloudWatchContext) throws(CloudWatchError) -> Output {
        try AlarmDefinition.check(input, c)
        let tags = try AlarmDefinition.checkTags(input.tags)
        let now = Timestamp(millis: c.now)
        let alarm = CloudWatchAPI.MetricAlarm(
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
        try AlarmDefinition.store(.metric(alarm), tags: tags, c)
        return Output()
    }
}
