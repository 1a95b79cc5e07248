import EddyWire

extension FirehoseAPI.UntagDeliveryStream: FirehoseAction {
    static func perform(_ input: Input, in c: FirehoseContext) throws(FirehoseError) -> Output {
        var s = try c.stream(input.deliveryStreamName)
        let keys = Set(input.tagKeys)
        s.tags.removeAll { keys.contains($0.0) }
        try c.catalog { try c.store.save(s) }
        return Output()
    }
}
