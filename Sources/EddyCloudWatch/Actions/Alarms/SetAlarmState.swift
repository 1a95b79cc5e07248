import EddyWire

/// SetAlarmState: puts an alarm in a state for testing, with the reason given; the next
/// evaluation that disagrees moves it back. Actions run when the state changes.
extension CloudWatchAPI.SetAlarmState: CloudWatchAction {
    static func perform(_ input: Input, in c: CloudWatchContext) throws(CloudWatchError) -> Output {
        if let data = input.stateReasonData, (try? JSONParser.parse(Array(data.utf8))) == nil {
            throw .invalidFormat("The StateReasonData \(data) is not valid JSON.")
        }
        guard c.alarms.alarm(c.scope, input.alarmName) != nil else {
            throw .resourceNotFound("Alarm \(input.alarmName) does not exist.")
        }
        try c.alarmChange {
            try c.alarms.modify(c.scope, input.alarmName) { current in
                guard let current else { return nil }
                let change = AlarmTransitions.Change(state: input.stateValue, reason: input.stateReason, reasonData: input.stateReasonData,
                                                     millis: c.now, runsActions: current.state != input.stateValue)
                return AlarmTransitions.apply(change, to: current,
                                              suppression: CompositeEvaluation.suppression(current, entering: input.stateValue, in: c.scope, c.alarms, nowMillis: c.now))
            }
        }
        return Output()
    }
}
