import EddyWire

/// UpdateStreamMode: PROVISIONED ⇄ ON_DEMAND, through UPDATING.
extension KinesisAPI.UpdateStreamMode: KinesisAction {
    static func perform(_ input: Input, in c: KinesisContext) throws(KinesisError) -> Output {
        let key = try c.streamKey(name: nil, arn: input.streamARN)
        let mode = input.streamModeDetails.streamMode
        try StreamSettings.change(c, key: key, updating: true) { (s: inout Stream) throws(KinesisError) in
            guard s.mode != mode else {
                throw .invalidArgument("Stream \(key.name) under account \(key.account) is already in \(mode.rawValue) mode.")
            }
            s.mode = mode
            if let warm = input.warmThroughputMiBps { s.warmThroughputMiBps = warm }
        }
        return Output()
    }
}
