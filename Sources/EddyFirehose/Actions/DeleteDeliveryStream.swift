import EddyWire

/// DeleteDeliveryStream: what is buffered is delivered first (nothing acknowledged is dropped).
extension FirehoseAPI.DeleteDeliveryStream: FirehoseAction {
    static func perform(_ input: Input, in c: FirehoseContext) throws(FirehoseError) -> Output {
        let s = try c.stream(input.deliveryStreamName)
        c.service.flush()
        try c.catalog { try c.store.delete(s) }
        return Output()
    }
}
