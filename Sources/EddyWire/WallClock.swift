#if canImport(Glibc)
import Glibc
#endif

/// Milliseconds since the epoch; services take a clock so tests can move time.
public enum WallClock {
    @Sendable public static func nowMillis() -> Int64 {
        var ts = timespec()
        clock_gettime(CLOCK_REALTIME, &ts)
        return Int64(ts.tv_sec) * 1000 + Int64(ts.tv_nsec) / 1_000_000
    }
}
