import EddyFuzzing
#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

// Built by scripts/fuzz.sh with -sanitize=fuzzer and FUZZING defined, this is a libFuzzer
// binary: the target is named by EDDY_FUZZ_TARGET and libFuzzer supplies main. Built normally,
// it replays files through a target (a crash the fuzzer saved, a corpus) without sanitizers.

/// The target this process fuzzes, read once.
let selected: FuzzTarget? = getenv("EDDY_FUZZ_TARGET").flatMap { FuzzTargets.named(String(cString: $0)) }

func complain(_ text: String) {
    let line = Array((text + "\n").utf8)
    _ = line.withUnsafeBytes { write(2, $0.baseAddress, $0.count) }
}

#if FUZZING
@_cdecl("LLVMFuzzerInitialize")
public func initialize(_ argc: UnsafeMutablePointer<Int32>, _ argv: UnsafeMutablePointer<UnsafeMutablePointer<UnsafeMutablePointer<CChar>?>?>) -> Int32 {
    guard selected != nil else {
        let names = FuzzTargets.all.map(\.name).joined(separator: " ")
        complain("set EDDY_FUZZ_TARGET to one of: \(names)")
        exit(2)
    }
    return 0
}

@_cdecl("LLVMFuzzerTestOneInput")
public func testOneInput(_ data: UnsafePointer<UInt8>, _ size: Int) -> Int32 {
    selected?.run(Array(UnsafeBufferPointer(start: data, count: size)))
    return 0
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
