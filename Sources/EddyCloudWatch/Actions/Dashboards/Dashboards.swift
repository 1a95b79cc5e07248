import EddyWire

/// Dashboards belong to an account, not a region (their ARNs have none), as in CloudWatch.
enum Dashboards {
    static func scope(_ c: CloudWatchContext) -> AlarmStore.Scope { AlarmStore.Scope(account: c.request.accountId, region: "") }

    static func arn(_ c: CloudWatchContext, _ name: String) -> String { "arn:aws:cloudwatch::\(c.request.accountId):dashboard/\(name)" }

    static let pageSize = 1000
}

/// PutDashboard: creates or replaces a dashboard once its body passes CloudWatch's checks.
extension CloudWatchAPI.PutDashboard: CloudWatchAction {
    static func perform(_ input: Input, in c: CloudWatchContext) throws(CloudWatchError) -> Output {
        try DashboardBody.checkName(input.dashboardName)
        try DashboardBody.check(input.dashboardBody)
        let created = try c.storage { try c.alarms.dashboard(Dashboards.scope(c), input.dashboardName) } == nil
        try c.storage {
            try c.alarms.putDashboard(Dashboards.scope(c), .init(name: input.dashboardName, body: input.dashboardBody, modifiedMillis: c.now))
            if created, let tags = input.tags, !tags.isEmpty {
                try c.alarms.tag(Dashboards.arn(c, input.dashboardName), tags.map { ($0.key, $0.value) })
            }
        }
        return Output(dashboardValidationMessages: [])
    }
}

extension CloudWatchAPI.GetDashboard: CloudWatchAction {
    static func perform(_ input: Input, in c: CloudWatchContext) throws(CloudWatchError) -> Output {
        guard let d = try c.storage({ try c.alarms.dashboard(Dashboards.scope(c), input.dashboardName) }) else {
            throw .dashboardNotFound("Dashboard \(input.dashboardName) does not exist")
        }
        return Output(dashboardArn: Dashboards.arn(c, d.name), dashboardBody: d.body, dashboardName: d.name)
    }
}

/// ListDashboards: by name prefix, 1,000 to a page.
extension CloudWatchAPI.ListDashboards: CloudWatchAction {
    static func perform(_ input: Input, in c: CloudWatchContext) throws(CloudWatchError) -> Output {
        let all = try c.storage { try c.alarms.dashboards(Dashboards.scope(c), prefix: input.dashboardNamePrefix) }
        var offset = 0
        if let token = input.nextToken {
            guard let n = Int(token), n >= 0, n <= all.count else { throw .invalidParameterValue("The value \(token) for parameter NextToken is invalid.") }
            offset = n
        }
        let page = all.dropFirst(offset).prefix(Dashboards.pageSize)
        return Output(dashboardEntries: page.map {
            CloudWatchAPI.DashboardEntry(dashboardName: $0.name, dashboardArn: Dashboards.arn(c, $0.name),
                                         lastModified: Timestamp(millis: $0.modifiedMillis), size: Int64($0.body.utf8.count))
        }, nextToken: offset + page.count < all.count ? String(offset + page.count) : nil)
    }
}

/// DeleteDashboards: all or nothing; a name that does not exist fails the request.
extension CloudWatchAPI.DeleteDashboards: CloudWatchAction {
    static func perform(_ input: Input, in c: CloudWatchContext) throws(CloudWatchError) -> Output {
        let scope = Dashboards.scope(c)
        let missing = try c.storage { try input.dashboardNames.filter { try c.alarms.dashboard(scope, $0) == nil } }
        if !missing.isEmpty { throw .dashboardNotFound("The specified dashboard does not exist. [\(missing.joined(separator: ", "))]") }
        try c.storage {
            try c.alarms.deleteDashboards(scope, input.dashboardNames)
            for name in input.dashboardNames { try c.alarms.untag(Dashboards.arn(c, name), try c.alarms.tags(Dashboards.arn(c, name)).map(\.0)) }
        }
        return Output()
    }
}
