import EddyWire
import Logging

/// Applies every bucket's lifecycle rules to what the bucket holds, as S3's daily run does:
/// expirations, noncurrent-version expirations, delete markers left alone, incomplete
/// uploads, and transitions (which change the storage class the object reports).
struct LifecycleSweeper {
    let store: ObjectStore
    let dayMillis: Int64
    let logger: Logger

    struct Outcome: Equatable {
        var expired = 0
        var versionsDeleted = 0
        var transitioned = 0
        var uploadsAborted = 0
        var total: Int { expired + versionsDeleted + transitioned + uploadsAborted }
    }

    func sweep(now: Int64) throws -> Outcome {
        var outcome = Outcome()
        for (name, document) in try store.buckets(with: "lifecycle") {
            guard let bucket = try store.bucket(name), let element = try? XMLElement.parse(document),
                  let configuration = try? S3API.BucketLifecycleConfiguration.decode(xml: element, named: "LifecycleConfiguration")
            else { continue }
            let lifecycle = Lifecycle(rules: configuration.rules, dayMillis: dayMillis)
            try sweep(bucket, lifecycle, now: now, into: &outcome)
            for upload in try store.uploads(name, prefix: "") where lifecycle.abortsUpload(upload, now: now) {
                guard store.claimUpload(upload.id) else { continue }
                defer { store.releaseUpload(upload.id) }
                try store.finishUpload(upload.id)
                outcome.uploadsAborted += 1
            }
        }
        return outcome
    }

    /// One key at a time, a page of versions at a time, so a large bucket is never held whole.
    private func sweep(_ bucket: ObjectStore.Bucket, _ lifecycle: Lifecycle, now: Int64, into outcome: inout Outcome) throws {
        var after: (key: String, sequence: Int64?)?
        var pending: [ObjectStore.Object] = []
        func apply(_ versions: [ObjectStore.Object]) throws {
            for action in lifecycle.actions(versions, now: now) {
                switch action {
                case .expireCurrent:
                    guard let latest = versions.first else { continue }
                    _ = try store.delete(bucket.name, latest.key, versioning: bucket.versioning, now: now)
                    outcome.expired += 1
                case .deleteVersion(let id):
                    guard let version = versions.first(where: { $0.versionId == id }), ObjectLock.protection(version, now: now) == nil else { continue }
                    _ = try store.delete(bucket.name, version.key, versionId: id, versioning: bucket.versioning, now: now)
                    outcome.versionsDeleted += 1
                case .transition(let id, let storageClass):
                    guard let version = versions.first(where: { $0.versionId == id }) else { continue }
                    var headers = version.headers.filter { $0.0 != "x-amz-storage-class" }
                    headers.append(("x-amz-storage-class", storageClass))
                    try store.setHeaders(version, headers)
                    outcome.transitioned += 1
                }
            }
        }
        while true {
            let page = try store.versions(bucket.name, prefix: "", after: after, limit: 1000)
            for version in page {
                if let first = pending.first, first.key != version.key {
                    try apply(pending)
                    pending = []
                }
                pending.append(version)
            }
            guard let last = page.last, page.count == 1000 else { break }
            after = (last.key, last.sequence)
        }
        if !pending.isEmpty { try apply(pending) }
    }
}
