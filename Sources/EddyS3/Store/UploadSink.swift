import CCrypto
import Dispatch
import EddyWire
#if canImport(Glibc)
import Glibc
#endif

/// What an upload left behind once its body was complete and verified.
struct UploadedBody: Sendable {
    var temporaryPath: String
    var size: Int
    var md5: [UInt8]
    /// Every checksum the client sent or asked for, base64, verified, and the default one.
    var checksums: [ChecksumAlgorithm: String]
    /// The algorithm S3 computed on its own because the client named none.
    var defaulted: ChecksumAlgorithm? = nil

    /// The checksums the client itself sent or asked for.
    var requested: [ChecksumAlgorithm: String] {
        guard let defaulted else { return checksums }
        return checksums.filter { $0.key != defaulted }
    }
}

/// Streams a PutObject / UploadPart body to a temporary file while hashing it: MD5 for the ETag
/// and the flexible checksum the client named. Decodes `aws-chunked` bodies (signed or not)
/// and verifies trailing checksums. Runs on the connection's event loop, one chunk at a time.
final class UploadSink: RequestBodySink {
    private let path: String
    private let fd: Int32
    private let maxSize: Int
    private let sync: Bool
    private let expected: [ChecksumAlgorithm: String]
    private let expectedMD5: String?
    private var decoder: AWSChunkedDecoder?
    /// With verified signatures, the body's SHA-256 as the signed header declares it.
    private let declaredSHA256: String?
    private let askedForSHA256: Bool
    private let defaulted: ChecksumAlgorithm?
    private var finished = false
    /// Bytes accepted so far (checked against the size limit on the event loop).
    private var size = 0
    /// Hashing and writing run on their own thread so they overlap with receiving: MD5 alone
    /// runs at about the speed of loopback, so doing both on the event loop halves throughput.
    private let worker: HashingWriter

    /// `signing` is the verified signature of the head (`--auth verify`): a signed aws-chunked
    /// body is checked chunk by chunk against it, a plain one against its declared SHA-256.
    /// `defaultChecksum` is computed when the client names no checksum of its own (S3 gives
    /// every new object a CRC-64/NVME).
    init(path: String, headers: Headers, maxSize: Int, sync: Bool, signing: SigningContext? = nil,
         defaultChecksum: ChecksumAlgorithm? = nil) throws(AWSError) {
        // Checksums named first: a refused one leaves no file behind.
        var named: [ChecksumAlgorithm] = []
        do throws(S3Error) {
            try ChecksumAlgorithm.checkHeaders(headers)
            if let sdk = try ChecksumAlgorithm.named(headers["x-amz-sdk-checksum-algorithm"], header: "x-amz-sdk-checksum-algorithm") {
                named.append(sdk)
            }
            if let trailer = headers["x-amz-trailer"] {
                guard let algorithm = ChecksumAlgorithm(header: trailer) else {
                    let lower = trailer.lowercased()
                    let name = lower.hasPrefix("x-amz-checksum-") ? String(lower.dropFirst("x-amz-checksum-".count)).uppercased() : ""
                    throw ChecksumAlgorithm.notComputed.contains(name)
                        ? ChecksumAlgorithm.notSupported(name) : S3Error("InvalidRequest", "The value specified in the x-amz-trailer header is not supported")
                }
                named.append(algorithm)
            }
        } catch {
            throw error.awsError
        }
        self.path = path
        self.maxSize = maxSize
        self.sync = sync
        fd = open(path, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0o644)
        if fd < 0 { throw S3Error.internalError("cannot create \(path)").awsError }
        var expected: [ChecksumAlgorithm: String] = [:]
        for (name, value) in headers { if let a = ChecksumAlgorithm(header: name) { expected[a] = value } }
        self.expected = expected
        expectedMD5 = headers["Content-MD5"]
        var algorithms = Set(expected.keys).union(named)
        defaulted = algorithms.isEmpty ? defaultChecksum : nil
        if let defaulted { algorithms.insert(defaulted) }
        let sha = headers["x-amz-content-sha256"] ?? ""
        askedForSHA256 = algorithms.contains(.sha256)
        declaredSHA256 = signing != nil && Hex.isHex(sha, count: 64) ? sha.lowercased() : nil
        if declaredSHA256 != nil { algorithms.insert(.sha256) }
        let length = Int(headers["x-amz-decoded-content-length"] ?? headers["Content-Length"] ?? "") ?? Int.max
        worker = HashingWriter(fd: fd, algorithms: Array(algorithms), inline: length <= 1 << 20)
        if (headers["Content-Encoding"] ?? "").contains("aws-chunked") || sha.hasPrefix("STREAMING-") {
            decoder = AWSChunkedDecoder(signing: sha.hasPrefix("STREAMING-AWS4-HMAC-SHA256-PAYLOAD") ? signing : nil)
        }
    }

