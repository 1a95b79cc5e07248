import EddyWire
import NIOCore
import NIOHTTP1
import Testing
@testable import EddyHTTP

/// A sink that records what it was given.
final class RecordingSink: RequestBodySink, @unchecked Sendable {
    var received = 0
    var aborted = false

    func write(_ chunk: UnsafeRawBufferPointer) throws(AWSError) { received += chunk.count }
    func finish() throws(AWSError) -> any Sendable { received }
    func abort() { aborted = true }
}

private func request(_ headers: [(String, String)] = []) -> HTTPRequestStateMachine.Request {
    let head = HTTPRequestHead(version: .http1_1, method: .PUT, uri: "/b/k", headers: HTTPHeaders(headers))
    let context = RequestContext(service: "s3", region: "us-east-1", accountId: "000000000000", requestId: "r")
    return .init(head: head, route: .init(target: .unserved("test"), head: RequestHead(method: "PUT", path: "/b/k", query: nil,
                                                                                      headers: Headers(), context: context)))
}

private func chunk(_ n: Int) -> ByteBuffer { ByteBuffer(repeating: 0x61, count: n) }

@Suite struct HTTPRequestStateMachineTests {
    @Test func buffersTheBodyAndDispatchesAtTheEnd() {
        var m = HTTPRequestStateMachine(maxBodyBytes: 10, unchargedBodyBytes: 0)
        guard case .readBody(sendContinue: false) = m.receivedHead(request(), sink: nil) else { Issue.record("head"); return }
        var a = chunk(4), b = chunk(3)
        guard case .none = m.receivedBody(&a), case .none = m.receivedBody(&b) else { Issue.record("body"); return }
        guard case .dispatch(_, let body, let reserved) = m.receivedEnd() else { Issue.record("end"); return }
        #expect(body.count == 7 && reserved == 7)
        #expect(!m.closesWhenIdle)  // an answer is owed
        m.answerWritten()
        #expect(m.closesWhenIdle)
    }

    @Test func answersContinueOnlyWhenTheBodyIsWanted() {
        var m = HTTPRequestStateMachine(maxBodyBytes: 10, unchargedBodyBytes: 0)
        guard case .readBody(sendContinue: true) = m.receivedHead(request([("Expect", "100-continue")]), sink: nil) else {
            Issue.record("continue"); return
        }
        _ = m.receivedEnd()
        // Declared too large: no 100 Continue, the body is read and dropped, 413 and close.
        guard case .refuseBody = m.receivedHead(request([("Expect", "100-continue"), ("Content-Length", "11")]), sink: nil) else {
            Issue.record("refuse"); return
        }
        var c = chunk(11)
        guard case .none = m.receivedBody(&c) else { Issue.record("drop"); return }
        guard case .answer(_, let error, close: true) = m.receivedEnd() else { Issue.record("413"); return }
        #expect(error.status == 413 && error.code == "RequestEntityTooLarge")
    }

    @Test func aBodyThatGrowsTooLargeIsDroppedThenTheConnectionClosed() {
        var m = HTTPRequestStateMachine(maxBodyBytes: 10, unchargedBodyBytes: 0)
        _ = m.receivedHead(request(), sink: nil)
        var first = chunk(8), second = chunk(8)
        _ = m.receivedBody(&first)
        _ = m.receivedBody(&second)
        guard case .discarding = m.state else { Issue.record("not discarding"); return }
        // A client that keeps sending far past its answer is cut off.
        var flood = chunk(50)
        guard case .close = m.receivedBody(&flood) else { Issue.record("not closed"); return }
    }

    @Test func streamsIntoTheServiceSink() {
        var m = HTTPRequestStateMachine(maxBodyBytes: 10, unchargedBodyBytes: 0)
        let sink = RecordingSink()
        // A sink takes bodies of any size; the front's limit does not apply.
        _ = m.receivedHead(request([("Content-Length", "100")]), sink: sink)
        var c = chunk(100)
        guard case .writeToSink(let target) = m.receivedBody(&c) else { Issue.record("sink"); return }
        #expect(target === sink)
        guard case .finishSink = m.receivedEnd() else { Issue.record("finish"); return }
    }

    @Test func aSinkFailureIsAnsweredAtTheEndAndTheRestIsNotWritten() {
        var m = HTTPRequestStateMachine(maxBodyBytes: 10, unchargedBodyBytes: 0)
        _ = m.receivedHead(request(), sink: RecordingSink())
        m.sinkFailed(AWSError(code: "BadDigest", message: "x"))
        var c = chunk(5)
        guard case .none = m.receivedBody(&c) else { Issue.record("wrote after failure"); return }
        guard case .answer(_, let error, close: false) = m.receivedEnd() else { Issue.record("answer"); return }
        #expect(error.code == "BadDigest")
    }

    @Test func aLostConnectionAbortsTheSinkOfTheRequestStillArriving() {
        var m = HTTPRequestStateMachine(maxBodyBytes: 10, unchargedBodyBytes: 0)
        let sink = RecordingSink()
        _ = m.receivedHead(request(), sink: sink)
        #expect(m.channelInactive().sink === sink)
        #expect(m.channelInactive().sink == nil)
    }

    @Test func bodiesBeyondTheSharedAllowanceAreRefusedAndGiveBackWhatTheyTook() {
        var m = HTTPRequestStateMachine(maxBodyBytes: 100, unchargedBodyBytes: 0)
        var left = 6
        let take: (Int) -> Bool = { n in
            guard n <= left else { return false }
            left -= n
            return true
        }
        _ = m.receivedHead(request(), sink: nil)
        var first = chunk(4), second = chunk(4)
        guard case .none = m.receivedBody(&first, take: take) else { Issue.record("first"); return }
        guard case .release(4) = m.receivedBody(&second, take: take) else { Issue.record("not released"); return }
        guard case .answer(_, let error, close: true) = m.receivedEnd() else { Issue.record("not refused"); return }
        #expect(error.status == 503)
        #expect(m.reserved == 0)
    }

    /// Found flooding the server: 64 clients holding all of the allowance with unfinished bodies
    /// made every other client's small request a 503. The first bytes of a body are free.
    @Test func smallBodiesNeverWaitOnTheSharedAllowance() {
        var m = HTTPRequestStateMachine(maxBodyBytes: 100, unchargedBodyBytes: 8)
        var asked: [Int] = []
        let exhausted: (Int) -> Bool = { n in asked.append(n); return false }
        _ = m.receivedHead(request(), sink: nil)
        var small = chunk(8)
        guard case .none = m.receivedBody(&small, take: exhausted) else { Issue.record("small refused"); return }
        guard case .dispatch(_, let body, let reserved) = m.receivedEnd() else { Issue.record("not dispatched"); return }
        #expect(body.count == 8 && reserved == 0 && asked.isEmpty)
        // Past the free part, only what is beyond it is asked for.
        _ = m.receivedHead(request(), sink: nil)
        var first = chunk(6), second = chunk(6)
        _ = m.receivedBody(&first, take: exhausted)
        _ = m.receivedBody(&second, take: exhausted)
        #expect(asked == [4])
        guard case .answer(_, let error, close: true) = m.receivedEnd() else { Issue.record("not refused"); return }
        #expect(error.status == 503)
    }
}
