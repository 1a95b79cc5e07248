import Dispatch
import EddyStorage
import Logging
import Synchronization
#if canImport(Glibc)
import Glibc
#endif

/// EDDY_* variables as option defaults.
enum Environment {
    static func string(_ name: String) -> String? {
        guard let v = getenv(name) else { return nil }
        let s = String(cString: v)
        return s.isEmpty ? nil : s
    }

    static func int(_ name: String) -> Int? { string(name).flatMap(Int.init) }

    static func bool(_ name: String) -> Bool {
        guard let s = string(name)?.lowercased() else { return false }
        return ["1", "true", "yes", "on"].contains(s)
    }
}

enum TemporaryDirectory {
    static func make() throws -> String {
        let base = Environment.string("TMPDIR") ?? "/tmp"
        var template = Array("\(base)/eddy.XXXXXX".utf8CString)
        guard let path = mkdtemp(&template) else { throw ValidationErrorText("could not create a temporary directory in \(base)") }
        return String(cString: path)
    }
}

struct ValidationErrorText: Error, CustomStringConvertible {
    var description: String
    init(_ d: String) { description = d }
}

/// Waits for SIGINT or SIGTERM, and removes an ephemeral data dir at the end.
final class Lifecycle: Sendable {
    let logger: Logger
    let ephemeralRoot: String?

    init(logger: Logger, ephemeralRoot: String?) {
        self.logger = logger
        self.ephemeralRoot = ephemeralRoot
    }

    /// Takes over SIGINT and SIGTERM; call before announcing readiness so an early signal is
    /// not lost.
    func installSignalHandlers() {
        let queue = DispatchQueue(label: "eddy.signals")
        for sig in [SIGINT, SIGTERM] {
            signal(sig, SIG_IGN)
            let source = DispatchSource.makeSignalSource(signal: sig, queue: queue)
            source.setEventHandler { [signalled] in signalled.fire() }
            // The source is armed asynchronously; until then the signal is ignored (SIG_IGN).
            // Wait for it, so a signal sent right after "Ready." is not lost.
            let armed = DispatchSemaphore(value: 0)
            source.setRegistrationHandler { armed.signal() }
            source.resume()
            _ = armed.wait(timeout: .now() + .seconds(2))
            sources.append(source)
        }
    }

    func waitForSignal() async {
        await signalled.wait()
    }

    private let signalled = Latch()
    // Written once, by installSignalHandlers before the server is announced; kept so the sources live.
    nonisolated(unsafe) private var sources: [DispatchSourceSignal] = []

    func cleanUp() {
        if let root = ephemeralRoot { FileSystem.remove(root) }
    }
}

/// Opens once; waiters before or after the opening all proceed.
final class Latch: Sendable {
    private let state = Mutex<(open: Bool, waiters: [CheckedContinuation<Void, Never>])>((false, []))

    func fire() {
        let waiters = state.withLock { s -> [CheckedContinuation<Void, Never>] in
            s.open = true
            defer { s.waiters = [] }
            return s.waiters
        }
        for w in waiters { w.resume() }
    }

    func wait() async {
        await withCheckedContinuation { (c: CheckedContinuation<Void, Never>) in
            let resumeNow = state.withLock { s -> Bool in
                if s.open { return true }
                s.waiters.append(c)
                return false
            }
            if resumeNow { c.resume() }
        }
    }
}

/// One readable line per event: `2026-11-23T13:30:00.123Z info  eddy: message key=value`.
struct ConsoleLogHandler: LogHandler {
    let label: String
    var logLevel: Logger.Level = .info
    var metadata: Logger.Metadata = [:]

    init(label: String) { self.label = label }

    subscript(metadataKey key: String) -> Logger.Metadata.Value? {
        get { metadata[key] }
        set { metadata[key] = newValue }
    }

    func log(event: LogEvent) {
        let level = event.level, message = event.message
        var all = metadata
        if let extra = event.metadata { all.merge(extra) { $1 } }
        if let error = event.error { all["error"] = "\(error)" }
        let fields = all.sorted { $0.key < $1.key }.map { "\($0.key)=\($0.value)" }.joined(separator: " ")
        let levelText = level.rawValue + String(repeating: " ", count: max(0, 7 - level.rawValue.count))
        let line = "\(Self.timestamp()) \(levelText) \(label): \(message)\(fields.isEmpty ? "" : " " + fields)\n"
        Console.write(line, to: STDERR_FILENO)
    }

    static func timestamp() -> String {
        var ts = timespec()
        clock_gettime(CLOCK_REALTIME, &ts)
        var t = time_t(ts.tv_sec)
        var parts = tm()
        gmtime_r(&t, &parts)
        func pad(_ n: Int32, _ w: Int) -> String { let s = String(n); return String(repeating: "0", count: max(0, w - s.count)) + s }
        return "\(pad(parts.tm_year + 1900, 4))-\(pad(parts.tm_mon + 1, 2))-\(pad(parts.tm_mday, 2))T"
            + "\(pad(parts.tm_hour, 2)):\(pad(parts.tm_min, 2)):\(pad(parts.tm_sec, 2)).\(pad(Int32(ts.tv_nsec / 1_000_000), 3))Z"
    }
}

enum Console {
    /// One write(2) per line, so lines from several threads never interleave.
    static func write(_ text: String, to fd: Int32) {
        var text = text
        text.withUTF8 { bytes in
            guard let base = bytes.baseAddress else { return }
            var done = 0
            while done < bytes.count {
                let n = Glibc.write(fd, base + done, bytes.count - done)
                if n <= 0 { return }
                done += n
            }
        }
    }
}
