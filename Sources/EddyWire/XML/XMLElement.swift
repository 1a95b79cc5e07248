/// A parsed XML element: enough of XML for AWS request bodies (elements, attributes, text,
/// the five entities and character references, CDATA, comments; no DTDs).
public struct XMLElement: Sendable, Equatable {
    public var name: String
    public var attributes: [String: String]
    public var children: [XMLElement]
    public var text: String

    /// The first child with this local name (namespace prefixes are ignored).
    public func child(_ name: String) -> XMLElement? { children.first { $0.localName == name } }
    public func children(_ name: String) -> [XMLElement] { children.filter { $0.localName == name } }
    public var localName: String { name.split(separator: ":").last.map(String.init) ?? name }
    /// Text of the named child, if present.
    public func value(_ name: String) -> String? { child(name)?.text }

    public struct ParseError: Error, CustomStringConvertible, Sendable {
        public var description: String
    }

    public static func parse(_ bytes: [UInt8]) throws(ParseError) -> XMLElement {
        var parser = Parser(bytes: bytes)
        return try parser.document()
    }

    struct Parser {
        let bytes: [UInt8]
        var i = 0
        var elements = 0
        static let maxDepth = 64
        /// More than any AWS request body needs (CompleteMultipartUpload: 10,000 parts of a few
        /// elements each), few enough that a flood of empty elements is refused early.
        static let maxElements = 100_000

        func fail(_ what: String) -> ParseError { ParseError(description: "\(what) at byte \(i)") }

        mutating func document() throws(ParseError) -> XMLElement {
            try skipMisc()
            guard i < bytes.count, bytes[i] == UInt8(ascii: "<") else { throw fail("expected the root element") }
            let root = try element(depth: 0)
            try skipMisc()
            guard i == bytes.count else { throw fail("content after the root element") }
            return root
        }

        /// Whitespace, the XML declaration, processing instructions and comments.
        mutating func skipMisc() throws(ParseError) {
            if i == 0, bytes.starts(with: [0xEF, 0xBB, 0xBF]) { i = 3 }
            while i < bytes.count {
                if isSpace(bytes[i]) { i += 1; continue }
                if starts("<?") { try skip(past: "?>"); continue }
                if starts("<!--") { try skip(past: "-->"); continue }
                if starts("<!DOCTYPE") { throw fail("DTDs are not accepted") }
                return
            }
        }

        func starts(_ s: String) -> Bool {
            let u = Array(s.utf8)
            return i + u.count <= bytes.count && bytes[i..<(i + u.count)].elementsEqual(u)
        }

        mutating func skip(past s: String) throws(ParseError) {
            let u = Array(s.utf8)
            while i + u.count <= bytes.count {
                if bytes[i..<(i + u.count)].elementsEqual(u) { i += u.count; return }
                i += 1
            }
            throw fail("unterminated \(s)")
        }

        func isSpace(_ c: UInt8) -> Bool { c == 0x20 || c == 0x09 || c == 0x0A || c == 0x0D }

        func isNameByte(_ c: UInt8) -> Bool {
            !isSpace(c) && c != UInt8(ascii: ">") && c != UInt8(ascii: "/") && c != UInt8(ascii: "=") && c != UInt8(ascii: "<")
        }

        mutating func name() throws(ParseError) -> String {
            let start = i
            while i < bytes.count, isNameByte(bytes[i]) { i += 1 }
            guard i > start, let s = String(validating: bytes[start..<i], as: UTF8.self) else { throw fail("expected a name") }
            return s
        }

