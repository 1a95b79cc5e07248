import EddyWire

/// The bucket configurations S3 keeps by id (`?analytics&id=…`, metrics, inventory,
/// intelligent tiering): read against the model like the others, up to 1,000 of each kind.
struct IdentifiedConfiguration: Sendable {
    static let maxPerBucket = 1000
    static let pageSize = 100

    let subresource: String
    let root: String
    let listRoot: String
    /// Reads a PUT's document: its id, and the document as it will be answered.
    let read: @Sendable (XMLElement) throws(S3Error) -> (id: String, document: [UInt8])

    static func document<T: XMLDocumentShape & XMLDocumentEncodable>(
        _ type: T.Type, root: String, id: @escaping @Sendable (T) -> String
    ) -> @Sendable (XMLElement) throws(S3Error) -> (id: String, document: [UInt8]) {
        { element throws(S3Error) in
            let value: T
            do { value = try T.decode(xml: element, named: root) } catch { throw S3Error.malformedXML }
            return (id(value), value.xmlDocument(root: root, namespace: s3Namespace))
        }
    }

    static let all: [IdentifiedConfiguration] = [
        IdentifiedConfiguration(subresource: "analytics", root: "AnalyticsConfiguration", listRoot: "ListBucketAnalyticsConfigurationResult",
                                read: document(S3API.AnalyticsConfiguration.self, root: "AnalyticsConfiguration") { $0.id }),
        IdentifiedConfiguration(subresource: "metrics", root: "MetricsConfiguration", listRoot: "ListMetricsConfigurationsResult",
                                read: document(S3API.MetricsConfiguration.self, root: "MetricsConfiguration") { $0.id }),
        IdentifiedConfiguration(subresource: "inventory", root: "InventoryConfiguration", listRoot: "ListInventoryConfigurationsResult",
                                read: document(S3API.InventoryConfiguration.self, root: "InventoryConfiguration") { $0.id }),
        IdentifiedConfiguration(subresource: "intelligent-tiering", root: "IntelligentTieringConfiguration",
                                listRoot: "ListBucketIntelligentTieringConfigurationsOutput",
                                read: document(S3API.IntelligentTieringConfiguration.self, root: "IntelligentTieringConfiguration") { $0.id }),
    ]

    static func named(_ query: [String: String]) -> IdentifiedConfiguration? { all.first { query[$0.subresource] != nil } }

    /// S3's ids: 1 to 64 letters, digits, `-`, `_` and `.`.
    static func check(_ id: String) throws(S3Error) {
        let valid = (1...64).contains(id.utf8.count) && id.utf8.allSatisfy { c in
            (c >= UInt8(ascii: "a") && c <= UInt8(ascii: "z")) || (c >= UInt8(ascii: "A") && c <= UInt8(ascii: "Z"))
                || (c >= UInt8(ascii: "0") && c <= UInt8(ascii: "9")) || c == UInt8(ascii: "-") || c == UInt8(ascii: "_") || c == UInt8(ascii: ".")
        }
        guard valid else { throw S3Error("InvalidConfigurationId", "The specified configuration id is not valid", [("ArgumentValue", id)]) }
    }
}
