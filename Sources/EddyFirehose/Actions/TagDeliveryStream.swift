import EddyWire

/// TagDeliveryStream: tags are added or overwritten, at most 50 per delivery stream.
extension FirehoseAPI.TagDeliveryStream: FirehoseAction {
    static let maxTags = 50

    static func perform(_ input: Input, in c: FirehoseContext) throws(FirehoseError) -> Output {
        var s = try c.stream(input.deliveryStreamName)
        for tag in input.tags {
            let value = tag.value ?? ""
            if let i = s.tags.firstIndex(where: { $0.0 == tag.key }) { s.tags[i] = (tag.key, value) } else { s.tags.append((tag.key, value)) }
        }
        guard s.tags.count <= maxTags else { throw .limitExceeded("A delivery stream can have at most \(maxTags) tags.") }
        try c.catalog { try c.store.save(s) }
        return Output()
    }
}
