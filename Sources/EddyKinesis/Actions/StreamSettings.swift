import EddyWire

/// Operations that change a stream's settings: the change is kept, persisted and reported by
/// DescribeStream(Summary); those AWS runs asynchronously pass the stream through UPDATING.
enum StreamSettings {
    static let allMetrics = ["IncomingBytes", "IncomingRecords", "OutgoingBytes", "OutgoingRecords",
                             "WriteProvisionedThroughputExceeded", "ReadProvisionedThroughputExceeded", "IteratorAgeMilliseconds"]

    static func metrics(_ c: ActionContext) -> [String] {
        let asked = (c.input["ShardLevelMetrics"]?.array ?? []).compactMap(\.string)
        return asked.contains("ALL") ? allMetrics : allMetrics.filter(asked.contains)
    }

    /// Applies `change` to an ACTIVE stream, optionally entering UPDATING, and saves it.
    static func change<T>(_ c: ActionContext, key: StreamKey, updating: Bool,
                          _ change: (inout Stream) throws(KinesisError) -> T) throws(KinesisError) -> T {
        try c.changeActiveStream(key, { (s: inout Stream) throws(KinesisError) -> T in
            let result = try change(&s)
            if updating {
                s.storedStatus = .UPDATING
                s.statusChangedMillis = c.now
            }
            return result
        }, persist: c.store.saveSettings)
    }

    static func monitoring(_ c: ActionContext, enable: Bool) throws(KinesisError) -> [UInt8] {
        let key = try c.streamKey()
        let asked = metrics(c)
        let (before, after, arn) = try change(c, key: key, updating: true) { (s: inout Stream) throws(KinesisError) in
            let before = s.shardLevelMetrics
            let set = enable ? Set(before).union(asked) : Set(before).subtracting(asked)
            s.shardLevelMetrics = allMetrics.filter(set.contains)
            return (before, s.shardLevelMetrics, s.arn)
        }
        return json { w in
            w.member("StreamName", key.name)
            w.member("StreamARN", arn)
            w.key("CurrentShardLevelMetrics"); w.beginArray(); for m in before { w.string(m) }; w.endArray()
            w.key("DesiredShardLevelMetrics"); w.beginArray(); for m in after { w.string(m) }; w.endArray()
        }
    }
}

enum EnableEnhancedMonitoring: KinesisAction {
    static func perform(_ c: ActionContext) throws(KinesisError) -> [UInt8] { try StreamSettings.monitoring(c, enable: true) }
}

enum DisableEnhancedMonitoring: KinesisAction {
    static func perform(_ c: ActionContext) throws(KinesisError) -> [UInt8] { try StreamSettings.monitoring(c, enable: false) }
}

/// Start/StopStreamEncryption: the state and KeyId are kept and reported; records stay readable
/// (Eddy stores them as they are: no KMS here to encrypt with).
enum StartStreamEncryption: KinesisAction {
    static func perform(_ c: ActionContext) throws(KinesisError) -> [UInt8] {
        let key = try c.streamKey()
        guard c.string("EncryptionType") == "KMS" else {
            throw .invalidArgument("Invalid EncryptionType \(c.string("EncryptionType") ?? ""): only KMS can be started.")
        }
        let keyId = c.string("KeyId")!
        try StreamSettings.change(c, key: key, updating: true) { (s: inout Stream) throws(KinesisError) in
            s.encryptionType = "KMS"
            s.keyId = keyId
        }
        return json { _ in }
    }
}

enum StopStreamEncryption: KinesisAction {
    static func perform(_ c: ActionContext) throws(KinesisError) -> [UInt8] {
        let key = try c.streamKey()
        let keyId = c.string("KeyId")!
        try StreamSettings.change(c, key: key, updating: true) { (s: inout Stream) throws(KinesisError) in
            guard s.encryptionType == "KMS" else { return }
            if let current = s.keyId, current != keyId {
                throw .invalidArgument("KeyId \(keyId) does not match the stream's current KeyId \(current).")
            }
            s.encryptionType = "NONE"
            s.keyId = nil
        }
        return json { _ in }
    }
}

/// UpdateMaxRecordSize: PutRecord(s) accept records up to the new size (1–10 MiB).
enum UpdateMaxRecordSize: KinesisAction {
    static func perform(_ c: ActionContext) throws(KinesisError) -> [UInt8] {
        let key = try c.streamKey()
        let size = c.int("MaxRecordSizeInKiB")!
        try StreamSettings.change(c, key: key, updating: false) { (s: inout Stream) throws(KinesisError) in s.maxRecordSizeKiB = size }
        return json { _ in }
    }
}

enum UpdateStreamWarmThroughput: KinesisAction {
    static func perform(_ c: ActionContext) throws(KinesisError) -> [UInt8] {
        let key = try c.streamKey()
        let target = c.int("WarmThroughputMiBps")!
        let (current, arn) = try StreamSettings.change(c, key: key, updating: false) { (s: inout Stream) throws(KinesisError) in
            guard s.mode == .ON_DEMAND else {
                throw .invalidArgument("Warm throughput can only be set on streams in ON_DEMAND mode.")
            }
            let current = s.warmThroughputMiBps
            s.warmThroughputMiBps = target
            return (current, s.arn)
        }
        return json { w in
            w.member("StreamARN", arn)
            w.member("StreamName", key.name)
            w.key("WarmThroughput"); w.beginObject(); w.member("TargetMiBps", target); w.member("CurrentMiBps", current); w.endObject()
        }
    }
}

/// UpdateStreamMode: PROVISIONED ⇄ ON_DEMAND, through UPDATING.
enum UpdateStreamMode: KinesisAction {
    static func perform(_ c: ActionContext) throws(KinesisError) -> [UInt8] {
        let key = try c.streamKey()
        guard let mode = c.input["StreamModeDetails"]?.object?["StreamMode"]?.string.flatMap(StreamMode.init(rawValue:)) else {
            throw .invalidArgument("StreamModeDetails.StreamMode must be PROVISIONED or ON_DEMAND.")
        }
        try StreamSettings.change(c, key: key, updating: true) { (s: inout Stream) throws(KinesisError) in
            guard s.mode != mode else {
                throw .invalidArgument("Stream \(key.name) under account \(key.account) is already in \(mode.rawValue) mode.")
            }
            s.mode = mode
            if let warm = c.int("WarmThroughputMiBps") { s.warmThroughputMiBps = warm }
        }
        return json { _ in }
    }
}
