/// A DynamoDB number: up to 38 significant decimal digits, magnitude 1E-130 to below 1E+126,
/// kept as its digits and never through a binary floating point, so that every value a client
/// stores comes back as the same number.
///
/// `digits` are the significant digits without leading or trailing zeros (empty for zero) and
/// the value is 0.d₁d₂…dₙ × 10^`exponent`.
struct DynamoNumber: Sendable, Hashable, Comparable {
    let negative: Bool
    let digits: [UInt8]
    let exponent: Int

    static let maxDigits = 38
    /// The smallest magnitude is 1E-130 = 0.1 × 10^-129; the largest is below 1E+126.
    static let minExponent = -129
    static let maxExponent = 126

    enum Failure: Error, Equatable {
        case notANumber
        case tooManyDigits
        case overflow
        case underflow
    }

    static let zero = DynamoNumber(negative: false, digits: [], exponent: 0)

    init(negative: Bool, digits: [UInt8], exponent: Int) {
        self.negative = negative && !digits.isEmpty
        self.digits = digits
        self.exponent = digits.isEmpty ? 0 : exponent
    }

    /// Reads a number as DynamoDB accepts it: an optional sign, digits with at most one point,
    /// and an optional exponent (`-1.5E+3`, `.5`, `5.`).
    init(parsing text: String) throws(Failure) {
        let bytes = Array(text.utf8)
        // Longer than any number DynamoDB stores could be written, even with zeros.
        guard !bytes.isEmpty, bytes.count <= 1024 else { throw bytes.isEmpty ? .notANumber : .tooManyDigits }
        var i = 0
        var negative = false
        if bytes[i] == UInt8(ascii: "-") || bytes[i] == UInt8(ascii: "+") {
            negative = bytes[i] == UInt8(ascii: "-")
            i += 1
        }
        var all: [UInt8] = []
        var pointAt: Int?
        var sawDigit = false
        while i < bytes.count {
            let c = bytes[i]
            if c >= UInt8(ascii: "0") && c <= UInt8(ascii: "9") {
                all.append(c - UInt8(ascii: "0"))
                sawDigit = true
            } else if c == UInt8(ascii: ".") && pointAt == nil {
                pointAt = all.count
            } else {
                break
            }
            i += 1
        }
        guard sawDigit else { throw .notANumber }
        var written = 0
        if i < bytes.count {
            guard bytes[i] == UInt8(ascii: "e") || bytes[i] == UInt8(ascii: "E") else { throw .notANumber }
            i += 1
            var exponentNegative = false
            if i < bytes.count, bytes[i] == UInt8(ascii: "-") || bytes[i] == UInt8(ascii: "+") {
                exponentNegative = bytes[i] == UInt8(ascii: "-")
                i += 1
            }
            guard i < bytes.count else { throw .notANumber }
            while i < bytes.count {
                let c = bytes[i]
                guard c >= UInt8(ascii: "0") && c <= UInt8(ascii: "9") else { throw .notANumber }
                // Bounded well past any exponent that could still give a number in range.
                if written < 100_000 { written = written * 10 + Int(c - UInt8(ascii: "0")) }
                i += 1
            }
            if exponentNegative { written = -written }
        }
        // 0.d₁d₂… form: the point sits after `pointAt` digits of `all`.
        let leadingZeros = all.prefix { $0 == 0 }.count
        guard leadingZeros < all.count else {
            self = .zero
            return
        }
        var significant = Array(all[leadingZeros...])
        while significant.last == 0 { significant.removeLast() }
        let exponent = (pointAt ?? all.count) - leadingZeros + written
        guard significant.count <= Self.maxDigits else { throw .tooManyDigits }
        guard exponent <= Self.maxExponent else { throw .overflow }
        guard exponent >= Self.minExponent else { throw .underflow }
        self.init(negative: negative, digits: significant, exponent: exponent)
    }

    /// The number as DynamoDB answers it: plain notation, no exponent, no needless zeros.
    var text: String {
        guard !digits.isEmpty else { return "0" }
        var out: [UInt8] = negative ? [UInt8(ascii: "-")] : []
        let ascii = digits.map { $0 + UInt8(ascii: "0") }
        if exponent <= 0 {
            out += Array("0.".utf8)
            out += [UInt8](repeating: UInt8(ascii: "0"), count: -exponent)
            out += ascii
        } else if exponent >= digits.count {
            out += ascii
            out += [UInt8](repeating: UInt8(ascii: "0"), count: exponent - digits.count)
        } else {
            out += ascii[..<exponent]
            out.append(UInt8(ascii: "."))
            out += ascii[exponent...]
        }
        return String(decoding: out, as: UTF8.self)
    }

