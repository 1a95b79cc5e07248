import EddyWire

/// DescribeAlarmHistory: StateUpdate, ConfigurationUpdate and Action items of one alarm or all,
/// of metric alarms unless AlarmTypes says otherwise, between dates, newest first unless ScanBy
/// says otherwise, MaxRecords (default 100) to a page.
extension CloudWatchAPI.DescribeAlarmHistory: CloudWatchAction {
    static let defaultMaxRecords = 100

    static func perform(_ input: Input, in c: CloudWatchContext) throws(CloudWatchError) -> Output {
        if input.alarmContributorId != nil {
            throw .invalidParameterValue("Eddy has no multi-contributor (PromQL) alarms; AlarmContributorId matches nothing it keeps.")
        }
        let newestFirst = (input.scanBy ?? .TimestampDescending) == .TimestampDescending
        var after: Int64?
        if let token = input.nextToken {
            guard let bytes = try? Base64.decode(token), let text = String(validating: bytes, as: UTF8.self),
                  text.hasPrefix("eddy-history:"), let seq = Int64(text.dropFirst("eddy-history:".count)) else {
                throw .invalidNextToken("The service couldn't process your request because the NextToken \(token) is invalid.")
            }
            after = seq
        }
        let limit = input.maxRecords ?? defaultMaxRecords
        let query = AlarmStore.HistoryQuery(name: input.alarmName, types: Set(input.alarmTypes ?? [.MetricAlarm]), itemType: input.historyItemType,
                                            startMillis: input.startDate?.millis, endMillis: input.endDate?.millis,
                                            newestFirst: newestFirst, after: after, limit: limit + 1)
        let rows = try c.storage { try c.alarms.history(c.scope, query) }
        let page = rows.prefix(limit)
        return Output(alarmHistoryItems: page.map { _, e in
            CloudWatchAPI.AlarmHistoryItem(alarmName: e.name, alarmType: e.alarmType, timestamp: Timestamp(millis: e.millis),
                                           historyItemType: e.itemType, historySummary: e.summary, historyData: e.data)
        }, nextToken: rows.count > limit ? page.last.map { Base64.encode(Array("eddy-history:\($0.0)".utf8)) } : nil)
    }
}
