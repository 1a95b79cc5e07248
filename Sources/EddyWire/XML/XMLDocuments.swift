/// The XML documents of REST-XML requests (S3's configurations): a generated reader turns the
/// parsed element into the tree the generated decoder checks, so a document is held to the
/// service model (member types, enums, required members) as JSON requests are.
public protocol XMLDocumentShape: ShapeDecodable {
    static func tree(xml e: XMLElement) throws(XMLDocumentError) -> JSONValue
}

/// A structure written back as the XML element it was read from.
public protocol XMLDocumentEncodable: Sendable {
    func encode(restXML w: inout XMLWriter, element: String, namespace: String?)
}

extension XMLDocumentEncodable {
    /// The structure as a whole document, its root element in `namespace`.
    public func xmlDocument(root: String, namespace: String?) -> [UInt8] {
        var w = XMLWriter()
        encode(restXML: &w, element: root, namespace: namespace)
        return w.bytes
    }
}

/// What makes a document not one of the model's: an element it has no member for, or a member
/// given twice.
public enum XMLDocumentError: Error, Equatable, Sendable {
    case unexpected(String)
    case repeated(String)
    case notDecodable(AWSError)
}

/// Collects a structure's members while its element is read.
public struct XMLTreeBuilder {
    private var members: [(key: String, value: JSONValue)] = []
    private var lists: [String: Int] = [:]

    public init() {}

    public var value: JSONValue { .object(JSONObject(members)) }

    public mutating func set(_ member: String, _ value: JSONValue) throws(XMLDocumentError) {
        guard !members.contains(where: { $0.key == member }) else { throw .repeated(member) }
        members.append((member, value))
    }

    /// One more item of a flattened list (its items are sibling elements).
    public mutating func append(_ member: String, _ value: JSONValue) {
        if let at = lists[member], case .array(var items) = members[at].value {
            items.append(value)
            members[at].value = .array(items)
        } else {
            lists[member] = members.count
            members.append((member, .array([value])))
        }
    }

    /// A scalar member: the element's text; an element with children where text belongs is
    /// not the model's.
    public static func text(_ e: XMLElement) throws(XMLDocumentError) -> JSONValue {
        if let child = e.children.first { throw .unexpected(child.localName) }
        return .string(e.text)
    }
}

extension XMLDocumentShape {
    /// Reads a whole document: its root must be `root`, and the result must satisfy the model.
    public static func decode(xml root: XMLElement, named name: String) throws(XMLDocumentError) -> Self {
        guard root.localName == name else { throw .unexpected(root.localName) }
        let tree = try tree(xml: root)
        var decoder = ShapeDecoder(style: .query)
        do {
            let value = try Self(from: &decoder, tree)
            try decoder.finish()
            return value
        } catch {
            throw .notDecodable(error)
        }
    }
}
