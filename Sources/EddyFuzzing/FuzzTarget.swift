/// One libFuzzer entry: `run` gets every input the fuzzer makes up and must return normally for
/// all of them. A trap (overflow, bad index, failed `check`) is the finding.
public struct FuzzTarget: Sendable {
    public let name: String
    /// What the input is and which code it drives, for `eddy-fuzz --list`.
    public let summary: String
    public let run: @Sendable ([UInt8]) -> Void

    public init(_ name: String, _ summary: String, run: @escaping @Sendable ([UInt8]) -> Void) {
        self.name = name
        self.summary = summary
        self.run = run
    }
}

public enum FuzzTargets {
    public static let all: [FuzzTarget] = ParserTargets.all + ServiceTargets.all

    public static func named(_ name: String) -> FuzzTarget? { all.first { $0.name == name } }
}

/// A property that failed: stops the process the way a trap does, so libFuzzer keeps the input.
func check(_ condition: @autoclosure () -> Bool, _ message: @autoclosure () -> String) {
    if !condition() { fatalError(message()) }
}