    deinit {
        if !finished {
            worker.drain()
            close(fd)
            unlink(path)
        }
    }

    func write(_ chunk: UnsafeRawBufferPointer) throws(AWSError) {
        if var chunked = decoder {
            decoder = nil  // one owner while it is fed, so its buffers are not copied
            var failure: AWSError?
            chunked.feed(chunk) { payload in
                if failure == nil {
                    do throws(AWSError) { try self.consume(payload) } catch { failure = error }
                }
            }
            decoder = chunked
            if let failure { throw failure }
            if let error = chunked.error { throw error }
        } else {
            try consume(chunk)
        }
    }

    private func consume(_ payload: UnsafeRawBufferPointer) throws(AWSError) {
        size += payload.count
        if size > maxSize {
            throw S3Error("EntityTooLarge", "Your proposed upload exceeds the maximum allowed size", [("MaxSizeAllowed", String(maxSize))]).awsError
        }
        if let failure = worker.failure { throw S3Error.internalError(failure).awsError }
        worker.submit(payload)
    }

    func finish() throws(AWSError) -> any Sendable {
        if let decoder, !decoder.complete {
            throw S3Error("IncompleteBody", "The request body terminated unexpectedly").awsError
        }
        let (md5, hashes) = worker.drain()
        if let failure = worker.failure { throw S3Error.internalError(failure).awsError }
        // With --fsync always the object is on stable storage before it is acknowledged;
        // otherwise it is in the page cache, which a crash of Eddy does not lose.
        if sync && fdatasync(fd) != 0 { throw S3Error.internalError("fsync failed").awsError }
        close(fd)
        finished = true
        if let expectedMD5 {
            guard let sent = try? Base64.decode(expectedMD5), sent.count == 16 else {
                unlink(path)
                throw S3Error("InvalidDigest", "The Content-MD5 you specified was invalid.").awsError
            }
            if sent != md5 {
                unlink(path)
                throw S3Error("BadDigest", "The Content-MD5 you specified did not match what we received.").awsError
            }
        }
        var computed: [ChecksumAlgorithm: String] = [:]
        for (algorithm, digest) in hashes {
            if algorithm == .sha256, let declaredSHA256 {
                let actual = Hex.lower(digest)
                guard actual == declaredSHA256 else {
                    unlink(path)
                    throw AuthFailure.contentHashMismatch(declared: declaredSHA256, computed: actual).awsError(.s3)
                }
                if !askedForSHA256 { continue }
            }
            computed[algorithm] = Base64.encode(digest)
        }
        var sent = expected
        for (name, value) in decoder?.trailers ?? [] {
            if let a = ChecksumAlgorithm(header: name) { sent[a] = value }
        }
        for (algorithm, value) in sent where computed[algorithm] != value {
            unlink(path)
            throw S3Error("BadDigest", "The \(algorithm.rawValue) you specified did not match the calculated checksum.").awsError
        }
        return UploadedBody(temporaryPath: path, size: size, md5: md5, checksums: computed, defaulted: defaulted)
    }

    func abort() {
        guard !finished else { return }
        finished = true
        worker.drain()
        close(fd)
        unlink(path)
    }
}

/// Hashes and writes an upload's bytes in order on two threads of their own (MD5 and the
/// page-cache copy each run at about loopback speed, so they go in parallel). At most
/// `maxQueued` bytes wait; beyond that `submit` waits, slowing the sender instead of growing
/// memory.
final class HashingWriter: @unchecked Sendable {
    // `outstanding` and `failed` are guarded by the mutex; MD5 is only touched by the hashing
    // queue, the flexible checksums only by the writing queue (copying into the page cache
    // leaves it time for a CRC, and MD5 alone keeps the other busy), and both by `drain` once
    // both queues are idle.
    static let maxQueued = 8 << 20
    private let fd: Int32
    private let md5 = DigestChecksum.md5()
    private let hashers: [(ChecksumAlgorithm, RunningChecksum)]
    /// Bytes submitted and not yet done by both stages (each counts once per stage).
    private var outstanding = 0
    private var failed: String?
    // Heap-allocated so their addresses are stable, as pthreads requires.
    private let mutex = UnsafeMutablePointer<pthread_mutex_t>.allocate(capacity: 1)
    private let condition = UnsafeMutablePointer<pthread_cond_t>.allocate(capacity: 1)
    private let hashing = DispatchQueue(label: "eddy.s3.hash")
    private let writing = DispatchQueue(label: "eddy.s3.write")

