#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// Every connection, shard log segment and SQLite database holds a file descriptor. Shells often
/// start programs with a soft limit of 1024, which `--max-connections` alone would exhaust and
/// leave accept failing; the soft limit is raised toward the hard one the system allows.
enum OpenFileLimit {
    /// Descriptors wanted beyond the connections: logs, databases, the listening socket.
    static let reserve: UInt64 = 512

    /// Raises the soft limit to hold `connections` plus the reserve; answers the limit now in force.
    static func raise(toHold connections: Int) -> UInt64? {
        var limit = rlimit()
        guard getrlimit(resourceNumber, &limit) == 0 else { return nil }
        let wanted = UInt64(clamping: connections) &+ reserve
        guard limit.rlim_cur < wanted else { return UInt64(limit.rlim_cur) }
        limit.rlim_cur = rlim_t(clamping: min(wanted, UInt64(limit.rlim_max)))
        guard setrlimit(resourceNumber, &limit) == 0 else { return nil }
        return UInt64(limit.rlim_cur)
    }

    private static var resourceNumber: Int32 {
        #if canImport(Glibc)
        Int32(RLIMIT_NOFILE.rawValue)
        #else
        RLIMIT_NOFILE
        #endif
    }
}
