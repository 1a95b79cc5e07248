import NIOCore
import Synchronization

/// The bounds that keep one client (or many) from exhausting the server, with defaults a laptop
/// survives. Every one is an option of `eddy serve`.
public struct ConnectionLimits: Sendable {
    /// A connection with nothing in flight that sends nothing for this long is closed.
    public var idleTimeout: TimeAmount
    /// A request head must be complete this long after its first byte (slowloris).
    public var headTimeout: TimeAmount
    /// Connections accepted at once; more are closed as they arrive.
    public var maxConnections: Int
    /// One request body the front buffers (larger ones get 413).
    public var maxBodyBytes: Int
    /// All buffered request bodies together; past it a request is answered 503 and may be retried.
    public var maxBufferedBodyBytes: Int
    /// HTTP/2 streams open at once on one connection.
    public var maxConcurrentStreams: Int
    /// Bytes of each body held without counting against `maxBufferedBodyBytes` (see
    /// `HTTPRequestStateMachine.unchargedBodyBytes`).
    public static let unchargedBodyBytes = 64 << 10

    public init(idleTimeout: TimeAmount = .seconds(60), headTimeout: TimeAmount = .seconds(10), maxConnections: Int = 1024,
                maxBodyBytes: Int = 16 << 20, maxBufferedBodyBytes: Int = 256 << 20, maxConcurrentStreams: Int = 100) {
        self.idleTimeout = idleTimeout
        self.headTimeout = headTimeout
        self.maxConnections = maxConnections
        self.maxBodyBytes = maxBodyBytes
        self.maxBufferedBodyBytes = maxBufferedBodyBytes
        self.maxConcurrentStreams = maxConcurrentStreams
    }
}

/// A count shared by every connection (connections open, body bytes buffered), taken and given
/// back without a lock.
final class SharedAllowance: Sendable {
    let limit: Int
    private let used = Atomic<Int>(0)

    init(limit: Int) { self.limit = limit }

    /// Takes `amount` if that stays within the limit.
    func take(_ amount: Int) -> Bool {
        var current = used.load(ordering: .relaxed)
        while true {
            guard amount <= limit - current else { return false }
            let (exchanged, original) = used.compareExchange(expected: current, desired: current + amount, ordering: .relaxed)
            if exchanged { return true }
            current = original
        }
    }

    func give(_ amount: Int) {
        guard amount > 0 else { return }
        used.subtract(amount, ordering: .relaxed)
    }

    var inUse: Int { used.load(ordering: .relaxed) }
}

/// Counts what a limit refused so that a flood logs two lines, not one per refusal: the first
/// refusal of an episode, and how many followed once the limit has room again.
final class RefusalCount: Sendable {
    private let refused = Atomic<Int>(0)

    /// True for the first refusal since the last `settle()`.
    func refuse() -> Bool { refused.wrappingAdd(1, ordering: .relaxed).oldValue == 0 }

    /// The refusals of the episode that ends now.
    func settle() -> Int { refused.load(ordering: .relaxed) == 0 ? 0 : refused.exchange(0, ordering: .relaxed) }
}
