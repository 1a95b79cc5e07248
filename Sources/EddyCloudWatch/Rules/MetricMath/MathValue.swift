import EddyWire
#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// One time series of a GetMetricData answer: its points by period start (seconds), the label
/// it is answered with and the period its points are spaced by.
struct TimeSeries: Sendable, Equatable {
    var label: String
    var period: Int64
    var points: [Int64: Double]
    /// What dynamic labels' `${PROP('…')}` read: Namespace, MetricName, Dim.<name>, Stat, Period.
    var properties: [String: String] = [:]

    init(label: String = "", period: Int64, points: [Int64: Double] = [:]) {
        self.label = label
        self.period = max(1, period)
        self.points = points
    }

    /// The points in time order.
    var sorted: [(key: Int64, value: Double)] { points.sorted { $0.key < $1.key } }

    func mapValues(_ transform: (Double) -> Double) -> TimeSeries {
        var out = self
        out.points = points.mapValues(transform)
        return out
    }
}

/// What a metric math (sub)expression is: a number, one time series, an array of them (what
/// METRICS() and SEARCH() give), or a string or keyword argument of a function.
enum MathValue: Sendable {
    case scalar(Double)
    case series(TimeSeries)
    case array([TimeSeries])
    case text(String)
    case keyword(String)

    var kind: String {
        switch self {
        case .scalar: "a scalar"
        case .series: "a time series"
        case .array: "an array of time series"
        case .text: "a string"
        case .keyword: "a keyword"
        }
    }
}

/// The infix operators, lowest precedence first.
enum MathOperator: String, Sendable {
    case or = "OR", and = "AND"
    case equal = "==", notEqual = "!=", less = "<", lessOrEqual = "<=", greater = ">", greaterOrEqual = ">="
    case plus = "+", minus = "-", times = "*", divide = "/", power = "^"

    /// Comparisons and logic answer 1 or 0; a division by zero has no value (NaN, dropped
    /// from the answer as CloudWatch drops it).
    func apply(_ x: Double, _ y: Double) -> Double {
        switch self {
        case .or: (x != 0 || y != 0) ? 1 : 0
        case .and: (x != 0 && y != 0) ? 1 : 0
        case .equal: x == y ? 1 : 0
        case .notEqual: x != y ? 1 : 0
        case .less: x < y ? 1 : 0
        case .lessOrEqual: x <= y ? 1 : 0
        case .greater: x > y ? 1 : 0
        case .greaterOrEqual: x >= y ? 1 : 0
        case .plus: x + y
        case .minus: x - y
        case .times: x * y
        case .divide: y == 0 ? .nan : x / y
        case .power: pow(x, y)
        }
    }

    /// Two series meet where both have a point: a timestamp missing from either is missing
    /// from the result.
    static func merge(_ a: TimeSeries, _ b: TimeSeries, _ f: (Double, Double) -> Double) -> TimeSeries {
        var out = TimeSeries(label: a.label, period: a.period)
        for (t, v) in a.points { if let w = b.points[t] { out.points[t] = f(v, w) } }
        return out
    }

    func combine(_ a: MathValue, _ b: MathValue) throws(MathFailure) -> MathValue {
        switch (a, b) {
        case (.scalar(let x), .scalar(let y)): return .scalar(apply(x, y))
        case (.series(let s), .scalar(let y)): return .series(s.mapValues { apply($0, y) })
        case (.scalar(let x), .series(let s)): return .series(s.mapValues { apply(x, $0) })
        case (.series(let s), .series(let t)): return .series(Self.merge(s, t, apply))
        case (.array(let l), .scalar(let y)): return .array(l.map { $0.mapValues { apply($0, y) } })
        case (.scalar(let x), .array(let l)): return .array(l.map { $0.mapValues { apply(x, $0) } })
        case (.array(let l), .series(let t)): return .array(l.map { Self.merge($0, t, apply) })
        case (.series(let s), .array(let l)): return .array(l.map { var m = Self.merge(s, $0, apply); m.label = $0.label; return m })
        case (.array, .array): throw MathFailure("the operator \(rawValue) cannot combine two arrays of time series")
        default: throw MathFailure("the operator \(rawValue) cannot take \(a.kind) and \(b.kind)")
        }
    }
}

/// Why an expression could not be computed; GetMetricData names the query it came from.
struct MathFailure: Error, Sendable {
    var message: String
    init(_ message: String) { self.message = message }
}
