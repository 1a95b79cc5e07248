import Synchronization

/// Wakes readers waiting for a log to grow (enhanced fan-out pushes records as they arrive
/// instead of polling).
public final class AppendSignal: Sendable {
    private struct State {
        var next = 0
        var waiting: [Int: CheckedContinuation<Void, Never>] = [:]
        /// Waits whose timeout fired before they started waiting.
        var expired: Set<Int> = []
    }

    private let state = Mutex(State())

    public init() {}

    /// Wakes everyone waiting.
    public func notify() {
        let all = state.withLock { s -> [CheckedContinuation<Void, Never>] in
            defer { s.waiting.removeAll() }
            return Array(s.waiting.values)
        }
        for w in all { w.resume() }
    }

    /// Returns at the next `notify()`, after `timeout`, or when the task is cancelled.
    public func wait(timeout: Duration) async {
        let id = state.withLock { s -> Int in
            s.next += 1
            return s.next
        }
        let timer = Task { [self] in
            try? await Task.sleep(for: timeout)
            expire(id)
        }
        await withTaskCancellationHandler {
            await withCheckedContinuation { (c: CheckedContinuation<Void, Never>) in
                let now = state.withLock { s -> Bool in
                    if s.expired.remove(id) != nil { return true }
                    s.waiting[id] = c
                    return false
                }
                if now { c.resume() }
            }
        } onCancel: {
            expire(id)
        }
        timer.cancel()
        state.withLock { _ = $0.expired.remove(id) }
    }

    /// Ends one wait early (its timeout, or its task's cancellation).
    private func expire(_ id: Int) {
        let c = state.withLock { s -> CheckedContinuation<Void, Never>? in
            if let c = s.waiting.removeValue(forKey: id) { return c }
            s.expired.insert(id)
            return nil
        }
        c?.resume()
    }
}
