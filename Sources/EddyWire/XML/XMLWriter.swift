/// Writes the XML documents of the REST-XML and awsQuery protocols.
public struct XMLWriter: Sendable {
    public private(set) var bytes: [UInt8] = Array("<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n".utf8)

    public init() {}

    public mutating func open(_ name: String, namespace: String? = nil, attributes: [(String, String)] = []) {
        bytes.append(UInt8(ascii: "<"))
        bytes.append(contentsOf: name.utf8)
        if let namespace {
            bytes.append(contentsOf: " xmlns=\"".utf8)
            escape(namespace)
            bytes.append(UInt8(ascii: "\""))
        }
        for (attribute, value) in attributes {
            bytes.append(UInt8(ascii: " "))
            bytes.append(contentsOf: attribute.utf8)
            bytes.append(contentsOf: "=\"".utf8)
            escape(value)
            bytes.append(UInt8(ascii: "\""))
        }
        bytes.append(UInt8(ascii: ">"))
    }

    public mutating func close(_ name: String) {
        bytes.append(contentsOf: "</".utf8)
        bytes.append(contentsOf: name.utf8)
        bytes.append(UInt8(ascii: ">"))
    }

    /// `<name>text</name>`
    public mutating func element(_ name: String, _ text: String) {
        open(name)
        escape(text)
        close(name)
    }

    /// `<name>text</name>` for prose a person reads, such as an error message that quotes what a
    /// client sent: characters XML 1.0 cannot carry become U+FFFD, so that every client can parse
    /// the error. (Data such as an S3 key keeps them as character references, as S3 writes them.)
    public mutating func element(_ name: String, message text: String) {
        let readable = text.unicodeScalars.contains { $0.value < 0x20 && $0 != "\t" && $0 != "\n" && $0 != "\r" }
            ? String(String.UnicodeScalarView(text.unicodeScalars.map {
                $0.value < 0x20 && $0 != "\t" && $0 != "\n" && $0 != "\r" ? "\u{FFFD}" : $0
            }))
            : text
        element(name, readable)
    }

    /// Text inside the element being written.
    public mutating func raw(_ text: String) { escape(text) }

    /// A parsed element written back (its default namespace left to the enclosing document);
    /// its depth is the parser's bound.
    public mutating func raw(element e: XMLElement) {
        open(e.name, attributes: e.attributes.filter { $0.key != "xmlns" }.sorted { $0.key < $1.key }.map { ($0.key, $0.value) })
        if e.children.isEmpty {
            escape(e.text)
        } else {
            for child in e.children { raw(element: child) }
        }
        close(e.name)
    }

    public mutating func element(_ name: String, _ value: Int) { element(name, String(value)) }
    public mutating func element(_ name: String, _ value: Int64) { element(name, String(value)) }
    public mutating func element(_ name: String, _ value: Bool) { element(name, value ? "true" : "false") }
    /// Doubles as Java prints them (`5.0`, `1.5E-4` aside: Swift's shortest form reads back the same).
    public mutating func element(_ name: String, double value: Double) {
        element(name, value.isFinite ? String(value) : value.isNaN ? "NaN" : value > 0 ? "Infinity" : "-Infinity")
    }
    public mutating func element(_ name: String, _ value: Timestamp) { element(name, AWSDate.iso8601(value.millis)) }
    public mutating func element(_ name: String, base64 value: [UInt8]) { element(name, Base64.encode(value)) }

    public mutating func optional(_ name: String, _ text: String?) {
        if let text { element(name, text) }
    }

    public mutating func element(_ name: String, _ body: (inout XMLWriter) -> Void) {
        open(name)
        body(&self)
        close(name)
    }

    private mutating func escape(_ text: String) {
        for c in text.utf8 {
            switch c {
            case UInt8(ascii: "&"): bytes.append(contentsOf: "&amp;".utf8)
            case UInt8(ascii: "<"): bytes.append(contentsOf: "&lt;".utf8)
            case UInt8(ascii: ">"): bytes.append(contentsOf: "&gt;".utf8)
            case UInt8(ascii: "\""): bytes.append(contentsOf: "&quot;".utf8)
            case UInt8(ascii: "'"): bytes.append(contentsOf: "&apos;".utf8)
            case 0x0D: bytes.append(contentsOf: "&#13;".utf8)
            case 0..<0x20 where c != 0x09 && c != 0x0A:
                bytes.append(contentsOf: "&#\(c);".utf8)
            default: bytes.append(c)
            }
        }
    }
}
