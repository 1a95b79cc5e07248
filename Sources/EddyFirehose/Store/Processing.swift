import EddyWire

/// What a delivery stream's ProcessingConfiguration and dynamic partitioning do to records
/// before they are written: split aggregated records, extract partition keys with simple JQ
/// paths, append a newline.
struct Processing {
    var appendDelimiter = false
    /// `JSON` or `KPL` when RecordDeAggregation is on.
    var deaggregation: String?
    /// Partition key name → JQ path, when dynamic partitioning is on.
    var partitionQueries: [(name: String, path: [PathStep])] = []

    enum PathStep: Equatable { case field(String), index(Int) }

    /// The processors Eddy runs (CreateDeliveryStream refuses the others).
    static let supported: [FirehoseAPI.ProcessorType] = [.AppendDelimiterToRecord, .RecordDeAggregation, .MetadataExtraction]

    init(_ destination: FirehoseAPI.ExtendedS3DestinationDescription) {
        guard let processing = destination.processingConfiguration, processing.enabled != false else { return }
        for p in processing.processors ?? [] {
            let params = Self.parameters(p)
            switch p.type {
            case .AppendDelimiterToRecord: appendDelimiter = true
            case .RecordDeAggregation: deaggregation = params[.SubRecordType] ?? "JSON"
            case .MetadataExtraction:
                if destination.dynamicPartitioningConfiguration?.enabled == true {
                    partitionQueries = (try? Self.parseQuery(params[.MetadataExtractionQuery] ?? "")) ?? []
                }
            default: break
            }
        }
    }

    static func parameters(_ p: FirehoseAPI.Processor) -> [FirehoseAPI.ProcessorParameterName: String] {
        Dictionary((p.parameters ?? []).map { ($0.parameterName, $0.parameterValue) }, uniquingKeysWith: { $1 })
    }

    /// `{country:.country_code, src:.meta.source, first:.items[0]}` → names and paths.
    static func parseQuery(_ query: String) throws(FirehoseError) -> [(name: String, path: [PathStep])] {
        var text = query.trimmingCharacters(" ")
        guard text.hasPrefix("{"), text.hasSuffix("}") else { throw .invalidArgument("MetadataExtractionQuery must look like {name:.path, …}: \(query)") }
        text = String(text.dropFirst().dropLast())
        var out: [(String, [PathStep])] = []
        for part in text.split(separator: ",") {
            let kv = part.split(separator: ":", maxSplits: 1)
            guard kv.count == 2 else { throw .invalidArgument("Cannot read \(part) in MetadataExtractionQuery.") }
            out.append((String(kv[0]).trimmingCharacters(" "), try parsePath(String(kv[1]).trimmingCharacters(" "))))
        }
        return out
    }

    /// `.a`, `.a.b`, `.a[0]` (the JQ paths dynamic partitioning is used with).
    static func parsePath(_ path: String) throws(FirehoseError) -> [PathStep] {
        var steps: [PathStep] = []
        var rest = Substring(path)
        guard rest.first == "." else { throw .invalidArgument("Unsupported JQ expression \(path): use paths like .a, .a.b or .a[0].") }
        while !rest.isEmpty {
            if rest.first == "." {
                rest = rest.dropFirst()
                let name = rest.prefix { $0 != "." && $0 != "[" }
                guard !name.isEmpty, name.allSatisfy({ $0.isLetter || $0.isNumber || $0 == "_" }) else {
                    throw .invalidArgument("Unsupported JQ expression \(path): use paths like .a, .a.b or .a[0].")
                }
                steps.append(.field(String(name)))
                rest = rest.dropFirst(name.count)
            } else if rest.first == "[" {
                guard let close = rest.firstIndex(of: "]"), let i = Int(rest[rest.index(after: rest.startIndex)..<close]) else {
                    throw .invalidArgument("Unsupported JQ expression \(path).")
                }
                steps.append(.index(i))
                rest = rest[rest.index(after: close)...]
            } else {
                throw .invalidArgument("Unsupported JQ expression \(path): use paths like .a, .a.b or .a[0].")
            }
        }
        return steps
    }

    /// The record's partition keys, or nil when it is not JSON or a path finds nothing.
    func partitionKeys(_ data: [UInt8]) -> [String: String]? {
        guard let value = try? JSONParser.parse(data) else { return nil }
        var keys: [String: String] = [:]
        for (name, path) in partitionQueries {
            var v: JSONValue? = value
            for step in path {
                switch step {
                case .field(let f): v = v?.object?[f]
                case .index(let i): v = v?.array.flatMap { i < $0.count ? $0[i] : nil }
                }
            }
            switch v {
            case .string(let s)?: keys[name] = s
            case .number(let d, _)?: keys[name] = d == d.rounded() && d.magnitude < 1e15 ? String(Int64(d)) : String(d)
            case .bool(let b)?: keys[name] = String(b)
            default: return nil
            }
        }
        return keys
    }

