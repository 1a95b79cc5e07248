import EddyWire

/// A composite alarm's state from its rule and the states of the alarms it names, and whether
/// its actions are suppressed: while its ActionsSuppressor alarm is in ALARM, and for
/// ActionsSuppressorExtensionPeriod seconds after it leaves ALARM.
enum CompositeEvaluation {
    /// An alarm named in a rule, by name or by ARN.
    static func lookup(_ reference: String, in scope: AlarmStore.Scope, _ alarms: AlarmStore) -> AlarmStore.Alarm? {
        if let found = alarms.alarm(scope, reference) { return found }
        // arn:aws:cloudwatch:<region>:<account>:alarm:<name>
        let parts = reference.split(separator: ":", maxSplits: 6, omittingEmptySubsequences: false)
        guard parts.count == 7, parts[5] == "alarm" else { return nil }
        let name = String(parts[6])
        guard let found = alarms.alarm(scope, name), found.arn == reference else { return nil }
        return found
    }

    static func evaluate(_ a: CloudWatchAPI.CompositeAlarm, in scope: AlarmStore.Scope, _ alarms: AlarmStore) -> AlarmEvaluation.Outcome? {
        guard let text = a.alarmRule, let rule = try? AlarmRule.parse(text) else { return nil }
        let children = rule.alarms.compactMap { lookup($0, in: scope, alarms) }
        let value = rule.evaluate { lookup($0, in: scope, alarms)?.state ?? .INSUFFICIENT_DATA }
        let state: CloudWatchAPI.StateValue = value ? .ALARM : .OK
        // The child that changed last is the one that moved the rule.
        let trigger = children.max { transitioned($0) < transitioned($1) }
        var reason = value ? "Alarm rule evaluated to TRUE" : "Alarm rule evaluated to FALSE"
        var w = JSONWriter()
        w.beginObject()
        w.key("triggeringAlarms")
        w.beginArray()
        if let trigger {
            reason = "\(trigger.arn) transitioned to \(trigger.state.rawValue) at \(AWSDate.alarmTransition(transitioned(trigger)))"
            w.beginObject()
            w.key("arn"); w.string(trigger.arn)
            w.key("state")
            w.beginObject()
            w.key("value"); w.string(trigger.state.rawValue)
            w.key("timestamp"); w.string(AWSDate.alarmData(transitioned(trigger)))
            w.endObject()
            w.endObject()
        }
        w.endArray()
        w.endObject()
        return AlarmEvaluation.Outcome(state: state, reason: reason, reasonData: String(decoding: w.bytes, as: UTF8.self))
    }

    static func transitioned(_ alarm: AlarmStore.Alarm) -> Int64 {
        switch alarm {
        case .metric(let a): (a.stateTransitionedTimestamp ?? a.stateUpdatedTimestamp)?.millis ?? 0
        case .composite(let a): (a.stateTransitionedTimestamp ?? a.stateUpdatedTimestamp)?.millis ?? 0
        }
    }

    static let waitPeriodReason = "Actions suppressed by WaitPeriod"

    /// Why the alarm's actions do not run now, if they do not. An alarm going into ALARM with
    /// a WaitPeriod holds its actions that long for the suppressor to go into ALARM (the
    /// evaluator then settles them, see `settleWaitPeriod`).
    static func suppression(_ alarm: AlarmStore.Alarm, entering state: CloudWatchAPI.StateValue, in scope: AlarmStore.Scope,
                            _ alarms: AlarmStore, nowMillis: Int64) -> (CloudWatchAPI.ActionsSuppressedBy, String)? {
        guard case .composite(let a) = alarm, let name = a.actionsSuppressor,
              let suppressor = lookup(name, in: scope, alarms) else { return nil }
        if suppressor.state == .ALARM { return (.Alarm, "Alarm \(name) is in ALARM state") }
        let extension_ = Int64(a.actionsSuppressorExtensionPeriod ?? 0) * 1000
        let left = transitioned(suppressor)
        if extension_ > 0, left > 0, nowMillis - left < extension_ {
            return (.ExtensionPeriod, "Extension period of \(a.actionsSuppressorExtensionPeriod ?? 0) seconds after \(name) left ALARM state")
        }
        if state == .ALARM, (a.actionsSuppressorWaitPeriod ?? 0) > 0 { return (.WaitPeriod, waitPeriodReason) }
        return nil
    }

    /// A composite alarm whose actions wait: suppressed for good once the suppressor is in
    /// ALARM, carried out once the WaitPeriod has passed without it. Nil when nothing changes.
    static func settleWaitPeriod(_ alarm: AlarmStore.Alarm, in scope: AlarmStore.Scope, _ alarms: AlarmStore,
                                 nowMillis: Int64) -> (AlarmStore.Alarm, [AlarmStore.HistoryEntry])? {
        guard case .composite(var a) = alarm, a.actionsSuppressedBy == .WaitPeriod, a.stateValue == .ALARM else { return nil }
        if let name = a.actionsSuppressor, lookup(name, in: scope, alarms)?.state == .ALARM {
            a.actionsSuppressedBy = .Alarm
            a.actionsSuppressedReason = "Alarm \(name) is in ALARM state"
            return (.composite(a), [])
        }
        let since = transitioned(alarm)
        guard nowMillis - since >= Int64(a.actionsSuppressorWaitPeriod ?? 0) * 1000 else { return nil }
        a.actionsSuppressedBy = nil
        a.actionsSuppressedReason = nil
        return (.composite(a), AlarmTransitions.actionItems(alarm, state: .ALARM, millis: nowMillis))
    }

}
