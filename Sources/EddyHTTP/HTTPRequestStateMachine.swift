import EddyWire
import NIOCore
import NIOHTTP1

/// What the request handler does with each part of a request, decided apart from I/O: events
/// (a head, a body chunk, the end, a response written) go in, actions come out, and
/// `HTTPRequestHandler` performs them. One request is read at a time; answers may still be in
/// flight (NIO's pipelining handler keeps them in order).
struct HTTPRequestStateMachine {
    struct Request {
        var head: HTTPRequestHead
        var route: RequestDispatcher.Route
    }

    enum State {
        case idle
        case buffering(Request, ByteBuffer?)
        case streaming(Request, any RequestBodySink, failure: AWSError?)
        /// The answer is already decided (a body too large): read and drop the rest of the body.
        case discarding(Request, AWSError, dropped: Int)
    }

    let maxBodyBytes: Int
    /// The first bytes of each body do not count against the shared allowance, so that clients
    /// holding it all with large unfinished bodies never starve the ordinary small requests of
    /// others (this much per connection is bounded by the connection limit).
    let unchargedBodyBytes: Int
    private(set) var state = State.idle
    /// Answers not yet written (dispatched requests and streams being produced).
    private(set) var inFlight = 0
    /// Bytes of the body being buffered, taken from the allowance all connections share.
    private(set) var reserved = 0

    init(maxBodyBytes: Int, unchargedBodyBytes: Int = ConnectionLimits.unchargedBodyBytes) {
        self.maxBodyBytes = maxBodyBytes
        self.unchargedBodyBytes = unchargedBodyBytes
    }

    // MARK: Events and their actions

    enum HeadAction {
        /// Read the body; `sendContinue` answers an `Expect: 100-continue` first.
        case readBody(sendContinue: Bool)
        /// Do not invite the body: it will be refused (413, a bad signature) once it has been read and dropped.
        case refuseBody
    }

    /// `sink` is the service's streaming sink for this request, when it takes one.
    mutating func receivedHead(_ request: Request, sink: (any RequestBodySink)?) -> HeadAction {
        let expectsContinue = request.head.headers.first(name: "expect")?.lowercased() == "100-continue"
        if let refusal = request.route.refusal {
            // Refused from its head (a bad signature): the body is not invited, nor kept.
            state = .discarding(request, refusal, dropped: 0)
            return .refuseBody
        }
        if let sink {
            state = .streaming(request, sink, failure: nil)
            return .readBody(sendContinue: expectsContinue)
        }
        if let declared = request.head.headers.first(name: "content-length").flatMap({ Int($0) }), declared > maxBodyBytes {
            state = .discarding(request, tooLarge, dropped: 0)
            return .refuseBody
        }
        state = .buffering(request, nil)
        return .readBody(sendContinue: expectsContinue)
    }

    enum BodyAction {
        case none
        /// Give the chunk to the sink (and report a failure with `sinkFailed`).
        case writeToSink(any RequestBodySink)
        /// The body will not be kept: give back what it had taken from the allowance.
        case release(Int)
        /// A client that goes on sending a refused body long after its answer is due.
        case close
    }

    /// `take` asks the shared allowance for room for a chunk.
    mutating func receivedBody(_ chunk: inout ByteBuffer, take: (Int) -> Bool = { _ in true }) -> BodyAction {
        switch state {
        case .idle:
            return .none
        case .buffering(let request, var body):
            let had = body?.readableBytes ?? 0
            if had + chunk.readableBytes > maxBodyBytes {
                state = .discarding(request, tooLarge, dropped: 0)
                return releaseAll()
            }
            let charged = max(0, had + chunk.readableBytes - unchargedBodyBytes) - max(0, had - unchargedBodyBytes)
            guard charged == 0 || take(charged) else {
                state = .discarding(request, busy, dropped: 0)
                return releaseAll()
            }
            reserved += charged
            state = .idle  // drop the reference while appending, so the buffer is not copied
            if body == nil { body = chunk } else { body?.writeBuffer(&chunk) }
            state = .buffering(request, body)
            return .none
        case .streaming(_, let sink, let failure):
            return failure == nil ? .writeToSink(sink) : .none
        case .discarding(let request, let error, let dropped):
            // Keep reading what the client still sends so it can read the answer instead of a
            // reset, but not forever.
            let total = dropped + chunk.readableBytes
            state = .discarding(request, error, dropped: total)
            return total > 4 * maxBodyBytes ? .close : .none
        }
    }

    /// The sink refused a chunk (it has been aborted): the error is answered at the end.
    mutating func sinkFailed(_ error: AWSError) {
        if case .streaming(let request, let sink, nil) = state { state = .streaming(request, sink, failure: error) }
    }

    private mutating func releaseAll() -> BodyAction {
        defer { reserved = 0 }
        return reserved > 0 ? .release(reserved) : .none
    }

    enum EndAction {
        case none
        /// `reserved` goes back to the allowance once the answer is written.
        case dispatch(Request, body: [UInt8], reserved: Int)
        /// Finish the sink, then dispatch what it made (or answer its error).
        case finishSink(Request, any RequestBodySink)
        /// Answer an error the front decided; `close` ends the connection after it.
        case answer(Request, AWSError, close: Bool)
    }

    mutating func receivedEnd() -> EndAction {
        let current = state
        state = .idle
        switch current {
        case .idle:
            return .none
        case .buffering(let request, let body):
            inFlight += 1
            defer { reserved = 0 }
            return .dispatch(request, body: body.map { Array($0.readableBytesView) } ?? [], reserved: reserved)
        case .streaming(let request, let sink, let failure):
            inFlight += 1
            if let failure { return .answer(request, failure, close: false) }
            return .finishSink(request, sink)
        case .discarding(let request, let error, _):
            inFlight += 1
            return .answer(request, error, close: true)
        }
    }

    /// An answer (for a streamed one: its end) has been written.
    mutating func answerWritten() { inFlight = max(0, inFlight - 1) }

    /// Nothing has come for the idle timeout: close unless an answer is still owed.
    var closesWhenIdle: Bool { inFlight == 0 }

    /// The connection is gone: the sink of a request still arriving is to be aborted, and what
    /// its buffered body took is given back.
    mutating func channelInactive() -> (sink: (any RequestBodySink)?, reserved: Int) {
        defer {
            state = .idle
            reserved = 0
        }
        if case .streaming(_, let sink, _) = state { return (sink, reserved) }
        return (nil, reserved)
    }

    var tooLarge: AWSError {
        AWSError(code: "RequestEntityTooLarge", message: "Request body is larger than the \(maxBodyBytes) bytes Eddy accepts.", status: 413)
    }

    var busy: AWSError {
        AWSError(code: "ServiceUnavailable", message: "Eddy is holding as many request bodies as it buffers at once; retry.", status: 503)
    }
}
