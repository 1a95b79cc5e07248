@testable import EddyFuzzing
import EddyStorage
import Foundation
import Testing

/// Every input the fuzzers keep — the seed corpus recorded from real clients and each crash
/// found, saved under Fuzz/regressions — runs through its target on every test run, without
/// sanitizers: a fixed crash that comes back fails here, not only under the fuzzer.
@Suite(.serialized) struct CorpusReplayTests {
    static let fuzzRoot = URL(fileURLWithPath: #filePath).deletingLastPathComponent()
        .deletingLastPathComponent().deletingLastPathComponent().appendingPathComponent("Fuzz")

    static func inputs(_ target: String) -> [URL] {
        ["corpus", "regressions"].flatMap { folder -> [URL] in
            let dir = fuzzRoot.appendingPathComponent(folder).appendingPathComponent(target)
            let names = (try? FileManager.default.contentsOfDirectory(atPath: dir.path)) ?? []
            return names.sorted().filter { !$0.hasPrefix(".") }.map { dir.appendingPathComponent($0) }
        }
    }

    @Test func everyTargetHasASeedCorpus() {
        #expect(FuzzTargets.all.filter { Self.inputs($0.name).isEmpty }.map(\.name) == [])
    }

    @Test(arguments: FuzzTargets.all.map(\.name))
    func everySavedInputRunsClean(_ name: String) async throws {
        let target = try #require(FuzzTargets.named(name))
        let inputs = Self.inputs(name)
        // The service targets wait for async work: on a thread of their own, not the test pool's.
        await withCheckedContinuation { (done: CheckedContinuation<Void, Never>) in
            Thread {
                for url in inputs {
                    if let data = FileManager.default.contents(atPath: url.path) { target.run(Array(data)) }
                }
                done.resume()
            }.start()
        }
    }

    @Test func theServiceDataDirIsRemoved() {
        FileSystem.remove(ServiceWorld.shared.root)
        #expect(!FileSystem.exists(ServiceWorld.shared.root))
    }
}

@Suite struct ModelPatternTests {
    /// The compiler's bound leaves the services' own patterns far inside it.
    @Test func everyModelPatternCompilesWellWithinTheBound() {
        let largest = ParserTargets.modelPatterns.map(\.instructionCount).max() ?? 0
        #expect(largest > 0 && largest * 4 < 50_000, "largest model pattern: \(largest) instructions")
    }
}
