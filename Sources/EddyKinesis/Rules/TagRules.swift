import EddyWire

/// Tag checks shared by CreateStream, AddTagsToStream and TagResource.
enum TagRules {
    static let maxTagsPerStream = 50

    /// Tags from a `TagMap`, in the order sent, after checking their characters.
    static func tags(_ map: ShapeMap<String>?) throws(KinesisError) -> [Tag] {
        guard let map else { return [] }
        var tags: [Tag] = []
        for (key, value) in map.entries {
            guard isValid(key), isValid(value) else {
                throw .invalidArgument("Some tags contain invalid characters. Valid characters: Unicode letters, digits, white space, _ . / = + - % @.")
            }
            tags.append(Tag(key: key, value: value))
        }
        return tags
    }

    static func isValid(_ s: String) -> Bool {
        s.unicodeScalars.allSatisfy { c in
            c.properties.isAlphabetic || c.properties.numericType != nil || c.properties.isWhitespace
                || "_./=+-%@:".unicodeScalars.contains(c)
        }
    }

    /// Adds or overwrites `tags` on the stream, refusing to go over the per-stream limit.
    static func add(_ tags: [Tag], to key: StreamKey, _ c: KinesisContext) throws(KinesisError) {
        try c.changeActiveStream(key, { (s: inout Stream) throws(KinesisError) in
            var merged = s.tags
            for tag in tags {
                if let i = merged.firstIndex(where: { $0.key == tag.key }) { merged[i] = tag } else { merged.append(tag) }
            }
            if merged.count > maxTagsPerStream {
                throw .invalidArgument("Failed to add tags to stream \(key.name) under account \(key.account) because a given stream cannot have more than \(maxTagsPerStream) tags.")
            }
            s.tags = merged
        }, persist: c.store.setTags)
    }

    static func remove(_ keys: [String], from key: StreamKey, _ c: KinesisContext) throws(KinesisError) {
        let removed = Set(keys)
        try c.changeActiveStream(key, { (s: inout Stream) throws(KinesisError) in
            s.tags.removeAll { removed.contains($0.key) }
        }, persist: c.store.setTags)
    }

    static func described(_ tags: some Sequence<Tag>) -> [KinesisAPI.Tag] {
        tags.map { KinesisAPI.Tag(key: $0.key, value: $0.value) }
    }

    /// The stream a ResourceARN names (a consumer's tags are not kept).
    static func streamKey(resourceARN arn: String) throws(KinesisError) -> StreamKey {
        guard let key = StreamARN.parse(arn) else { throw .invalidArgument("Invalid ResourceARN \(arn).") }
        if arn.contains("/consumer/") {
            throw .resourceNotFound("Consumer \(arn) under account \(key.account) not found.")
        }
        return key
    }
}
