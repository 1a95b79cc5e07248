import Synchronization

/// ClientRequestTokens of TransactWriteItems seen in the last ten minutes: the same token with
/// the same request is answered again without writing; with another request it is refused.
final class RequestTokens: Sendable {
    static let lifetimeMillis: Int64 = 10 * 60 * 1000
    /// Bounded: the oldest are forgotten first past this many.
    static let capacity = 10_000

    private let seen = Mutex<[String: (fingerprint: [UInt8], atMillis: Int64)]>([:])

    enum Outcome { case new, repeated, mismatch }

    func check(_ token: String, fingerprint: [UInt8], now: Int64) -> Outcome {
        seen.withLock { all in
            if let entry = all[token], now - entry.atMillis < Self.lifetimeMillis {
                return entry.fingerprint == fingerprint ? .repeated : .mismatch
            }
            return .new
        }
    }

    func record(_ token: String, fingerprint: [UInt8], now: Int64) {
        seen.withLock { all in
            if all.count >= Self.capacity {
                all = all.filter { now - $0.value.atMillis < Self.lifetimeMillis }
                if all.count >= Self.capacity, let oldest = all.min(by: { $0.value.atMillis < $1.value.atMillis })?.key {
                    all[oldest] = nil
                }
            }
            all[token] = (fingerprint, now)
        }
    }
}
