import EddyWire

/// ListStreamConsumers: consumers in registration order, paged by MaxResults and NextToken.
extension KinesisAPI.ListStreamConsumers: KinesisAction {
    static func perform(_ input: Input, in c: KinesisContext) throws(KinesisError) -> Output {
        var key = try c.streamKey(name: nil, arn: input.streamARN)
        var after: Int64 = -1
        if let token = input.nextToken {
            guard let (position, issued) = PageToken.decode(token, kind: "consumers"),
                  let decoded = PageToken.parseStreamPosition(position) else {
                throw .invalidArgument("Invalid NextToken.")
            }
            if issued < c.now - PageToken.lifetimeMillis { throw .expiredNextToken("The provided NextToken has expired.") }
            key = decoded.key
            after = decoded.after
        }
        let stream = try c.existingStream(key)
        let all = stream.consumers.filter { !$0.isGone(now: c.now, timing: c.timing) && $0.createdMillis > after }
            .sorted { $0.createdMillis < $1.createdMillis }
        // AWS returns at most 100 however many are asked for.
        let page = all.page(min(input.maxResults ?? 100, 100))
        return Output(consumers: page.map { $0.described(of: stream, c) },
                      nextToken: all.count > page.count ? page.last.map {
                          PageToken.encode(PageToken.streamPosition(key, after: $0.createdMillis), kind: "consumers", now: c.now)
                      } : nil)
    }
}
