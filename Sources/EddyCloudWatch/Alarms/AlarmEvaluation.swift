import EddyWire

/// One evaluation of a metric alarm, without I/O: the data points of its evaluation range and
/// its criteria in, the state it should be in (with AWS's StateReason and StateReasonData) out.
///
/// AWS's rules: CloudWatch reads a range a little longer than EvaluationPeriods. With at least
/// EvaluationPeriods real points in it, the most recent of them decide and missing points do not
/// matter; with fewer, every real point counts and just enough missing ones are filled in as
/// TreatMissingData says (`breaching`, `notBreaching`; `missing` and `ignore` fill nothing).
/// DatapointsToAlarm (M) of those EvaluationPeriods (N) breaching means ALARM, else OK. With no
/// real point at all, `missing` means INSUFFICIENT_DATA and `ignore` keeps the current state.
struct AlarmEvaluation: Equatable {
    enum TreatMissingData: String, Sendable {
        case missing, ignore, breaching, notBreaching
    }

    struct Point: Equatable, Sendable {
        /// The period's start, in seconds.
        var start: Int64
        var value: Double
        /// Nil when metric math computed the value.
        var sampleCount: Double?
    }

    struct Criteria: Sendable {
        var period: Int64
        var evaluationPeriods: Int
        var datapointsToAlarm: Int
        var threshold: Double
        var comparison: CloudWatchAPI.ComparisonOperator
        var treatMissingData: TreatMissingData
        /// For a percentile with `EvaluateLowSampleCountPercentile: ignore`, the sample count
        /// below which a period does not change the state.
        var lowSampleCount: Double?
        /// How StateReasonData names the statistic: ("statistic", "Average") or ("extendedStatistic", "p99"); nil for metric math.
        var statistic: (member: String, value: String)?
        var unit: String?
    }

    struct Outcome: Equatable, Sendable {
        var state: CloudWatchAPI.StateValue
        var reason: String
        var reasonData: String
    }

    /// The periods read: a few more than EvaluationPeriods, ending with the current period
    /// (which counts once it has data: CloudWatch evaluates the newest data as it comes).
    static func range(nowMillis: Int64, criteria: Criteria) -> (start: Int64, end: Int64) {
        let current = (nowMillis / 1000) - (nowMillis / 1000).floorMod(criteria.period)
        let periods = Int64(criteria.evaluationPeriods + 2)
        return (current - periods * criteria.period, current + criteria.period)
    }

    /// The state the alarm should be in, or nil when it keeps the one it has.
    static func evaluate(_ c: Criteria, points: [Point], nowMillis: Int64) -> Outcome? {
        let current = range(nowMillis: nowMillis, criteria: c).end - c.period
        let finite = points.filter { $0.value.isFinite }
        // The current period counts once it has data; until then the range ends before it.
        let newest = finite.contains { $0.start == current } ? current : current - c.period
        let start = newest - Int64(c.evaluationPeriods + 1) * c.period
        let real = finite.filter { $0.start >= start && $0.start <= newest }.sorted { $0.start > $1.start }
        let n = c.evaluationPeriods
        let chosen = Array(real.prefix(n))
        let filled = max(0, n - chosen.count)
        if chosen.isEmpty {
            switch c.treatMissingData {
            case .ignore: return nil
            case .missing:
                return Outcome(state: .INSUFFICIENT_DATA, reason: "Insufficient Data: \(count(n, "datapoint")) \(n == 1 ? "was" : "were") unknown.",
                               reasonData: reasonData(c, chosen, nowMillis: nowMillis, start: start))
            case .breaching, .notBreaching: break
            }
        }
        if let low = c.lowSampleCount, chosen.contains(where: { ($0.sampleCount ?? .infinity) < low }) { return nil }
        let breachingReal = chosen.filter { breaches($0.value, c) }
        let breaching = breachingReal.count + (c.treatMissingData == .breaching ? filled : 0)
        let state: CloudWatchAPI.StateValue = breaching >= c.datapointsToAlarm ? .ALARM : .OK
        let comparison = phrase(c.comparison)
        let listed = state == .ALARM ? breachingReal : chosen.filter { !breaches($0.value, c) }
        let list = "[" + listed.map { "\(javaDouble($0.value)) (\(AWSDate.alarmReason($0.start * 1000)))" }.joined(separator: ", ") + "]"
        let reason: String
        if n == 1 {
            reason = listed.isEmpty
                ? "Threshold Crossed: no datapoints were received for 1 period and 1 missing datapoint was treated as [\(c.treatMissingData == .breaching ? "Breaching" : "NonBreaching")]."
                : "Threshold Crossed: 1 datapoint \(list) was \(state == .ALARM ? "" : "not ")\(comparison) the threshold (\(javaDouble(c.threshold)))."
        } else {
            let counted = state == .ALARM ? breaching : n - breaching
            let minimum = state == .ALARM ? c.datapointsToAlarm : n - c.datapointsToAlarm + 1
            let transition = state == .ALARM ? "OK -> ALARM" : "ALARM -> OK"
            var text = "Threshold Crossed: \(counted) out of the last \(n) datapoints \(list) were \(state == .ALARM ? "" : "not ")\(comparison) the threshold (\(javaDouble(c.threshold))) (minimum \(count(minimum, "datapoint")) for \(transition) transition)."
            if filled > 0, c.treatMissingData == .breaching || c.treatMissingData == .notBreaching {
                text += " \(count(filled, "missing datapoint")) \(filled == 1 ? "was" : "were") treated as [\(c.treatMissingData == .breaching ? "Breaching" : "NonBreaching")]."
            }
            reason = text
        }
        return Outcome(state: state, reason: reason, reasonData: reasonData(c, chosen, nowMillis: nowMillis, start: start))
    }