    /// Sub-records of an aggregated record (JSON objects run together, or a KPL aggregate), or
    /// why the record cannot be split (it then goes to the error output, as in AWS).
    func split(_ data: [UInt8]) -> Result<[[UInt8]], ProcessingFailure> {
        switch deaggregation {
        case "JSON": return .success(Self.splitJSON(data))
        case "KPL":
            switch KPLAggregate.parse(data) {
            case .notAggregated: return .success([data])
            case .records(let records): return .success(records)
            case .malformed(let reason):
                return .failure(ProcessingFailure(code: "RecordDeAggregation.KPLAggregateMalformed", message: reason,
                                                  outputType: .processingFailed))
            }
        default: return .success([data])
        }
    }

    /// `{"a":1}{"b":2}` or one object per line → each object.
    static func splitJSON(_ data: [UInt8]) -> [[UInt8]] {
        var out: [[UInt8]] = []
        var depth = 0, start = -1, inString = false, escaped = false
        for (i, c) in data.enumerated() {
            if inString {
                if escaped { escaped = false } else if c == UInt8(ascii: "\\") { escaped = true } else if c == UInt8(ascii: "\"") { inString = false }
                continue
            }
            switch c {
            case UInt8(ascii: "\""): inString = true
            case UInt8(ascii: "{"), UInt8(ascii: "["):
                if depth == 0 { start = i }
                depth += 1
            case UInt8(ascii: "}"), UInt8(ascii: "]"):
                depth -= 1
                if depth == 0 && start >= 0 { out.append(Array(data[start...i])); start = -1 }
            default: break
            }
        }
        return out.isEmpty ? [data] : out
    }
}

/// Why a record could not be processed, and under which error output it is delivered.
struct ProcessingFailure: Error, Equatable {
    enum OutputType: String { case processingFailed = "processing-failed", partitioningFailed = "partitioning-failed" }

    var code: String
    var message: String
    var outputType: OutputType
}

/// The Kinesis Producer Library's aggregated record: magic `F3 89 9A C2`, a protobuf
/// AggregatedRecord, and the MD5 of that protobuf. The record is the client's: it is read
/// iteratively with every length checked, and anything that does not hold together is reported.
package enum KPLAggregate {
    package static let magic: [UInt8] = [0xF3, 0x89, 0x9A, 0xC2]
    static let digestLength = 16

    package enum Parsed: Equatable {
        /// Not an aggregate (no magic): delivered as it is.
        case notAggregated
        case records([[UInt8]])
        case malformed(String)
    }

    package static func parse(_ data: [UInt8]) -> Parsed {
        guard data.count >= magic.count + digestLength, data.starts(with: magic) else { return .notAggregated }
        let body = Array(data[magic.count..<(data.count - digestLength)])
        guard MD5Digest.of(body) == Array(data[(data.count - digestLength)...]) else {
            return .malformed("The KPL aggregate's MD5 does not match its contents.")
        }
        var out: [[UInt8]] = []
        var reader = Protobuf(bytes: body)
        while true {
            switch reader.next() {
            case .end: return .records(out)
            case .malformed: return .malformed("The KPL aggregate is not a valid AggregatedRecord.")
            case .field(let field, let value):
                // Field 3: repeated Record { 1 partition_key_index, 2 explicit_hash_key_index, 3 data, 4 tags }.
                guard field == 3, case .bytes(let record) = value else { continue }
                var r = Protobuf(bytes: record)
                fields: while true {
                    switch r.next() {
                    case .end: break fields
                    case .malformed: return .malformed("A record in the KPL aggregate is not a valid Record.")
                    case .field(let f, let v): if f == 3, case .bytes(let d) = v { out.append(d) }
                    }
                }
            }
        }
    }

    /// The user records of an aggregate (nil when it is not one or does not hold together).
    static func records(_ data: [UInt8]) -> [[UInt8]]? {
        if case .records(let r) = parse(data) { return r }
        return nil
    }

    struct Protobuf {
        enum Value { case varint(UInt64), bytes([UInt8]) }
        enum Step { case field(Int, Value), end, malformed }
        let bytes: [UInt8]
        var i = 0

        mutating func varint() -> UInt64? {
            var v: UInt64 = 0, shift: UInt64 = 0
            while i < bytes.count, shift < 64 {
                let b = bytes[i]; i += 1
                v |= UInt64(b & 0x7F) << shift
                if b & 0x80 == 0 { return v }
                shift += 7
            }
            return nil
        }

        /// The next field, the end, or the first malformed byte. Iterative and bounds-checked.
        mutating func next() -> Step {
            while i < bytes.count {
                guard let key = varint() else { return .malformed }
                let field = Int(truncatingIfNeeded: key >> 3)
                switch key & 7 {
                case 0:
                    guard let v = varint() else { return .malformed }
                    return .field(field, .varint(v))
                case 2:
                    guard let n = varint(), n <= UInt64(bytes.count - i) else { return .malformed }
                    let start = i
                    i += Int(n)
                    return .field(field, .bytes(Array(bytes[start..<i])))
                case 1:
                    guard bytes.count - i >= 8 else { return .malformed }
                    i += 8
                case 5:
                    guard bytes.count - i >= 4 else { return .malformed }
                    i += 4
                default:
                    return .malformed
                }
            }
            return .end
        }
    }
}

extension String {
    func trimmingCharacters(_ c: Character) -> String {
        var s = Substring(self)
        while s.first == c { s.removeFirst() }
        while s.last == c { s.removeLast() }
        return String(s)
    }
}
