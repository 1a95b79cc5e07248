import EddyWire

/// The checks PutMetricAlarm and PutCompositeAlarm make before storing an alarm, as
/// CloudWatch makes them, and the parts of a definition they share.
enum AlarmDefinition {
    static let treatMissingData: Set<String> = ["breaching", "notBreaching", "ignore", "missing"]
    /// Services an alarm action may name (SNS topics, Auto Scaling policies, EC2 actions,
    /// Lambda functions, Systems Manager OpsItems and incidents).
    static let actionServices: Set<String> = ["sns", "autoscaling", "automate", "lambda", "ssm", "ssm-incidents", "swf"]
    static let maxMetrics = 10

    static func arn(_ c: CloudWatchContext, _ name: String) -> String {
        "arn:aws:cloudwatch:\(c.request.region):\(c.request.accountId):alarm:\(name)"
    }

    static func checkActions(_ lists: [(String, [String]?)]) throws(CloudWatchError) {
        for (member, list) in lists {
            for arn in list ?? [] {
                let parts = arn.split(separator: ":", maxSplits: 5, omittingEmptySubsequences: false)
                guard parts.count == 6, parts[0] == "arn", parts[1].hasPrefix("aws"), actionServices.contains(String(parts[2])) else {
                    throw .invalidParameterValue("Invalid arn syntax: \(arn) (in \(member)).")
                }
            }
        }
    }

    static func check(_ input: CloudWatchAPI.PutMetricAlarmInput, _ c: CloudWatchContext) throws(CloudWatchError) {
        if input.evaluationCriteria != nil || input.evaluationInterval != nil {
            throw .invalidParameterValue("Eddy does not evaluate PromQL alarms (EvaluationCriteria, EvaluationInterval); define the alarm on a metric or metric math.")
        }
        if input.thresholdMetricId != nil {
            throw .invalidParameterValue("Eddy does not evaluate anomaly detection bands (ThresholdMetricId) yet; use a static Threshold.")
        }
        try checkActions([("AlarmActions", input.alarmActions), ("OKActions", input.okActions), ("InsufficientDataActions", input.insufficientDataActions)])
        guard let evaluationPeriods = input.evaluationPeriods else { throw .missingParameter("The parameter EvaluationPeriods is required.") }
        guard evaluationPeriods >= 1 else { throw .invalidValue(String(evaluationPeriods), parameter: "EvaluationPeriods") }
        guard let comparison = input.comparisonOperator else { throw .missingParameter("The parameter ComparisonOperator is required.") }
        switch comparison {
        case .LessThanLowerOrGreaterThanUpperThreshold, .LessThanLowerThreshold, .GreaterThanUpperThreshold:
            throw .invalidParameterValue("Eddy does not evaluate anomaly detection bands yet; \(comparison.rawValue) needs one.")
        default: break
        }
        guard input.threshold != nil else { throw .missingParameter("The parameter Threshold is required.") }
        if let m = input.datapointsToAlarm {
            guard m >= 1 else { throw .invalidValue(String(m), parameter: "DatapointsToAlarm") }
            guard m <= evaluationPeriods else {
                throw .invalidParameterCombination("DatapointsToAlarm must be less than or equal to EvaluationPeriods.")
            }
        }
        if let t = input.treatMissingData, !treatMissingData.contains(t) {
            throw .invalidParameterValue("Option \(t) is not supported. Supported options for parameter TreatMissingData are [breaching, notBreaching, ignore, missing].")
        }
        let single = input.metricName != nil || input.namespace != nil || input.statistic != nil || input.extendedStatistic != nil
            || input.dimensions != nil || input.period != nil || input.unit != nil
        let period: Int
        if let metrics = input.metrics {
            if single {
                throw .invalidParameterCombination("The parameters MetricName, Namespace, Statistic, ExtendedStatistic, Dimensions, Period and Unit cannot be used with Metrics.")
            }
            period = try checkMetrics(metrics, c)
        } else {
            guard input.metricName != nil else { throw .missingParameter("The parameter MetricName is required.") }
            guard input.namespace != nil else { throw .missingParameter("The parameter Namespace is required.") }
            guard (input.statistic == nil) != (input.extendedStatistic == nil) else {
                throw .invalidParameterCombination("Exactly one element of the Statistic and ExtendedStatistic parameters must be specified.")
            }
            if let e = input.extendedStatistic, Percentile.parse(e) == nil {
                throw .invalidParameterValue("Eddy evaluates percentiles written pNN or pNN.NN (p0 to p100); the extended statistic \(e) is not supported.")
            }
            guard let p = input.period else { throw .missingParameter("The parameter Period is required.") }
            period = p
        }
        if let e = input.evaluateLowSampleCountPercentile {
            guard e == "evaluate" || e == "ignore" else {
                throw .invalidParameterValue("Option \(e) is not supported. Supported options for parameter EvaluateLowSampleCountPercentile are [evaluate, ignore].")
            }
            guard input.extendedStatistic.flatMap(Percentile.parse) != nil else {
                throw .invalidParameterCombination("EvaluateLowSampleCountPercentile can only be used with a percentile ExtendedStatistic.")
            }
        }
        try checkPeriod(period, parameter: "Period")
        // An alarm looks back at most one day, or seven with periods of an hour or more.
        let limit = period >= 3600 ? 7 * 86_400 : 86_400
        if period * evaluationPeriods > limit {
            throw .invalidParameterValue("The evaluation period (Period × EvaluationPeriods = \(period * evaluationPeriods) seconds) must not exceed \(limit) seconds.")
        }
    }

