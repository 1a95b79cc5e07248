import EddyWire

/// Tag checks shared by CreateStream, AddTagsToStream and TagResource.
enum TagRules {
    static let maxTagsPerStream = 50

    /// Tags from a `TagMap`, in the order sent, after checking their characters.
    static func parse(_ map: JSONObject?, stream: String) throws(KinesisError) -> [Tag] {
        guard let map else { return [] }
        var tags: [Tag] = []
        for (key, value) in map.members {
            let tag = Tag(key: key, value: value.string ?? "")
            guard isValid(tag.key), isValid(tag.value) else {
                throw .invalidArgument("Some tags contain invalid characters. Valid characters: Unicode letters, digits, white space, _ . / = + - % @.")
            }
            if let i = tags.firstIndex(where: { $0.key == key }) { tags[i] = tag } else { tags.append(tag) }
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
    static func add(_ tags: [Tag], to key: StreamKey, _ c: ActionContext) throws(KinesisError) {
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

    static func remove(_ keys: [String], from key: StreamKey, _ c: ActionContext) throws(KinesisError) {
        try c.changeActiveStream(key, { (s: inout Stream) throws(KinesisError) in
            s.tags.removeAll { keys.contains($0.key) }
        }, persist: c.store.setTags)
    }

    static func write(_ tags: some Sequence<Tag>, to w: inout JSONWriter) {
        w.key("Tags"); w.beginArray()
        for t in tags {
            w.beginObject(); w.member("Key", t.key); w.member("Value", t.value); w.endObject()
        }
        w.endArray()
    }

    /// The stream a ResourceARN names (consumer ARNs are not supported before enhanced fan-out).
    static func streamKey(resourceARN arn: String) throws(KinesisError) -> StreamKey {
        guard let key = ActionContext.parseStreamARN(arn) else {
            throw .invalidArgument("Invalid ResourceARN \(arn).")
        }
        if arn.contains("/consumer/") {
            throw .resourceNotFound("Consumer \(arn) under account \(key.account) not found.")
        }
        return key
    }
}

enum AddTagsToStream: KinesisAction {
    static func perform(_ c: ActionContext) throws(KinesisError) -> [UInt8] {
        let key = try c.streamKey()
        try TagRules.add(try TagRules.parse(c.input["Tags"]?.object, stream: key.name), to: key, c)
        return json { _ in }
    }
}

enum RemoveTagsFromStream: KinesisAction {
    static func perform(_ c: ActionContext) throws(KinesisError) -> [UInt8] {
        let key = try c.streamKey()
        try TagRules.remove((c.input["TagKeys"]?.array ?? []).compactMap(\.string), from: key, c)
        return json { _ in }
    }
}

/// ListTagsForStream: tags in key order, paged by ExclusiveStartTagKey and Limit.
enum ListTagsForStream: KinesisAction {
    static func perform(_ c: ActionContext) throws(KinesisError) -> [UInt8] {
        let s = try c.existingStream(try c.streamKey())
        var tags = s.tags.sorted { $0.key < $1.key }
        if let start = c.string("ExclusiveStartTagKey") { tags = tags.filter { $0.key > start } }
        let limit = c.int("Limit") ?? 50
        let page = tags.prefix(limit)
        return json { w in
            TagRules.write(page, to: &w)
            w.member("HasMoreTags", tags.count > page.count)
        }
    }
}

enum TagResource: KinesisAction {
    static func perform(_ c: ActionContext) throws(KinesisError) -> [UInt8] {
        let key = try TagRules.streamKey(resourceARN: c.string("ResourceARN")!)
        try TagRules.add(try TagRules.parse(c.input["Tags"]?.object, stream: key.name), to: key, c)
        return json { _ in }
    }
}

enum UntagResource: KinesisAction {
    static func perform(_ c: ActionContext) throws(KinesisError) -> [UInt8] {
        let key = try TagRules.streamKey(resourceARN: c.string("ResourceARN")!)
        try TagRules.remove((c.input["TagKeys"]?.array ?? []).compactMap(\.string), from: key, c)
        return json { _ in }
    }
}

enum ListTagsForResource: KinesisAction {
    static func perform(_ c: ActionContext) throws(KinesisError) -> [UInt8] {
        let key = try TagRules.streamKey(resourceARN: c.string("ResourceARN")!)
        let s = try c.existingStream(key)
        return json { w in TagRules.write(s.tags.sorted { $0.key < $1.key }, to: &w) }
    }
}
