import EddyWire

/// Stored points summed into periods aligned on the epoch, and the statistics of a period.
struct PeriodAggregate {
    var unit: String
    var count = 0.0, sum = 0.0, minimum = Double.infinity, maximum = -Double.infinity
    var samples: [Double] = []

    init(unit: String) { self.unit = unit }

    /// `keepingSamples: false` where no percentile is asked (Metrics Insights), so thousands
    /// of metrics do not pile up their samples.
    mutating func add(_ r: MetricStore.Row, keepingSamples: Bool = true) {
        count += r.count
        sum += r.sum
        minimum = min(minimum, r.minimum)
        maximum = max(maximum, r.maximum)
        if keepingSamples { samples += r.samples }
    }

    static func periods(_ rows: [MetricStore.Row], period: Int64) -> [Int64: PeriodAggregate] {
        var out: [Int64: PeriodAggregate] = [:]
        for r in rows {
            let start = r.seconds - r.seconds.floorMod(period)
            out[start, default: PeriodAggregate(unit: r.unit)].add(r)
        }
        return out
    }

    /// High-resolution periods (under a minute) reach back three hours, as CloudWatch keeps
    /// sub-minute data that long; earlier points are not answered at such periods.
    static func visibleStart(_ start: Int64, period: Int64, nowMillis: Int64) -> Int64 {
        period < 60 ? max(start, nowMillis / 1000 - 3 * 3600) : start
    }

    func value(_ statistic: CloudWatchAPI.Statistic) -> Double {
        switch statistic {
        case .SampleCount: count
        case .Average: count > 0 ? sum / count : 0
        case .Sum: sum
        case .Minimum: minimum
        case .Maximum: maximum
        }
    }
}

extension Int64 {
    /// The remainder with the divisor's sign, so periods before 1970 align too.
    func floorMod(_ d: Int64) -> Int64 {
        guard d > 0 else { return 0 }
        let r = self % d
        return r < 0 ? r + d : r
    }
}
