import EddyWire

/// ListStreams: names and summaries in name order, paged by Limit with
/// ExclusiveStartStreamName or NextToken.
extension KinesisAPI.ListStreams: KinesisAction {
    static func perform(_ input: Input, in c: KinesisContext) throws(KinesisError) -> Output {
        var after = input.exclusiveStartStreamName
        if let token = input.nextToken {
            guard let (name, issued) = PageToken.decode(token, kind: "streams") else { throw .invalidArgument("Invalid NextToken.") }
            if issued < c.now - PageToken.lifetimeMillis { throw .expiredNextToken("The provided NextToken has expired.") }
            after = name
        }
        var streams = c.store.streams(account: c.request.accountId, region: c.request.region, now: c.now)
        if let after { streams = streams.filter { $0.name > after } }
        // AWS returns at most 100 however many are asked for.
        let page = streams.page(min(input.limit ?? 100, 100))
        let hasMore = streams.count > page.count
        return Output(
            streamNames: page.map(\.name), hasMoreStreams: hasMore,
            nextToken: hasMore ? page.last.map { PageToken.encode($0.name, kind: "streams", now: c.now) } : nil,
            streamSummaries: page.map { s in
                KinesisAPI.StreamSummary(streamName: s.name, streamARN: s.arn, streamStatus: s.status(now: c.now, timing: c.timing),
                                         streamModeDetails: s.modeDetails, streamCreationTimestamp: s.creationTimestamp)
            })
    }
}