    static func breaches(_ value: Double, _ c: Criteria) -> Bool {
        switch c.comparison {
        case .GreaterThanOrEqualToThreshold: value >= c.threshold
        case .GreaterThanThreshold: value > c.threshold
        case .LessThanThreshold: value < c.threshold
        case .LessThanOrEqualToThreshold: value <= c.threshold
        // Band comparisons need an anomaly detection model, which PutMetricAlarm refuses.
        case .LessThanLowerOrGreaterThanUpperThreshold, .LessThanLowerThreshold, .GreaterThanUpperThreshold: false
        }
    }

    static func phrase(_ comparison: CloudWatchAPI.ComparisonOperator) -> String {
        switch comparison {
        case .GreaterThanOrEqualToThreshold: "greater than or equal to"
        case .GreaterThanThreshold: "greater than"
        case .LessThanThreshold: "less than"
        case .LessThanOrEqualToThreshold: "less than or equal to"
        case .LessThanLowerOrGreaterThanUpperThreshold: "outside the band of"
        case .LessThanLowerThreshold: "less than the lower bound of"
        case .GreaterThanUpperThreshold: "greater than the upper bound of"
        }
    }

    /// The JSON CloudWatch puts in StateReasonData.
    static func reasonData(_ c: Criteria, _ chosen: [Point], nowMillis: Int64, start: Int64) -> String {
        var w = JSONWriter()
        w.beginObject()
        w.key("version"); w.string("1.0")
        w.key("queryDate"); w.string(AWSDate.alarmData(nowMillis))
        w.key("startDate"); w.string(AWSDate.alarmData(start * 1000))
        if let unit = c.unit { w.key("unit"); w.string(unit) }
        if let statistic = c.statistic { w.key(statistic.member); w.string(statistic.value) }
        w.key("period"); w.int(Int(c.period))
        w.key("recentDatapoints")
        w.beginArray()
        for p in chosen { w.double(p.value) }
        w.endArray()
        w.key("threshold"); w.double(c.threshold)
        w.key("evaluatedDatapoints")
        w.beginArray()
        for p in chosen {
            w.beginObject()
            w.key("timestamp"); w.string(AWSDate.alarmData(p.start * 1000))
            if let n = p.sampleCount { w.key("sampleCount"); w.double(n) }
            w.key("value"); w.double(p.value)
            w.endObject()
        }
        w.endArray()
        w.endObject()
        return String(decoding: w.bytes, as: UTF8.self)
    }

    static func count(_ n: Int, _ noun: String) -> String { "\(n) \(noun)\(n == 1 ? "" : "s")" }

    /// A double as CloudWatch's reasons write it (they come from Java).
    static func javaDouble(_ d: Double) -> String { JavaDouble.text(d) }
}