        mutating func element(depth: Int) throws(ParseError) -> XMLElement {
            guard depth < Self.maxDepth else { throw fail("nested too deeply") }
            elements += 1
            guard elements <= Self.maxElements else { throw fail("more than \(Self.maxElements) elements") }
            i += 1  // <
            let tag = try name()
            var attributes: [String: String] = [:]
            while true {
                while i < bytes.count, isSpace(bytes[i]) { i += 1 }
                guard i < bytes.count else { throw fail("unterminated tag") }
                if bytes[i] == UInt8(ascii: "/") {
                    guard i + 1 < bytes.count, bytes[i + 1] == UInt8(ascii: ">") else { throw fail("expected />") }
                    i += 2
                    return XMLElement(name: tag, attributes: attributes, children: [], text: "")
                }
                if bytes[i] == UInt8(ascii: ">") { i += 1; break }
                let key = try name()
                guard i < bytes.count, bytes[i] == UInt8(ascii: "=") else { throw fail("expected =") }
                i += 1
                guard i < bytes.count, bytes[i] == UInt8(ascii: "\"") || bytes[i] == UInt8(ascii: "'") else { throw fail("expected a quote") }
                let quote = bytes[i]
                i += 1
                let start = i
                while i < bytes.count, bytes[i] != quote { i += 1 }
                guard i < bytes.count else { throw fail("unterminated attribute") }
                attributes[key] = try decode(bytes[start..<i])
                i += 1
            }
            var children: [XMLElement] = []
            var text: [UInt8] = []
            while true {
                guard i < bytes.count else { throw fail("unterminated element <\(tag)>") }
                if bytes[i] != UInt8(ascii: "<") {
                    let start = i
                    while i < bytes.count, bytes[i] != UInt8(ascii: "<") { i += 1 }
                    text += Array(try decode(bytes[start..<i]).utf8)
                } else if starts("</") {
                    i += 2
                    let closing = try name()
                    guard closing == tag else { throw fail("</\(closing)> closes <\(tag)>") }
                    while i < bytes.count, isSpace(bytes[i]) { i += 1 }
                    guard i < bytes.count, bytes[i] == UInt8(ascii: ">") else { throw fail("expected >") }
                    i += 1
                    guard let s = String(validating: text, as: UTF8.self) else { throw fail("invalid UTF-8") }
                    return XMLElement(name: tag, attributes: attributes, children: children, text: s)
                } else if starts("<!--") {
                    try skip(past: "-->")
                } else if starts("<![CDATA[") {
                    i += 9
                    let start = i
                    try skip(past: "]]>")
                    text += bytes[start..<(i - 3)]
                } else if starts("<?") {
                    try skip(past: "?>")
                } else {
                    children.append(try element(depth: depth + 1))
                }
            }
        }

        /// XML 1.0's characters: no NUL or other control character but tab, LF and CR, no
        /// surrogates, no U+FFFE/U+FFFF (so `&#0;` is not well-formed, as in S3's parser).
        static func isXMLCharacter(_ v: UInt32) -> Bool {
            v == 0x9 || v == 0xA || v == 0xD || (0x20...0xD7FF).contains(v) || (0xE000...0xFFFD).contains(v) || (0x10000...0x10FFFF).contains(v)
        }

        /// Text with entities and character references replaced.
        func decode(_ raw: ArraySlice<UInt8>) throws(ParseError) -> String {
            if raw.contains(where: { $0 < 0x20 && $0 != 0x9 && $0 != 0xA && $0 != 0xD }) { throw fail("a control character in text") }
            guard raw.contains(UInt8(ascii: "&")) else {
                guard let s = String(validating: raw, as: UTF8.self) else { throw fail("invalid UTF-8") }
                return s
            }
            var out: [UInt8] = []
            var j = raw.startIndex
            while j < raw.endIndex {
                if raw[j] != UInt8(ascii: "&") { out.append(raw[j]); j += 1; continue }
                guard let semi = raw[j...].firstIndex(of: UInt8(ascii: ";")) else { throw fail("unterminated entity") }
                let entity = String(decoding: raw[(j + 1)..<semi], as: UTF8.self)
                switch entity {
                case "amp": out.append(UInt8(ascii: "&"))
                case "lt": out.append(UInt8(ascii: "<"))
                case "gt": out.append(UInt8(ascii: ">"))
                case "quot": out.append(UInt8(ascii: "\""))
                case "apos": out.append(UInt8(ascii: "'"))
                default:
                    let value: UInt32?
                    if entity.hasPrefix("#x") { value = UInt32(entity.dropFirst(2), radix: 16) }
                    else if entity.hasPrefix("#") { value = UInt32(entity.dropFirst()) }
                    else { throw fail("unknown entity &\(entity);") }
                    guard let v = value, Self.isXMLCharacter(v), let scalar = Unicode.Scalar(v) else { throw fail("bad character reference") }
                    out.append(contentsOf: Array(String(Character(scalar)).utf8))
                }
                j = semi + 1
            }
            guard let s = String(validating: out, as: UTF8.self) else { throw fail("invalid UTF-8") }
            return s
        }
    }
}