    static func checkPeriod(_ period: Int, parameter: String) throws(CloudWatchError) {
        guard [10, 20, 30].contains(period) || (period >= 60 && period % 60 == 0) else {
            throw .invalidParameterValue("The parameter \(parameter) must be 10, 20, 30 or a multiple of 60.")
        }
    }

    /// A metric math alarm's queries; returns the period of the one it compares.
    static func checkMetrics(_ metrics: [CloudWatchAPI.MetricDataQuery], _ c: CloudWatchContext) throws(CloudWatchError) -> Int {
        guard !metrics.isEmpty, metrics.count <= maxMetrics else {
            throw .invalidParameterValue("An alarm's Metrics must hold between 1 and \(maxMetrics) queries.")
        }
        let returning = metrics.filter { $0.returnData ?? true }
        guard returning.count == 1 else {
            throw .invalidParameterValue("Exactly one element of the metrics list should return data.")
        }
        for q in metrics {
            guard (q.metricStat == nil) != (q.expression == nil) else {
                throw .invalidParameterValue("Each query in Metrics needs exactly one of MetricStat and Expression (query \(q.id)).")
            }
            if let stat = q.metricStat {
                try checkPeriod(stat.period, parameter: "Metrics.\(q.id).MetricStat.Period")
                guard CloudWatchAPI.Statistic(rawValue: stat.stat) != nil || Percentile.parse(stat.stat) != nil else {
                    throw .invalidParameterValue("Eddy computes SampleCount, Average, Sum, Minimum, Maximum and pNN; \(stat.stat) is not supported yet.")
                }
            }
        }
        // CloudWatch graphs searches but cannot alarm on them.
        for q in metrics where q.expression.map({ $0.uppercased().contains("SEARCH(") }) == true {
            throw .validation("Error in expression \(q.id): SEARCH is not supported in alarms.")
        }
        // An alarm compares one series: a grouped query would give one per group.
        for q in metrics {
            guard let text = q.expression, InsightsQuery.isQuery(text), let query = try? InsightsQuery.parse(text), !query.groupBy.isEmpty else { continue }
            throw .validation("Error in expression \(q.id): Eddy alarms on one time series; a GROUP BY query gives one per group.")
        }
        // Expressions are checked by computing them over a minute; the alarm compares one series.
        let checked = try MetricQueries.evaluate(metrics, start: c.now / 1000 - 60, end: c.now / 1000, c)
        if let target = returning.first, target.expression != nil, (checked.results[target.id] ?? []).count > 1 {
            throw .validation("Error in expression \(target.id): an alarm compares one time series, and this expression gives an array.")
        }
        return AlarmCriteria.period(of: metrics)
    }

    /// A new alarm's tags, or the tag list PutMetricAlarm may not use on an update.
    static func checkTags(_ tags: [CloudWatchAPI.Tag]?) throws(CloudWatchError) -> [(String, String)] {
        let list = (tags ?? []).map { ($0.key, $0.value) }
        guard list.count <= 50 else { throw .invalidParameterValue("An alarm can have at most 50 tags.") }
        return list
    }

    /// Stores a new definition under its name: one that replaces an alarm keeps that alarm's
    /// state and tags (AWS ignores Tags on an update); an alarm of the other kind is refused.
    static func store(_ alarm: AlarmStore.Alarm, tags: [(String, String)], _ c: CloudWatchContext) throws(CloudWatchError) {
        var created = false
        try c.alarmChange {
            try c.alarms.modify(c.scope, alarm.name) { current throws -> (AlarmStore.Alarm, [AlarmStore.HistoryEntry])? in
                var stored = alarm
                if let current {
                    guard let kept = alarm.keepingState(of: current) else {
                        let operation = alarm.type == .CompositeAlarm ? "PutCompositeAlarm" : "PutMetricAlarm"
                        let kind = current.type == .CompositeAlarm ? "composite" : "metric"
                        throw CloudWatchError.invalidParameterValue("The alarm \(alarm.name) is a \(kind) alarm; \(operation) cannot replace it.")
                    }
                    stored = kept
                } else {
                    created = true
                }
                return (stored, [configurationHistory(stored, created: created, millis: c.now)])
            }
            if created, !tags.isEmpty { try c.alarms.tag(alarm.arn, tags) }
        }
    }

    /// The ConfigurationUpdate history item of a create or update.
    static func configurationHistory(_ alarm: AlarmStore.Alarm, created: Bool, millis: Int64) -> AlarmStore.HistoryEntry {
        var w = JSONWriter()
        w.beginObject()
        w.key("version"); w.string("1.0")
        w.key("type"); w.string(created ? "Create" : "Update")
        w.key(created ? "createdAlarm" : "updatedAlarm"); w.raw(alarm.document)
        w.endObject()
        return AlarmStore.HistoryEntry(name: alarm.name, millis: millis, alarmType: alarm.type, itemType: .ConfigurationUpdate,
                                       summary: "Alarm \"\(alarm.name)\" \(created ? "created" : "updated")",
                                       data: String(decoding: w.bytes, as: UTF8.self))
    }
}

extension CloudWatchContext {
    var scope: AlarmStore.Scope { AlarmStore.Scope(account: request.accountId, region: request.region) }

    /// Runs a change of the alarm store, its failures as CloudWatch's errors.
    @discardableResult
    func alarmChange<T>(_ body: () throws -> T) throws(CloudWatchError) -> T {
        do {
            return try body()
        } catch let error as CloudWatchError {
            throw error
        } catch is AlarmStore.LimitExceeded {
            throw .limitExceeded("The maximum number of alarms (\(AlarmStore.maxAlarms)) in this account and region has been reached.")
        } catch {
            throw .internalFailure("\(error)")
        }
    }
}