    /// Small bodies are hashed and written in place: handing them to threads costs more than it saves.
    private let inline: Bool

    init(fd: Int32, algorithms: [ChecksumAlgorithm], inline: Bool) {
        self.fd = fd
        self.inline = inline
        hashers = algorithms.map { ($0, $0.makeHasher()) }
        pthread_mutex_init(mutex, nil)
        pthread_cond_init(condition, nil)
    }

    deinit {
        pthread_mutex_destroy(mutex)
        pthread_cond_destroy(condition)
        mutex.deallocate()
        condition.deallocate()
    }

    var failure: String? {
        pthread_mutex_lock(mutex); defer { pthread_mutex_unlock(mutex) }
        return failed
    }

    func submit(_ bytes: UnsafeRawBufferPointer) {
        if inline {
            md5.update(bytes)
            for (_, h) in hashers { h.update(bytes) }
            done(0, error: Self.write(fd, bytes))
            return
        }
        let chunk = [UInt8](bytes)
        pthread_mutex_lock(mutex)
        while outstanding > 2 * Self.maxQueued { pthread_cond_wait(condition, mutex) }
        outstanding += 2 * chunk.count
        pthread_mutex_unlock(mutex)
        hashing.async {
            chunk.withUnsafeBytes { self.md5.update($0) }
            self.done(chunk.count, error: nil)
        }
        writing.async {
            let error = chunk.withUnsafeBytes { raw in
                let error = Self.write(self.fd, raw)
                for (_, h) in self.hashers { h.update(raw) }
                return error
            }
            self.done(chunk.count, error: error)
        }
    }

    static func write(_ fd: Int32, _ raw: UnsafeRawBufferPointer) -> String? {
        guard let base = raw.baseAddress else { return nil }
        var written = 0
        while written < raw.count {
            let n = Glibc.write(fd, base + written, raw.count - written)
            if n < 0 && errno != EINTR { return "write failed: \(String(cString: strerror(errno)))" }
            if n > 0 { written += n }
        }
        return nil
    }

    private func done(_ count: Int, error: String?) {
        pthread_mutex_lock(mutex)
        outstanding -= count
        if let error, failed == nil { failed = error }
        pthread_cond_broadcast(condition)
        pthread_mutex_unlock(mutex)
    }

    /// Waits until every submitted byte is hashed and written; returns the digests.
    @discardableResult
    func drain() -> (md5: [UInt8], checksums: [(ChecksumAlgorithm, [UInt8])]) {
        pthread_mutex_lock(mutex)
        while outstanding > 0 { pthread_cond_wait(condition, mutex) }
        pthread_mutex_unlock(mutex)
        return (md5.finish(), hashers.map { ($0.0, $0.1.finish()) })
    }
}

