/// What ListObjects and ListObjectVersions share: keys in order, those with the delimiter
/// after the prefix grouped into one common prefix each, up to `maxKeys` of both together.
/// Past a common prefix the next read seeks beyond its keys rather than reading them (U+10FFFF
/// is the last character, so only keys continuing the prefix with it sort after the seek, and
/// the check below still skips those), and reads after a seek are small, since the next key may
/// be another common prefix; they grow back to pages of 1,000 when keys are returned.
struct DelimitedListing<Entry> {
    enum Item {
        case entry(Entry)
        case commonPrefix(String)
    }

    var items: [Item] = []
    var truncated = false

    /// `resume`: the common prefix a page resumes after (its keys are skipped);
    /// `read(seek, limit)`: up to `limit` of the store's entries after the last one read, or,
    /// when `seek` is given, after that key.
    static func collect(prefix: String, delimiter: String?, resume: String?, maxKeys: Int, key: (Entry) -> String,
                        read: (_ seek: String?, _ limit: Int) throws(S3Error) -> [Entry]) throws(S3Error) -> DelimitedListing {
        var listing = DelimitedListing()
        var lastPrefix = resume
        var seek = resume.map { $0 + "\u{10FFFF}" }
        var limit = resume == nil ? 1000 : 16
        while true {
            let batch = try read(seek, limit)
            seek = nil
            for entry in batch {
                let k = key(entry)
                if let lp = lastPrefix, k.hasPrefix(lp) { continue }
                var commonPrefix: String?
                if let delimiter {
                    // The store answered keys with this prefix; compare the bytes after it.
                    let rest = k.hasPrefix(prefix) ? k.dropFirst(prefix.count) : Substring(k)
                    if let r = rest.firstRange(of: delimiter) { commonPrefix = prefix + String(rest[..<r.upperBound]) }
                }
                if listing.items.count == maxKeys {
                    listing.truncated = true
                    return listing
                }
                if let cp = commonPrefix {
                    listing.items.append(.commonPrefix(cp))
                    lastPrefix = cp
                    seek = cp + "\u{10FFFF}"
                    break
                }
                listing.items.append(.entry(entry))
            }
            if seek != nil {
                limit = 16
                continue
            }
            if batch.count < limit { return listing }
            limit = 1000
        }
    }
}

/// The query parameters every listing takes: prefix, delimiter, max-keys and encoding-type.
struct ListingParameters {
    let prefix: String
    let delimiter: String?
    let maxKeys: Int
    /// `encoding-type=url`: keys and prefixes in the answer are percent-encoded.
    let encode: Bool

    init(_ c: S3Context) throws(S3Error) {
        let q = c.query
        prefix = q["prefix"] ?? ""
        delimiter = q["delimiter"].flatMap { $0.isEmpty ? nil : $0 }
        maxKeys = try c.address.count("max-keys", default: 1000, message: "Provided max-keys not an integer or within integer range")
        if let e = q["encoding-type"], e != "url" {
            throw S3Error.invalidArgument("Invalid Encoding Method specified in Request", name: "encoding-type", value: e)
        }
        encode = q["encoding-type"] == "url"
    }

    func encoded(_ s: String) -> String { encode ? URLCoding.encode(s) : s }
}
