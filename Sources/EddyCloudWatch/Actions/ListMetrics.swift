import EddyWire

/// ListMetrics: metrics with data in the last two weeks (or three hours with RecentlyActive),
/// filtered by namespace, name and dimension filters, 500 to a page as AWS pages them.
extension CloudWatchAPI.ListMetrics: CloudWatchAction {
    static let pageSize = 500

    static func perform(_ input: Input, in c: CloudWatchContext) throws(CloudWatchError) -> Output {
        let window: Int64 = input.recentlyActive == .PT3H ? 3 * 3600 : 14 * 86_400
        var offset = 0
        if let token = input.nextToken {
            guard let n = Int(token), n >= 0 else { throw .invalidParameterValue("The value \(token) for parameter NextToken is invalid.") }
            offset = n
        }
        // Eddy has no linked accounts: another account's metrics are not visible from this one.
        if let owner = input.owningAccount, owner != c.request.accountId { return Output(metrics: []) }
        let filters = input.dimensions ?? []
        let found = try c.storage {
            try c.store.metrics(account: c.request.accountId, region: c.request.region, namespace: input.namespace,
                                name: input.metricName, since: c.now / 1000 - window)
        }.filter { m in
            let dims = MetricStore.dimensions(m.dimensions)
            return filters.allSatisfy { f in dims.contains { $0.name == f.name && (f.value == nil || $0.value == f.value) } }
        }
        let page = found.dropFirst(min(offset, found.count)).page(pageSize)
        let next = offset + page.count
        return Output(metrics: page.map { m in
            CloudWatchAPI.Metric(namespace: m.namespace, metricName: m.name,
                                 dimensions: MetricStore.dimensions(m.dimensions).map { CloudWatchAPI.Dimension(name: $0.name, value: $0.value) })
        }, nextToken: next < found.count ? String(next) : nil,
           owningAccounts: input.includeLinkedAccounts == true ? page.map { _ in c.request.accountId } : nil)
    }
}