/// Decodes the `aws-chunked` content encoding: `hex-size[;chunk-signature=…]\r\n`, the bytes,
/// `\r\n`, …, a zero-size chunk, then trailer lines and an empty line. With a `SigningContext`
/// (`--auth verify`, a `STREAMING-AWS4-HMAC-SHA256-PAYLOAD…` body) each chunk's signature is
/// checked as the chunk ends, each one chained to the one before, and so is the trailer's;
/// otherwise signatures are read past.
package struct AWSChunkedDecoder {
    enum State { case header, data(remaining: Int), dataEnd, trailers, done }
    /// Trailers carry a checksum and a signature: a handful is plenty; more is a flood.
    static let maxTrailers = 16
    var state = State.header
    private var line: [UInt8] = []
    private(set) var trailers: [(String, String)] = []
    private var trailerLines = 0
    package private(set) var error: AWSError?
    package var complete: Bool { if case .done = state { return true }; return false }

    /// The chain of signatures being checked, when the body is signed.
    private struct Chain {
        let signing: SigningContext
        var previous: String
        var chunkSignature: String?
        var trailerSignature: String?
        var chunkHasher: DigestChecksum
    }
    private var chain: Chain?

    package init(signing: SigningContext? = nil) {
        chain = signing.map { Chain(signing: $0, previous: $0.seedSignature, chunkHasher: DigestChecksum(EVP_sha256())) }
    }

    package mutating func feed(_ input: UnsafeRawBufferPointer, _ emit: (UnsafeRawBufferPointer) -> Void) {
        var i = 0
        while i < input.count, error == nil {
            switch state {
            case .header, .trailers, .dataEnd:
                let c = input[i]
                i += 1
                if c != UInt8(ascii: "\n") {
                    line.append(c)
                    if line.count > 8192 { error = bad("chunk header too long") }
                    continue
                }
                if line.last == UInt8(ascii: "\r") { line.removeLast() }
                let text = String(decoding: line, as: UTF8.self)
                line.removeAll(keepingCapacity: true)
                handleLine(text)
            case .data(let remaining):
                let n = min(remaining, input.count - i)
                let piece = UnsafeRawBufferPointer(rebasing: input[i..<(i + n)])
                chain?.chunkHasher.update(piece)
                emit(piece)
                i += n
                if remaining - n == 0 {
                    state = .dataEnd
                    endChunk()
                } else {
                    state = .data(remaining: remaining - n)
                }
            case .done:
                i = input.count  // anything after the final empty line is ignored
            }
        }
    }

    /// A chunk's data is complete: its signature must be the one the chain expects.
    private mutating func endChunk() {
        guard var c = chain else { return }
        let hash = Hex.lower(c.chunkHasher.finish())
        c.chunkHasher = DigestChecksum(EVP_sha256())
        let expected = c.signing.chunkSignature(previous: c.previous, chunkHash: hash)
        guard let sent = c.chunkSignature, HMACDigest.constantTimeEqual(Array(expected.utf8), Array(sent.lowercased().utf8)) else {
            error = AuthFailure.chunkSignatureMismatch.awsError(.s3)
            return
        }
        c.previous = expected
        c.chunkSignature = nil
        chain = c
    }

    private mutating func handleLine(_ text: String) {
        switch state {
        case .dataEnd:
            guard text.isEmpty else { error = bad("chunk data longer than its size"); return }
            state = .header
        case .header:
            let parts = text.split(separator: ";", maxSplits: 1)
            let sizeText = parts.first.map(String.init) ?? ""
            guard sizeText.utf8.count <= 16, let size = Int(sizeText.trimmingSpaces, radix: 16), size >= 0 else {
                error = bad("bad chunk size '\(text.prefix(40))'"); return
            }
            if chain != nil {
                let extensionText = parts.count > 1 ? parts[1] : ""
                chain?.chunkSignature = extensionText.hasPrefix("chunk-signature=") ? String(extensionText.dropFirst(16)) : nil
            }
            if size == 0 {
                state = .trailers
                endChunk()  // the final, empty chunk is signed too
            } else {
                state = .data(remaining: size)
            }
        case .trailers:
            if text.isEmpty {
                state = .done
                endTrailers()
                return
            }
            trailerLines += 1
            guard trailerLines <= Self.maxTrailers else { error = bad("more than \(Self.maxTrailers) trailers"); return }
            guard let colon = text.firstIndex(of: ":") else { error = bad("bad trailer '\(text.prefix(40))'"); return }
            let name = String(text[..<colon]).trimmingSpaces.lowercased()
            let value = String(text[text.index(after: colon)...]).trimmingSpaces
            if name == "x-amz-trailer-signature" { chain?.trailerSignature = value } else { trailers.append((name, value)) }
        default:
            break
        }
    }

    /// With trailers, a signed body ends with their signature.
    private mutating func endTrailers() {
        guard let c = chain, !trailers.isEmpty else { return }
        let expected = c.signing.trailerSignature(previous: c.previous, trailers: trailers)
        guard let sent = c.trailerSignature, HMACDigest.constantTimeEqual(Array(expected.utf8), Array(sent.lowercased().utf8)) else {
            error = AuthFailure.chunkSignatureMismatch.awsError(.s3)
            return
        }
    }

    private func bad(_ what: String) -> AWSError {
        AWSError(code: "InvalidRequest", message: "Malformed aws-chunked body: \(what).", status: 400)
    }
}

extension String {
    var trimmingSpaces: String {
        var s = Substring(self)
        while s.first == " " || s.first == "\t" { s.removeFirst() }
        while s.last == " " || s.last == "\t" { s.removeLast() }
        return String(s)
    }
}
