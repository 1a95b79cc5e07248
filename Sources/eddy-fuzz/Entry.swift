import EddyFuzzing
#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

// Built by scripts/fuzz.sh with -sanitize=fuzzer and FUZZING defined, this is a libFuzzer
// binary: the target is named by EDDY_FUZZ_TARGET and libFuzzer runs the loop. Built normally,
// it replays files through a target (a crash the fuzzer saved, a corpus) without sanitizers.

/// The target this process fuzzes, read once.
let selected: FuzzTarget? = getenv("EDDY_FUZZ_TARGET").flatMap { FuzzTargets.named(String(cString: $0)) }

func complain(_ text: String) {
    let line = Array((text + "\n").utf8)
    _ = line.withUnsafeBytes { write(2, $0.baseAddress, $0.count) }
}

#if FUZZING
@_cdecl("LLVMFuzzerTestOneInput")
public func testOneInput(_ data: UnsafePointer<UInt8>?, _ size: Int) -> Int32 {
    guard let data else { selected?.run([]); return 0 }
    selected?.run(Array(UnsafeBufferPointer(start: data, count: size)))
    return 0
}

/// libFuzzer's own entry: runs the fuzzing loop with its command-line options.
@_silgen_name("LLVMFuzzerRunDriver")
func runFuzzerDriver(_ argc: UnsafeMutablePointer<Int32>, _ argv: UnsafeMutablePointer<UnsafeMutablePointer<UnsafeMutablePointer<CChar>?>?>,
                     _ callback: @convention(c) (UnsafePointer<UInt8>?, Int) -> Int32) -> Int32

// SwiftPM names an executable's entry point itself, so the program keeps its Swift main and
// hands libFuzzer the arguments, rather than linking libFuzzer's main.
@main
struct Fuzz {
    static func main() {
        guard selected != nil else {
            complain("set EDDY_FUZZ_TARGET to one of: \(FuzzTargets.all.map(\.name).joined(separator: " "))")
            exit(2)
        }
        var argc = CommandLine.argc
        var argv: UnsafeMutablePointer<UnsafeMutablePointer<CChar>?>? = CommandLine.unsafeArgv
        exit(runFuzzerDriver(&argc, &argv, testOneInput))
    }
}
#else
@main
struct Replay {
    static func main() {
        let arguments = Array(CommandLine.arguments.dropFirst())
        guard let name = arguments.first, name != "--help", name != "--list" else {
            print("usage: eddy-fuzz TARGET FILE...   (replays files through a fuzz target; scripts/fuzz.sh fuzzes)")
            for target in FuzzTargets.all { print("  \(target.name.padding(11)) \(target.summary)") }
            return
        }
        guard let target = FuzzTargets.named(name) else {
            complain("no fuzz target \(name); --list names them")
            exit(2)
        }
        for path in arguments.dropFirst() {
            guard let bytes = readFile(path) else {
                complain("cannot read \(path)")
                exit(1)
            }
            target.run(bytes)
            print("ok \(path)")
        }
    }

    static func readFile(_ path: String) -> [UInt8]? {
        guard let file = fopen(path, "rb") else { return nil }
        defer { fclose(file) }
        var bytes: [UInt8] = []
        var buffer = [UInt8](repeating: 0, count: 65536)
        while true {
            let n = fread(&buffer, 1, buffer.count, file)
            if n <= 0 { break }
            bytes += buffer[0..<n]
        }
        return bytes
    }
}

extension String {
    func padding(_ width: Int) -> String { count >= width ? self : self + String(repeating: " ", count: width - count) }
}
#endif
