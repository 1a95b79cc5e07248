import CZlib

/// gzip (RFC 1952) through zlib: Firehose's GZIP output and the request bodies SDKs compress.
public enum Gzip {
    public enum Failure: Error, Equatable, CustomStringConvertible {
        /// The bytes are not a complete gzip stream.
        case malformed
        /// Inflated, they would be longer than allowed (a small body that inflates to gigabytes is refused
        /// as it grows, never held).
        case tooLarge(limit: Int)
        case zlib(String)

        public var description: String {
            switch self {
            case .malformed: "the body is not valid gzip"
            case .tooLarge(let limit): "the body inflates to more than \(limit) bytes"
            case .zlib(let what): what
            }
        }
    }

    /// windowBits 15 + 16 asks zlib for (only) a gzip wrapper.
    static let gzipWindowBits: Int32 = 31

    public static func compress(_ input: [UInt8]) throws(Failure) -> [UInt8] {
        var stream = z_stream()
        guard deflateInit2_(&stream, Z_DEFAULT_COMPRESSION, Z_DEFLATED, gzipWindowBits, 8, Z_DEFAULT_STRATEGY, ZLIB_VERSION,
                            Int32(MemoryLayout<z_stream>.size)) == Z_OK else { throw .zlib("deflateInit2 failed") }
        defer { deflateEnd(&stream) }
        var output = [UInt8](repeating: 0, count: Int(deflateBound(&stream, uLong(input.count))) + 32)
        var input = input
        let produced: Int = input.withUnsafeMutableBufferPointer { inBuf in
            output.withUnsafeMutableBufferPointer { outBuf in
                stream.next_in = inBuf.baseAddress
                stream.avail_in = uInt(inBuf.count)
                stream.next_out = outBuf.baseAddress
                stream.avail_out = uInt(outBuf.count)
                let rc = deflate(&stream, Z_FINISH)
                return rc == Z_STREAM_END ? outBuf.count - Int(stream.avail_out) : -1
            }
        }
        guard produced >= 0 else { throw .zlib("deflate failed") }
        output.removeSubrange(produced...)
        return output
    }

    /// The inflated bytes of one or more concatenated gzip members (RFC 1952 allows several),
    /// at most `limit` of them.
    public static func decompress(_ input: [UInt8], limit: Int) throws(Failure) -> [UInt8] {
        var stream = z_stream()
        guard inflateInit2_(&stream, gzipWindowBits, ZLIB_VERSION, Int32(MemoryLayout<z_stream>.size)) == Z_OK else {
            throw .zlib("inflateInit2 failed")
        }
        defer { inflateEnd(&stream) }
        var output: [UInt8] = []
        var chunk = [UInt8](repeating: 0, count: 64 * 1024)
        var input = input
        var failure: Failure?
        input.withUnsafeMutableBufferPointer { inBuf in
            stream.next_in = inBuf.baseAddress
            stream.avail_in = uInt(inBuf.count)
            // Each pass inflates at most one chunk, so the loop ends: either the input is used up,
            // the output passes the limit, or zlib reports an error.
            while true {
                let rc: Int32 = chunk.withUnsafeMutableBufferPointer { outBuf in
                    stream.next_out = outBuf.baseAddress
                    stream.avail_out = uInt(outBuf.count)
                    return inflate(&stream, Z_NO_FLUSH)
                }
                let produced = chunk.count - Int(stream.avail_out)
                guard produced <= limit - output.count else { failure = .tooLarge(limit: limit); return }
                output.append(contentsOf: chunk[0..<produced])
                switch rc {
                case Z_STREAM_END:
                    if stream.avail_in == 0 { return }
                    // Another member follows.
                    guard inflateReset(&stream) == Z_OK else { failure = .malformed; return }
                case Z_OK:
                    continue
                case Z_BUF_ERROR where produced > 0 && stream.avail_in > 0:
                    continue
                case Z_BUF_ERROR:
                    // No progress: the input ended inside a member.
                    failure = .malformed; return
                default:
                    failure = .malformed; return
                }
            }
        }
        if let failure { throw failure }
        return output
    }
}
