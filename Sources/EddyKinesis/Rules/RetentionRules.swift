/// Increase/DecreaseStreamRetentionPeriod share their checks: 24–8760 hours and the direction.
enum RetentionRules {
    static let minimumHours = 24, maximumHours = 8760

    static func change(_ key: StreamKey, to hours: Int, increase: Bool, _ c: KinesisContext) throws(KinesisError) {
        if hours < minimumHours {
            throw .invalidArgument("Minimum allowed retention period is \(minimumHours) hours. Requested retention period (\(hours) hours) is too short.")
        }
        if hours > maximumHours {
            throw .invalidArgument("Maximum allowed retention period is \(maximumHours) hours. Requested retention period (\(hours) hours) is too long.")
        }
        try c.changeActiveStream(key, { (s: inout Stream) throws(KinesisError) in
            if increase && hours < s.retentionHours {
                throw .invalidArgument("Requested retention period (\(hours) hours) for stream \(key.name) can not be shorter than existing retention period (\(s.retentionHours) hours). Use DecreaseRetentionPeriod API.")
            }
            if !increase && hours > s.retentionHours {
                throw .invalidArgument("Requested retention period (\(hours) hours) for stream \(key.name) can not be longer than existing retention period (\(s.retentionHours) hours). Use IncreaseRetentionPeriod API.")
            }
            s.retentionHours = hours
        }, persist: c.store.setRetention)
    }
}