    static func < (a: DynamoNumber, b: DynamoNumber) -> Bool {
        if a.negative != b.negative { return a.negative }
        let magnitude = compareMagnitude(a, b)
        return a.negative ? magnitude > 0 : magnitude < 0
    }

    /// -1, 0 or 1 as |a| is below, equal to or above |b|.
    static func compareMagnitude(_ a: DynamoNumber, _ b: DynamoNumber) -> Int {
        if a.digits.isEmpty || b.digits.isEmpty { return a.digits.isEmpty ? (b.digits.isEmpty ? 0 : -1) : 1 }
        if a.exponent != b.exponent { return a.exponent < b.exponent ? -1 : 1 }
        for (x, y) in zip(a.digits, b.digits) where x != y { return x < y ? -1 : 1 }
        return a.digits.count == b.digits.count ? 0 : (a.digits.count < b.digits.count ? -1 : 1)
    }

    /// Bytes that sort (as unsigned bytes, as SQLite compares blobs) in the numbers' order:
    /// a class byte (negative, zero, positive), then for positives the biased exponent and the
    /// digits, for negatives the complement of both, ended so that a shorter prefix sorts first.
    var orderedBytes: [UInt8] {
        guard !digits.isEmpty else { return [0x80] }
        // The exponent was checked to lie in minExponent...maxExponent, 256 values.
        let biased = UInt8(truncatingIfNeeded: exponent - Self.minExponent)
        var out: [UInt8] = []
        out.reserveCapacity(digits.count + 3)
        if negative {
            out.append(0x40)
            out.append(~biased)
            for d in digits { out.append(UInt8(ascii: "9") - d) }
            // A longer negative with the same prefix is smaller: its terminator must sort after.
            out.append(0xFF)
        } else {
            out.append(0xC0)
            out.append(biased)
            for d in digits { out.append(UInt8(ascii: "0") + d) }
            out.append(0x00)
        }
        return out
    }

    /// How many bytes DynamoDB counts for the number in an item's size: about one per two
    /// significant digits, plus one.
    var storedSize: Int { (digits.count + 1) / 2 + 1 }
}

extension DynamoNumber {
    var negated: DynamoNumber { DynamoNumber(negative: !negative, digits: digits, exponent: exponent) }

    /// The exact sum (the result, like any stored number, must fit in 38 digits and the range).
    func adding(_ other: DynamoNumber) throws(Failure) -> DynamoNumber {
        if digits.isEmpty { return other }
        if other.digits.isEmpty { return self }
        // Each is coefficient × 10^(exponent - count); line the coefficients up on the lower scale.
        let scale = Swift.min(exponent - digits.count, other.exponent - other.digits.count)
        let a = digits + [UInt8](repeating: 0, count: exponent - digits.count - scale)
        let b = other.digits + [UInt8](repeating: 0, count: other.exponent - other.digits.count - scale)
        let width = Swift.max(a.count, b.count)
        let x = [UInt8](repeating: 0, count: width - a.count) + a
        let y = [UInt8](repeating: 0, count: width - b.count) + b
        var result: [UInt8]
        var negativeResult = negative
        if negative == other.negative {
            result = Self.add(x, y)
        } else if x.lexicographicallyPrecedes(y) {
            result = Self.subtract(y, x)
            negativeResult = other.negative
        } else {
            result = Self.subtract(x, y)
        }
        let leading = result.prefix { $0 == 0 }.count
        result.removeFirst(leading)
        guard !result.isEmpty else { return .zero }
        let text = (negativeResult ? "-" : "") + String(decoding: result.map { $0 + UInt8(ascii: "0") }, as: UTF8.self) + "E\(scale)"
        return try DynamoNumber(parsing: text)
    }

    /// Digit-wise sums of equally long digit arrays, most significant first.
    static func add(_ x: [UInt8], _ y: [UInt8]) -> [UInt8] {
        var out = [UInt8](repeating: 0, count: x.count + 1)
        var carry: UInt8 = 0
        for i in stride(from: x.count - 1, through: 0, by: -1) {
            let s = x[i] + y[i] + carry
            out[i + 1] = s % 10
            carry = s / 10
        }
        out[0] = carry
        return out
    }

    /// x - y for x ≥ y.
    static func subtract(_ x: [UInt8], _ y: [UInt8]) -> [UInt8] {
        var out = [UInt8](repeating: 0, count: x.count)
        var borrow: UInt8 = 0
        for i in stride(from: x.count - 1, through: 0, by: -1) {
            let subtrahend = y[i] + borrow
            if x[i] >= subtrahend {
                out[i] = x[i] - subtrahend
                borrow = 0
            } else {
                out[i] = x[i] + 10 - subtrahend
                borrow = 1
            }
        }
        return out
    }
}
