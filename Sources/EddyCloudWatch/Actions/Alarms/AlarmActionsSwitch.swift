import EddyWire

/// EnableAlarmActions and DisableAlarmActions: whether alarms run their actions on a change.
enum AlarmActionsSwitch {
    static func set(_ names: [String], enabled: Bool, _ c: CloudWatchContext) throws(CloudWatchError) {
        try c.alarmChange {
            for name in names {
                try c.alarms.modify(c.scope, name) { current in
                    switch current {
                    case .metric(var a)?:
                        a.actionsEnabled = enabled
                        return (.metric(a), [])
                    case .composite(var a)?:
                        a.actionsEnabled = enabled
                        return (.composite(a), [])
                    case nil:
                        return nil
                    }
                }
            }
        }
    }
}

extension CloudWatchAPI.EnableAlarmActions: CloudWatchAction {
    static func perform(_ input: Input, in c: CloudWatchContext) throws(CloudWatchError) -> Output {
        try AlarmActionsSwitch.set(input.alarmNames, enabled: true, c)
        return Output()
    }
}

extension CloudWatchAPI.DisableAlarmActions: CloudWatchAction {
    static func perform(_ input: Input, in c: CloudWatchContext) throws(CloudWatchError) -> Output {
        try AlarmActionsSwitch.set(input.alarmNames, enabled: false, c)
        return Output()
    }
}
