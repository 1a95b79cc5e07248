import EddyWire
import Testing
@testable import EddyS3

/// S3's XML documents read through the generated shapes: held to the model, and written back
/// as S3 writes them.
@Suite struct XMLDocumentTests {
    func parse(_ text: String) throws -> XMLElement { try XMLElement.parse(Array(text.utf8)) }

    @Test func flattenedListsWrappedListsAndAttributesRoundTrip() throws {
        let lifecycle = try S3API.BucketLifecycleConfiguration.decode(xml: try parse("""
            <LifecycleConfiguration xmlns="http://s3.amazonaws.com/doc/2006-03-01/">
              <Rule><ID>a</ID><Filter><Prefix>logs/</Prefix></Filter><Status>Enabled</Status>
                <Expiration><Days>30</Days></Expiration>
                <Transition><Days>10</Days><StorageClass>GLACIER</StorageClass></Transition>
                <Transition><Days>20</Days><StorageClass>DEEP_ARCHIVE</StorageClass></Transition></Rule>
              <Rule><ID>b</ID><Filter/><Status>Disabled</Status><AbortIncompleteMultipartUpload><DaysAfterInitiation>7</DaysAfterInitiation></AbortIncompleteMultipartUpload></Rule>
            </LifecycleConfiguration>
            """), named: "LifecycleConfiguration")
        #expect(lifecycle.rules.map(\.id) == ["a", "b"])
        #expect(lifecycle.rules[0].transitions?.map(\.days) == [10, 20])
        #expect(lifecycle.rules[0].transitions?.last?.storageClass == .DEEP_ARCHIVE)
        let again = try S3API.BucketLifecycleConfiguration.decode(
            xml: try XMLElement.parse(lifecycle.xmlDocument(root: "LifecycleConfiguration", namespace: nil)), named: "LifecycleConfiguration")
        #expect(again == lifecycle)

        let acl = try S3API.AccessControlPolicy.decode(xml: try parse("""
            <AccessControlPolicy><Owner><ID>o</ID></Owner><AccessControlList>
              <Grant><Grantee xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance" xsi:type="CanonicalUser"><ID>o</ID></Grantee>
                <Permission>FULL_CONTROL</Permission></Grant></AccessControlList></AccessControlPolicy>
            """), named: "AccessControlPolicy")
        #expect(acl.grants?.first?.grantee?.type == .CanonicalUser)
        let written = String(decoding: acl.xmlDocument(root: "AccessControlPolicy", namespace: nil), as: UTF8.self)
        #expect(written.contains(#"<Grantee xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance" xsi:type="CanonicalUser">"#))
    }

    @Test func documentsOutsideTheModelAreRefused() throws {
        func refused(_ text: String) throws -> Bool {
            do {
                _ = try S3API.VersioningConfiguration.decode(xml: try parse(text), named: "VersioningConfiguration")
                return false
            } catch {
                return true
            }
        }
        #expect(try !refused("<VersioningConfiguration><Status>Enabled</Status></VersioningConfiguration>"))
        #expect(try refused("<VersioningConfiguration><Status>Enabled</Status><Extra/></VersioningConfiguration>"))
        #expect(try refused("<VersioningConfiguration><Status>Enabled</Status><Status>Suspended</Status></VersioningConfiguration>"))
        #expect(try refused("<VersioningConfiguration><Status>Sometimes</Status></VersioningConfiguration>"))
        #expect(try refused("<VersioningConfiguration><Status><Enabled/></Status></VersioningConfiguration>"))
        #expect(try refused("<Versioning><Status>Enabled</Status></Versioning>"))
        // A required member missing, a number that is not one.
        #expect(throws: XMLDocumentError.self) {
            _ = try S3API.Tagging.decode(xml: try parse("<Tagging><TagSet><Tag><Key>k</Key></Tag></TagSet></Tagging>"), named: "Tagging")
        }
        #expect(throws: XMLDocumentError.self) {
            _ = try S3API.CompletedMultipartUpload.decode(
                xml: try parse("<CompleteMultipartUpload><Part><PartNumber>twelve</PartNumber></Part></CompleteMultipartUpload>"),
                named: "CompleteMultipartUpload")
        }
    }
}
