/// Checked reads of the query parameters S3 takes as numbers: a client's text becomes an `Int`
/// only here, within the range S3 reads it into (a Java int), or the request is refused as S3
/// refuses it.
extension S3Address {
    /// A count or marker (`max-keys`, `max-parts`, `max-uploads`, `part-number-marker`).
    func count(_ name: String, default value: Int, message: String? = nil) throws(S3Error) -> Int {
        guard let text = query[name] else { return value }
        guard let n = Int32(text), n >= 0 else {
            throw S3Error.invalidArgument(message ?? "Argument \(name) must be an integer between 0 and 2147483647", name: name, value: text)
        }
        return Int(n)
    }

    /// `partNumber`, 1–10000.
    func partNumber(required: Bool) throws(S3Error) -> Int? {
        guard let text = query["partNumber"] else {
            if required { throw Self.badPartNumber(nil) }
            return nil
        }
        guard let n = Int(text), n >= 1, n <= Multipart.maxParts else { throw Self.badPartNumber(text) }
        return n
    }

    static func badPartNumber(_ text: String?) -> S3Error {
        S3Error.invalidArgument("Part number must be an integer between 1 and 10000, inclusive", name: "partNumber", value: text)
    }
}
