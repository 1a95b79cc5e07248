import EddyWire

/// A `multipart/form-data` body, as a browser posts an S3 upload form: text fields in order,
/// and one file (the `file` field, which S3 reads last).
struct MultipartForm {
    static let maxParts = 256
    static let maxFieldBytes = 64 * 1024

    var fields: [(name: String, value: String)] = []
    var file: (filename: String, contentType: String?, body: ArraySlice<UInt8>)?

    func field(_ name: String) -> String? { fields.first { $0.name.lowercased() == name.lowercased() }?.value }

    static func boundary(_ contentType: String) -> String? {
        guard contentType.lowercased().hasPrefix("multipart/form-data") else { return nil }
        for parameter in contentType.split(separator: ";").dropFirst() {
            let p = String(parameter).trimmingSpaces
            guard p.lowercased().hasPrefix("boundary=") else { continue }
            var value = String(p.dropFirst("boundary=".count))
            if value.hasPrefix("\""), value.hasSuffix("\""), value.count >= 2 { value = String(value.dropFirst().dropLast()) }
            return value.isEmpty || value.utf8.count > 200 ? nil : value
        }
        return nil
    }

    static func parse(_ body: [UInt8], boundary: String) throws(S3Error) -> MultipartForm {
        let malformed = S3Error("MalformedPOSTRequest", "The body of your POST request is not well-formed multipart/form-data.")
        let delimiter = Array(("--" + boundary).utf8)
        var form = MultipartForm()
        guard var at = find(delimiter, in: body, from: 0) else { throw malformed }
        at += delimiter.count
        var parts = 0
        while true {
            // "--" after a delimiter ends the form.
            if at + 1 < body.count, body[at] == UInt8(ascii: "-"), body[at + 1] == UInt8(ascii: "-") { return form }
            guard at + 1 < body.count, body[at] == 0x0D, body[at + 1] == 0x0A else { throw malformed }
            at += 2
            parts += 1
            guard parts <= maxParts else { throw malformed }
            guard let headersEnd = find([0x0D, 0x0A, 0x0D, 0x0A], in: body, from: at) else { throw malformed }
            let headerText = String(decoding: body[at..<headersEnd], as: UTF8.self)
            let contentStart = headersEnd + 4
            guard let next = find([0x0D, 0x0A] + delimiter, in: body, from: contentStart) else { throw malformed }
            let content = body[contentStart..<next]
            var name: String?, filename: String?, contentType: String?
            for line in headerText.split(separator: "\r\n") {
                let lower = line.lowercased()
                if lower.hasPrefix("content-disposition:") {
                    name = parameter("name", in: line)
                    filename = parameter("filename", in: line)
                } else if lower.hasPrefix("content-type:") {
                    contentType = String(line.dropFirst("content-type:".count)).trimmingSpaces
                }
            }
            guard let name else { throw malformed }
            if name.lowercased() == "file" {
                guard form.file == nil else {
                    throw S3Error.invalidArgument("POST requires exactly one file upload per request.", name: "file", value: String(parts))
                }
                form.file = (filename ?? "", contentType, content)
            } else if form.file == nil {
                // Fields after the file are not read, as S3 ignores them.
                guard content.count <= maxFieldBytes else { throw S3Error("MaxPostPreDataLengthExceeded", "Your POST request fields preceeding the upload file was too large.") }
                form.fields.append((name, String(decoding: content, as: UTF8.self)))
            }
            at = next + 2 + delimiter.count
        }
    }

    /// `name="value"` in a Content-Disposition line.
    static func parameter(_ name: String, in line: Substring) -> String? {
        for piece in line.split(separator: ";").dropFirst() {
            let p = String(piece).trimmingSpaces
            guard p.hasPrefix(name + "=") else { continue }
            var value = String(p.dropFirst(name.count + 1))
            if value.hasPrefix("\""), value.hasSuffix("\""), value.count >= 2 { value = String(value.dropFirst().dropLast()) }
            return value
        }
        return nil
    }

    /// The first index of `needle` in `haystack` at or after `from`.
    static func find(_ needle: [UInt8], in haystack: [UInt8], from: Int) -> Int? {
        guard let first = needle.first, needle.count <= haystack.count else { return nil }
        var i = from
        let last = haystack.count - needle.count
        while i <= last {
            if haystack[i] == first {
                var j = 1
                while j < needle.count, haystack[i + j] == needle[j] { j += 1 }
                if j == needle.count { return i }
            }
            i += 1
        }
        return nil
    }
}
