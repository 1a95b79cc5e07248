import EddyWire

/// A single `Range: bytes=…` (S3 serves one range per request).
package enum ByteRange {
    /// nil when the header is not a range S3 honours (then the whole object is sent).
    package static func parse(_ header: String, size: Int) throws(S3Error) -> Range<Int>? {
        guard header.hasPrefix("bytes="), !header.contains(",") else { return nil }
        let spec = header.dropFirst(6)
        let parts = spec.split(separator: "-", maxSplits: 1, omittingEmptySubsequences: false)
        guard parts.count == 2 else { return nil }
        let unsatisfiable = S3Error("InvalidRange", "The requested range is not satisfiable", status: 416,
                                    [("RangeRequested", header), ("ActualObjectSize", String(size))])
        if parts[0].isEmpty {
            guard let n = Int(parts[1]) else { return nil }
            guard n > 0, size > 0 else { throw unsatisfiable }
            return max(0, size - n)..<size
        }
        guard let start = Int(parts[0]) else { return nil }
        let end = parts[1].isEmpty ? size - 1 : (Int(parts[1]) ?? -1)
        guard end >= start || parts[1].isEmpty else { return nil }
        guard start < size else { throw unsatisfiable }
        return start..<(min(end, size - 1) + 1)
    }
}