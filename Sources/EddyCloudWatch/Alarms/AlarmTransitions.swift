import EddyWire

/// What happens when an alarm changes state, wherever the change comes from (the evaluator or
/// SetAlarmState): the new state written into the alarm, a StateUpdate history item, and for
/// each action of the new state an Action item. Eddy delivers to no SNS topic, Auto Scaling
/// policy, EC2 action, Lambda function or Systems Manager item, so each action is recorded as
/// AWS records one it could not carry out.
enum AlarmTransitions {
    static let undeliverable = "Eddy has no SNS, Auto Scaling, EC2, Lambda or Systems Manager to deliver to; the action was not carried out"

    struct Change: Sendable {
        var state: CloudWatchAPI.StateValue
        var reason: String
        var reasonData: String?
        var millis: Int64
        /// Whether actions run (SetAlarmState to the state it already has runs none).
        var runsActions = true
    }

    /// `alarm` in its new state, and the history items recording the change.
    static func apply(_ change: Change, to alarm: AlarmStore.Alarm,
                      suppression: (CloudWatchAPI.ActionsSuppressedBy, String)? = nil) -> (AlarmStore.Alarm, [AlarmStore.HistoryEntry]) {
        let old = alarm.state
        let oldReason = reason(of: alarm)
        let oldData = reasonData(of: alarm)
        let time = Timestamp(millis: change.millis)
        var next = alarm
        switch next {
        case .metric(var a):
            a.stateValue = change.state
            a.stateReason = change.reason
            a.stateReasonData = change.reasonData
            a.stateUpdatedTimestamp = time
            if old != change.state { a.stateTransitionedTimestamp = time }
            next = .metric(a)
        case .composite(var a):
            a.stateValue = change.state
            a.stateReason = change.reason
            a.stateReasonData = change.reasonData
            a.stateUpdatedTimestamp = time
            if old != change.state { a.stateTransitionedTimestamp = time }
            a.actionsSuppressedBy = suppression?.0
            a.actionsSuppressedReason = suppression?.1
            next = .composite(a)
        }
        var w = JSONWriter()
        w.beginObject()
        w.key("version"); w.string("1.0")
        w.key("oldState"); state(&w, old, oldReason, oldData)
        w.key("newState"); state(&w, change.state, change.reason, change.reasonData)
        w.endObject()
        var history = [AlarmStore.HistoryEntry(name: alarm.name, millis: change.millis, alarmType: alarm.type, itemType: .StateUpdate,
                                               summary: "Alarm updated from \(old.rawValue) to \(change.state.rawValue)",
                                               data: String(decoding: w.bytes, as: UTF8.self))]
        if change.runsActions, suppression == nil { history += actionItems(alarm, state: change.state, millis: change.millis) }
        return (next, history)
    }

    /// An Action history item for each action of `state` (none while actions are disabled).
    static func actionItems(_ alarm: AlarmStore.Alarm, state: CloudWatchAPI.StateValue, millis: Int64) -> [AlarmStore.HistoryEntry] {
        guard alarm.actionsEnabled else { return [] }
        return alarm.actions(for: state).map { arn in
            var d = JSONWriter()
            d.beginObject()
            d.key("actionState"); d.string("Failed")
            d.key("stateUpdateTimestamp"); d.int64(millis)
            d.key("notificationResource"); d.string(arn)
            d.key("error"); d.string(undeliverable)
            d.endObject()
            return AlarmStore.HistoryEntry(name: alarm.name, millis: millis, alarmType: alarm.type, itemType: .Action,
                                           summary: "Failed to execute action \(arn). Received error: \"\(undeliverable)\"",
                                           data: String(decoding: d.bytes, as: UTF8.self))
        }
    }

    static func state(_ w: inout JSONWriter, _ value: CloudWatchAPI.StateValue, _ reason: String?, _ data: String?) {
        w.beginObject()
        w.key("stateValue"); w.string(value.rawValue)
        if let reason { w.key("stateReason"); w.string(reason) }
        if let data, let bytes = Optional(Array(data.utf8)), (try? JSONParser.parse(bytes)) != nil {
            w.key("stateReasonData"); w.raw(bytes)
        }
        w.endObject()
    }

    static func reason(of alarm: AlarmStore.Alarm) -> String? {
        switch alarm {
        case .metric(let a): a.stateReason
        case .composite(let a): a.stateReason
        }
    }

    static func reasonData(of alarm: AlarmStore.Alarm) -> String? {
        switch alarm {
        case .metric(let a): a.stateReasonData
        case .composite(let a): a.stateReasonData
        }
    }
}
